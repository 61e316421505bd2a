#!/usr/bin/env python3
"""Prints the numbers of firmware-notes/README.md from a real Hush model file.

usage: firmware-notes/budget-table.py [models/hush-default-int8.hush]

Reads the container (training/FORMAT.md, versions 1 and 2: header, metadata, tensor table, CRC)
with the Python standard library only, checks the CRC and every tensor's shape against the
architecture, and prints: the architecture, the weights by layer as the file stores them (f32, or
int8 with their f32 scales), the memory map in bytes and the MACs per frame at each budget. What
those MACs cost on a core is measured, not assumed here: scripts/firmware-check runs the firmware
on an emulated Cortex-M7 and prints instructions per frame.

The memory map is NOT computed here: it is printed by the built `hush memory` command, which
measures the engine's own arena layout (the numbers hush_model_get_size/hush_state_get_size
return), so there is one source of truth. The script runs $HUSH, else .build/release/hush, else
.build/debug/hush (build first: `swift build`).
"""
import os
import struct
import subprocess
import sys
import zlib

# The one Python MAC formula (standard library only) lives with the training code.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
import macformula  # noqa: E402

BUDGETS = [1.0, 0.75, 0.5, 0.375, 0.25, 0.125]
DTYPE_NAMES = {0: "f32", 1: "int8"}


