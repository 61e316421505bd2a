"""Speech activity from the gates: the labels, the per-block features, the logistic-regression
head the exporter fits, and its frame-by-frame definition (FORMAT.md, "Speech-activity head").

Features of frame t (free: the engine has them anyway), for each block i of B:
  a_i = |A_i| / C        the block's active-channel fraction at the running budget
  m_i = mean_c s_i[c]    the mean of the block's C gate scores
Head: z_t = vad.bias + sum_i (vad.weight[0, i] a_i + vad.weight[1, i] m_i),
      zbar_t = alpha * zbar_{t-1} + (1 - alpha) * z_t  (zbar_{-1} = vad.bias, alpha = vad_smoothing),
      p_t = sigmoid(zbar_t).
Because the smoothing is linear, fitting the logistic regression on the features smoothed the same
way (x_{-1} = 0) gives exactly the weights of the smoothed-logit head.

Labels (the clean reference, frame t = the STFT frame of FORMAT.md, 512-sample sqrt-Hann window,
hop 256): level_t = 10 log10(sum (w x)^2 / sum w^2) in dBFS; frame t is speech iff
level_t >= max_t' level_t' - LABEL_RANGE_DB and level_t >= LABEL_FLOOR_DBFS.

  python vadhead.py MODEL.hush --pack /work/data/pack     (fit and print, writes nothing)
"""
import numpy as np
import torch

import hushnet

LABEL_RANGE_DB = 35.0      # a speech frame is within 35 dB of the utterance's loudest frame ...
LABEL_FLOOR_DBFS = -70.0   # ... and above -70 dBFS (absolute floor: digital silence, noise-only)
FEATURE_SETS = ("fractions", "scores", "both")
FIT_SEED, FIT_BATCHES, FIT_BATCH_SIZE = 15, 16, 32   # 512 pack mixtures of 3 s, ~30 k frames


def frame_levels(x, n_fft=hushnet.N_FFT, hop=hushnet.HOP):
    """x [..., N] (numpy or torch, model rate) -> frame level in dBFS [..., N // hop], FORMAT.md framing."""
    x = torch.as_tensor(np.asarray(x), dtype=torch.float64)
    T = x.shape[-1] // hop
    xp = torch.nn.functional.pad(x, (n_fft - hop, 0))
    fr = xp.unfold(-1, n_fft, hop)[..., :T, :]
    w = hushnet.sqrt_hann(n_fft, torch.float64)
    e = ((fr * w) ** 2).sum(-1) / (w ** 2).sum()
    return (10 * torch.log10(e + 1e-20)).numpy()


def labels_from_clean(clean, label_range_db=LABEL_RANGE_DB):
    """clean [..., N] -> bool [..., T]: speech frames by the definition above, per utterance (last axis)."""
    lv = frame_levels(clean)
    top = lv.max(-1, keepdims=True)
    return (lv >= top - label_range_db) & (lv >= LABEL_FLOOR_DBFS)


@torch.no_grad()
def gate_features(model, x, budget=1.0):
    """Batched features from the PyTorch model: x [bs, N] -> [bs, T, 2, B] (fractions, mean scores)."""
    X = hushnet.stft(x)
    _, aux = model.mask_from_spec(X, budget)
    a = torch.stack([h.mean(-1) for _, h, _ in aux], -1)
    m = torch.stack([s.mean(-1) for s, _, _ in aux], -1)
    return torch.stack([a, m], -2).double().numpy()


def smooth(feat, alpha):
    """Causal EMA over frames (axis -3 of [..., T, 2, B]), state 0 before the first frame."""
    if alpha == 0:
        return feat
    out = np.empty_like(feat)
    acc = np.zeros(feat.shape[:-3] + feat.shape[-2:])
    for t in range(feat.shape[-3]):
        acc = alpha * acc + (1 - alpha) * feat[..., t, :, :]
        out[..., t, :, :] = acc
    return out


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


def pack_material(model, pack_dir, batches=FIT_BATCHES, bs=FIT_BATCH_SIZE, seed=FIT_SEED, budget=1.0):
    """Features [N, T, 2, B] and labels [N, T] of batches x bs mixtures of 3 s of the material pack
    (devicemix.DeviceMixer on the CPU, seeded: the same frames every run)."""
    import devicemix
    mixer = devicemix.DeviceMixer(devicemix.load_pack(pack_dir), "cpu", seg=3.0, seed=seed)
    feats, labs = [], []
    for step in range(batches):
        noisy, clean = mixer.batch(step, bs)
        feats.append(gate_features(model, noisy, budget))
        labs.append(labels_from_clean(clean.numpy()))
    return np.concatenate(feats), np.concatenate(labs)


def fit_head(model, pack_dir, feature_set="both", alpha=0.0, log=print, **material):
    """Fits the head on the pack's mixtures (pack_material). Returns (weight [2, B] float32,
    bias float32, dict of fit stats)."""
    F, L = pack_material(model, pack_dir, **material)
    Fs = select(smooth(F, alpha), feature_set)
    B = F.shape[-1]
    W, b = fit_logistic(Fs.reshape(-1, 2 * B), L.reshape(-1))
    z = Fs.reshape(-1, 2 * B) @ W + b
    acc = float(((z > 0) == L.reshape(-1)).mean())
    stats = dict(frames=int(L.size), speech_share=float(L.mean()), train_accuracy=acc,
                 train_auc=roc_auc(z, L.reshape(-1)))
    log(f"  VAD head ({feature_set}, smoothing {alpha:g}) fitted on {L.shape[0]} pack segments, "
        f"{L.size} frames ({100 * L.mean():.1f} % speech): train accuracy {100 * acc:.1f} %, "
        f"AUC {stats['train_auc']:.3f}")
    return W.reshape(2, B).astype(np.float32), np.float32(b), stats


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


def head_probabilities(weight, bias, alpha, fractions, mean_scores):
    """The head frame by frame as FORMAT.md defines it (float64): fractions, mean_scores [T, B] -> p [T]."""
    weight = np.asarray(weight, np.float64)
    z_bar = float(bias)
    p = np.empty(len(fractions))
    for t in range(len(fractions)):
        z = float(bias) + weight[0] @ fractions[t] + weight[1] @ mean_scores[t]
        z_bar = alpha * z_bar + (1 - alpha) * z
        p[t] = 1 / (1 + np.exp(-z_bar))
    return p


if __name__ == "__main__":
    import argparse
    import export
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--pack", default="/work/data/pack")
    ap.add_argument("--features", choices=FEATURE_SETS, default="both")
    ap.add_argument("--smoothing", type=float, default=0.0)
    a = ap.parse_args()
    m, _ = export.load_checkpoint(a.ckpt)
    fit_head(m, a.pack, a.features, a.smoothing)
