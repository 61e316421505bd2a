#!/usr/bin/env bash
# Enhance and score one model file on the development and test sets at b = 1 and 0.25, beside
# whatever is already scored there: the real-noise dev and validation sets (choose with these;
# the validation set is held out by voice and noise package, as the test set is), the real-noise
# test set (per category), the procedural set and the clean-input set (speech with no noise).
# usage: score_candidate.sh MODEL.hush PREFIX [SET ...]   SET: realdev realvalid realtest eval cleanin
# CHECK=N: files checked against reference.py (default 2; 0 skips). Where a gate score lies within
# float rounding of its threshold the two may pick different channels; evaluate.py accepts that
# and compares up to that frame only.
# Sets are built by make_realnoise_testset.py / make_evalset.py under $DATA (default /work/data).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-/work/venv/train/bin/python}
PEERS_PY=${PEERS_PY:-/work/venv/peers/bin/python}
SHARED=${SHARED:-../../shared}
DATA=${DATA:-/work/data}
MODEL=$(realpath "$1"); PREFIX=$2; shift 2
SETS=${*:-realdev realvalid realtest eval cleanin}
HERE=$PWD
for set in $SETS; do
    case $set in
        realdev) manifest=realnoise_dev_manifest.csv ;;
        realvalid) manifest=realnoise_valid_manifest.csv ;;
        realtest) manifest=realnoise_manifest.csv ;;
        eval) manifest=eval_manifest.csv ;;
        cleanin) manifest=cleanin_manifest.csv ;;
        *) echo "unknown set $set" >&2; exit 2 ;;
    esac
    echo "## $set ($PREFIX: $MODEL)"
    $PY evaluate.py "$MODEL" "$DATA/$set" --budgets 1 0.25 --prefix "$PREFIX" --check "${CHECK:-2}" >/dev/null
    (cd "$DATA/$set" && $PEERS_PY "$SHARED/peers/score.py" clean "$HERE/$manifest" \
        "${PREFIX}_b100" "${PREFIX}_b025" >/dev/null)
    category=(); [[ $set == real* ]] && category=(--manifest "$manifest")
    $PY results_table.py "${category[@]}" "$DATA/$set" "${PREFIX}_b100" "${PREFIX}_b025"
done
