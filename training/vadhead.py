"""Speech activity from the gates: the labels, the per-block features, the logistic-regression
head fitted on training material, and its frame-by-frame definition (FORMAT.md, "Speech-activity
head"). Numpy only: the features come from the model file itself (the frame-parallel forward below,
checked against reference.py's frame-by-frame one before every fit), so any .hush file, float or
int8, can be given a head without its training checkpoint.

Features of frame t (free: the engine has them anyway), for each block i of B:
  a_i = |A_i| / C        the block's active-channel fraction at the running budget
  m_i = mean_c s_i[c]    the mean of the block's C gate scores
Head (reference.head_probabilities): z_t = vad.bias + sum_i (vad.weight[0, i] a_i + vad.weight[1, i] m_i),
      zbar_t = alpha * zbar_{t-1} + (1 - alpha) * z_t  (zbar_{-1} = vad.bias, alpha = vad_smoothing),
      p_t = sigmoid(zbar_t).
Because the smoothing is linear, fitting the logistic regression on the features smoothed the same
way (x_{-1} = 0) gives exactly the weights of the smoothed-logit head.

Labels (the clean reference, frame t = the STFT frame of FORMAT.md, 512-sample sqrt-Hann window,
hop 256): level_t = 10 log10(sum (w x)^2 / sum w^2) in dBFS; frame t is speech iff
level_t >= max_t' level_t' - LABEL_RANGE_DB and level_t >= LABEL_FLOOR_DBFS.

Fit material: FIT_MIXTURES deterministic 4 s mixtures (`mixtures`) of the training speech
(material/speech_train: utterances at +-6 dB with 0.1-1.5 s pauses, 10 % noise only) and the
training noise bank (material/noise_train, a category then a file then an offset), SNR -5...20 dB
on the active speech, level -45...-15 dBFS. Never the dev or test sets' speech or noise.

  python vadhead.py MODEL.hush OUT.hush [--material /work/data/material]   (fit, print, write OUT)
"""
import argparse
import glob
import os
import sys
import zlib

import numpy as np

import container
import macformula
import reference

LABEL_RANGE_DB = 35.0      # a speech frame is within 35 dB of the utterance's loudest frame ...
LABEL_FLOOR_DBFS = -70.0   # ... and above -70 dBFS (absolute floor: digital silence, noise-only)
FLOOR_PERCENTILE = 10      # an utterance's own floor, for the floor-relative label variant
FEATURE_SETS = ("fractions", "scores", "both")
# Chosen on the development set only (vad_eval.py choose, logs/vad_choose.txt).
DEFAULT_FEATURES, DEFAULT_SMOOTHING = "fractions", 0.8
FIT_SEED, FIT_MIXTURES, FIT_SECONDS = 15, 400, 4.0   # 100 000 frames
SR = 16000


def frame_levels(x, n_fft=512, hop=256):
    """x [..., N] (model rate) -> frame level in dBFS [..., N // hop], FORMAT.md framing."""
    x = np.asarray(x, np.float64)
    T = x.shape[-1] // hop
    xp = np.concatenate([np.zeros(x.shape[:-1] + (n_fft - hop,)), x], -1)
    idx = np.arange(T)[:, None] * hop + np.arange(n_fft)[None, :]
    w = np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft))
    e = ((xp[..., idx] * w) ** 2).sum(-1) / (w ** 2).sum()
    return 10 * np.log10(e + 1e-20)


def labels_from_clean(clean, label_range_db=LABEL_RANGE_DB, above_floor_db=None):
    """clean [..., N] -> bool [..., T]: speech frames by the definition above, per utterance (last axis).
    above_floor_db (a sensitivity variant, not the definition): frames must also stand that many dB
    above the utterance's own floor, its FLOOR_PERCENTILE-th percentile frame level, so that a real
    recording's room background between words is not speech (digital silence leaves it inert)."""
    lv = frame_levels(clean)
    top = lv.max(-1, keepdims=True)
    speech = (lv >= top - label_range_db) & (lv >= LABEL_FLOOR_DBFS)
    if above_floor_db is not None:
        speech &= lv >= np.percentile(lv, FLOOR_PERCENTILE, axis=-1, keepdims=True) + above_floor_db
    return speech


