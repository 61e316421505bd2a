"""MAC / parameter table for HushNet, analytic (FORMAT.md formula, per layer) and brute force
(forward hooks on every conv of the PyTorch model that count the multiplies it performs; for the
gated convs only the rows / taps / columns of channels whose gate is on in that frame).

  python macs.py                       # default sizes, untrained weights
  python macs.py --ckpt CKPT.pt --wav some.wav   # measured executed MACs at each budget
"""
import argparse

import numpy as np
import torch

import hushnet
import macformula

FPS = hushnet.SR / hushnet.HOP  # frames per second (62.5)


def table(R, C, G, B, K, F=hushnet.BINS):
    rows = [("frontend 1x1 F->R", F * R, F * R + R)]
    for i in range(B):
        rows += [(f"block {i} gate R->G->C", macformula.gate_macs_per_block(R, C, G), R * G + G + G * C + C),
                 (f"block {i} pw1 R->C", R * C, R * C + C + C),  # + PReLU slopes
                 (f"block {i} dw K={K} d={2 ** (i % 3)}", K * C, K * C + C + C),
                 (f"block {i} pw2 C->R", C * R, C * R + R)]
    rows += [("backend 1x1 R->F", R * F, R * F + F)]
    return rows


def count_hooks(model):
    """Attach hooks; returns dict with running totals."""
    tot = {"dense": 0, "gates": 0, "executed_gated": 0, "frames": 0}
    hs = []

    def conv_hook(kind, blk):
        def h(mod, inp, out):
            Bt, T, Co = out.shape
            per_out = mod.K if isinstance(mod, hushnet.CausalDW) else mod.in_features
            if kind == "gate":
                tot["gates"] += Bt * T * Co * per_out
                return
            tot["dense"] += Bt * T * Co * per_out
            if kind == "plain":
                tot["executed_gated"] += Bt * T * Co * per_out
                return
            act = blk._last_gate.sum().item()  # active (channel, frame) pairs, gate [Bt, T, C]
            if kind == "pw2":
                tot["executed_gated"] += act * mod.out_features  # one column of R per active channel
            else:
                tot["executed_gated"] += act * per_out  # pw1: a row of R; dw: K taps
        return h

    hs.append(model.frontend.register_forward_hook(conv_hook("plain", None)))
    hs.append(model.backend.register_forward_hook(conv_hook("plain", None)))
    for blk in model.blocks:
        hs.append(blk.gate1.register_forward_hook(conv_hook("gate", blk)))
        hs.append(blk.gate2.register_forward_hook(conv_hook("gate", blk)))
        hs.append(blk.pw1.register_forward_hook(conv_hook("pw1", blk)))
        hs.append(blk.dw.register_forward_hook(conv_hook("dw", blk)))
        hs.append(blk.pw2.register_forward_hook(conv_hook("pw2", blk)))
    return tot, hs


def measure(model, x, budget):
    """Brute-force executed MACs/frame at a budget: runs the model, gates recorded per block."""
    gates = []

    def mk(blk):
        def h(mod, inp, out):
            gates.append(out[2])
        return h
    # first pass: record gates
    hs = [blk.register_forward_hook(mk(blk)) for blk in model.blocks]
    with torch.no_grad():
        model(x, budget=budget)
    for h in hs:
        h.remove()
    for blk, g in zip(model.blocks, gates):
        blk._last_gate = g
    tot, hs = count_hooks(model)
    with torch.no_grad():
        model(x, budget=budget)
    for h in hs:
        h.remove()
    T = x.shape[-1] // hushnet.HOP
    return {k: v / (T * x.shape[0]) for k, v in tot.items() if k != "frames"}, gates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt"); ap.add_argument("--wav")
    a = ap.parse_args()
    if a.ckpt:
        from export import load_checkpoint
        m, _ = load_checkpoint(a.ckpt)
    else:
        from export import random_init_model
        m = random_init_model()
    m.eval()
    c = m.config()
    R, C, G, B, K = c["R"], c["C"], c["G"], c["B"], c["K"]
    rows = table(R, C, G, B, K)
    print(f"HushNet R={R} C={C} G={G} B={B} K={K}, dilations {m.dilations}, {FPS} frames/s\n")
    print("| layer | MACs/frame | params |")
    print("|---|---|---|")
    agg = {}
    for name, mac, par in rows:
        key = name.split(" ", 2)[-1] if name.startswith("block") else name
        key = key.split(" d=")[0]
        a_ = agg.setdefault(key, [0, 0, 0]); a_[0] += mac; a_[1] += par; a_[2] += 1
    for key, (mac, par, n) in agg.items():
        print(f"| {key}{' (x%d blocks)' % n if n > 1 else ''} | {mac} | {par} |")
    dense = macformula.dense_macs_per_frame(R, C, G, B, K, hushnet.BINS)
    gates = B * macformula.gate_macs_per_block(R, C, G)
    n_params = sum(p for _, _, p in rows)
    n_model = sum(v.size for v in hushnet.export_tensors(m).values())
    print(f"\nDense (FORMAT.md, no gates): {dense} MACs/frame = {dense * FPS / 1e6:.2f} MMAC/s")
    print(f"Dense incl. gates:            {dense + gates} MACs/frame = {(dense + gates) * FPS / 1e6:.2f} MMAC/s")
    print(f"Parameters: {n_params} (exported tensors: {n_model})")
    print(f"Algorithmic latency: n_fft = {hushnet.N_FFT} samples = {hushnet.N_FFT / hushnet.SR * 1000:.0f} ms")
    for b in (1.0, 0.75, 0.5, 0.25):
        k = macformula.budget_k(b, C)
        worst = macformula.executed_macs_per_frame(R, C, G, B, K, [k] * B, hushnet.BINS)
        print(f"  b={b:.2f}: cap k={k}, executed MACs/frame at most {worst} "
              f"({worst * FPS / 1e6:.2f} MMAC/s, {100 * worst / dense:.1f}% of dense)")
    # brute force
    if a.wav:
        import soundfile as sf
        x, sr = sf.read(a.wav, dtype="float32")
        x = torch.from_numpy(x)[None]
    else:
        torch.manual_seed(0)
        x = 0.05 * torch.randn(1, hushnet.HOP * 200)
    print("\nBrute force (hooks):")
    for b in (1.0, 0.75, 0.5, 0.25):
        tot, gates_ = measure(m, x, b)
        act = [g.sum(-1).float().mean().item() for g in gates_]
        analytic = macformula.executed_macs_per_frame(R, C, G, B, K, act, hushnet.BINS)
        print(f"  b={b:.2f}: dense convs {tot['dense']:.0f}/frame (analytic {dense}), gates {tot['gates']:.0f} "
              f"(analytic {gates}), executed {tot['executed_gated'] + tot['gates']:.0f}/frame "
              f"(analytic from active counts {analytic:.0f}) = {(tot['executed_gated'] + tot['gates']) * FPS / 1e6:.2f} MMAC/s")
        assert abs(tot["dense"] - dense) < 1e-6 * dense and abs(tot["gates"] - gates) < 1e-6 * gates
        assert abs(tot["executed_gated"] + tot["gates"] - analytic) < 1e-3 * analytic


if __name__ == "__main__":
    main()
