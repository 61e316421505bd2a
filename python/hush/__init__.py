"""Hush speech enhancement for Python: numpy in, numpy out.

A thin ctypes layer over ``libhush-stream.so`` (``include/hush_stream.h``): the very pipeline
``hush denoise`` and ``hush stream`` run (NaN/Inf sanitising, the 20 Hz DC blocker, libsoxr
resampling to the model's 16 kHz and back, delay compensation, the band above 8 kHz kept at
44.1/48 kHz). For the same mono float audio and options the output is bit-identical to
``hush denoise --float``.

    import numpy as np, hush
    clean = hush.denoise(noisy, 48000)                 # a whole signal
    with hush.Stream(rate=48000, budget=0.5) as s:     # or chunk by chunk, any chunk length
        out = [s.process(chunk) for chunk in chunks]
        out.append(s.finish())
"""

import ctypes
import math
from dataclasses import dataclass

import numpy as np

from . import _native
from ._native import lib as _lib

__all__ = [
    "Stream",
    "FrameStats",
    "HushError",
    "InvalidArgumentError",
    "InvalidModelError",
    "denoise",
    "downmix",
    "version",
]


class HushError(RuntimeError):
    """A non-zero ``hush_status`` from the library; ``status`` is the code, the message is
    ``hush_status_string``'s text (with what was being done)."""

    def __init__(self, status, context=""):
        self.status = status
        text = _lib.hush_status_string(status).decode()
        super().__init__(f"{context}: {text}" if context else text)


class InvalidArgumentError(HushError, ValueError):
    """HUSH_ERR_INVALID_ARGUMENT: a value out of range (rate, budget, attenuation limit...)."""


class InvalidModelError(HushError, ValueError):
    """HUSH_ERR_INVALID_MODEL: the model bytes are not a valid Hush model."""


def _check(status, context=""):
    if status == _native.HUSH_OK:
        return
    kind = {
        _native.HUSH_ERR_INVALID_ARGUMENT: InvalidArgumentError,
        _native.HUSH_ERR_INVALID_MODEL: InvalidModelError,
    }.get(status, HushError)
    raise kind(status, context)


@dataclass(frozen=True)
class FrameStats:
    """Cost and activity of the last frame the network ran (``hush_frame_stats``).

    dense_macs: multiply-accumulates of the dense network (every channel, no gates).
    executed_macs: multiply-accumulates executed, gates included.
    active_fraction: active channels over all gated blocks / their total channels, in [0, 1].
    budget: the budget in force for that frame.
    frames: frames run so far (0: no frame yet, and the other fields are 0 too).
    speech_probability: the model's speech-activity head for that frame, in (0, 1); -1 when the
        model has no head (the bundled model) or no frame has run.
    """

    dense_macs: int
    executed_macs: int
    active_fraction: float
    budget: float
    frames: int
    speech_probability: float


def version():
    """The library's version string (``hush_version``)."""
    return _lib.hush_version().decode()


def _as_float32_1d(audio, what="chunk"):
    """A C-contiguous float32 1-D view or copy of `audio`; ValueError for anything else."""
    array = np.asarray(audio)
    if array.ndim != 1:
        raise ValueError(f"{what} must be 1-D (mono samples), got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"{what} must be floating point (full scale ±1), got dtype {array.dtype}; "
            "scale integer PCM first, e.g. int16 / 32768"
        )
    return np.ascontiguousarray(array, dtype=np.float32)


def _float_pointer(array):
    return array.ctypes.data_as(ctypes.POINTER(ctypes.c_float))


def _model_bytes(model):
    """None (bundled model), bytes-like (a model file's bytes) or a path → bytes or None."""
    if model is None:
        return None
    if isinstance(model, (bytes, bytearray, memoryview)):
        return bytes(model)
    with open(model, "rb") as file:
        return file.read()


