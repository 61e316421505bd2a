"""Average the weights of model files fine-tuned from one network (a "model soup", Wortsman et al.
2022): the same architecture, each tensor the weighted mean of its counterparts.

  python soup.py OUT.hush A.hush B.hush [C.hush ...]            equal weights
  python soup.py OUT.hush 0.7=A.hush 0.3=B.hush                  given weights (a path with "=" needs one)

Only meaningful for files that share a starting point (`train.py --init` from the same model, so
BN is folded the same way in all of them); averaging unrelated networks gives noise. The metadata
is the first file's (train_steps included); a speech-activity head is dropped, since it was fitted
to one network's gates: fit a new one with vadhead.py. int8 files are refused (average the float
files, then quantise).
"""
import os
import sys

import numpy as np

import container


def parse(args):
    if len(args) < 3:
        raise SystemExit(__doc__.strip().split("\n\n")[1])
    out, inputs = args[0], []
    for a in args[1:]:
        weight, sep, path = a.partition("=")
        if not sep:
            weight, path = "1", a
        try:
            w = float(weight)
        except ValueError:
            raise SystemExit(f"error: {a}: expected WEIGHT=PATH or PATH")
        if not w > 0:
            raise SystemExit(f"error: {a}: weights must be positive")
        inputs.append((w, path))
    if any(os.path.realpath(out) == os.path.realpath(p) for _, p in inputs):
        raise SystemExit(f"error: {out} is also an input; write the soup elsewhere")
    return out, inputs


def main():
    out, inputs = parse(sys.argv[1:])
    models = []
    for w, path in inputs:
        try:
            meta, tensors = container.read(path)
        except (OSError, ValueError) as e:
            raise SystemExit(f"error: {path}: not a readable Hush model file ({e})")
        if any(t.dtype == np.int8 for t in tensors.values()):
            raise SystemExit(f"error: {path} has int8 tensors; average the float files, then quantise")
        models.append((w, path, meta, tensors))
    _, first, meta0, t0 = models[0]
    names = [n for n in t0 if not n.startswith("vad.")]
    shape_keys = [k for k in meta0 if not k.startswith("vad_") and k not in ("train_steps", "trained")]
    for _, path, meta, tensors in models[1:]:
        for k in shape_keys:
            if meta.get(k) != meta0[k]:
                raise SystemExit(f"error: {path}: {k} = {meta.get(k)}, {first} has {meta0[k]}: not one network")
        theirs = [n for n in tensors if not n.startswith("vad.")]
        if theirs != names or any(tensors[n].shape != t0[n].shape for n in names):
            raise SystemExit(f"error: {path}: its tensors differ from {first}'s: not one network")
    total = sum(w for w, *_ in models)
    soup = [(n, sum(w * t[n].astype(np.float64) for w, _, _, t in models) / total) for n in names]
    meta = {k: v for k, v in meta0.items() if not k.startswith("vad_")}
    try:
        container.write(out, container.entries(meta), soup)
    except OSError as e:
        raise SystemExit(f"error: cannot write {out}: {e}")
    print(f"{out}: mean of {len(models)} files, weights "
          + ", ".join(f"{w / total:.3f} {p}" for w, p, *_ in models))


if __name__ == "__main__":
    main()
