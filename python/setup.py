"""Build hook: `swift build -c release --product hush-stream` at the repository root, then ship
libhush-stream.so inside the package. Everything else is in pyproject.toml.

Environment:
  HUSH_STREAM_LIB      an already built libhush-stream.so to ship instead of building one
  HUSH_REPO_ROOT       the Hush checkout (default: the folder above this one)
  HUSH_SWIFT_BUILD_ARGS extra `swift build` arguments, e.g. "-j 1"
"""

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py as _build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel as _bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel as _bdist_wheel

LIBRARY = "libhush-stream.so"


def built_library():
    """The path of a libhush-stream.so: $HUSH_STREAM_LIB, or one built with swift now."""
    given = os.environ.get("HUSH_STREAM_LIB")
    if given:
        return Path(given)
    root = Path(os.environ.get("HUSH_REPO_ROOT", Path(__file__).resolve().parent.parent))
    if not (root / "Package.swift").is_file():
        raise SystemExit(
            f"hush: no Package.swift in {root}: build from a Hush checkout (pip install ./python), "
            "or set HUSH_REPO_ROOT, or HUSH_STREAM_LIB to a built libhush-stream.so")
    if shutil.which("swift") is None:
        raise SystemExit("hush: `swift` (6.x) is not on PATH; it builds libhush-stream.so")
    base = ["swift", "build", "-c", "release"] + shlex.split(os.environ.get("HUSH_SWIFT_BUILD_ARGS", ""))
    print("hush: " + " ".join(base + ["--product", "hush-stream"]) + f" (in {root})", flush=True)
    subprocess.run(base + ["--product", "hush-stream"], cwd=root, check=True)
    bin_path = subprocess.run(base + ["--show-bin-path"], cwd=root, check=True,
                              capture_output=True, text=True).stdout.strip()
    return Path(bin_path) / LIBRARY


class build_py(_build_py):
    """The usual build_py, plus libhush-stream.so copied into the built package."""

    def run(self):
        super().run()
        library = built_library()
        if not library.is_file():
            raise SystemExit(f"hush: {library} was not built")
        target = Path(self.build_lib) / "hush" / LIBRARY
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(library, target)


class BinaryDistribution(Distribution):
    """Carries a native library: installed as platform-specific (platlib), not pure Python."""

    def has_ext_modules(self):
        return True


class bdist_wheel(_bdist_wheel):
    """A platform wheel for any Python 3 (ctypes, no extension module): py3-none-<platform>."""

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(distclass=BinaryDistribution, cmdclass={"build_py": build_py, "bdist_wheel": bdist_wheel})
