"""Could the gates say more? Dev-set ROC AUC of richer heads than the one the exporter fits, on the
same pack mixtures (vadhead.FIT_*), for VAD.md's "What it would take". Dev set only; nothing here
is used by the exporter.

  OMP_NUM_THREADS=2 python vad_explore.py CKPT.pt --pack /work/data/pack   # -> logs/vad_explore.txt

Heads (all with the causal smoothing, applied to the features, which is the same as smoothing the logit):
  per-block stats   logistic regression (vadhead.fit_logistic) on per-block statistics of the gate
                    scores s and gates: active fraction, mean s, mean max(s, 0), max s, std s
  per-channel       logistic regression on the B*C binary gates themselves (L2 1e-4, L-BFGS; on the
                    first 8 of the pack batches: 47 872 frames, 2 304 weights)
"""
import argparse

import numpy as np
import torch

import devicemix
import export
import hushnet
import vad_eval
import vadhead

STATS = ("fraction", "mean", "mean_pos", "max", "std")


@torch.no_grad()
def gate_data(m, x):
    """x [bs, N] -> per-block statistics [bs, T, len(STATS), B], binary gates [bs, T, B*C]."""
    _, aux = m.mask_from_spec(hushnet.stft(x), 1.0)
    st = [torch.stack([h.mean(-1), s.mean(-1), torch.relu(s).mean(-1), s.amax(-1), s.std(-1)], -1)
          for s, h, _ in aux]
    return torch.stack(st, -1).double().numpy(), torch.cat([h for _, h, _ in aux], -1)


def ema(x, alpha, axis):
    out = np.empty_like(x)
    acc = np.zeros(np.delete(np.array(x.shape), axis))
    for t in range(x.shape[axis]):
        acc = alpha * acc + (1 - alpha) * np.take(x, t, axis)
        idx = [slice(None)] * x.ndim
        idx[axis] = t
        out[tuple(idx)] = acc
    return out


def ema_t(x, alpha):
    """The same causal smoothing over frames (axis -2) of a float32 torch tensor."""
    out = torch.empty_like(x)
    acc = torch.zeros_like(x[..., 0, :])
    for t in range(x.shape[-2]):
        acc = alpha * acc + (1 - alpha) * x[..., t, :]
        out[..., t, :] = acc
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt")
    ap.add_argument("--pack", default="/work/data/pack")
    a = ap.parse_args()
    torch.set_num_threads(2)
    m, _ = export.load_checkpoint(a.ckpt)
    mixer = devicemix.DeviceMixer(devicemix.load_pack(a.pack), "cpu", seg=3.0, seed=vadhead.FIT_SEED)
    S, G, L = [], [], []
    for step in range(vadhead.FIT_BATCHES):
        noisy, clean = mixer.batch(step, vadhead.FIT_BATCH_SIZE)
        s, g = gate_data(m, noisy)
        S.append(s); L.append(vadhead.labels_from_clean(clean.numpy()))
        if step < 8:
            G.append(ema_t(g, 0.8).reshape(-1, g.shape[-1]))
    S, L = np.concatenate(S), np.concatenate(L)
    dev = vad_eval.load_set("dev")
    DS, DG, DL = [], [], []
    for r in dev:
        s, g = gate_data(m, torch.from_numpy(r["noisy"].astype(np.float32))[None])
        T = min(s.shape[1], len(r["labels"]))
        DS.append(s[0, :T]); DG.append(ema_t(g[0, :T], 0.8)); DL.append(r["labels"][:T])
    dl = np.concatenate(DL)
    B = S.shape[-1]
    alpha = 0.8
    print("| head | weights | pack acc | dev acc | dev AUC |\n|---|---|---|---|---|")
    for name, rows in (("fraction + mean (the exported head)", [0, 1]), ("fraction + mean + mean_pos", [0, 1, 2]),
                       ("all five statistics", [0, 1, 2, 3, 4])):
        X = ema(S[:, :, rows], alpha, 1).reshape(-1, len(rows) * B)
        W, b = vadhead.fit_logistic(X, L.reshape(-1))
        pa = ((X @ W + b > 0) == L.reshape(-1)).mean()
        z = np.concatenate([ema(d[:, rows], alpha, 0).reshape(len(d), -1) @ W + b for d in DS])
        print(f"| per-block stats: {name} | {len(W)} | {100 * pa:.1f} % | {100 * ((z > 0) == dl).mean():.1f} % | "
              f"{vadhead.roc_auc(z, dl):.3f} |", flush=True)
    X = torch.cat(G)
    y = torch.from_numpy(L[:8 * vadhead.FIT_BATCH_SIZE].reshape(-1)).float()
    torch.manual_seed(0)
    w = torch.zeros(X.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(X @ w + b, y) + 1e-4 * (w ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    with torch.no_grad():
        pa = ((X @ w + b > 0).float() == y).float().mean().item()
        z = np.concatenate([(g @ w + b).numpy() for g in DG])
    print(f"| per-channel: the {X.shape[1]} binary gates | {X.shape[1]} | {100 * pa:.1f} % | "
          f"{100 * ((z > 0) == dl).mean():.1f} % | {vadhead.roc_auc(z, dl):.3f} |")


if __name__ == "__main__":
    main()