class Stream:
    """A streaming denoiser at any sample rate: ``hush_stream`` (``include/hush_stream.h``).

    Stream(rate=16000, model=None, budget=None, attenuation_limit=None, keep_dc=False,
           full_band=True, delay_compensation=True)

    rate: the audio's sample rate in Hz (1000…384000); other rates than the model's 16 kHz go
        through libsoxr's streaming resampler, as in ``hush stream --rate``.
    model: None for the bundled model, a path to a ``.hush`` file, or its bytes.
    budget: in (0, 1]; each gated block computes at most ceil(budget·C) channels
        (None: the model's default).
    attenuation_limit: dB > 0 any bin may be attenuated (``math.inf``: none; None: the model's
        default, 20 dB for the bundled model).
    keep_dc: skip the 20 Hz DC blocker (``--keep-dc``).
    full_band: keep the band above 8 kHz at 44.1/48 kHz (False: ``--no-full-band``).
    delay_compensation: emit output aligned with the input and, after finish(), exactly as
        long (False: ``--no-delay-compensation``, the raw stream delayed by the engine).

    process(chunk) takes any number of float samples and returns what came out (its length
    varies: a hop at a time, through the resamplers' blocks); finish() returns the rest.
    Concatenated, the outputs are what ``hush denoise --float`` writes for the same audio,
    however the input was split. Errors: ``HushError`` (``InvalidArgumentError``,
    ``InvalidModelError``, both also ValueError). Not thread-safe: one stream per thread at a
    time. Use it as a context manager, or call close().
    """

    def __init__(self, rate=16000, model=None, budget=None, attenuation_limit=None,
                 keep_dc=False, full_band=True, delay_compensation=True):
        self._handle = None
        self._finished = False
        data = _model_bytes(model)
        flags = ((_native.HUSH_STREAM_KEEP_DC if keep_dc else 0)
                 | (0 if full_band else _native.HUSH_STREAM_NO_FULL_BAND)
                 | (0 if delay_compensation else _native.HUSH_STREAM_NO_DELAY_COMPENSATION))
        if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or not 0 < rate < 2**32:
            raise ValueError(f"rate must be a positive integer (Hz), got {rate!r}")
        handle = ctypes.c_void_p()
        _check(_lib.hush_stream_create(data, len(data) if data else 0, int(rate), flags,
                                       ctypes.byref(handle)),
               f"hush_stream_create(rate={rate})")
        self._handle = handle
        self._written = ctypes.c_size_t()
        if budget is not None:
            self.budget = budget
        if attenuation_limit is not None:
            self.attenuation_limit = attenuation_limit

    # -- life cycle

    def close(self):
        """Frees the stream (idempotent). Output not yet taken with finish() is dropped."""
        if self._handle is not None:
            _lib.hush_stream_destroy(self._handle)
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _live(self):
        if self._handle is None:
            raise ValueError("operation on a closed hush.Stream")
        if self._finished:
            raise ValueError("operation on a finished hush.Stream (finish() ends it)")
        return self._handle

    # -- audio

    def process(self, chunk):
        """Pushes `chunk` (1-D float32, or float64 converted; full scale ±1; any length, 0 too)
        and returns the float32 samples that came out (possibly none). NaN/Inf samples are
        replaced and counted in ``sanitized_samples``."""
        handle = self._live()
        samples = _as_float32_1d(chunk)
        n = samples.size
        out = np.empty(max(_lib.hush_stream_max_output(handle, n), 1), dtype=np.float32)
        _check(_lib.hush_stream_process(handle, _float_pointer(samples), n, _float_pointer(out),
                                        out.size, ctypes.byref(self._written)),
               "hush_stream_process")
        return out[: self._written.value]

    def finish(self):
        """Ends the stream and returns the rest of the output: the resamplers' and the engine's
        tails, so that all outputs together are as long as all inputs. Afterwards the stream
        only answers its properties and close()."""
        handle = self._live()
        out = np.empty(max(_lib.hush_stream_max_finish(handle), 1), dtype=np.float32)
        _check(_lib.hush_stream_finish(handle, _float_pointer(out), out.size,
                                       ctypes.byref(self._written)), "hush_stream_finish")
        self._finished = True
        return out[: self._written.value]

    # -- controls and queries

    @property
    def budget(self):
        """The budget in (0, 1] (settable; applies from the next frame on)."""
        return float(_lib.hush_stream_get_budget(self._live_or_finished()))

    @budget.setter
    def budget(self, value):
        value = float(value)
        _check(_lib.hush_stream_set_budget(self._live_or_finished(), value),
               f"budget {value!r} (must be in (0, 1])")

    @property
    def attenuation_limit(self):
        """The attenuation limit in dB (settable; ``math.inf``: no limit; from the next frame)."""
        return float(_lib.hush_stream_get_attenuation_limit(self._live_or_finished()))

    @attenuation_limit.setter
    def attenuation_limit(self, value):
        value = math.inf if value is None else float(value)
        _check(_lib.hush_stream_set_attenuation_limit(self._live_or_finished(), value),
               f"attenuation limit {value!r} dB (must be > 0, or math.inf)")

    def _live_or_finished(self):
        if self._handle is None:
            raise ValueError("operation on a closed hush.Stream")
        return self._handle

    @property
    def rate(self):
        """The stream's sample rate, Hz."""
        return int(_lib.hush_stream_rate(self._live_or_finished()))

    @property
    def model_rate(self):
        """The model's sample rate, Hz (16000 for the bundled model)."""
        return int(_lib.hush_stream_model_rate(self._live_or_finished()))

    @property
    def hop_seconds(self):
        """One network frame's hop in seconds (16 ms for the bundled model)."""
        handle = self._live_or_finished()
        return int(_lib.hush_stream_hop_size(handle)) / int(_lib.hush_stream_model_rate(handle))

    @property
    def latency_samples(self):
        """The most input samples that can arrive after a sample before it is emitted (at the
        stream's rate): a fixed delay of this many samples never underruns."""
        return int(_lib.hush_stream_latency_samples(self._live_or_finished()))

    @property
    def sanitized_samples(self):
        """Input samples replaced so far because they were NaN, infinite or absurdly large."""
        return int(_lib.hush_stream_sanitized_samples(self._live_or_finished()))

    @property
    def last_frame_stats(self):
        """A ``FrameStats`` for the last frame the network ran (frames == 0: none yet)."""
        stats = _native.FrameStats()
        _check(_lib.hush_stream_get_last_frame_stats(self._live_or_finished(), ctypes.byref(stats)),
               "hush_stream_get_last_frame_stats")
        return FrameStats(int(stats.dense_macs), int(stats.executed_macs),
                          float(stats.active_fraction), float(stats.budget), int(stats.frames),
                          float(stats.speech_probability))


