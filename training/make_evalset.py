"""Build the held-out evaluation set from Debian's pocketsphinx-testdata (real human recordings;
evaluation only, never used for training) mixed at 0 / 5 / 10 dB with noise types and instances
held out from training. Deterministic (fixed seeds).

  apt-get download pocketsphinx-testdata && dpkg -x pocketsphinx-testdata_*.deb /work/data/psd
  python make_evalset.py /work/data/psd /work/data/eval

Writes OUT/clean/<name>.wav (the clean reference under the mixture's name, as score.py expects),
OUT/noisy/<name>.wav and training/eval_manifest.csv (name, source, noise, snr_db, level_dbfs, seed).

  python make_evalset.py --dev /work/data/psd /work/data/dev

builds the development set instead (training/dev_manifest.csv): the same recordings under the
training mixer's noise kinds (noises.KINDS; babble from other held-out sentences) with their own
seeds. It exists to choose inference settings (the attenuation limit) without looking at the test
set; it shares the speech with the test set, as these 13 recordings are the only real speech here.

Held-out noise (never produced by the training mixer):
  babble_ho  babble of 5-7 talkers from voices never used in training (festival kal_diphone,
             flite kal 8 kHz) speaking sentences from a separate text seed
  cafe       babble_ho at -6 dB plus cutlery-like clatter (impulsive, eval seed)
  fan        a 100 Hz motor hum with harmonics over a brown rumble with slow swells (eval seed)
  street     low-passed brown/pink noise with passing-vehicle swells (eval seed)
  keyboard   keyboard typing (procedural, eval seed range disjoint from training streams)
  pinkmod    pink noise under a random on/off envelope (eval seed)
"""
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile as sf

import noises
from committed_tables import require_folder, write_table
import textgen

SR = 16000
HERE = os.path.dirname(os.path.abspath(__file__))


def load_sources(psd):
    base = os.path.join(psd, "usr/share/pocketsphinx/test/data")
    out = []
    for f in sorted(glob.glob(os.path.join(base, "**", "*.wav"), recursive=True)):
        x, sr = sf.read(f, dtype="float64")
        assert sr == SR
        out.append((os.path.relpath(f, base).replace("/", "-")[:-4], x))
    for f in sorted(glob.glob(os.path.join(base, "*.raw"))):
        x = np.fromfile(f, "<i2").astype(np.float64) / 32768
        out.append((os.path.basename(f)[:-4], x))
    return out


def heldout_voices(n_utts, seed):
    texts = textgen.sentences(seed, n_utts)
    utts = []
    with tempfile.TemporaryDirectory() as td:
        for i, t in enumerate(texts):
            raw = os.path.join(td, "r.wav"); out = os.path.join(td, "o.wav")
            if i % 2 == 0:
                subprocess.run(["text2wave", "-eval", "(voice_kal_diphone)", "-o", raw],
                               input=t.encode(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            else:
                subprocess.run(["flite", "-voice", "kal", "-t", t, "-o", raw], check=True)
            subprocess.run(["sox", "-q", raw, "-r", str(SR), "-c", "1", "-b", "16", out], check=True)
            x, _ = sf.read(out, dtype="float64")
            utts.append(x)
    return utts


def make_noise(kind, rng, n, babble_utts):
    t = np.arange(n) / SR
    if kind == "babble_ho":
        return noises.babble(rng, n, babble_utts, k=int(rng.integers(5, 8)))
    if kind == "cafe":
        b = noises.babble(rng, n, babble_utts, k=6)
        c = noises.impulsive(rng, n)
        return b + 0.5 * c
    if kind == "fan":
        h = noises.hum(rng, n, f0=100.0)
        r = noises._shape_spectrum(rng, n, tilt=2.0)
        return 0.6 * h + r * (1 + 0.3 * np.sin(2 * np.pi * 0.3 * t))
    if kind == "street":
        r = noises._shape_spectrum(rng, n, tilt=1.6)
        e = np.ones(n)
        for c in rng.uniform(0, n / SR, 3):
            e += 3 * np.exp(-0.5 * ((t - c) / 0.8) ** 2)
        return r * e
    if kind == "keyboard":
        return noises.keyboard(rng, n)
    if kind == "pinkmod":
        return noises._shape_spectrum(rng, n, tilt=1.0) * noises.envelope(rng, n)
    raise ValueError(kind)


KINDS = ["babble_ho", "cafe", "fan", "street", "keyboard", "pinkmod"]


def main():
    dev = "--dev" in sys.argv[1:]
    args = [a for a in sys.argv[1:] if a != "--dev"]
    if len(args) != 2:
        raise SystemExit("usage: make_evalset.py [--dev] PSD OUT_DIR")
    psd, out = args
    require_folder(psd, "pocketsphinx-testdata")
    os.makedirs(os.path.join(out, "clean"), exist_ok=True)
    os.makedirs(os.path.join(out, "noisy"), exist_ok=True)
    sources = load_sources(psd)
    if not sources:
        raise SystemExit(f"no recordings under {psd}/usr/share/pocketsphinx/test/data")
    babble_utts = heldout_voices(24, seed=525252 if dev else 424242)
    kinds = noises.KINDS if dev else KINDS
    rows = []
    for si, (src, x) in enumerate(sources):
        for j, snr in enumerate((0, 5, 10)):
            for rep in range(2):
                kind = kinds[(si + 2 * j + rep * 3) % len(kinds)]
                seed = (800000 if dev else 900000) + si * 100 + j * 10 + rep
                rng = np.random.default_rng(seed)
                n = len(x)
                nz = (noises.make(rng, n, kind, babble_utts) if dev else make_noise(kind, rng, n, babble_utts))
                s = x - x.mean()
                level = rng.uniform(-32, -20)  # clean RMS, dBFS
                s = s / np.sqrt(np.mean(s ** 2)) * 10 ** (level / 20)
                nz = nz / np.sqrt(np.mean(nz ** 2)) * np.sqrt(np.mean(s ** 2)) * 10 ** (-snr / 20)
                m = s + nz
                pk = np.abs(m).max()
                if pk > 0.98:
                    s *= 0.98 / pk; m *= 0.98 / pk
                name = f"{src}_{kind}_{snr}dB.wav"
                sf.write(os.path.join(out, "clean", name), s, SR, subtype="PCM_16")
                sf.write(os.path.join(out, "noisy", name), m, SR, subtype="PCM_16")
                rows.append({"name": name, "source": src, "noise": kind, "snr_db": snr,
                             "level_dbfs": f"{level:.2f}", "seed": seed})
    name = "dev_manifest.csv" if dev else "eval_manifest.csv"
    write_table(os.path.join(HERE, name), list(rows[0]) if rows else [], rows, name)
    print(f"{len(rows)} mixtures, {sum(len(x) for _, x in sources) * 6 / SR:.0f} s of audio")


if __name__ == "__main__":
    main()
