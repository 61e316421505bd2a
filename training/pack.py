"""Pack the training material small, so a run can move to a GPU machine (64 MiB travel limit).

  python pack.py OUT_DIR --speech-real DIR [DIR ...] --speech-tts DIR [DIR ...] \
                 --noise NOISE_TRAIN_DIR [--rirs 200] [--bitrate 20k] [--bitrate-tts 16k] \
                 [--bitrate-noise 16k] [--tts-max-minutes 45]

Speech and noise become a few concatenated Ogg/Opus files (ffmpeg's libopus; libsndfile reads
them back through the `soundfile` wheel), speech with 0.25 s pauses between utterances, noise with
each recording's length and category in `index.json` so the mixer can draw a category, then a
file, then an offset. Room impulse responses are simulated with pyroomacoustics (shoebox rooms,
RT60 0.15-0.8 s) and stored as float16 in `rirs.npz` with their early part (direct path + 50 ms),
the dereverberation target. 151 min of speech take about 25 MB at 24 kbit/s.

NOISE_TRAIN_DIR holds one folder per category (material/README.md); files are read in sorted
order, so the pack is deterministic given the material.
"""
import argparse
import glob
import json
import math
import os
import subprocess

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

SR = 16000
CHUNK_SECONDS = 600


def read_mono16k(path):
    x, sr = sf.read(path, dtype="float32", always_2d=True)
    x = x.mean(1)
    if sr != SR:
        g = math.gcd(sr, SR)
        x = resample_poly(x, SR // g, sr // g).astype(np.float32)
    return x


def wavs(dirs):
    out = []
    for d in dirs:
        for ext in ("wav", "flac"):
            out += sorted(glob.glob(os.path.join(d, "**", f"*.{ext}"), recursive=True))
    return out


def encode(x, path, bitrate):
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "f32le", "-ar", str(SR), "-ac", "1", "-i", "-",
                    "-c:a", "libopus", "-b:a", bitrate, "-application", "audio", path],
                   input=np.clip(x, -1, 1).astype("<f4").tobytes(), check=True)


def chunks(items, limit=CHUNK_SECONDS * SR):
    cur, n = [], 0
    for it in items:
        cur.append(it); n += len(it[1])
        if n >= limit:
            yield cur
            cur, n = [], 0
    if cur:
        yield cur


def pack_speech(name, files, out, bitrate, max_minutes=None):
    gap = np.zeros(SR // 4, np.float32)
    items = [(f, read_mono16k(f)) for f in files]
    items = [(f, x) for f, x in items if len(x) > SR // 4 and np.std(x) > 1e-5]
    if max_minutes:  # an evenly spread subset (every k-th file), so every voice stays represented
        total = sum(len(x) for _, x in items) / SR / 60
        k = max(1, int(math.ceil(total / max_minutes)))
        items = items[::k]
    meta = []
    for i, ch in enumerate(chunks(items)):
        fn = f"speech_{name}_{i:02d}.opus"
        encode(np.concatenate([np.concatenate([x, gap]) for _, x in ch]), os.path.join(out, fn), bitrate)
        meta.append({"file": fn, "seconds": sum(len(x) + len(gap) for _, x in ch) / SR, "items": len(ch)})
    print(f"speech {name}: {len(items)} files, {sum(m['seconds'] for m in meta) / 60:.1f} min", flush=True)
    return meta


def pack_noise(root, out, bitrate):
    cats = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    items = []
    for ci, c in enumerate(cats):
        for f in wavs([os.path.join(root, c)]):
            x = read_mono16k(f)
            if len(x) >= SR // 2 and np.sqrt(np.mean(x ** 2)) > 1e-4:
                items.append((f, x, ci))
    meta = []
    for i, ch in enumerate(chunks([(f, x) for f, x, _ in items])):
        fn = f"noise_{i:02d}.opus"
        start = sum(len(m["lengths"]) for m in meta)
        encode(np.concatenate([x for _, x in ch]), os.path.join(out, fn), bitrate)
        meta.append({"file": fn, "lengths": [len(x) for _, x in ch],
                     "categories": [items[start + j][2] for j in range(len(ch))],
                     "names": [os.path.relpath(f, root) for f, _ in ch]})
    secs = {c: 0.0 for c in cats}
    for _, x, ci in items:
        secs[cats[ci]] += len(x) / SR
    print(f"noise: {len(items)} files, {sum(secs.values()) / 60:.1f} min; " +
          ", ".join(f"{c} {s / 60:.1f}" for c, s in secs.items()), flush=True)
    return cats, meta


def simulate_rirs(n, seed=7, length=0.6):
    import pyroomacoustics as pra
    rng = np.random.default_rng(seed)
    L = int(length * SR)
    rir = np.zeros((n, L), np.float32); early = np.zeros((n, L), np.float32)
    fade = int(0.005 * SR)
    for i in range(n):
        dims = np.array([rng.uniform(3, 10), rng.uniform(3, 8), rng.uniform(2.4, 4)])
        rt60 = rng.uniform(0.15, 0.8)
        e_abs, order = pra.inverse_sabine(rt60, dims)
        room = pra.ShoeBox(dims, fs=SR, materials=pra.Material(e_abs), max_order=min(order, 14))
        src = rng.uniform(0.5, dims - 0.5)
        mic = rng.uniform(0.5, dims - 0.5)
        room.add_source(src); room.add_microphone(mic)
        room.compute_rir()
        h = np.asarray(room.rir[0][0], np.float64)[:L]
        d = int(np.argmax(np.abs(h)))
        e = h.copy()
        cut = min(len(e), d + int(0.05 * SR))
        e[cut:] = 0
        e[max(0, cut - fade):cut] *= np.linspace(1, 0, cut - max(0, cut - fade))
        k = 1.0 / (np.sqrt(np.sum(e ** 2)) + 1e-12)
        rir[i, :len(h)] = h * k; early[i, :len(e)] = e * k
    return rir, early


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--speech-real", nargs="*", default=[])
    ap.add_argument("--speech-tts", nargs="*", default=[])
    ap.add_argument("--noise", required=True)
    ap.add_argument("--rirs", type=int, default=200)
    ap.add_argument("--rir-seconds", type=float, default=0.5)
    ap.add_argument("--bitrate", default="20k", help="real speech")
    ap.add_argument("--bitrate-tts", default="16k")
    ap.add_argument("--bitrate-noise", default="16k")
    ap.add_argument("--tts-max-minutes", type=float, default=45)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    idx = {"sample_rate": SR, "speech": {}}
    if a.speech_real:
        idx["speech"]["real"] = pack_speech("real", wavs(a.speech_real), a.out, a.bitrate)
    if a.speech_tts:
        idx["speech"]["tts"] = pack_speech("tts", wavs(a.speech_tts), a.out, a.bitrate_tts, a.tts_max_minutes)
    idx["noise_categories"], idx["noise"] = pack_noise(a.noise, a.out, a.bitrate_noise)
    if a.rirs:
        rir, early = simulate_rirs(a.rirs, length=a.rir_seconds)
        np.savez_compressed(os.path.join(a.out, "rirs.npz"), rir=rir.astype(np.float16),
                            rir_early=early.astype(np.float16))
        print(f"rirs: {a.rirs}", flush=True)
    json.dump(idx, open(os.path.join(a.out, "index.json"), "w"), indent=1)
    total = sum(os.path.getsize(os.path.join(a.out, f)) for f in os.listdir(a.out))
    print(f"pack: {total / 2 ** 20:.1f} MiB in {a.out}")


if __name__ == "__main__":
    main()
