#!/usr/bin/env bash
# Export the trained checkpoint, regenerate the golden fixtures, print the MAC table, enhance the
# held-out eval set at four budgets and score everything (the numbers in RESULTS.md).
# usage: run_eval.sh CKPT EVAL_DIR   (EVAL_DIR from make_evalset.py, peers already run into EVAL_DIR/peers)
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-/work/venv/train/bin/python}
PEERS_PY=${PEERS_PY:-/work/venv/peers/bin/python}
SHARED=${SHARED:-../../shared}
CKPT=$1; EV=$2
$PY export.py "$CKPT" ../models/hush-default.hush
$PY golden.py ../models/hush-default.hush golden/golden.hush
$PY quantize.py ../models/hush-default.hush ../models/hush-default-int8.hush
$PY golden.py ../models/hush-default-int8.hush golden/golden-int8.hush --frames 32
$PY macs.py --ckpt "$CKPT"
$PY evaluate.py ../models/hush-default.hush "$EV"
HERE=$PWD
(cd "$EV" && $PEERS_PY "$SHARED/peers/score.py" clean "$HERE/eval_manifest.csv" \
    noisy hush_b100 hush_b075 hush_b050 hush_b025 peers/rnnoise peers/speex peers/dfn3 peers/noisereduce)
$PY results_table.py "$EV" noisy hush_b100 hush_b075 hush_b050 hush_b025 \
    peers/rnnoise peers/speex peers/dfn3 peers/noisereduce
