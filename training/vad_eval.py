"""Speech activity from the gates, measured: frame accuracy and ROC AUC of the model file's
speech-activity head against labels from the clean reference (vadhead.labels_from_clean), per SNR,
beside RNNoise's VAD probability and a plain energy VAD on the noisy input.

  # the table (VAD.md): the dev set, and the real-noise test set (reported, never used to choose)
  python vad_eval.py table MODEL.hush
  # how the head's feature set and smoothing were chosen (dev set only; fits on the training material)
  python vad_eval.py choose MODEL.hush --material /work/data/material

Frames are FORMAT.md's STFT frames (512 samples, hop 256 at 16 kHz): frame t spans input samples
[256 t - 256, 256 t + 256), centre 16 t ms. The head's probabilities come from the model file's
features (vadhead.network_features, checked against reference.py) and the head definition of
vadhead.py, which the engine's tests pin to the same numbers.

RNNoise (pyrnnoise 0.4.5's librnnoise, loaded from /work/venv/peers): the 16 kHz noisy input is
resampled to 48 kHz (scipy resample_poly, x3), scaled to the int16 range, and fed in 480-sample
(10 ms) frames; frame j's probability describes its 20 ms analysis window centred at 10 j ms, so
our frame t takes the linear interpolation of RNNoise's probabilities at 16 t ms.

Energy VAD: level_t (dBFS, our frames) of the noisy input minus a running noise floor
(floor_t = level_t if below floor_{t-1}, else floor_{t-1} + 0.05 dB, i.e. rising 3 dB/s; floor_0 =
level_0); score = level_t - floor_t; speech iff score > theta, theta chosen on the dev set for the
best pooled accuracy.

Accuracy thresholds: 0.5 for the head and RNNoise (their probabilities as given), theta for energy.
"""
import argparse
import csv
import glob
import importlib.util
import os

import numpy as np
import soundfile as sf

import container
import reference
import vadhead

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = {
    "dev": ("/work/data/realdev", os.path.join(HERE, "realnoise_dev_manifest.csv")),
    "test": ("/work/data/realtest", os.path.join(HERE, "realnoise_manifest.csv")),
}
ENERGY_RISE_DB = 0.05


def load_set(name):
    root, manifest = SETS[name]
    rows = list(csv.DictReader(open(manifest)))
    out = []
    for r in rows:
        x, sr = sf.read(os.path.join(root, "noisy", r["name"]), dtype="float64")
        c, sr2 = sf.read(os.path.join(root, "clean", r["name"]), dtype="float64")
        assert sr == sr2 == vadhead.SR
        out.append(dict(name=r["name"], snr=int(r["snr_db"]), noisy=x, clean=c,
                        labels=vadhead.labels_from_clean(c)))
    return out


def file_features(ref, x, budget=1.0):
    """[T, 2, B] gate features of one file (T = len(x) // hop frames)."""
    return vadhead.network_features(ref, x, budget)


def energy_scores(x):
    lv = vadhead.frame_levels(x)
    floor = np.empty_like(lv)
    f = lv[0]
    for t, v in enumerate(lv):
        f = v if v < f else f + ENERGY_RISE_DB
        floor[t] = f
    return lv - floor


