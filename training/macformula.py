#!/usr/bin/env python3
"""The per-frame MAC formula of training/FORMAT.md ("MAC accounting"): the only Python copy.

Standard library only (no torch, no numpy), so that hushnet.py, macs.py, reference.py,
firmware-notes/budget-table.py and CI all use this one file with a bare python3. The engine keeps
its own copy in Swift (`ModelShape` in Sources/Hush/Network/ModelConfiguration.swift), because the
two sides never read each other's code (shared/notes/architecture.md); the committed fixture
training/golden/macs.json holds the two together: this script writes and checks it, and the Swift
test `MACAccountingTests` reads it.

  python3 training/macformula.py --write training/golden/macs.json
  python3 training/macformula.py --check training/golden/macs.json
"""
import argparse
import json
import math
import sys


def end_macs_per_frame(R, F):
    """Front-end (F -> R) plus back-end (R -> F): never gated."""
    return F * R + R * F


def gate_macs_per_block(R, C, G):
    """One block's gate, R -> G -> C; executed on every frame, whatever the gates decide."""
    return R * G + G * C


def macs_per_active_channel(R, K):
    """One active channel of a block: its pw1 row (R), its depthwise taps (K), its pw2 column (R)."""
    return R + K + R


def dense_macs_per_frame(R, C, G, B, K, F):
    """Every channel of every block computed and no gates. G is unused (no gates), but taken so
    that the dense and executed forms share one argument list."""
    return end_macs_per_frame(R, F) + B * C * macs_per_active_channel(R, K)


def executed_macs_per_frame(R, C, G, B, K, active_counts, F):
    """active_counts: |A_i| for the B blocks of one frame (means over frames are fine too)."""
    counts = list(active_counts)
    if len(counts) != B:
        raise ValueError(f"{len(counts)} active counts for {B} blocks")
    return end_macs_per_frame(R, F) + sum(gate_macs_per_block(R, C, G)
                                          + a * macs_per_active_channel(R, K) for a in counts)


# Slack under ceil(b*C): larger than the rounding of a float32 budget times C (C <= 4096:
# 2**-24 * 4096 = 2.4e-4), so that the engine (float32 b) and training (float64 b) agree on the cap.
CAP_SLACK = 1e-3


def budget_k(b, C):
    """The channel cap at budget b: ceil(b*C - CAP_SLACK), so that b*C landing a rounding error
    above an integer does not take one channel more; at least 1, at most C."""
    return max(1, min(C, int(math.ceil(b * C - CAP_SLACK))))


# ---------------------------------------------------------------------------------------------
# The shared fixture. Shapes: the bundled model's (R=80 C=256 G=8 B=9 K=3, n_fft 512) and others
# that change one size at a time, so a term with a wrong factor shows in some row.
# ---------------------------------------------------------------------------------------------
SHAPES = [
    dict(R=80, C=256, G=8, B=9, K=3, n_fft=512, hop=256),
    dict(R=48, C=128, G=4, B=6, K=3, n_fft=512, hop=256),
    dict(R=96, C=320, G=16, B=12, K=5, n_fft=512, hop=256),
    dict(R=80, C=256, G=8, B=9, K=3, n_fft=256, hop=128),
    dict(R=33, C=17, G=3, B=2, K=7, n_fft=1024, hop=256),
    dict(R=1, C=1, G=1, B=1, K=1, n_fft=64, hop=32),
]
# 0.3 is not exact in binary: Float(0.3) * 320 is 96.0000038, which the engine once capped at 97
# channels where training (0.3 * 320 = 96.00000000000001) took 96; CAP_SLACK makes both 96.
BUDGETS = [1.0, 0.75, 0.5, 0.375, 0.3, 0.25, 0.125, 1 / 256]


def active_vectors(C, B):
    """Several per-block active counts: none, all, the caps, and an uneven mix."""
    vectors = [[0] * B, [C] * B, [budget_k(0.25, C)] * B]
    vectors.append([(i * 37 + 11) % (C + 1) for i in range(B)])
    vectors.append([C if i % 2 else 1 for i in range(B)])
    return vectors


def fixture():
    rows = []
    for s in SHAPES:
        R, C, G, B, K = s["R"], s["C"], s["G"], s["B"], s["K"]
        F = s["n_fft"] // 2 + 1
        rows.append(dict(s, F=F, dense=dense_macs_per_frame(R, C, G, B, K, F),
                         executed=[dict(active=a, macs=executed_macs_per_frame(R, C, G, B, K, a, F))
                                   for a in active_vectors(C, B)],
                         caps=[dict(budget=b, cap=budget_k(b, C)) for b in BUDGETS]))
    return {"about": "Per-frame MACs by training/macformula.py (FORMAT.md, 'MAC accounting'); "
                     "the Swift test MACAccountingTests checks ModelShape against every row. "
                     "Regenerate with: python3 training/macformula.py --write training/golden/macs.json",
            "shapes": rows}


def encode(doc):
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", metavar="JSON")
    mode.add_argument("--check", metavar="JSON")
    a = ap.parse_args()
    if a.write:
        with open(a.write, "w") as f:
            f.write(encode(fixture()))
        return
    # Compared as parsed JSON, so the check is about numbers, not whitespace.
    with open(a.check) as f:
        committed = json.load(f)
    if committed != json.loads(encode(fixture())):
        sys.exit(f"{a.check} disagrees with training/macformula.py: the formula changed or the "
                 "fixture is stale; if the change is meant, update FORMAT.md and the Swift "
                 "ModelShape, then rerun with --write")
    print(f"{a.check}: {len(committed['shapes'])} shapes agree with training/macformula.py")


if __name__ == "__main__":
    main()
