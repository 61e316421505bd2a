"""Real-noise evaluation set: pocketsphinx-testdata speech (13 real recordings) mixed with REAL
recorded noises from evaluation-only packages (lmms-common, wesnoth-1.16-data/-music; built by
`training/material/build_material.py --stage testnoise` into NOISE_TEST_DIR/<category>/*.wav).
Evaluation only: neither the speech nor these noises may be used for training or tuning.

  apt-get download pocketsphinx-testdata && dpkg -x pocketsphinx-testdata_*.deb /work/data/psd
  python make_realnoise_testset.py /work/data/psd /work/data/material/noise_test /work/data/realtest

  python make_realnoise_testset.py --dev SPEECH_DEV_DIR NOISE_DEV_DIR OUT_DIR

builds the real-noise DEVELOPMENT set instead (training/realnoise_dev_manifest.csv), for choosing
settings and checkpoints without the test set: the held-out English prompts of the training
speaker (material/speech_dev/asterisk_en, joined three at a time into 16 utterances) mixed with the
held-out files of the training noise packages (material/noise_dev, every category there). It
shares no speech and no noise package with the test set.

  python make_realnoise_testset.py --valid SPEECH_VALID_DIR NOISE_VALID_DIR OUT_DIR

builds the real-noise VALIDATION set (training/realnoise_valid_manifest.csv), held out like the
test set by voice and by noise package: the validation voices (material/speech_valid/<voice>/,
spoken stamp descriptions of tuxpaint-stamps-default in 8 languages, one reader each; 2 utterances
per voice of 7 words joined with 0.25 s pauses) mixed with the validation bank (material/noise_valid;
`build_material.py --stage validnoise` builds both; neither is in the training or test material),
categories with at least 3 files.

  python make_realnoise_testset.py --clean /work/data/psd /work/data/cleanin

builds the CLEAN-INPUT set instead (training/cleanin_manifest.csv): the 13 recordings with no noise
added, at -26 dBFS, the same file under clean/ and noisy/, so that score.py measures what a
denoiser does to speech it should leave alone (snr_db is written as 100: no noise).

Each recording x SNR (0/5/10 dB) is mixed with 4 of the categories below, rotated so every
category appears about equally often (13 x 3 x 4 = 156 mixtures, 19-20 per category). Noise file
and crop offset are drawn from a per-mixture seed; a noise shorter than the speech is looped.
Speech RMS -32...-20 dBFS; if the mixture would clip, clean and noisy get the same gain so the
mixture peaks at 0.98. Writes OUT/clean/<name>.wav and OUT/noisy/<name>.wav (16 kHz, 16-bit;
the clean reference under the mixture's name, as ../shared/peers/score.py expects) and
training/realnoise_manifest.csv (name,source,category,noise_package,noise_file,snr_db,level_dbfs,seed).
"""
import glob
import hashlib
import os
import sys

import numpy as np
import soundfile as sf

from committed_tables import require_folder, write_table
from make_evalset import load_sources

SR = 16000
HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = ["music", "percussion", "animals", "alarm_bell", "kitchen_clatter", "applause",
              "keyboard_click", "other"]
SNRS = (0, 5, 10)
PER_SLOT = 4
BASE_SEED = 700000


def load_bank(noise_dir):
    bank = {}
    for c in CATEGORIES:
        fs = sorted(glob.glob(os.path.join(noise_dir, c, "*.wav")))
        if not fs:
            raise SystemExit(f"no noise files for category {c} in {noise_dir}")
        bank[c] = fs
    return bank


def noise_crop(x, n, rng):
    """n samples of x from a random offset, looping x when needed."""
    if len(x) < n:
        x = np.tile(x, int(np.ceil(n / len(x))) + 1)
    off = int(rng.integers(0, len(x) - n + 1))
    return x[off: off + n]


def dev_sources(speech_dir, group=3, gap=0.3):
    fs = sorted(glob.glob(os.path.join(speech_dir, "*.wav")))
    out = []
    for k in range(0, len(fs) - group + 1, group):
        parts = []
        for f in fs[k:k + group]:
            y, sr = sf.read(f, dtype="float64")
            assert sr == SR
            parts += [y, np.zeros(int(gap * SR))]
        out.append((f"dev{k // group:02d}", np.concatenate(parts)))
    return out


def valid_sources(speech_dir, per_voice=2, words=7, gap=0.25):
    """`per_voice` utterances per voice folder, each `words` files (chosen by SHA-1 of the name, so
    spread over the package's topics) joined with `gap` s of silence."""
    out = []
    for voice in sorted(os.listdir(speech_dir)):
        fs = sorted(glob.glob(os.path.join(speech_dir, voice, "*.wav")),
                    key=lambda f: hashlib.sha1(os.path.basename(f).encode()).hexdigest())
        if len(fs) < per_voice * words:
            raise SystemExit(f"{voice}: {len(fs)} files, {per_voice * words} needed")
        for u in range(per_voice):
            parts = []
            for f in fs[u * words:(u + 1) * words]:
                y, sr = sf.read(f, dtype="float64")
                assert sr == SR
                parts += [y, np.zeros(int(gap * SR))]
            out.append((f"{voice}{u}", np.concatenate(parts)))
    return out


