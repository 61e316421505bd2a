"""Minimal WAV reading and writing for the tests (standard library + numpy; no soundfile):
PCM 16/24/32-bit and 32-bit float, plain or WAVE_FORMAT_EXTENSIBLE."""

import struct
import sys
from pathlib import Path

import numpy as np

# The RIFF chunk walk is the test scripts' (standard library only); numpy decodes here.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "support"))
from wavfile import read_wav_format  # noqa: E402


def read_wav(path):
    """(float32 array of shape (frames, channels), rate). PCM is scaled by 1/2^(bits-1), as
    libsndfile does."""
    tag, channels, rate, bits, samples = read_wav_format(path)
    if tag == 3 and bits == 32:
        audio = np.frombuffer(samples, dtype="<f4")
    elif tag == 1 and bits == 16:
        audio = np.frombuffer(samples, dtype="<i2").astype(np.float32) / np.float32(32768)
    elif tag == 1 and bits == 24:
        raw = np.frombuffer(samples, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = (raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)) << 8 >> 8
        audio = ints.astype(np.float32) / np.float32(2**23)
    elif tag == 1 and bits == 32:
        audio = (np.frombuffer(samples, dtype="<i4").astype(np.float64) / 2**31).astype(np.float32)
    else:
        raise ValueError(f"{path}: unsupported WAV format {tag}, {bits} bits")
    return audio.astype(np.float32).reshape(-1, channels), rate


def write_wav_float(path, audio, rate):
    """Writes (frames, channels) or 1-D float32 audio as a 32-bit float WAV."""
    audio = np.asarray(audio, dtype="<f4")
    if audio.ndim == 1:
        audio = audio[:, None]
    channels = audio.shape[1]
    payload = audio.tobytes()
    fmt = struct.pack("<HHIIHH", 3, channels, rate, rate * 4 * channels, 4 * channels, 32)
    with open(path, "wb") as file:
        file.write(struct.pack("<4sI4s", b"RIFF", 4 + 8 + len(fmt) + 8 + len(payload), b"WAVE"))
        file.write(struct.pack("<4sI", b"fmt ", len(fmt)) + fmt)
        file.write(struct.pack("<4sI", b"data", len(payload)) + payload)


def assert_identical(actual, expected):
    assert actual.dtype == np.float32
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    if not np.array_equal(actual, expected):
        diff = np.flatnonzero(actual != expected)
        raise AssertionError(f"{diff.size} samples differ, first at {diff[0]}, max |diff| "
                             f"{np.abs(actual - expected).max():g}")
