"""Enhance the evaluation set with an exported model file at several budgets and measure the
executed MACs by counting the active channels of every frame (FORMAT.md executed formula).

  python evaluate.py models/hush-default.hush /work/data/eval [--budgets 1 0.75 0.5 0.25]
  -> /work/data/eval/hush_b100/*.wav ... and /work/data/eval/hush_macs.json
then score with ../shared/peers/score.py (see RESULTS.md).

The network is run from the file's tensors (a PyTorch copy with identity BN / standardisation,
batched over time) and checked against the literal frame-by-frame reference (reference.py) on the
first files. Output is delay-compensated (n_fft - hop samples) with the input padded by n_fft
zeros so that the tail is flushed; the output has the input's length.
"""
import argparse
import glob
import json
import os

import numpy as np
import soundfile as sf
import torch

import container
import hushnet
import macformula
from reference import Reference


def model_from_file(path):
    md, t = container.read(path)
    R, C, G, B, K = (md["residual_channels"], md["conv_channels"], md["gate_rank"], md["blocks"],
                     md["kernel_size"])
    m = hushnet.HushNet(R=R, C=C, G=G, B=B, K=K)
    hushnet.load_folded(m, t)
    m.attenuation_limit_db = md.get("attenuation_limit_db")
    m.eval()
    return m, md, t


def flush_padded(x):
    """x as a [1, N + n_fft] float32 batch: n_fft trailing zeros flush the stream's tail."""
    return torch.from_numpy(np.concatenate([x, np.zeros(hushnet.N_FFT)]).astype(np.float32))[None]


def delay_compensated(y, n):
    """The first n samples of the input's time from a [1, ...] stream output (its delay,
    n_fft - hop samples, removed), as float64."""
    d = hushnet.N_FFT - hushnet.HOP
    return y[0].numpy().astype(np.float64)[d:d + n]


def enhance(m, x, budget):
    n = len(x)
    with torch.no_grad():
        y, mask, aux = m(flush_padded(x), budget=budget)
    y = delay_compensated(y, n)
    T = (n + hushnet.HOP - 1) // hushnet.HOP  # frames that cover the input
    gates = torch.stack([h[0, :T] for _, h, _ in aux], 0).numpy()  # [B, T, C], 0/1
    return y, gates


NEAR_TIE = 1e-4  # gate-score margin (relative to the block's largest score) that rounding may cross


def gate_margins(scores, k):
    """For each channel of one block and frame, how far its score is from changing whether it is
    active: its distance to 0 (the sign decides) and, when the budget binds, to the score it must
    beat (the k-th highest for a channel outside the top k, the (k+1)-th for one inside)."""
    margin = np.abs(scores)
    if k < len(scores):
        top = np.sort(scores)[::-1]
        if top[k] > 0:
            inside = scores >= top[k - 1]
            margin = np.minimum(margin, np.where(inside, scores - top[k], top[k - 1] - scores))
    return margin / (1.0 + np.abs(scores).max())


def check_against_reference(ref, x, y, gates, budget, name):
    """The batched float32 forward against reference.py's float64 frame loop on one file: the
    same active channels and output, up to the first frame where they choose differently. There
    every channel chosen differently must have a score within rounding of its threshold; from
    there on (the causal history carries the difference) the two are not compared. Returns the
    largest output difference compared."""
    xp = np.concatenate([x, np.zeros(hushnet.N_FFT)])
    o = ref.run(xp, budget, record=True)
    T = gates.shape[1]
    differs = (o["gates"][:, :T] != gates).any(-1)  # [B, T]
    n = len(x)
    if differs.any():
        t = int(np.argwhere(differs.any(0))[0, 0])  # the earliest frame; in it, the earliest block
        i = int(np.argwhere(differs[:, t])[0, 0])
        flipped = o["gates"][i, t] != gates[i, t]
        margin = gate_margins(o["scores"][i, t], macformula.budget_k(budget, ref.C))[flipped].max()
        assert margin < NEAR_TIE, (f"{name}: the active channels differ at frame {t}, block {i}, where "
                                   f"no tie explains it (margin {margin:.1e})")
        n = min(n, max(0, (t - 1) * hushnet.HOP))  # output samples that frame t cannot reach
    d = hushnet.N_FFT - hushnet.HOP
    return float(np.abs(o["output"][d:d + n] - y[:n]).max()) if n else 0.0


