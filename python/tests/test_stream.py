"""hush.Stream: chunking, controls, stats, errors, a real-time style loop."""

import math

import numpy as np
import pytest

import hush
from wavio import assert_identical


@pytest.mark.parametrize("fixture", ["speech16k", "speech48k"])
def test_chunked_equals_whole(fixture, request):
    _, audio, rate = request.getfixturevalue(fixture)
    whole = hush.denoise(audio, rate)
    rng = np.random.default_rng(1)
    sizes = [0, 1, 2, 7, 255, 256, 257, 4097, 1, 0]
    with hush.Stream(rate=rate) as stream:
        parts, pos = [], 0
        while pos < audio.size:
            n = sizes[len(parts) % len(sizes)] if len(parts) < 40 else int(rng.integers(1, 3000))
            parts.append(stream.process(audio[pos : pos + n]))
            pos += n
        parts.append(stream.finish())
    assert_identical(np.concatenate(parts), whole)


def per_frame_macs(audio, rate, budget):
    """Executed MACs of every frame: pushes one hop at a time at 16 kHz (one frame per call)."""
    macs = []
    with hush.Stream(rate=rate, budget=budget) as stream:
        hop = round(stream.hop_seconds * rate)
        for start in range(0, audio.size - hop + 1, hop):
            before = stream.last_frame_stats.frames
            stream.process(audio[start : start + hop])
            stats = stream.last_frame_stats
            assert stats.frames - before <= 1
            if stats.frames > before:
                macs.append(stats.executed_macs)
                assert stats.budget == pytest.approx(budget)
                assert 0 < stats.executed_macs <= stats.dense_macs
    return np.array(macs)


def test_budget_changes_executed_macs(speech16k):
    _, audio, rate = speech16k
    full, quarter = per_frame_macs(audio, rate, 1.0), per_frame_macs(audio, rate, 0.25)
    assert full.size == quarter.size > 100
    assert quarter.max() < full.max()
    assert quarter.sum() < 0.8 * full.sum()


def test_budget_and_limit_settable_midstream(speech16k):
    _, audio, rate = speech16k
    with hush.Stream(rate=rate) as stream:
        assert stream.budget == 1.0 and stream.attenuation_limit == 20.0  # the bundled model's
        assert stream.last_frame_stats.frames == 0
        stream.process(audio[:8000])
        first = stream.last_frame_stats
        assert first.frames > 0 and first.budget == 1.0
        assert first.speech_probability == -1.0  # the bundled model has no speech-activity head
        stream.budget = 0.125
        stream.attenuation_limit = math.inf
        assert stream.budget == 0.125 and stream.attenuation_limit == math.inf
        stream.process(audio[8000:16000])
        stats = stream.last_frame_stats
        assert stats.budget == 0.125 and stats.frames > first.frames
        assert stats.active_fraction <= 0.2


def test_properties(speech48k):
    with hush.Stream(rate=48000) as stream:
        assert stream.rate == 48000 and stream.model_rate == 16000
        assert stream.hop_seconds == 0.016
        assert 0 < stream.latency_samples < 48000 // 10
    with hush.Stream(rate=16000) as stream:
        assert 256 <= stream.latency_samples <= 512


def test_errors():
    for rate in (0, 500, 400000):
        with pytest.raises(ValueError):
            hush.Stream(rate=rate)
    with pytest.raises(hush.InvalidArgumentError, match="invalid argument"):
        hush.Stream(rate=999)
    with pytest.raises(hush.InvalidModelError, match="invalid model") as info:
        hush.Stream(model=b"not a model at all")
    assert info.value.status == -2 and isinstance(info.value, hush.HushError)
    with pytest.raises(FileNotFoundError):
        hush.Stream(model="/nonexistent/model.hush")
    stream = hush.Stream()
    for bad in (0, -1, 1.5, math.nan):
        with pytest.raises(ValueError, match="budget"):
            stream.budget = bad
    assert stream.budget == 1.0
    for bad in (0, -3, math.nan):
        with pytest.raises(ValueError, match="attenuation"):
            stream.attenuation_limit = bad
    with pytest.raises(ValueError, match="floating point"):
        stream.process(np.zeros(10, dtype=np.int16))
    with pytest.raises(ValueError, match="1-D"):
        stream.process(np.zeros((10, 2), dtype=np.float32))
    stream.finish()
    with pytest.raises(ValueError, match="finished"):
        stream.process(np.zeros(10, dtype=np.float32))
    stream.close()
    stream.close()
    with pytest.raises(ValueError, match="closed"):
        stream.latency_samples
    with pytest.raises(ValueError):
        hush.denoise(np.zeros((2, 2, 2), dtype=np.float32), 16000)