def _rnnoise_lib():
    path = glob.glob("/work/venv/peers/lib/python*/site-packages/pyrnnoise/rnnoise.py")[0]
    spec = importlib.util.spec_from_file_location("pyrnnoise_rnnoise", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rnnoise_probs(x, T, _lib=[]):
    from scipy.signal import resample_poly
    if not _lib:
        _lib.append(_rnnoise_lib())
    rn = _lib[0]
    y = resample_poly(x, 3, 1) * 32768.0
    y = np.clip(y, -32768, 32767).astype(np.float32)
    n = rn.FRAME_SIZE
    st = rn.create()
    probs = []
    for j in range(len(y) // n):
        fr = np.ascontiguousarray(y[j * n:(j + 1) * n])
        ptr = fr.ctypes.data_as(rn.ctypes.POINTER(rn.ctypes.c_float))
        probs.append(rn.lib.rnnoise_process_frame(st, ptr, ptr))
    rn.destroy(st)
    centres = 10.0 * np.arange(len(probs))
    return np.interp(16.0 * np.arange(T), centres, np.asarray(probs, np.float64))


def head_from_file(path):
    md, t = container.read(path)
    if "vad.weight" not in t:
        raise SystemExit(f"{path} has no speech-activity head (add one with vadhead.py)")
    return t["vad.weight"], float(t["vad.bias"][0]), float(md.get("vad_smoothing", 0.0))


def metrics(score, label, thr):
    return float(((score > thr) == label).mean()), vadhead.roc_auc(score, label)


def energy_threshold(rows):
    s = np.concatenate([energy_scores(r["noisy"])[:len(r["labels"])] for r in rows])
    l = np.concatenate([r["labels"] for r in rows])
    cands = np.arange(0.0, 30.01, 0.5)
    accs = [((s > c) == l).mean() for c in cands]
    return float(cands[int(np.argmax(accs))])


def table(a):
    model = reference.load(a.model)
    vadhead.check_against_reference(model)
    W, b, alpha = head_from_file(a.model)
    dev = load_set("dev")
    theta = energy_threshold(dev)
    print(f"energy VAD threshold (dev, best pooled accuracy): {theta:g} dB above the running floor")
    budgets = (1.0, 0.5)
    per = {}  # (set, snr) -> list of per-file dicts
    for name in ("dev", "test"):
        rows = dev if name == "dev" else load_set("test")
        for r in rows:
            T = len(r["labels"])
            d = dict(clean=r["clean"], q=rnnoise_probs(r["noisy"], T), e=energy_scores(r["noisy"])[:T])
            for bud in budgets:
                f = file_features(model, r["noisy"], bud)[:T]
                d[bud] = reference.head_probabilities(W, b, alpha, f[:, 0], f[:, 1])
            per.setdefault((name, r["snr"]), []).append(d)
    snrs = sorted({k[1] for k in per})

    def pooled(name, keys, key, label_range, above_floor=None):
        sc, lab = [], []
        for snr in keys:
            for d in per[(name, snr)]:
                l = vadhead.labels_from_clean(d["clean"], label_range, above_floor)
                sc.append(d[key][:len(l)]); lab.append(l[:len(d[key])])
        return np.concatenate(sc), np.concatenate(lab)

    lines = ["| set | SNR | frames | speech | head acc | head AUC | RNNoise acc | RNNoise AUC | energy acc | energy AUC |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name in ("dev", "test"):
        for snr in snrs + ["all"]:
            keys = snrs if snr == "all" else [snr]
            p, l = pooled(name, keys, 1.0, vadhead.LABEL_RANGE_DB)
            q, _ = pooled(name, keys, "q", vadhead.LABEL_RANGE_DB)
            e, _ = pooled(name, keys, "e", vadhead.LABEL_RANGE_DB)
            (ha, hu), (ra, ru), (ea, eu) = metrics(p, l, 0.5), metrics(q, l, 0.5), metrics(e, l, theta)
            snr_s = "0–10 dB" if snr == "all" else f"{snr} dB"
            lines.append(f"| {name} | {snr_s} | {len(l)} | {100 * l.mean():.1f} % | {100 * ha:.1f} % | {hu:.3f} | "
                         f"{100 * ra:.1f} % | {ru:.3f} | {100 * ea:.1f} % | {eu:.3f} |")
    print("\n".join(lines))
    # Sensitivity (reported, not used to choose anything): the label range and the budget.
    print("\n| set, 0–10 dB | labels | speech | head b=1 acc / AUC | head b=0.5 acc / AUC | RNNoise acc / AUC | energy acc / AUC |")
    print("|---|---|---|---|---|---|---|")
    for name in ("dev", "test"):
        # the last row: also 10 dB above the recording's own floor (its background is not speech)
        for rng_db, floor_db in ((30.0, None), (vadhead.LABEL_RANGE_DB, None), (40.0, None),
                                 (vadhead.LABEL_RANGE_DB, 10.0)):
            out = []
            for key, thr in ((1.0, 0.5), (0.5, 0.5), ("q", 0.5), ("e", theta)):
                sc, l = pooled(name, snrs, key, rng_db, floor_db)
                acc, auc = metrics(sc, l, thr)
                out.append(f"{100 * acc:.1f} % / {auc:.3f}")
            what = f"{rng_db:g} dB" + ("" if floor_db is None else f", floor + {floor_db:g} dB")
            print(f"| {name} | {what} | {100 * l.mean():.1f} % | " + " | ".join(out) + " |")


def choose(a):
    """Fits every (feature set, smoothing) on the same material features, scores each on the dev set."""
    m = reference.load(a.model)
    vadhead.check_against_reference(m)
    F, L = vadhead.fit_material(m, a.material)
    dev = load_set("dev")
    DF = [file_features(m, r["noisy"]) for r in dev]
    DL = [r["labels"][:len(f)] for r, f in zip(dev, DF)]
    B = F.shape[-1]
    print("| features | smoothing | fit acc | dev acc | dev AUC |\n|---|---|---|---|---|")
    for fs in vadhead.FEATURE_SETS:
        for alpha in (0.0, 0.5, 0.7, 0.8, 0.9):
            Fs = vadhead.select(vadhead.smooth(F, alpha), fs).reshape(-1, 2 * B)
            W, b = vadhead.fit_logistic(Fs, L.reshape(-1))
            pa = float(((Fs @ W + b > 0) == L.reshape(-1)).mean())
            p = np.concatenate([reference.head_probabilities(W.reshape(2, B), b, alpha, f[:, 0], f[:, 1]) for f in DF])
            acc, auc = metrics(p, np.concatenate(DL), 0.5)
            print(f"| {fs} | {alpha:g} | {100 * pa:.1f} % | {100 * acc:.1f} % | {auc:.4f} |", flush=True)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("table"); t.add_argument("model"); t.add_argument("--budget", type=float, default=1.0)
    c = sub.add_parser("choose"); c.add_argument("model"); c.add_argument("--material", default="/work/data/material")
    a = ap.parse_args()
    {"table": table, "choose": choose}[a.cmd](a)


if __name__ == "__main__":
    main()
