/// Why an audio file could not be read or written. Each case renders as one line for the CLI.
public enum AudioFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No file at the path.
    case notFound(path: String)
    /// The path names a directory.
    case isDirectory(path: String)
    /// libsndfile could not open it as audio (not audio, truncated or corrupt header, …).
    case unreadable(path: String, reason: String)
    /// The file opened but holds no samples.
    case empty(path: String)
    /// Reading stopped early because of an error inside the file.
    case readFailed(path: String, reason: String)
    /// The output could not be created or written.
    case unwritable(path: String, reason: String)
    /// The output path is the input path and overwriting was not asked for.
    case wouldOverwriteInput(path: String)
    /// The output exists and replacing it was not asked for.
    case outputExists(path: String)
    /// The output is the same file as an input (or as another output).
    case sameFile(path: String, other: String, otherIsInput: Bool)
    /// The output file name's extension names no format Hush writes.
    case unsupportedOutputFormat(path: String)
    /// The resampler failed.
    case resampling(reason: String)

    /// A one-line explanation naming the path.
    public var description: String {
        switch self {
        case .notFound(let p): return "\(p): no such file"
        case .isDirectory(let p): return "\(p): is a directory, not an audio file"
        case .unreadable(let p, let r): return "\(p): not a readable audio file (\(r))"
        case .empty(let p): return "\(p): contains no audio samples"
        case .readFailed(let p, let r): return "\(p): read failed (\(r))"
        case .unwritable(let p, let r): return "\(p): cannot write output (\(r))"
        case .wouldOverwriteInput(let p):
            return "\(p): output is the input file; pass --overwrite (-f) to replace it"
        case .outputExists(let p):
            return "\(p): already exists; pass --overwrite (-f) to replace it"
        case .sameFile(let p, let other, let isInput):
            return "\(p): is the same file as \(isInput ? "the input" : "another output") \(other); refusing to write it"
        case .unsupportedOutputFormat(let p):
            return "\(p): unsupported output extension (use .wav or .flac)"
        case .resampling(let r): return "resampling failed: \(r)"
        }
    }
}