def frame_parallel_forward(ref, x, budget=1.0):
    """The model file's network on a whole signal, all frames at once: the network's per-frame
    recurrence is only the depthwise history, so each block is computed for every frame in one
    step. Returns dict of fractions, mean_scores [T, B] (the head's features), mask [T, F], power
    [T, F] (|X|^2 of the input) and residual [T, R] (the stream after the last block),
    T = len(x) // hop. Same numbers as reference.Reference.run (check_against_reference)."""
    n_fft, hop, C, K, B = ref.n_fft, ref.hop, ref.C, ref.K, ref.B
    t = ref.t
    x = np.asarray(x, np.float64)
    T = len(x) // hop
    xp = np.concatenate([np.zeros(n_fft - hop), x])
    X = np.fft.rfft(xp[np.arange(T)[:, None] * hop + np.arange(n_fft)] * ref.w, axis=1)
    power = X.real ** 2 + X.imag ** 2
    r = np.maximum(np.log(power + ref.eps) @ t["frontend.weight"].T + t["frontend.bias"], 0.0)
    k = macformula.budget_k(budget, C)
    fractions, mean_scores = np.zeros((T, B)), np.zeros((T, B))
    for i in range(B):
        p, d = f"block.{i}.", ref.d[i]
        s = np.maximum(r @ t[p + "gate.w1"].T + t[p + "gate.b1"], 0.0) @ t[p + "gate.w2"].T + t[p + "gate.b2"]
        g = np.zeros_like(s)  # the k highest positive scores, ties to the lower channel (as reference.py)
        np.put_along_axis(g, np.argsort(-s, axis=1, kind="stable")[:, :k], 1.0, axis=1)
        g *= s > 0
        u = g * ref.prelu(r @ t[p + "pw1.weight"].T + t[p + "pw1.bias"], t[p + "prelu1.slope"])
        pad = (K - 1) * d
        up = np.concatenate([np.zeros((pad, C)), u])
        acc = np.broadcast_to(t[p + "dw.bias"], (T, C)).copy()
        for j in range(K):
            lag = (K - 1 - j) * d
            acc += t[p + "dw.weight"][:, j] * up[pad - lag: pad - lag + T]
        v = g * ref.prelu(acc, t[p + "prelu2.slope"])
        r = r + v @ t[p + "pw2.weight"].T + t[p + "pw2.bias"]
        fractions[:, i] = g.sum(1) / C
        mean_scores[:, i] = s.mean(1)
    mask = 1.0 / (1.0 + np.exp(-(r @ t["backend.weight"].T + t["backend.bias"])))
    return dict(fractions=fractions, mean_scores=mean_scores, mask=mask, power=power, residual=r)


def network_features(ref, x, budget=1.0):
    """The head's features [T, 2, B] (active fractions, mean gate scores) of a whole signal."""
    o = frame_parallel_forward(ref, x, budget)
    return np.stack([o["fractions"], o["mean_scores"]], 1)


