"""hush.denoise and hush.Stream against `hush denoise --float`: the same float32 bits."""

import numpy as np
import pytest

import hush
from wavio import assert_identical


def test_16k_bit_identical(speech16k, run_cli):
    path, audio, rate = speech16k
    assert_identical(hush.denoise(audio, rate), run_cli(path))


def test_48k_bit_identical(speech48k, run_cli):
    path, audio, rate = speech48k
    assert_identical(hush.denoise(audio, rate), run_cli(path))


@pytest.mark.parametrize("fixture", ["speech16k", "speech48k"])
def test_options_bit_identical(fixture, request, run_cli):
    path, audio, rate = request.getfixturevalue(fixture)
    ours = hush.denoise(audio, rate, budget=0.3, attenuation_limit=12, keep_dc=True,
                        full_band=False)
    theirs = run_cli(path, "--budget", "0.3", "--attenuation-limit", "12", "--keep-dc",
                     "--no-full-band")
    assert_identical(ours, theirs)


def test_no_attenuation_limit_bit_identical(speech16k, run_cli):
    path, audio, rate = speech16k
    import math
    assert_identical(hush.denoise(audio, rate, attenuation_limit=math.inf),
                     run_cli(path, "--attenuation-limit", "none"))


def test_stereo_downmix_like_cli(speech16k, run_cli, write_float_wav):
    _, audio, rate = speech16k
    noise = np.random.default_rng(7).standard_normal(audio.size).astype(np.float32) * 0.05
    stereo = np.stack([audio, audio * np.float32(0.3) + noise], axis=1)
    path = write_float_wav("stereo.wav", stereo, rate)
    assert_identical(hush.denoise(stereo, rate), run_cli(path))


def test_downmix_is_the_library_s(speech16k):
    # Three channels, column-major (not interleaved in memory): summed in order, times 1/3, in float32.
    _, audio, _ = speech16k
    frames = np.asfortranarray(np.stack([audio, -0.5 * audio, audio[::-1]], axis=1))
    expected = ((frames[:, 0] + frames[:, 1]) + frames[:, 2]) * (np.float32(1) / np.float32(3))
    assert np.array_equal(hush.downmix(frames), expected)
    assert hush.downmix(np.zeros((0, 2), np.float32)).shape == (0,)
    for bad in (np.zeros((5, 0), np.float32), np.zeros((2, 2, 2), np.float32), np.zeros((5, 2), np.int16)):
        with pytest.raises(ValueError):
            hush.downmix(bad)


def test_model_path_and_bytes_equal_bundled(speech16k):
    from pathlib import Path
    _, audio, rate = speech16k
    model = Path(__file__).resolve().parents[2] / "models" / "hush-default.hush"
    bundled = hush.denoise(audio, rate)
    assert_identical(hush.denoise(audio, rate, model=model), bundled)
    assert_identical(hush.denoise(audio, rate, model=model.read_bytes()), bundled)


def test_float64_input_is_converted(speech16k):
    _, audio, rate = speech16k
    assert_identical(hush.denoise(audio.astype(np.float64), rate), hush.denoise(audio, rate))
