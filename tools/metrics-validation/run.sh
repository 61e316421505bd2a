#!/usr/bin/env bash
# The full metrics validation: regenerates the 392-pair set, re-scores it with the reference
# implementations when they are installed (else uses the committed oracle.csv and
# oracle-composite.csv), builds hush in release mode and prints the agreement table and PESQ's speed.
#
# usage: tools/metrics-validation/run.sh [--rescore] [WORK_DIR]
#   PYTHON=/path/to/python (default /work/venv/train/bin/python; needs numpy, scipy, soundfile,
#   and pesq + pystoi for --rescore). COMPOSITE_PYTHON=/path/to/python for --rescore of the
#   composite oracle (default $PYTHON; needs pesq, pesqc2, pysepm-evo: see README).
#   Needs sox, flite, espeak-ng and apt-get (pocketsphinx-testdata).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rescore=0
if [[ "${1:-}" == "--rescore" ]]; then rescore=1; shift; fi
work="${1:-$root/.build/metrics-validation}"
python="${PYTHON:-/work/venv/train/bin/python}"
mkdir -p "$work"
# The set is regenerated whenever generate.py changed since it was made.
stamp="$(sha1sum "$here/generate.py" | cut -d' ' -f1)"
if [[ "$(cat "$work/set/.generator" 2>/dev/null)" != "$stamp" ]]; then
    rm -rf "$work/set"
    HUSH_VALIDATION_WORK="$work" "$python" "$here/generate.py" "$work/set"
    echo "$stamp" > "$work/set/.generator"
fi
oracle="$here/oracle.csv"
composite="$here/oracle-composite.csv"
if [[ $rescore == 1 ]]; then
    "$python" "$here/oracle.py" "$work/set" "$work/oracle.csv"
    oracle="$work/oracle.csv"
    "${COMPOSITE_PYTHON:-$python}" "$here/oracle-composite.py" "$work/set" "$work/oracle-composite.csv" "$oracle"
    composite="$work/oracle-composite.csv"
fi
(cd "$root" && swift build -c release --product hush >/dev/null)
"$python" "$here/compare.py" "$work/set" "$oracle" "$root/.build/release/hush" "$composite"
