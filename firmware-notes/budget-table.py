#!/usr/bin/env python3
"""Prints the numbers of firmware-notes/README.md from a real Hush model file.

usage: firmware-notes/budget-table.py [models/hush-default.hush]

Reads the container (training/FORMAT.md: header, metadata, tensor table, CRC) with the Python
standard library only, checks the CRC and every tensor's shape against the architecture, and
prints: the architecture, the weights by layer, the memory map in bytes, MACs per frame at each
budget, the clock a Cortex-M7 / M55-class core needs at stated MACs per cycle, and what int8
weights would take.

The memory map is NOT computed here: it is printed by the built `hush memory` command, which
measures the engine's own arena layout (the numbers hush_model_get_size/hush_state_get_size
return), so there is one source of truth. The script runs $HUSH, else .build/release/hush, else
.build/debug/hush (build first: `swift build`).
"""
import math
import os
import struct
import subprocess
import sys
import zlib

# The one Python MAC formula (standard library only) lives with the training code.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "training"))
import macformula  # noqa: E402

BUDGETS = [1.0, 0.75, 0.5, 0.375, 0.25, 0.125]
# Sustained multiply-accumulates per cycle, the stated assumptions behind the MHz table.
CORES = [
    ("M7 f32", 1.0, "Cortex-M7, f32 FPv5 VFMA, weights in TCM/cache"),
    ("M7 f32 XIP", 0.5, "Cortex-M7, f32, weights streamed from QSPI flash (wait states)"),
    ("M55 f32", 2.0, "Cortex-M55, f32 Helium MVE (4 lanes, 2 beats/cycle)"),
    ("M55 int8", 8.0, "Cortex-M55, int8 Helium VMLADAV (16 lanes, 2 beats/cycle)"),
]
# Non-network work per frame, in cycles on an M7 (stated, not measured): two 512-point real FFTs
# with CMSIS-DSP arm_rfft_fast_f32 (about 8 k cycles each), and logf + expf per bin (about
# 40 cycles each with a polynomial approximation), windows, overlap-add and mask (1 cycle per op).
FFT_CYCLES = 8000
TRANSCENDENTAL_CYCLES = 40


def read_model(path):
    data = open(path, "rb").read()
    if data[:8] != b"HUSHMODL":
        sys.exit(f"{path}: not a Hush model")
    if zlib.crc32(data[:-4]) != struct.unpack_from("<I", data, len(data) - 4)[0]:
        sys.exit(f"{path}: CRC mismatch")
    version, n_meta, n_tensors, _ = struct.unpack_from("<IIII", data, 8)
    if version != 1:
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
        _dtype, rank = data[pos + 2 + nlen], data[pos + 3 + nlen]
        dims = struct.unpack_from(f"<{rank}I", data, pos + 4 + nlen)
        pos += 4 + nlen + 4 * rank + 8
        tensors[name] = tuple(dims)
    return len(data), meta, tensors


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "models/hush-default.hush"
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
        if tensors.get(name) != shape:
            sys.exit(f"{path}: tensor {name} is {tensors.get(name)}, expected {shape}")

    def count(names):
        return sum(math.prod(expected[k]) for k in names)

    print(f"# {path}: {file_size} bytes, CRC ok")
    print(f"architecture: {rate} Hz, n_fft {n}, hop {hop} ({1000 * hop / rate:.0f} ms, "
          f"{fps:g} frames/s), F={F} bins, R={R}, C={C}, G={G}, B={B} blocks, K={K}, "
          f"dilations {dil}")
    print(f"latency: {n} samples = {1000 * n / rate:.0f} ms algorithmic")

    # Weights by layer: what the file holds (floats x 4 bytes), before the engine's 64-byte padding.
    gate = count([k for k in expected if ".gate." in k])
    pw1 = count([k for k in expected if ".pw1." in k or "prelu1" in k])
    dw = count([k for k in expected if ".dw." in k or "prelu2" in k])
    pw2 = count([k for k in expected if ".pw2." in k])
    front, back = count(["frontend.weight", "frontend.bias"]), count(["backend.weight", "backend.bias"])
    weights = front + back + gate + pw1 + dw + pw2
    history_frames = sum((K - 1) * d + 1 for d in dil)
    rows = [
        ("front-end [R,F] + bias", front * 4),
        ("gates (w1, b1, w2 stored transposed [G,C], b2) x B", gate * 4),
        ("pw1 + bias + PReLU slope x B", pw1 * 4),
        ("depthwise taps + bias + PReLU x B", dw * 4),
        ("pw2 (stored transposed [C,R]) + bias x B", pw2 * 4),
        ("back-end [F,R] + bias", back * 4),
    ]
    print("\n## Weights by layer (bytes of f32, as in the file)")
    print("| layer | bytes |\n|---|---:|")
    for label, size in rows:
        print(f"| {label} | {size} |")
    print(f"| **total** | **{weights * 4}** |")

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
    print("\n## MACs per frame and clock needed (worst case: every block at its channel cap)")
    header = "| budget | cap/C | MACs/frame | % of dense | MMAC/s |"
    header += "".join(f" MHz {name} |" for name, _, _ in CORES)
    print(header)
    print("|---:|---:|---:|---:|---:|" + "---:|" * len(CORES))
    print(f"| dense (no gates) | {C}/{C} | {dense} | 100.0 | {dense * fps / 1e6:.2f} |"
          + "".join(f" {dense * fps / mac / 1e6:.1f} |" for _, mac, _ in CORES))
    for b in BUDGETS:
        cap = macformula.budget_k(b, C)
        macs = macformula.executed_macs_per_frame(R, C, G, B, K, [cap] * B, F)
        print(f"| {b:g} | {cap}/{C} | {macs} | {100 * macs / dense:.1f} | {macs * fps / 1e6:.2f} |"
              + "".join(f" {macs * fps / mac / 1e6:.1f} |" for _, mac, _ in CORES))
    for name, mac, what in CORES:
        print(f"{name}: {what}: {mac:g} MAC/cycle sustained (assumed)")
    other = 2 * FFT_CYCLES + 2 * F * TRANSCENDENTAL_CYCLES + 2 * n + n + 2 * F
    print(f"\nnon-network work per frame (M7 estimate): {other} cycles = "
          f"{other * fps / 1e6:.1f} MHz (2 real FFTs at {FFT_CYCLES} cycles, {2 * F} logf/expf at "
          f"{TRANSCENDENTAL_CYCLES} cycles, windows, overlap-add, mask)")
    print(f"gate work, always executed: {B * macformula.gate_macs_per_block(R, C, G)} MACs/frame; "
          f"front/back-end: {macformula.end_macs_per_frame(R, F)} MACs/frame")

    # int8: one byte per weight plus one f32 scale per output row of each matrix.
    row_scales = R + B * (G + C + C + R) + F
    int8 = weights + row_scales * 4
    print("\n## int8 weights")
    print(f"f32 weights {weights * 4} bytes -> int8 {int8} bytes ({weights} weights + "
          f"{row_scales} per-row f32 scales), {weights * 4 / int8:.2f}x smaller")


if __name__ == "__main__":
    main()
