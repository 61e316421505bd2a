"""int8 weights (training/FORMAT.md, "int8 weights"): every weight matrix of the network is stored
as int8, symmetric, with float32 scales: scale = max|w| / 127 over a row or column, q = round(w /
scale) in [-127, 127]. Biases, PReLU slopes and metadata stay float32; the engine accumulates in
float.
- frontend, backend, gate.w1, pw1, pw2: one scale per output channel (per row of the file's
  tensor), stored as `<name>.scale`; the engine multiplies each int8 dot product by it.
- dw and gate.w2: no stored scale. Their scales are folded into the layer that feeds them, which
  ReLU/PReLU's positive homogeneity allows (f(a·z) = a·f(z) for a > 0): dw's per-channel scale
  multiplies pw1's row and bias for that channel (the history then holds u times the scale), and
  gate.w2's per-column scale multiplies gate.w1's row and bias for that hidden unit. The network
  computes the same function with 18 KB fewer scales and no multiply for them per frame.

  python quantize.py models/hush-default.hush models/hush-default-int8.hush
converts an exported float32 model file (the exporter's --int8 does the same from a checkpoint).
numpy only: no PyTorch needed.
"""
import argparse
import os
import sys
import zlib

import numpy as np

import container

QMAX = 127
# The weight matrices (FORMAT.md tensor names without the "block.<i>." prefix).
WEIGHTS = ("frontend.weight", "backend.weight", "gate.w1", "gate.w2", "pw1.weight", "dw.weight",
           "pw2.weight")
SCALE_SUFFIX = ".scale"


def is_weight(name):
    """Whether tensor `name` is one of the matrices stored as int8."""
    parts = name.split(".", 2)
    return name in WEIGHTS or (len(parts) == 3 and parts[0] == "block" and parts[2] in WEIGHTS)


def quantize_rows(w):
    """float matrix [rows, cols] -> (int8 [rows, cols], float32 scales [rows])."""
    w = np.asarray(w, np.float32)
    absmax = np.abs(w).max(axis=1)
    scale = np.where(absmax > 0, absmax / QMAX, 1.0).astype(np.float32)
    q = np.clip(np.round(w / scale[:, None]), -QMAX, QMAX).astype(np.int8)
    return q, scale


def fold_scales(t):
    """{name: float array} -> (the equivalent tensors with dw's and gate.w2's scales folded into
    pw1 and gate.w1, {name: int8} for dw and gate.w2)."""
    t = {n: np.asarray(a, np.float64) for n, a in t.items()}
    unscaled = {}
    blocks = sorted({int(n.split(".")[1]) for n in t if n.startswith("block.")})
    for i in blocks:
        p = f"block.{i}."
        q, scale = quantize_rows(t[p + "dw.weight"])              # per channel c
        unscaled[p + "dw.weight"] = q
        t[p + "pw1.weight"] *= scale[:, None]
        t[p + "pw1.bias"] *= scale
        q, scale = quantize_rows(t[p + "gate.w2"].T)               # per hidden unit g (a column)
        unscaled[p + "gate.w2"] = np.ascontiguousarray(q.T)
        t[p + "gate.w1"] *= scale[:, None]
        t[p + "gate.b1"] *= scale
    return t, unscaled


def quantize(tensors):
    """[(name, float array)] in file order -> the same list with every weight matrix replaced by
    its int8 values, followed by `<name>.scale` where the scale is stored (see the top)."""
    folded, unscaled = fold_scales(dict(tensors))
    out = []
    for name, _ in tensors:
        a = folded[name]
        if name in unscaled:
            out.append((name, unscaled[name]))
        elif is_weight(name):
            q, scale = quantize_rows(a)
            out += [(name, q), (name + SCALE_SUFFIX, scale)]
        else:
            out.append((name, a.astype(np.float32)))
    return out


def dequantize(tensors):
    """{name: array} as read from a model file -> {name: float64 array}: int8 matrices times their
    scales where stored (scale tensors dropped), everything else widened. A float32 file passes
    through."""
    out = {}
    for name, a in tensors.items():
        if name.endswith(SCALE_SUFFIX) and is_weight(name[:-len(SCALE_SUFFIX)]):
            continue
        if a.dtype == np.int8:
            if not is_weight(name):
                raise ValueError(f"int8 tensor {name} is not a weight matrix")
            scale = tensors.get(name + SCALE_SUFFIX)
            out[name] = a.astype(np.float64) * (1.0 if scale is None else scale.astype(np.float64)[:, None])
        else:
            out[name] = a.astype(np.float64)
    return out


def quantize_file(model, out):
    """Writes the int8 twin of float32 model file `model` (a path or its bytes) to `out`; returns
    the bytes written. Raises ValueError for a file that is already int8."""
    md, t = container.read(model)
    if any(v.dtype == np.int8 for v in t.values()):
        raise ValueError("the model is already quantized")
    return container.write(out, container.entries(md), quantize(list(t.items())))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", help="float32 model file (version 1)")
    ap.add_argument("out", help="int8 model file to write (version 2)")
    a = ap.parse_args()
    if os.path.exists(a.out) and os.path.exists(a.model) and os.path.samefile(a.model, a.out):
        sys.exit(f"{a.out} is the input: write the int8 model to another file (the float one is its source)")
    try:
        buf = quantize_file(a.model, a.out)
    except (OSError, ValueError) as e:
        sys.exit(f"quantize.py: {e}")
    print(f"wrote {a.out}: {len(buf)} bytes, CRC32 {zlib.crc32(buf[:-4]) & 0xFFFFFFFF:08x}")


if __name__ == "__main__":
    main()
