/// The library's version, the one place it is written: `hush_version()` and `hush --version`
/// read it, and the Python package's test checks `pyproject.toml` against it. Bump the minor
/// version when a C struct or the model format changes.
public enum HushVersion {
    /// The version as a static C-compatible string, e.g. "0.2.0".
    public static let string: StaticString = "0.2.0"
}
