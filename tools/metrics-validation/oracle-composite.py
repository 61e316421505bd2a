#!/usr/bin/env python3
"""Scores the validation set with the composite-measure references and PESQ with Corrigendum 2.

usage: oracle-composite.py SET_DIR OUT.csv [ORACLE.csv]
Oracles (PyPI): `pesqc2` 0.0.4 (the ITU reference code with P.862 Corrigendum 2) for PESQ WB at
16 kHz; `pysepm-evo` 0.1.1 for the parts of Hu & Loizou's composite measures: `llr` (as such,
per-frame values clamped at 2, and with used_for_composite=True, unclamped), `wss`, `SNRseg`,
`fwSNRseg`; `pesq` 0.0.4 (no Corrigendum 2) for the PESQ the composites use.

pysepm-evo's own `composite()` cannot run (`mos_lqo` / `pesq_mos` are undefined: the line of the
original pysepm that computed them is missing), so this script finishes it as pysepm wrote it:
at 16 kHz the PESQ term is P.862.2 WB MOS-LQO; below 16 kHz it is the raw P.862 score, got as
pysepm does by inverting the P.862.1 mapping of the NB MOS-LQO. The coefficients are Hu & Loizou's
(2008) and each composite is clipped to [1, 5], as in pysepm.

pysepm-evo needs two shims on today's PyPI: it imports `scipy.signal.kaiser` (now
`scipy.signal.windows.kaiser`) and `srmrpy` (not on PyPI; used only by its reverberation measure).
Empty cells: the reference does not define the score (the parts need equal lengths, PESQ WB
needs 16 kHz). With ORACLE.csv (the committed oracle.csv) the `pesq` scores recomputed here are
checked against it, so both tables describe the same set.
"""
import csv, sys, types
import numpy as np
import scipy.signal
import scipy.signal.windows

scipy.signal.kaiser = scipy.signal.windows.kaiser
sys.modules.setdefault("srmrpy", types.ModuleType("srmrpy"))
import pysepm_evo as pysepm  # noqa: E402
from pesq import pesq  # noqa: E402
from pesqc2 import pesq as pesq_c2  # noqa: E402
from oracle_pairs import fmt, pairs, refusable  # noqa: E402

COLUMNS = ["id", "rate", "pesq_wb_c2", "composite_pesq", "llr", "llr_composite", "wss", "seg_snr",
           "fw_seg_snr", "csig", "cbak", "covl", "degradation"]


def raw_from_nb_mos(mos):
    """pysepm's inverse of the P.862.1 mapping: the raw P.862 score of an NB MOS-LQO."""
    return 46607 / 14945 - (2000 * np.log(1 / (mos / 4 - 999 / 4000) - 1)) / 2989


def composite(pesq_value, llr_mean, wss_dist, seg_snr):
    """pysepm's composite() arithmetic with Hu & Loizou's coefficients, each clipped to [1, 5]."""
    csig = 3.093 - 1.029 * llr_mean + 0.603 * pesq_value - 0.009 * wss_dist
    cbak = 1.634 + 0.478 * pesq_value - 0.007 * wss_dist + 0.063 * seg_snr
    covl = 1.594 + 0.805 * pesq_value - 0.512 * llr_mean - 0.007 * wss_dist
    return [float(np.min((5, np.max((1, v))))) for v in (csig, cbak, covl)]


def main():
    root, out = sys.argv[1], sys.argv[2]
    committed = {r["id"]: r for r in csv.DictReader(open(sys.argv[3]))} if len(sys.argv) > 3 else {}
    rows = []
    for p, x, y, rx in pairs(root):
        safe = refusable(p["id"])
        nb = safe(lambda: pesq(rx, x, y, "nb"))
        wb = safe(lambda: pesq(rx, x, y, "wb")) if rx == 16000 else None
        wb_c2 = safe(lambda: pesq_c2(rx, x, y, "wb")) if rx == 16000 else None
        # Corrigendum 2 changes only the WB input filter: NB must be the same number.
        nb_c2 = safe(lambda: pesq_c2(rx, x, y, "nb"))
        assert nb == nb_c2, (p["id"], nb, nb_c2)
        if p["id"] in committed:
            for key, value in (("pesq_nb", nb), ("pesq_wb", wb)):
                assert committed[p["id"]][key] == fmt(value), (p["id"], key, value)
        used = wb if rx >= 16000 else (raw_from_nb_mos(nb) if nb is not None else None)
        parts = [None] * 5
        scores = [None] * 3
        if len(x) != len(y):  # the parts, and so the composites, need equal lengths
            used = None
        else:
            parts = [pysepm.llr(x, y, rx), pysepm.llr(x, y, rx, used_for_composite=True),
                     pysepm.wss(x, y, rx), pysepm.SNRseg(x, y, rx), pysepm.fwSNRseg(x, y, rx)]
            if used is not None:
                scores = composite(used, parts[1], parts[2], parts[3])
        row = [p["id"], rx] + [fmt(v) for v in [wb_c2, used] + parts + scores] + [p["degradation"]]
        rows.append(row)
        print(*row, flush=True)
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(rows)


if __name__ == "__main__":
    main()