def check_against_reference(ref, seconds=1.0, budgets=(1.0, 0.25)):
    """Max |network_features - reference.run| on a deterministic noise burst; raises if not ~0."""
    rng = np.random.default_rng(0)
    n = int(seconds * SR)
    x = 0.05 * rng.standard_normal(n) * np.repeat(rng.uniform(0.05, 1, n // 256 + 1), 256)[:n]
    worst = 0.0
    for b in budgets:
        o = ref.run(x, b)
        f = frame_parallel_forward(ref, x, b)
        worst = max(worst, float(np.abs(f["fractions"] - o["active"] / ref.C).max()),
                    float(np.abs(f["mask"] - o["mask"]).max()))
    if worst > 1e-9:
        raise RuntimeError(f"frame-parallel features disagree with reference.py ({worst:.2e})")
    return worst


def list_material(material_dir):
    """(speech files, {noise category: files}) of the training material (material/README.md)."""
    speech = sorted(glob.glob(os.path.join(material_dir, "speech_train", "*", "*.wav")))
    noise = {}
    for d in sorted(glob.glob(os.path.join(material_dir, "noise_train", "*"))):
        files = sorted(glob.glob(os.path.join(d, "*.wav")))
        if files:
            noise[os.path.basename(d)] = files
    if not speech or not noise:
        raise SystemExit(f"{material_dir}: no speech_train/*/*.wav or noise_train/*/*.wav "
                         "(build it with material/build_material.py)")
    return speech, noise


def mixtures(speech, noise, n=FIT_MIXTURES, seconds=FIT_SECONDS, seed=FIT_SEED):
    """Yields n (noisy, clean) pairs as the module docstring describes, deterministic given seed."""
    import soundfile as sf
    rng = np.random.default_rng(seed)
    cats = sorted(noise)
    N = int(seconds * SR)
    cache = {}

    def read(f):
        if f not in cache:
            x, sr = sf.read(f, dtype="float64")
            if sr != SR:
                raise SystemExit(f"{f}: {sr} Hz, the material is {SR} Hz")
            cache[f] = x if x.ndim == 1 else x.mean(1)
        return cache[f]

    for _ in range(n):
        clean = np.zeros(N)
        if rng.random() >= 0.1:
            pos = int(rng.uniform(0, 1.0) * SR)
            while pos < N:
                u = read(speech[rng.integers(len(speech))])
                u = u * 10 ** (rng.uniform(-6, 6) / 20) / (np.sqrt(np.mean(u ** 2)) + 1e-9)
                m = min(len(u), N - pos)
                clean[pos:pos + m] += u[:m]
                pos += m + int(rng.uniform(0.1, 1.5) * SR)
        files = noise[cats[rng.integers(len(cats))]]
        nz = read(files[rng.integers(len(files))])
        if len(nz) < N:
            nz = np.tile(nz, N // len(nz) + 1)
        o = rng.integers(len(nz) - N + 1)
        nz = nz[o:o + N] / (np.sqrt(np.mean(nz[o:o + N] ** 2)) + 1e-9)
        active = clean != 0
        level = 10 ** (rng.uniform(-45, -15) / 20)
        if active.any():
            clean *= level / np.sqrt(np.mean(clean[active] ** 2))
            nz *= level / 10 ** (rng.uniform(-5, 20) / 20)
        else:
            nz *= level
        noisy = clean + nz
        peak = np.abs(noisy).max()
        if peak > 0.99:
            noisy, clean = noisy * (0.99 / peak), clean * (0.99 / peak)
        yield noisy, clean


def fit_material(ref, material_dir, budget=1.0, **kw):
    """Features [N, T, 2, B] and labels [N, T] of the fit mixtures."""
    speech, noise = list_material(material_dir)
    F, L = [], []
    for noisy, clean in mixtures(speech, noise, **kw):
        f = network_features(ref, noisy, budget)
        F.append(f)
        L.append(labels_from_clean(clean)[:len(f)])
    return np.stack(F), np.stack(L)


def smooth(feat, alpha, axis=-3):
    """Causal EMA over frames (`axis`; -3 of [..., T, 2, B] by default), state 0 before the first frame."""
    if alpha == 0:
        return feat
    x = np.moveaxis(feat, axis, 0)
    out = np.empty_like(x)
    acc = np.zeros(x.shape[1:])
    for t in range(len(x)):
        acc = alpha * acc + (1 - alpha) * x[t]
        out[t] = acc
    return np.moveaxis(out, 0, axis)


def select(feat, feature_set):
    """Zeroes the feature rows a set does not use ([..., 2, B])."""
    f = feat.copy()
    if feature_set == "fractions":
        f[..., 1, :] = 0
    elif feature_set == "scores":
        f[..., 0, :] = 0
    return f


def fit_logistic(X, y, l2=1e-3, iters=200):
    """Deterministic L2-regularised logistic regression (Newton / IRLS in float64) on standardised
    columns; returns (weights on the raw columns, bias). Zero columns get weight 0."""
    X = np.asarray(X, np.float64)
    y = np.asarray(y, np.float64)
    mu, sd = X.mean(0), X.std(0)
    used = sd > 1e-12
    Z = np.zeros_like(X)
    Z[:, used] = (X[:, used] - mu[used]) / sd[used]
    A = np.concatenate([Z[:, used], np.ones((len(Z), 1))], 1)
    w = np.zeros(A.shape[1])
    reg = l2 * len(A) * np.ones(A.shape[1])
    reg[-1] = 0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(A @ w)))
        g = A.T @ (p - y) + reg * w
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    wz, b = w[:-1], w[-1]
    W = np.zeros(X.shape[1])
    W[used] = wz / sd[used]
    b = b - float((wz * mu[used] / sd[used]).sum())
    return W, b


def fit_on(F, L, feature_set, alpha):
    """Fits the head on material features: (weight [2, B] float32, bias float32, fit stats)."""
    B = F.shape[-1]
    Fs = select(smooth(F, alpha), feature_set).reshape(-1, 2 * B)
    y = L.reshape(-1)
    W, b = fit_logistic(Fs, y)
    z = Fs @ W + b
    stats = dict(frames=int(y.size), speech_share=float(y.mean()),
                 accuracy=float(((z > 0) == y).mean()), auc=roc_auc(z, y))
    return W.reshape(2, B).astype(np.float32), np.float32(b), stats


def fit_head(ref, material_dir, feature_set=DEFAULT_FEATURES, alpha=DEFAULT_SMOOTHING, log=print):
    """Fits the head of the model `ref` on the training material at b = 1."""
    check_against_reference(ref)
    F, L = fit_material(ref, material_dir)
    W, b, st = fit_on(F, L, feature_set, alpha)
    log(f"  speech-activity head ({feature_set}, smoothing {alpha:g}) fitted on {F.shape[0]} mixtures, "
        f"{st['frames']} frames ({100 * st['speech_share']:.1f} % speech): fit accuracy "
        f"{100 * st['accuracy']:.1f} %, AUC {st['auc']:.3f}")
    return W, b, st


def with_head(md, tensors, weight, bias, alpha):
    """Model metadata and tensors (container.read's) with the head set (any old one replaced)."""
    md = [e for e in container.entries(md) if e[0] != "vad_smoothing"]
    tensors = [(n, v) for n, v in tensors.items() if not n.startswith("vad.")]
    return (md + [("vad_smoothing", 1, float(alpha))],
            tensors + [("vad.weight", np.asarray(weight, np.float32)), ("vad.bias", np.asarray([bias], np.float32))])


def roc_auc(score, label):
    """ROC AUC by the rank statistic (ties count one half)."""
    from scipy.stats import rankdata
    score = np.asarray(score, np.float64).ravel()
    label = np.asarray(label, bool).ravel()
    n1, n0 = int(label.sum()), int((~label).sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = rankdata(score)
    return float((r[label].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def main():
    ap = argparse.ArgumentParser(description="Fit the speech-activity head of a model file and write "
                                             "the file with it (FORMAT.md, 'Speech-activity head').")
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--material", default="/work/data/material")
    ap.add_argument("--features", choices=FEATURE_SETS, default=DEFAULT_FEATURES)
    ap.add_argument("--smoothing", type=float, default=DEFAULT_SMOOTHING)
    a = ap.parse_args()
    if not 0 <= a.smoothing < 1:
        raise SystemExit("--smoothing must be in [0, 1)")
    if os.path.isdir(a.out):
        raise SystemExit(f"{a.out} is a folder: give the output model file's path")
    if os.path.exists(a.out) and os.path.exists(a.model) and os.path.samefile(a.model, a.out):
        raise SystemExit(f"{a.out}: the output must not be the input model (write a new file)")
    try:
        md, t = container.read(a.model)
        ref = reference.Reference(md, t)
    except (OSError, ValueError) as e:
        raise SystemExit(f"vadhead.py: {a.model}: {e}")
    W, b, _ = fit_head(ref, a.material, a.features, a.smoothing)
    try:
        buf = container.write(a.out, *with_head(md, t, W, b, a.smoothing))
    except (OSError, ValueError) as e:
        raise SystemExit(f"vadhead.py: {a.out}: {e}")
    print(f"wrote {a.out}: {len(buf)} bytes, CRC32 {zlib.crc32(buf[:-4]) & 0xFFFFFFFF:08x}")


if __name__ == "__main__":
    sys.exit(main())