def test_nan_and_inf_are_sanitised_and_counted(speech16k):
    _, audio, rate = speech16k
    dirty = audio.copy()
    dirty[[100, 5000, 20000]] = [np.nan, np.inf, -np.inf]
    with hush.Stream(rate=rate) as stream:
        out = np.concatenate([stream.process(dirty), stream.finish()])
        assert stream.sanitized_samples == 3
    assert out.size == audio.size and np.isfinite(out).all()


def test_uncompensated_is_delayed_compensated(speech16k):
    _, audio, rate = speech16k
    aligned = hush.denoise(audio, rate)
    raw = hush.denoise(audio, rate, delay_compensation=False)
    delay = 256
    assert raw.size == audio.size
    assert not raw[:delay].any()
    assert_identical(raw[delay:], aligned[:-delay])


def test_streaming_example_constant_pace(speech48k):
    """An audio-callback style loop: fixed 10 ms blocks in, fixed 10 ms blocks out, through a
    FIFO primed with latency_samples of silence; it never underruns and its output is the
    whole-signal result delayed by that latency."""
    _, audio, rate = speech48k
    block = rate // 100
    with hush.Stream(rate=rate) as stream:
        fifo = np.zeros(stream.latency_samples, dtype=np.float32)
        played = []
        for start in range(0, audio.size - block + 1, block):
            fifo = np.concatenate([fifo, stream.process(audio[start : start + block])])
            assert fifo.size >= block, "underrun"
            played.append(fifo[:block])
            fifo = fifo[block:]
        latency = stream.latency_samples
    played = np.concatenate(played)
    whole = hush.denoise(audio[: played.size], rate)
    assert not played[:latency].any()
    assert_identical(played[latency:], whole[: played.size - latency])


def test_folder_example_runs(tmp_path):
    """examples/python/denoise_folder.py on audio-fixtures: runs, reports frames, writes WAVs."""
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, str(repo / "examples" / "python" / "denoise_folder.py"),
         str(repo / "audio-fixtures"), "--budget", "0.25", "--out", str(tmp_path / "clean"),
         "--plot", str(tmp_path / "macs.png")],
        check=True, capture_output=True, text=True, cwd=tmp_path)
    assert "noisy-speech-16k.wav: 2.50 s at 16000 Hz" in result.stdout
    assert "(0 unseen)" in result.stdout
    assert (tmp_path / "clean" / "noisy-speech-16k.wav").stat().st_size == 44 + 2 * 40000


def test_frame_stats_struct_holds_what_the_library_writes(speech16k):
    """The library writes the whole C hush_frame_stats: bytes after the ctypes struct stay untouched
    (a ctypes struct shorter than the C one would be overrun)."""
    import ctypes

    from hush import _native

    class Guarded(ctypes.Structure):
        _fields_ = [("stats", _native.FrameStats), ("canary", ctypes.c_uint8 * 16)]

    _, audio, rate = speech16k
    guarded = Guarded()
    ctypes.memset(ctypes.byref(guarded.canary), 0xA5, 16)
    with hush.Stream(rate=rate) as stream:
        stream.process(audio[:8000])
        status = hush._lib.hush_stream_get_last_frame_stats(stream._live_or_finished(),
                                                            ctypes.byref(guarded.stats))
    assert status == _native.HUSH_OK
    assert guarded.stats.frames > 0 and guarded.stats.speech_probability == -1.0
    assert bytes(guarded.canary) == b"\xa5" * 16


def test_package_version_is_the_library_version():
    """pyproject.toml's version is the library's (Sources/Hush/Common/Version.swift)."""
    import pathlib
    import re

    pyproject = (pathlib.Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert re.search(r'^version = "([^"]+)"$', pyproject, re.M).group(1) == hush.version()
