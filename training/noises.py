"""Procedural noise generators (numpy, seeded). Used on the fly for training and, with disjoint
seeds and held-out parameter ranges / types, for the evaluation set.

Kinds: colored (random spectral tilt + smooth random EQ), modulated (colored noise under a random
envelope), impulsive (decaying clicks / knocks), keyboard (short filtered bursts with sharp attack),
hum (mains-like fundamental with random harmonics, slight drift), tonal (beeps / whistles),
babble (overlapped TTS utterances passed in by the caller).
"""
import numpy as np

SR = 16000


def _shape_spectrum(rng, n, tilt=None):
    W = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SR)
    tilt = rng.uniform(-1.0, 2.2) if tilt is None else tilt  # 0 white, 1 pink, 2 brown
    g = 1.0 / np.maximum(f, 20.0) ** (tilt / 2)
    # smooth random EQ: a few gaussian bumps/dips on a log-frequency axis
    lf = np.log2(np.maximum(f, 20.0))
    for _ in range(rng.integers(0, 4)):
        c = rng.uniform(np.log2(60), np.log2(7500)); w = rng.uniform(0.2, 1.5); a = rng.uniform(-15, 15)
        g = g * 10 ** (a / 20 * np.exp(-0.5 * ((lf - c) / w) ** 2))
    if rng.random() < 0.3:  # band limit
        g = g * (f < rng.uniform(1500, 8000))
    y = np.fft.irfft(W * g, n=n)
    return y / (np.std(y) + 1e-12)


def colored(rng, n):
    return _shape_spectrum(rng, n)


def envelope(rng, n):
    t = np.arange(n) / SR
    kind = rng.integers(0, 3)
    if kind == 0:  # LFO
        e = 1 + rng.uniform(0.3, 0.95) * np.sin(2 * np.pi * rng.uniform(0.1, 6) * t + rng.uniform(0, 6.3))
    elif kind == 1:  # random smooth walk
        k = max(2, int(n / SR * rng.uniform(1, 8)))
        pts = rng.uniform(0.05, 1.0, k + 1)
        e = np.interp(np.linspace(0, k, n), np.arange(k + 1), pts)
    else:  # on/off bursts
        e = np.zeros(n); p = 0
        while p < n:
            ln = int(rng.uniform(0.05, 1.0) * SR)
            if rng.random() < 0.6:
                e[p:p + ln] = rng.uniform(0.3, 1)
            p += ln + int(rng.uniform(0.05, 0.8) * SR)
        e = np.convolve(e, np.hanning(161) / 80.5, "same") + 0.02
    return e


def modulated(rng, n):
    return colored(rng, n) * envelope(rng, n)


def impulsive(rng, n):
    y = np.zeros(n)
    rate = rng.uniform(1, 15)
    k = rng.poisson(rate * n / SR) + 1
    for pos in rng.integers(0, n, k):
        ln = int(rng.uniform(0.002, 0.08) * SR)
        burst = rng.standard_normal(ln) * np.exp(-np.arange(ln) / (ln * rng.uniform(0.1, 0.4)))
        if rng.random() < 0.5:
            burst = np.convolve(burst, np.ones(rng.integers(2, 12)), "same")
        e = min(n, pos + ln)
        y[pos:e] += rng.uniform(0.2, 1.0) * burst[: e - pos]
    y += 0.01 * rng.standard_normal(n)
    return y / (np.std(y) + 1e-12)


def keyboard(rng, n):
    y = np.zeros(n)
    pos = int(rng.uniform(0, 0.2) * SR)
    base = _shape_spectrum(rng, SR // 2, tilt=rng.uniform(-0.5, 1.0))
    while pos < n:
        ln = int(rng.uniform(0.005, 0.03) * SR)
        st = rng.integers(0, len(base) - ln)
        click = base[st:st + ln] * np.exp(-np.arange(ln) / (ln * 0.25)) * rng.uniform(0.3, 1.0)
        e = min(n, pos + ln)
        y[pos:e] += click[: e - pos]
        if rng.random() < 0.5:  # key release
            p2 = pos + int(rng.uniform(0.04, 0.12) * SR)
            e2 = min(n, p2 + ln)
            if p2 < n:
                y[p2:e2] += 0.5 * click[: e2 - p2]
        pos += int(rng.exponential(1 / rng.uniform(3, 10)) * SR) + int(0.03 * SR)
    y += 0.005 * rng.standard_normal(n)
    return y / (np.std(y) + 1e-12)


def hum(rng, n, f0=None):
    t = np.arange(n) / SR
    f0 = f0 if f0 is not None else rng.choice([50.0, 60.0, rng.uniform(40, 140)])
    f0 = f0 * (1 + 0.002 * np.cumsum(rng.standard_normal(n)) / np.sqrt(SR))
    ph = 2 * np.pi * np.cumsum(f0) / SR
    y = np.zeros(n)
    decay = rng.uniform(0.5, 1.5)
    for h in range(1, rng.integers(3, 25)):
        if h * f0[0] > 7800:
            break
        y += rng.uniform(0.1, 1.0) / h ** decay * np.sin(h * ph + rng.uniform(0, 6.3))
    y = y / (np.std(y) + 1e-12) + rng.uniform(0, 0.3) * colored(rng, n)
    return y / (np.std(y) + 1e-12)


def tonal(rng, n):
    t = np.arange(n) / SR
    y = np.zeros(n)
    for _ in range(rng.integers(1, 4)):
        f = rng.uniform(300, 5000)
        sweep = rng.uniform(-200, 200) * np.sin(2 * np.pi * rng.uniform(0.1, 3) * t) if rng.random() < 0.4 else 0
        y += np.sin(2 * np.pi * np.cumsum(f + sweep) / SR) * (envelope(rng, n) if rng.random() < 0.6 else 1)
    y += 0.05 * colored(rng, n)
    return y / (np.std(y) + 1e-12)


def babble(rng, n, utterances, k=None):
    """utterances: list of 1-D float arrays (16 kHz speech)."""
    k = k or rng.integers(3, 9)
    y = np.zeros(n)
    for _ in range(k):
        u = utterances[rng.integers(len(utterances))]
        if len(u) >= n:
            st = rng.integers(0, len(u) - n + 1); seg = u[st:st + n]
        else:
            seg = np.zeros(n); st = rng.integers(0, n - len(u) + 1); seg[st:st + len(u)] = u
        y += seg / (np.std(u) + 1e-12) * rng.uniform(0.5, 1.0)
    return y / (np.std(y) + 1e-12)


KINDS = ["colored", "modulated", "impulsive", "keyboard", "hum", "tonal", "babble"]


def make(rng, n, kind, utterances=None):
    if kind == "babble":
        return babble(rng, n, utterances)
    return globals()[kind](rng, n)