def make_static(m, speech_dir, b, n_mix=64):
    """Fix each block's gates to the ceil(b*C) channels most often active at b = 1 on training
    mixtures (gate2 weights zeroed, bias +1 for kept channels, -1 otherwise)."""
    import train
    _, speech = train.load_wavs([speech_dir], max_files=300)
    x, _ = train.Mixer(speech, seed=12345).batch(0, n_mix)
    with torch.no_grad():
        _, _, aux = m(x, budget=1.0)
        k = macformula.budget_k(b, m.C)
        for blk, (_, hard, _) in zip(m.blocks, aux):
            freq = hard.mean((0, 1))
            keep = torch.topk(freq, k).indices
            bias = -torch.ones(m.C); bias[keep] = 1.0
            blk.gate2.weight.zero_(); blk.gate2.bias.copy_(bias)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("evaldir")
    ap.add_argument("--budgets", type=float, nargs="+", default=[1.0, 0.75, 0.5, 0.25])
    ap.add_argument("--check", type=int, default=2, help="files checked against reference.py")
    ap.add_argument("--prefix", default="hush")
    ap.add_argument("--static-from", help="training speech dir: evaluate a STATIC sub-network instead "
                    "(per block the ceil(b*C) channels most often active at b=1 on training mixtures, fixed)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    m, md, t = model_from_file(a.model)
    if a.static_from:
        a.prefix = a.prefix + "_static"
    ref = Reference(md, t)
    R, C, G, B, K = m.R, m.C, m.G, m.B, m.K
    dense = macformula.dense_macs_per_frame(R, C, G, B, K, hushnet.BINS)
    files = sorted(glob.glob(os.path.join(a.evaldir, "noisy", "*.wav")))
    fps = hushnet.SR / hushnet.HOP
    summary = {"model": a.model, "dense_macs_per_frame": dense, "dense_mmac_s": dense * fps / 1e6,
               "gate_macs_per_frame": B * macformula.gate_macs_per_block(R, C, G), "budgets": {}}
    for b in a.budgets:
        tag = f"{a.prefix}_b{int(round(b * 100)):03d}"
        if a.static_from:
            m, md, t = model_from_file(a.model)
            make_static(m, a.static_from, b)
            ref = Reference(md, hushnet.export_tensors(m))
        od = os.path.join(a.evaldir, tag)
        os.makedirs(od, exist_ok=True)
        per_frame = []
        act_all = []
        worst = 0.0
        for i, f in enumerate(files):
            x, sr = sf.read(f, dtype="float64")
            y, gates = enhance(m, x, b)
            active = gates.sum(-1).T  # [T, B]
            if i < a.check:
                worst = max(worst, check_against_reference(ref, x, y, gates, b, f))
            sf.write(os.path.join(od, os.path.basename(f)), np.clip(y, -1, 1), sr, subtype="PCM_16")
            per_frame.append(ref.executed_macs(active.astype(np.int64)))
            act_all.append(active)
        pf = np.concatenate(per_frame)
        act = np.concatenate(act_all)
        summary["budgets"][tag] = {
            "budget": b, "frames": int(len(pf)), "executed_macs_per_frame": float(pf.mean()),
            "executed_mmac_s": float(pf.mean() * fps / 1e6), "fraction_of_dense": float(pf.mean() / dense),
            "active_fraction_per_block": (act.mean(0) / C).round(3).tolist(),
            "max_abs_diff_vs_reference": worst}
        print(f"{tag}: executed {pf.mean() * fps / 1e6:.2f} MMAC/s ({100 * pf.mean() / dense:.1f}% of dense "
              f"{dense * fps / 1e6:.2f}), active/block {np.round(act.mean(0) / C, 2).tolist()}, "
              f"|torch - reference| {worst:.1e}", flush=True)
    json.dump(summary, open(os.path.join(a.evaldir, f"{a.prefix}_macs.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