def downmix(audio):
    """Mono from a (frames, channels) array as the CLI does it: the library's ``hush_downmix``,
    which is the CLI's own code (the channels summed in float32 in order, then times
    float32(1/channels)). A 1-D array is returned as float32."""
    array = np.asarray(audio)
    if array.ndim == 1:
        return _as_float32_1d(array, "audio")
    if array.ndim != 2:
        raise ValueError(f"audio must be 1-D or 2-D (frames, channels), got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"audio must be floating point (full scale ±1), got dtype {array.dtype}")
    if array.shape[1] == 0:
        raise ValueError("audio has no channels")
    interleaved = np.ascontiguousarray(array, dtype=np.float32)  # row-major (frames, channels)
    mono = np.empty(array.shape[0], dtype=np.float32)
    _check(_lib.hush_downmix(_float_pointer(interleaved), array.shape[0], array.shape[1],
                             _float_pointer(mono)), "downmix")
    return mono


def denoise(audio, rate, **options):
    """Denoises a whole signal and returns mono float32 audio of the same length (with the
    default delay compensation).

    audio: 1-D float samples (full scale ±1), or 2-D (frames, channels), downmixed to mono as
        the CLI does (the channels' float32 sum in order times 1/channels, see ``downmix``).
    rate: the sample rate in Hz.
    options: ``Stream``'s keyword options (model, budget, attenuation_limit, keep_dc,
        full_band, delay_compensation).

    The result is bit-identical to ``hush denoise --float`` on the same audio and options.
    """
    mono = downmix(audio)
    with Stream(rate=rate, **options) as stream:
        head = stream.process(mono)
        tail = stream.finish()
    return np.concatenate([head, tail])
