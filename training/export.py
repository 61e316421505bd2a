"""Export a HushNet checkpoint to the FORMAT.md container (BN and input standardisation folded),
read it back with the strict reader, and check the frame-by-frame reference forward on the file
against the batched PyTorch forward (eval mode) of the checkpoint.

  python export.py CKPT.pt models/hush-default.hush
  python export.py --random-init models/hush-default.hush   (untrained model, for engine bring-up)
  python export.py CKPT.pt OUT.hush --vad-material /work/data/material   (with the speech-activity head)
"""
import argparse
import sys
import zlib

import numpy as np
import torch

import container
import hushnet
import quantize
import vadhead
from reference import Reference


# The bundled model's attenuation limit: the best of 12 / 15 / 18 / 20 / 24 / 30 dB / none by mean
# PESQ-WB on the development set (tune_limit.py; logs/tune_limit.txt), never on the test set.
DEFAULT_ATTENUATION_LIMIT_DB = 20.0

def random_init_model(seed=1234):
    """Untrained model whose folded tensors exercise every path: BN running stats and affine
    parameters away from identity, PReLU slopes spread, gate biases so that some channels are off."""
    torch.manual_seed(seed)
    m = hushnet.HushNet()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        m.feat_mean.copy_(-4.0 + torch.randn(hushnet.BINS, generator=g))
        m.feat_std.copy_(3.0 + torch.rand(hushnet.BINS, generator=g))
        for blk in m.blocks:
            for bn in (blk.bn1, blk.bn2):
                bn.running_mean.copy_(0.3 * torch.randn(bn.num_features, generator=g))
                bn.running_var.copy_(0.5 + torch.rand(bn.num_features, generator=g))
                bn.weight.copy_(0.5 + torch.rand(bn.num_features, generator=g))
                bn.bias.copy_(0.1 * torch.randn(bn.num_features, generator=g))
            blk.prelu1.weight.copy_(0.05 + 0.5 * torch.rand(blk.C, generator=g))
            blk.prelu2.weight.copy_(0.05 + 0.5 * torch.rand(blk.C, generator=g))
            blk.gate2.bias.copy_(0.3 + 0.5 * torch.randn(blk.C, generator=g))
            blk.pw2.weight.mul_(0.5)
    m.eval()
    return m


def load_checkpoint(path):
    ck = torch.load(path, map_location="cpu", weights_only=False)
    m = hushnet.HushNet(**ck["config"])
    m.load_state_dict(ck["model"])
    m.eval()
    return m, ck


def write_model(m, path, extra_meta=()):
    c = m.config()
    t = hushnet.export_tensors(m)
    md = hushnet.model_metadata(c["R"], c["C"], c["G"], c["B"], c["K"], m.attenuation_limit_db) + list(extra_meta)
    buf = container.write(path, md, [(n, t[n]) for n in hushnet.tensor_order(c["B"])])
    return buf


def check(m, path, x, budgets=(1.0, 0.75, 0.5, 0.25), tol=1e-4):
    c = m.config()
    md, t = container.read(path, hushnet.expected_shapes(c["R"], c["C"], c["G"], c["B"], c["K"]))
    ref = Reference(md, t)
    worst = 0.0
    for b in budgets:
        o = ref.run(x, b, record=True)
        with torch.no_grad():
            y, mask, aux = m(torch.from_numpy(x.astype(np.float32))[None], budget=b)
        dm = float(np.abs(mask[0].numpy() - o["mask"]).max())
        dy = float(np.abs(y[0].numpy() - o["output"]).max())
        dg = int(sum((a[1][0].numpy() != o["gates"][i]).sum() for i, a in enumerate(aux)))
        ds = float(max(np.abs(a[0][0].numpy() - o["scores"][i]).max() for i, a in enumerate(aux)))
        act = o["active"].mean(0) / c["C"]
        print(f"  b={b:.2f}: max|dmask| {dm:.2e}  max|dout| {dy:.2e}  max|dscore| {ds:.2e}  gate flips {dg}  "
              f"active fraction/block {np.round(act, 2).tolist()}")
        worst = max(worst, dm, dy)
        if dg:
            print("  WARNING: gate decisions differ between batched and reference forward")
    print(f"  worst |batched - reference| = {worst:.2e} ({'OK' if worst < tol else 'FAIL'})")
    return worst < tol


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ckpt", nargs="?")
    ap.add_argument("out")
    ap.add_argument("--random-init", action="store_true")
    ap.add_argument("--int8", action="store_true",
                    help="write the int8 model (FORMAT.md \"int8 weights\", quantize.py) after checking "
                         "the float32 export it is made from")
    ap.add_argument("--attenuation-limit-db", type=float, default=DEFAULT_ATTENUATION_LIMIT_DB,
                    help="the model file's default attenuation limit in dB (0: none); "
                         f"default {DEFAULT_ATTENUATION_LIMIT_DB:g}, chosen on the dev set by tune_limit.py")
    ap.add_argument("--vad-material", metavar="DIR",
                    help="fit the optional speech-activity head on mixtures of this training material "
                         "(vadhead.py, with its dev-chosen features and smoothing; deterministic, about "
                         "two minutes on CPU) and store it in the file")
    a = ap.parse_args()
    if a.random_init:
        m, extra = random_init_model(), [("trained", 0, 0)]
    else:
        m, ck = load_checkpoint(a.ckpt)
        extra = [("trained", 0, 1), ("train_steps", 0, int(ck.get("step", 0)))]
    m.attenuation_limit_db = a.attenuation_limit_db if a.attenuation_limit_db > 0 else None
    buf = write_model(m, a.out, extra)
    n_params = sum(v.size for v in hushnet.export_tensors(m).values())
    print(f"wrote {a.out}: {len(buf)} bytes, {n_params} parameters, CRC32 {zlib.crc32(buf[:-4]) & 0xFFFFFFFF:08x}")
    rng = np.random.default_rng(0)
    x = (0.05 * rng.standard_normal(256 * 40) * np.repeat(rng.uniform(0.1, 1, 40), 256)).astype(np.float32)
    # A static network's gates tie (every score +1), so budgets below 1 would only test tie-breaking:
    # it is checked, and meant to run, at b = 1.
    ok = check(m, a.out, x.astype(np.float64), budgets=(1.0,) if not m.gated else (1.0, 0.75, 0.5, 0.25))
    if ok and a.vad_material:
        md, t = container.read(buf)
        w, b, _ = vadhead.fit_head(Reference(md, t), a.vad_material)
        buf = container.write(a.out, *vadhead.with_head(md, t, w, b, vadhead.DEFAULT_SMOOTHING))
        print(f"rewrote {a.out} with its speech-activity head: {len(buf)} bytes, "
              f"CRC32 {zlib.crc32(buf[:-4]) & 0xFFFFFFFF:08x}")
    if ok and a.int8:
        buf = quantize.quantize_file(buf, a.out)
        print(f"rewrote {a.out} with int8 weights: {len(buf)} bytes, CRC32 {zlib.crc32(buf[:-4]) & 0xFFFFFFFF:08x}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