def read_model(path):
    data = open(path, "rb").read()
    if data[:8] != b"HUSHMODL":
        sys.exit(f"{path}: not a Hush model")
    if zlib.crc32(data[:-4]) != struct.unpack_from("<I", data, len(data) - 4)[0]:
        sys.exit(f"{path}: CRC mismatch")
    version, n_meta, n_tensors, _ = struct.unpack_from("<IIII", data, 8)
    if version not in (1, 2):
        sys.exit(f"{path}: unsupported version {version}")
    pos, meta, tensors = 24, {}, {}
    for _ in range(n_meta):
        (klen,) = struct.unpack_from("<H", data, pos)
        key = data[pos + 2:pos + 2 + klen].decode()
        kind = data[pos + 2 + klen]
        fmt = "<i" if kind == 0 else "<f"
        (meta[key],) = struct.unpack_from(fmt, data, pos + 3 + klen)
        pos += 7 + klen
    for _ in range(n_tensors):
        (nlen,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2:pos + 2 + nlen].decode()
        dtype, rank = data[pos + 2 + nlen], data[pos + 3 + nlen]
        dims = struct.unpack_from(f"<{rank}I", data, pos + 4 + nlen)
        _offset, byte_count = struct.unpack_from("<II", data, pos + 4 + nlen + 4 * rank)
        pos += 4 + nlen + 4 * rank + 8
        tensors[name] = (tuple(dims), DTYPE_NAMES.get(dtype, f"dtype {dtype}"), byte_count)
    return len(data), meta, tensors


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "models/hush-default-int8.hush"
    file_size, m, tensors = read_model(path)
    R, C, G, B, K = (m["residual_channels"], m["conv_channels"], m["gate_rank"], m["blocks"],
                     m["kernel_size"])
    n, hop, rate = m["n_fft"], m["hop"], m["sample_rate"]
    F = n // 2 + 1
    dil = [m[f"block.{i}.dilation"] for i in range(B)]
    fps = rate / hop
    expected = {"frontend.weight": (R, F), "frontend.bias": (R,), "backend.weight": (F, R),
                "backend.bias": (F,)}
    for i in range(B):
        p = f"block.{i}."
        expected.update({p + "gate.w1": (G, R), p + "gate.b1": (G,), p + "gate.w2": (C, G),
                         p + "gate.b2": (C,), p + "pw1.weight": (C, R), p + "pw1.bias": (C,),
                         p + "prelu1.slope": (C,), p + "dw.weight": (C, K), p + "dw.bias": (C,),
                         p + "prelu2.slope": (C,), p + "pw2.weight": (R, C), p + "pw2.bias": (R,)})
    for name, shape in expected.items():
        if name not in tensors or tensors[name][0] != shape:
            sys.exit(f"{path}: tensor {name} is {tensors.get(name, (None,))[0]}, expected {shape}")

    def stored(names):
        """Bytes the file stores for `names` and their int8 scale tensors, if any."""
        return sum(tensors[k][2] + (tensors[k + ".scale"][2] if k + ".scale" in tensors else 0) for k in names)

    print(f"# {path}: {file_size} bytes, CRC ok")
    print(f"architecture: {rate} Hz, n_fft {n}, hop {hop} ({1000 * hop / rate:.0f} ms, "
          f"{fps:g} frames/s), F={F} bins, R={R}, C={C}, G={G}, B={B} blocks, K={K}, "
          f"dilations {dil}")
    print(f"latency: {n} samples = {1000 * n / rate:.0f} ms algorithmic")

    # Weights by layer: the bytes the file holds (matrices in their dtype, their scales, biases and
    # slopes in f32), before the engine's 64-byte padding.
    matrices = tensors["frontend.weight"][1]
    rows = [
        ("front-end [R,F] + bias", ["frontend.weight", "frontend.bias"]),
        ("gates (w1, b1, w2, b2) x B", [k for k in expected if ".gate." in k]),
        ("pw1 + bias + PReLU slope x B", [k for k in expected if ".pw1." in k or "prelu1" in k]),
        ("depthwise taps + bias + PReLU x B", [k for k in expected if ".dw." in k or "prelu2" in k]),
        ("pw2 + bias x B", [k for k in expected if ".pw2." in k]),
        ("back-end [F,R] + bias", ["backend.weight", "backend.bias"]),
    ]
    history_frames = sum((K - 1) * d + 1 for d in dil)
    print(f"\n## Weights by layer (bytes as in the file: matrices {matrices}"
          + (", with their f32 scales" if matrices == "int8" else "") + "; vectors f32)")
    print("| layer | bytes |\n|---|---:|")
    for label, names in rows:
        print(f"| {label} | {stored(names)} |")
    print(f"| **total** | **{sum(stored(names) for _, names in rows)}** |")

    # Memory map: measured by the engine itself (`hush memory`), never recomputed here.
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    candidates = [os.environ.get("HUSH", "")] + [os.path.join(root, ".build", c, "hush")
                                                   for c in ("release", "debug")]
    hush = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    if hush is None:
        sys.exit("no hush binary: run `swift build` first (or set HUSH=path/to/hush)")
    table = subprocess.run([hush, "memory", "--model", path], check=True, capture_output=True,
                           text=True).stdout.rstrip()
    print(f"\n## Memory map (bytes, measured by `hush memory`: the engine's arena layout, "
          f"64-bit host; causal histories = {history_frames} frames x C)")
    print(table)

    # MACs per frame (training/FORMAT.md, "MAC accounting"): executed at budget b is bounded by
    # every block running its full cap of ceil(b*C) channels.
    dense = macformula.dense_macs_per_frame(R, C, G, B, K, F)
    print("\n## MACs per frame (worst case: every block at its channel cap)")
    print("| budget | cap/C | MACs/frame | % of dense | MMAC/s |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| dense (no gates) | {C}/{C} | {dense} | 100.0 | {dense * fps / 1e6:.2f} |")
    for b in BUDGETS:
        cap = macformula.budget_k(b, C)
        macs = macformula.executed_macs_per_frame(R, C, G, B, K, [cap] * B, F)
        print(f"| {b:g} | {cap}/{C} | {macs} | {100 * macs / dense:.1f} | {macs * fps / 1e6:.2f} |")
    print(f"gate work, always executed: {B * macformula.gate_macs_per_block(R, C, G)} MACs/frame; "
          f"front/back-end: {macformula.end_macs_per_frame(R, F)} MACs/frame")


if __name__ == "__main__":
    main()
