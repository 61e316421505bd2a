"""WAV ↔ raw float helpers for the test scripts (test-ladspa, test-pipewire, firmware-check),
standard library only (CI's system python has no numpy); python/tests reads WAVs through
`read_wav_format` too.

  wavfile.py to-f32 IN.wav OUT.f32              16-bit PCM (x / 32768, as libsndfile reads it) or
                                             32-bit float WAV to raw little-endian float32
  wavfile.py compare REF.wav OUT LATENCY TOL LABEL
      OUT (a .f32 raw file or a WAV) must be REF delayed by LATENCY samples: its first LATENCY
      samples silent and the rest within TOL of REF (TOL 0: bit for bit), same length. TOL as
      "-40dB" bounds the energy of the difference relative to REF's instead of each sample.
  wavfile.py correlate REF.wav REC.wav MIN LABEL
      REC (recorded from a live graph, starting at an unknown time) must contain REF: the
      correlation coefficient at the best lag must be at least MIN.
"""
import math
import struct
import sys
from array import array


def read_wav_format(path):
    """(format code, channels, rate, bits per sample, the data chunk's bytes) of a RIFF/WAVE file,
    WAVE_FORMAT_EXTENSIBLE resolved to its sub-format's code. Raises ValueError."""
    data = open(path, "rb").read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a RIFF/WAVE file")
    fmt, pos, samples = None, 12, None
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8:pos + 8 + size]
        if tag == b"fmt ":
            code, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if code == 0xFFFE:  # extensible: the sub-format GUID starts with the format code
                code = struct.unpack_from("<H", body, 24)[0]
            fmt = (code, channels, rate, bits)
        elif tag == b"data":
            samples = body
        pos += 8 + size + (size & 1)
    if fmt is None or samples is None:
        raise ValueError(f"{path}: no fmt or data chunk")
    return fmt + (samples,)


def read_wav(path):
    """Mono samples as Python floats (16-bit PCM as x / 32768, or 32-bit float)."""
    try:
        code, channels, _, bits, samples = read_wav_format(path)
    except ValueError as error:
        raise SystemExit(str(error))
    if channels != 1:
        raise SystemExit(f"{path}: {channels} channels, expected mono")
    if code == 1 and bits == 16:
        return [x / 32768.0 for x in array("h", samples[: len(samples) // 2 * 2])]
    if code == 3 and bits == 32:
        out = array("f")
        out.frombytes(samples[: len(samples) // 4 * 4])
        return list(out)
    raise SystemExit(f"{path}: format {code}/{bits} bits not handled")


def read_any(path):
    if path.endswith(".f32"):
        out = array("f")
        out.frombytes(open(path, "rb").read())
        return list(out)
    return read_wav(path)


def correlate(ref, rec):
    """Best lag of `ref` inside `rec` and the correlation coefficient there. The lag is first
    found from the onsets (first sample above a tenth of each peak), then refined by correlation
    over ±2000 samples around it on a 4000-sample excerpt (plain Python: no numpy in CI)."""
    def onset(x):
        peak = max(abs(v) for v in x)
        return next(i for i, v in enumerate(x) if abs(v) > peak / 10)
    guess = onset(rec) - onset(ref)
    start = onset(ref)
    excerpt = ref[start:start + 4000]

    def dot_at(lag):
        seg = rec[start + lag:start + lag + len(excerpt)]
        return sum(a * b for a, b in zip(seg, excerpt)) if len(seg) == len(excerpt) else float("-inf")
    lag = max(range(max(-start, guess - 2000), guess + 2001), key=dot_at)
    seg = rec[lag:lag + len(ref)]
    if lag < 0 or len(seg) < len(ref):
        return lag, 0.0
    num = sum(a * b for a, b in zip(seg, ref))
    den = (sum(a * a for a in seg) * sum(b * b for b in ref)) ** 0.5
    return lag, num / den if den > 0 else 0.0


def main():
    if sys.argv[1] == "correlate":
        _, _, ref_path, rec_path, minimum, label = sys.argv
        lag, r = correlate(read_wav(ref_path), read_wav(rec_path))
        ok = r >= float(minimum)
        print(f"{'ok' if ok else 'FAIL'} {label}: correlation {r:.4f} with hush denoise at lag {lag} (minimum {minimum})")
        if not ok:
            raise SystemExit(1)
        return
    if sys.argv[1] == "to-f32":
        array("f", read_wav(sys.argv[2])).tofile(open(sys.argv[3], "wb"))
        return
    _, _, ref_path, out_path, latency, tol_text, label = sys.argv
    ref, out, latency = read_wav(ref_path), read_any(out_path), int(latency)
    relative = tol_text.endswith("dB")
    tol = float(tol_text[:-2] if relative else tol_text)
    if len(out) != len(ref):
        raise SystemExit(f"FAIL {label}: {len(out)} samples out, {len(ref)} in")
    lead = max((abs(x) for x in out[:latency]), default=0.0)
    worst = max((abs(a - b) for a, b in zip(out[latency:], ref)), default=0.0)
    exact = tol == 0 and not relative and all(a == b for a, b in zip(out[latency:], ref))
    if relative:
        error = sum((a - b) ** 2 for a, b in zip(out[latency:], ref))
        energy = sum(b * b for b in ref)
        level = 10 * math.log10(error / energy) if error > 0 and energy > 0 else -math.inf
        ok = lead == 0 and level <= tol
        verdict = f"difference {level:.1f} dB of the signal's energy (limit {tol:g} dB), max abs {worst:.3g}"
    else:
        ok = lead == 0 and (exact if tol == 0 else worst <= tol)
        verdict = "identical" if exact else f"max abs difference {worst:.3g} (tolerance {tol:g})"
    print(f"{'ok' if ok else 'FAIL'} {label}: latency {latency}, {len(ref) - latency} samples compared, {verdict}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
