"""ctypes declarations for libhush-stream.so (include/hush_stream.h and include/hush.h)."""

import ctypes
import os
from pathlib import Path

LIBRARY_NAME = "libhush-stream.so"

HUSH_OK = 0
HUSH_ERR_INVALID_ARGUMENT = -1
HUSH_ERR_INVALID_MODEL = -2
HUSH_ERR_BUFFER_TOO_SMALL = -3
HUSH_ERR_FFT_UNAVAILABLE = -4

HUSH_STREAM_KEEP_DC = 1
HUSH_STREAM_NO_FULL_BAND = 2
HUSH_STREAM_NO_DELAY_COMPENSATION = 4


class FrameStats(ctypes.Structure):
    """hush_frame_stats."""

    _fields_ = [
        ("dense_macs", ctypes.c_uint64),
        ("executed_macs", ctypes.c_uint64),
        ("active_fraction", ctypes.c_float),
        ("budget", ctypes.c_float),
        ("frames", ctypes.c_uint64),
        ("speech_probability", ctypes.c_float),
    ]


def _library_path():
    """$HUSH_STREAM_LIB if set, else the copy shipped inside the package."""
    override = os.environ.get("HUSH_STREAM_LIB")
    if override:
        return override
    return str(Path(__file__).resolve().parent / LIBRARY_NAME)


def _load():
    path = _library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as error:
        raise ImportError(
            f"hush: cannot load {path}: {error}. The package ships libhush-stream.so, built by "
            "`swift build -c release --product hush-stream` when it was installed; it needs the "
            "Swift runtime at the path it was built with (see `readelf -d`), libsoxr, libsndfile "
            "and FFTW (Debian: libsoxr0 libsndfile1 libfftw3-single3). Set HUSH_STREAM_LIB to "
            "use another copy."
        ) from error

    vp = ctypes.c_void_p
    size = ctypes.c_size_t
    fptr = ctypes.POINTER(ctypes.c_float)
    P = ctypes.POINTER

    def fn(name, restype, *argtypes):
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = list(argtypes)

    fn("hush_status_string", ctypes.c_char_p, ctypes.c_int)
    fn("hush_version", ctypes.c_char_p)
    # hush_stream.h
    fn("hush_stream_create", ctypes.c_int, ctypes.c_char_p, size, ctypes.c_uint32, ctypes.c_uint, P(vp))
    fn("hush_stream_destroy", None, vp)
    fn("hush_stream_max_output", size, vp, size)
    fn("hush_stream_process", ctypes.c_int, vp, fptr, size, fptr, size, P(size))
    fn("hush_stream_max_finish", size, vp)
    fn("hush_stream_finish", ctypes.c_int, vp, fptr, size, P(size))
    fn("hush_stream_set_budget", ctypes.c_int, vp, ctypes.c_float)
    fn("hush_stream_set_attenuation_limit", ctypes.c_int, vp, ctypes.c_float)
    fn("hush_stream_get_last_frame_stats", ctypes.c_int, vp, P(FrameStats))
    fn("hush_stream_rate", ctypes.c_uint32, vp)
    fn("hush_stream_latency_samples", size, vp)
    fn("hush_stream_sanitized_samples", ctypes.c_uint64, vp)
    fn("hush_stream_get_budget", ctypes.c_float, vp)
    fn("hush_stream_get_attenuation_limit", ctypes.c_float, vp)
    fn("hush_stream_model_rate", ctypes.c_uint32, vp)
    fn("hush_stream_hop_size", size, vp)
    fn("hush_downmix", ctypes.c_int, fptr, size, ctypes.c_uint, fptr)
    return lib


lib = _load()
