"""Shared fixtures: the repository, the CLI built in it, the audio fixtures as float32."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wavio import read_wav, write_wav_float  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "audio-fixtures"


@pytest.fixture(scope="session")
def cli():
    """The hush CLI of this tree: $HUSH_CLI, else .build/release/hush, else .build/debug/hush.
    A missing CLI fails the tests that compare with it (never a silent skip)."""
    candidates = [os.environ.get("HUSH_CLI")] if os.environ.get("HUSH_CLI") else [
        REPO / ".build" / "release" / "hush", REPO / ".build" / "debug" / "hush"]
    for path in candidates:
        if path and Path(path).is_file():
            return str(path)
    pytest.fail("no hush CLI: build it (swift build --product hush) or set HUSH_CLI")


@pytest.fixture(scope="session")
def run_cli(cli, tmp_path_factory):
    """run_cli(input_path, *options) -> the float32 output of `hush denoise --float`."""
    folder = tmp_path_factory.mktemp("cli")
    count = [0]

    def run(path, *options):
        count[0] += 1
        out = folder / f"out{count[0]}.wav"
        subprocess.run([cli, "denoise", "--float", *options, str(path), str(out)], check=True,
                       stdout=subprocess.DEVNULL)
        audio, _ = read_wav(out)
        assert audio.shape[1] == 1
        return audio[:, 0]

    return run


@pytest.fixture(scope="session")
def speech16k():
    """(path, float32 mono, rate) of audio-fixtures/noisy-speech-16k.wav (16-bit PCM)."""
    path = FIXTURES / "noisy-speech-16k.wav"
    audio, rate = read_wav(path)
    assert rate == 16000
    return path, audio[:, 0], rate


@pytest.fixture(scope="session")
def speech48k(tmp_path_factory):
    """(path, float32 mono, rate) of audio-fixtures/real-speech-48k.flac, as a float WAV made by
    sox (the CLI reads the same file, so both sides see the same float samples)."""
    if shutil.which("sox") is None:
        pytest.fail("sox is needed to read the FLAC fixture (scripts/install-deps installs it)")
    path = tmp_path_factory.mktemp("fixtures") / "real-speech-48k.wav"
    subprocess.run(["sox", str(FIXTURES / "real-speech-48k.flac"), "-e", "floating-point", "-b", "32",
                    str(path)], check=True)
    audio, rate = read_wav(path)
    assert rate == 48000
    return path, audio[:, 0], rate


@pytest.fixture(scope="session")
def write_float_wav(tmp_path_factory):
    folder = tmp_path_factory.mktemp("written")

    def write(name, audio, rate):
        path = folder / name
        write_wav_float(path, audio, rate)
        return path

    return write

