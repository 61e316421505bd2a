"""Full band at 44.1/48 kHz: how much of real speech's 8–20 kHz band comes back, and how much
noise there goes, for Hush (with and without its high band) beside RNNoise and DeepFilterNet3,
which run at 48 kHz natively. PESQ is defined up to 8 kHz only, so this measures band energies:

- clean speech in: energy of the output in 8–20 kHz over the clean input's (1.0 = all kept);
- noisy speech in (5 dB SNR, recorded noises from evaluation-only packages and pink noise):
  noise reduction in 8–20 kHz, 10·log10(E(noisy − clean) / E(output − clean)) over that band,
  i.e. how far the error there drops below the noise that was added.

Speech: 24 acted lines of 0 A.D.'s voice set (0ad-data, CC-BY-SA 3.0; not in Hush's training
material), 44.1/48 kHz originals. Noise: wesnoth-1.16-data ambience and lmms-common applause
(both reserved for evaluation), plus pink noise. usage: fullband.py EXTRACTED_ROOT... (folders
holding the packages' extracted trees, as bench/full-band prepares them)."""
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

ROOT = Path(__file__).resolve().parents[2]
HUSH = ROOT / ".build" / "release" / "hush"
sys.path.insert(0, str((ROOT / ".." / "shared" / "peers").resolve()))
import run_peers  # noqa: E402  (the peers' runners, used here at 48 kHz)

VOICE = "usr/share/games/0ad/mods/public/public.zip.d/audio/voice"
NOISES = {
    "campfire": "usr/share/games/wesnoth/1.16/data/core/sounds/ambient/campfire.ogg",
    "ship": "usr/share/games/wesnoth/1.16/data/core/sounds/ambient/ship.ogg",
    "birds": "usr/share/games/wesnoth/1.16/data/core/sounds/ambient/birds1.ogg",
    "applause": "usr/share/lmms/samples/misc/applause01.ogg",
}
RATE = 48_000
SNR_DB = 5.0


def find(roots, rel):
    for r in roots:
        for p in [Path(r) / rel, *Path(r).glob("*/" + rel)]:
            if p.exists():
                return p
    raise SystemExit(f"not found under {roots}: {rel}")


def load(path):
    x, sr = sf.read(path, always_2d=True)
    x = x.mean(1)
    return x if sr == RATE else resample_poly(x, RATE // 100, sr // 100)


def speech(roots):
    voice = find(roots, VOICE)
    lines = sorted(p for p in voice.rglob("*.ogg") if "dog" not in p.name)[::7][:24]
    gap = np.zeros(RATE // 4)
    return np.concatenate([np.concatenate([load(p), gap]) for p in lines]), len(lines)


def band(x, lo=8_000, hi=20_000):
    X = np.abs(np.fft.rfft(x)) ** 2
    f = np.fft.rfftfreq(len(x), 1 / RATE)
    return X[(f >= lo) & (f < hi)].sum()


def hush(x, work, *flags):
    i, o = work / "in.wav", work / "out.wav"
    sf.write(i, x.astype(np.float32), RATE, subtype="FLOAT")
    subprocess.run([str(HUSH), "denoise", "-f", "--float", *flags, str(i), str(o)], check=True,
                   stdout=subprocess.DEVNULL)
    return sf.read(o)[0]


def peer(make, x):
    """Runs a peer (a fresh state per call) on 48 kHz `x`. The peers' runners take 16 kHz and
    convert to 48 kHz and back; the input is already at 48 kHz, so their resampler is set aside
    for the call. The output is aligned to the input (the peer's own delay removed)."""
    run = make()
    saved = run_peers.resample_poly
    run_peers.resample_poly = lambda signal, up, down: signal
    try:
        y = run(x.astype(np.float32))[0]
    finally:
        run_peers.resample_poly = saved
    return run_peers.align(y, x, max_lag=RATE // 10)[: len(x)]


def main():
    roots = sys.argv[1:]
    clean, lines = speech(roots)
    rng = np.random.default_rng(0)
    spectrum = np.fft.rfft(rng.standard_normal(len(clean)))
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    pink = np.fft.irfft(spectrum, len(clean))
    noises = {name: load(find(roots, rel)) for name, rel in NOISES.items()}
    noises["pink"] = pink
    noisy = {}
    for name, n in noises.items():
        n = np.tile(n, int(np.ceil(len(clean) / len(n))))[: len(clean)]
        g = np.sqrt((clean ** 2).mean() / (n ** 2).mean() / 10 ** (SNR_DB / 10))
        noisy[name] = clean + g * n
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        systems = {
            "Hush (full band, default)": lambda x: hush(x, work),
            "Hush --no-full-band": lambda x: hush(x, work, "--no-full-band"),
        }
        systems["RNNoise (48 kHz)"] = lambda x: peer(run_peers.rnnoise, x)
        systems["DeepFilterNet3 (48 kHz)"] = lambda x: peer(run_peers.dfn3, x)
        print(f"{len(clean) / RATE:.1f} s of real speech at 48 kHz ({lines} lines, 0ad-data); noisy: "
              f"{SNR_DB:g} dB SNR over the whole band\n")
        names = list(noisy)
        print("| system | clean in: 8–20 kHz energy kept | clean in: 6–8 kHz kept | "
              + " | ".join(f"{n}: 8–20 kHz noise reduction dB" for n in names) + " |")
        print("|---|---|---|" + "---|" * len(names))
        for label, run in systems.items():
            out = run(clean)
            cells = [f"{band(out) / band(clean):.3f}", f"{band(out, 6_000, 8_000) / band(clean, 6_000, 8_000):.3f}"]
            for n in names:
                y = run(noisy[n])
                cells.append(f"{10 * np.log10(band(noisy[n] - clean) / band(y - clean)):.1f}")
            print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
