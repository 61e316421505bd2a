#!/usr/bin/env python3
"""Generates the metrics validation set: (clean, degraded) pairs from offline sources only.

usage: generate.py OUT_DIR [--count N]
Writes OUT_DIR/clean/<id>.wav, OUT_DIR/enhanced/<id>.wav (16-bit PCM, mono, 8 or 16 kHz) and
OUT_DIR/pairs.csv (id, rate, description). Deterministic: a fixed seed drives every choice.
Needs: sox, flite, espeak-ng, and pocketsphinx-testdata (downloaded with apt-get, not installed).
"""
import csv, glob, os, subprocess, sys, tempfile
import numpy as np
import soundfile as sf

SEED = 20261125


def sh(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def load(path, rate):
    """Any file sox reads -> mono float64 at `rate`."""
    with tempfile.NamedTemporaryFile(suffix=".wav") as t:
        sh("sox", path, "-r", str(rate), "-c", "1", "-b", "16", t.name)
        x, _ = sf.read(t.name)
    return x


def speech_sources(work):
    """Real recordings (LibriVox, CMU cards) plus flite and espeak-ng voices, 16 kHz."""
    pst = os.path.join(work, "pst")
    if not os.path.isdir(pst):
        sh("bash", "-c", f"cd {work} && apt-get download -qq pocketsphinx-testdata && dpkg -x pocketsphinx-testdata_*.deb pst")
    data = os.path.join(pst, "usr/share/pocketsphinx/test/data")
    files = sorted(glob.glob(data + "/librivox/*.wav")) + sorted(glob.glob(data + "/cards/*.wav"))
    sources = [("real:" + os.path.basename(f), load(f, 16000)) for f in files]
    raw = os.path.join(data, "goforward.raw")
    if os.path.exists(raw):
        with tempfile.NamedTemporaryFile(suffix=".wav") as t:
            sh("sox", "-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1", raw, t.name)
            sources.append(("real:goforward", load(t.name, 16000)))
    sentences = [
        "The birch canoe slid on the smooth planks, and the sky was clear.",
        "Glue the sheet to the dark blue background before the meeting starts.",
        "It is easy to tell the depth of a well when you drop a small stone.",
        "Four hours of steady work faced us, so we kept the noise down.",
    ]
    for i, voice in enumerate(["slt", "kal16", "awb", "rms"]):
        out = os.path.join(work, f"flite-{voice}.wav")
        sh("flite", "-voice", voice, "-t", sentences[i], "-o", out)
        sources.append(("flite:" + voice, load(out, 16000)))
    for i, voice in enumerate(["en-us+f3", "en+m3", "en-gb+f2"]):
        out = os.path.join(work, f"espeak-{i}.wav")
        sh("espeak-ng", "-v", voice, "-s", "150", "-w", out, sentences[(i + 1) % 4])
        sources.append(("espeak:" + voice, load(out, 16000)))
    return [(name, x / np.max(np.abs(x)) * 0.5) for name, x in sources if len(x) > 16000]


def colored_noise(rng, n, kind):
    w = rng.standard_normal(n)
    if kind == "white":
        return w
    spectrum = np.fft.rfft(w)
    f = np.arange(len(spectrum)) + 1.0
    spectrum /= np.sqrt(f) if kind == "pink" else f
    return np.fft.irfft(spectrum, n)


def noise(rng, n, rate, kind, sources):
    if kind in ("white", "pink", "brown"):
        return colored_noise(rng, n, kind)
    t = np.arange(n) / rate
    if kind == "hum":
        return sum(np.sin(2 * np.pi * h * 50 * t) / h for h in (1, 3, 5, 7)) + 0.1 * rng.standard_normal(n)
    if kind == "babble":
        out = np.zeros(n)
        for _ in range(4):
            _, s = sources[rng.integers(len(sources))]
            s = np.resize(s, n + rate)
            start = rng.integers(rate)
            out += s[start:start + n]
        return out
    if kind == "modulated":
        return colored_noise(rng, n, "pink") * (1 + np.sin(2 * np.pi * 4 * t))
    raise ValueError(kind)


def add_at_snr(x, v, snr):
    px, pv = np.mean(x ** 2), np.mean(v ** 2) + 1e-20
    return x + v * np.sqrt(px / pv / 10 ** (snr / 10))


def sox_effect(x, rate, *effect, out_type=None):
    """Runs x through a sox chain (e.g. a codec round trip); returns the same length."""
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a.wav"), os.path.join(d, "b." + (out_type or "wav"))
        sf.write(a, x, rate, subtype="FLOAT")
        if out_type:
            sh("sox", a, "-r", "8000", "-c", "1", *effect, b)  # format options
            y = load(b, rate)
        else:
            sh("sox", a, "-b", "32", "-e", "floating-point", os.path.join(d, "c.wav"), *effect)
            y, _ = sf.read(os.path.join(d, "c.wav"))
    y = np.resize(y, len(x)) if len(y) >= len(x) else np.concatenate([y, np.zeros(len(x) - len(y))])
    return y


def degrade(rng, x, rate, sources):
    """One random degradation; returns (degraded, description)."""
    family = rng.choice(["noise", "noise", "noise", "codec", "clip", "delay", "level", "filter", "mixed"])
    n = len(x)
    if family == "noise":
        kind = rng.choice(["white", "pink", "brown", "hum", "babble", "modulated"])
        snr = int(rng.choice([-5, 0, 5, 10, 15, 20, 25, 30]))
        return add_at_snr(x, noise(rng, n, rate, kind, sources), snr), f"{kind} noise {snr} dB"
    if family == "codec":
        codec = rng.choice(["gsm", "ulaw", "alaw", "ima-adpcm"])
        if codec == "gsm":
            y = sox_effect(x, rate, out_type="gsm")
        elif codec == "ima-adpcm":
            y = sox_effect(x, rate, "-e", "ima-adpcm", out_type="wav")
        else:
            y = sox_effect(x, rate, "-e", "u-law" if codec == "ulaw" else "a-law", out_type="wav")
        snr = int(rng.choice([10, 20, 30, 99]))
        if snr < 99:
            y = add_at_snr(y, noise(rng, n, rate, "pink", sources), snr)
        return y, f"codec {codec} 8 kHz" + (f" + pink {snr} dB" if snr < 99 else "")
    if family == "clip":
        level = float(rng.choice([0.05, 0.1, 0.2, 0.3]))
        return np.clip(x, -level, level), f"clipping at {level}"
    if family == "delay":
        delay = int(rng.integers(int(0.01 * rate), int(0.4 * rate)))
        y = np.concatenate([np.zeros(delay), x])
        desc = f"delay {delay} samples"
        if rng.random() < 0.5:
            # A delay change mid-file: silence inserted in a pause, as a VoIP jitter buffer does.
            where = int(rng.integers(n // 3, 2 * n // 3))
            gap = int(rng.integers(int(0.02 * rate), int(0.2 * rate)))
            y = np.concatenate([y[:delay + where], np.zeros(gap), y[delay + where:]])
            desc += f", +{gap} at {where}"
        snr = int(rng.choice([5, 15, 30]))
        y = add_at_snr(y, noise(rng, len(y), rate, "white", sources), snr)
        return y, desc + f", white {snr} dB"
    if family == "level":
        gain = float(rng.choice([0.05, 0.2, 0.5, 1.5]))
        snr = int(rng.choice([0, 10, 20]))
        y = add_at_snr(x, noise(rng, n, rate, "pink", sources), snr) * gain
        return y, f"level x{gain}, pink {snr} dB"
    if family == "filter":
        effect = rng.choice(["lowpass", "highpass", "bandpass", "overdrive", "reverb"])
        args = {"lowpass": ["lowpass", "2500"], "highpass": ["highpass", "600"],
                "bandpass": ["sinc", "300-3400"], "overdrive": ["overdrive", "20"],
                "reverb": ["reverb", "50"]}[effect]
        y = sox_effect(x, rate, *args)
        return y, f"sox {' '.join(args)}"
    # mixed: noise, then clipping and a level change
    kind = rng.choice(["white", "babble", "pink"])
    snr = int(rng.choice([-5, 0, 5, 10]))
    y = np.clip(add_at_snr(x, noise(rng, n, rate, kind, sources), snr) * 2, -0.6, 0.6)
    return y, f"{kind} {snr} dB, x2 and clipped at 0.6"


def main():
    out = sys.argv[1]
    count = int(sys.argv[sys.argv.index("--count") + 1]) if "--count" in sys.argv else 320
    work = os.environ.get("HUSH_VALIDATION_WORK") or tempfile.mkdtemp()
    os.makedirs(os.path.join(out, "clean"), exist_ok=True)
    os.makedirs(os.path.join(out, "enhanced"), exist_ok=True)
    sources = speech_sources(work)
    rng = np.random.default_rng(SEED)
    rows = []
    for i in range(count):
        rate = 16000 if i % 3 else 8000
        name, s = sources[i % len(sources)]
        x = s if rate == 16000 else load_resampled(s, rate)
        # Up to 8 s, starting anywhere, so the set has several lengths.
        seconds = float(rng.uniform(3, 8))
        if len(x) > seconds * rate:
            start = int(rng.integers(0, len(x) - int(seconds * rate)))
            x = x[start:start + int(seconds * rate)]
        y, desc = degrade(rng, x, rate, [(n, v if rate == 16000 else v[::2]) for n, v in sources])
        peak = max(np.max(np.abs(y)), 1e-9)
        if peak > 0.99:  # 16-bit files cannot hold more: scale both, keep their ratio
            x, y = x * 0.99 / peak, y * 0.99 / peak
        pid = f"p{i:03d}"
        sf.write(os.path.join(out, "clean", pid + ".wav"), x, rate, subtype="PCM_16")
        sf.write(os.path.join(out, "enhanced", pid + ".wav"), y, rate, subtype="PCM_16")
        rows.append((pid, rate, name, desc))
    with open(os.path.join(out, "pairs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "rate", "source", "degradation"])
        w.writerows(rows)


def load_resampled(x, rate):
    with tempfile.TemporaryDirectory() as d:
        a = os.path.join(d, "a.wav")
        sf.write(a, x, 16000, subtype="FLOAT")
        return load(a, rate)


if __name__ == "__main__":
    main()