CLEAN_INPUT_LEVEL_DBFS = -26.0
NO_NOISE_SNR_DB = 100


def write_manifest(filename, rows):
    write_table(os.path.join(HERE, filename), list(rows[0]) if rows else [], rows, filename)


def clean_input_set(psd, out):
    rows = []
    for src, x in load_sources(psd):
        s = x - x.mean()
        s = s / np.sqrt(np.mean(s ** 2)) * 10 ** (CLEAN_INPUT_LEVEL_DBFS / 20)
        if np.abs(s).max() > 0.98:
            s = s * (0.98 / np.abs(s).max())
        name = f"{src}.wav"
        for d in ("clean", "noisy"):
            sf.write(os.path.join(out, d, name), s, SR, subtype="PCM_16")
        rows.append({"name": name, "source": src, "snr_db": NO_NOISE_SNR_DB,
                     "level_dbfs": f"{CLEAN_INPUT_LEVEL_DBFS:.2f}"})
    write_manifest("cleanin_manifest.csv", rows)
    print(f"{len(rows)} clean recordings, no noise added")


def main():
    global CATEGORIES, BASE_SEED
    dev = "--dev" in sys.argv[1:]
    valid = "--valid" in sys.argv[1:]
    clean = "--clean" in sys.argv[1:]
    if dev + valid + clean > 1:
        raise SystemExit("--dev, --valid and --clean build different sets: give one")
    args = [a for a in sys.argv[1:] if a not in ("--dev", "--valid", "--clean")]
    if len(args) != (2 if clean else 3):
        raise SystemExit("usage: make_realnoise_testset.py [--dev | --valid] SPEECH NOISE OUT_DIR\n"
                         "       make_realnoise_testset.py --clean PSD OUT_DIR   (see the docstring)")
    for path in args[:-1]:
        require_folder(path, "input")
    out = args[-1]
    os.makedirs(os.path.join(out, "clean"), exist_ok=True)
    os.makedirs(os.path.join(out, "noisy"), exist_ok=True)
    if clean:
        return clean_input_set(args[0], out)
    psd, noise_dir = args[:2]
    if dev:
        CATEGORIES = sorted(d for d in os.listdir(noise_dir) if os.path.isdir(os.path.join(noise_dir, d)))
        BASE_SEED = 600000
        sources = dev_sources(psd)
    elif valid:
        CATEGORIES = sorted(d for d in os.listdir(noise_dir)
                            if len(glob.glob(os.path.join(noise_dir, d, "*.wav"))) >= 3)
        BASE_SEED = 800000
        sources = valid_sources(psd)
    else:
        sources = load_sources(psd)
    if not sources or not CATEGORIES:
        raise SystemExit(f"no speech in {psd}" if not sources else f"no noise categories in {noise_dir}")
    bank = load_bank(noise_dir)
    cache = {}
    rows = []
    for si, (src, x) in enumerate(sources):
        for j, snr in enumerate(SNRS):
            slot = si * len(SNRS) + j
            off = (slot * 5) % len(CATEGORIES)
            for i in range(PER_SLOT):
                cat = CATEGORIES[(off + i) % len(CATEGORIES)]
                seed = BASE_SEED + si * 100 + j * 10 + i
                rng = np.random.default_rng(seed)
                nf = bank[cat][int(rng.integers(len(bank[cat])))]
                if nf not in cache:
                    y, sr = sf.read(nf, dtype="float64")
                    assert sr == SR and y.ndim == 1
                    cache[nf] = y
                nz = noise_crop(cache[nf], len(x), rng)
                s = x - x.mean()
                level = rng.uniform(-32, -20)  # clean RMS, dBFS
                s = s / np.sqrt(np.mean(s ** 2)) * 10 ** (level / 20)
                nz = nz - nz.mean()
                nz = nz / (np.sqrt(np.mean(nz ** 2)) + 1e-12) * np.sqrt(np.mean(s ** 2)) * 10 ** (-snr / 20)
                m = s + nz
                pk = np.abs(m).max()
                if pk > 0.98:
                    s = s * (0.98 / pk)
                    m = m * (0.98 / pk)
                name = f"{src}_{cat}_{snr}dB.wav"
                sf.write(os.path.join(out, "clean", name), s, SR, subtype="PCM_16")
                sf.write(os.path.join(out, "noisy", name), m, SR, subtype="PCM_16")
                base = os.path.basename(nf)
                rows.append({"name": name, "source": src, "category": cat,
                             "noise_package": base.split("__")[0], "noise_file": base,
                             "snr_db": snr, "level_dbfs": f"{level:.2f}", "seed": seed})
    write_manifest("realnoise_dev_manifest.csv" if dev else
                   "realnoise_valid_manifest.csv" if valid else "realnoise_manifest.csv", rows)
    counts = {c: sum(r["category"] == c for r in rows) for c in CATEGORIES}
    print(f"{len(rows)} mixtures from {len(sources)} recordings; per category {counts}")


if __name__ == "__main__":
    main()
