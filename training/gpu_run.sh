#!/usr/bin/env bash
# Trains the model variants of one GPU session side by side on one GPU (the device tool's machine:
# PyTorch there, `soundfile` carried as wheels in ../.whl, the material pack in ../.pack).
# Each variant is one process with its own mixer on the GPU; all stop by STOP_AFTER_S seconds from
# now, and each mirrors its checkpoint (model, optimizer, step, log) to $OUT/<variant>.pt every
# minute, so a run cut short still brings back everything it learned. Resume any variant later
# with train.py --out DIR after copying its .pt to DIR/last.pt.
#
# PLAN picks the variants: "next" (default) is the one run the CPU experiments point to, alone on
# the GPU; "ladder" is the seven-variant run of 2026-11-28 (RESULTS.md).
#
#   OUT=/tmp/out bash training/gpu_run.sh            (on the GPU machine)
#   DEVICE=cpu BATCH=4 SEG=1 STOP_AFTER_S=100 OUT=/tmp/out bash training/gpu_run.sh  (a dry run here)
set -u
cd "$(dirname "$0")"
PLAN=${PLAN:-next}
case $PLAN in next|ladder) ;; *) echo "error: unknown PLAN $PLAN (next or ladder)" >&2; exit 2 ;; esac
OUT=${OUT:-/tmp/hush-out}; mkdir -p "$OUT"
DEVICE=${DEVICE:-cuda}; BATCH=${BATCH:-128}; SEG=${SEG:-3}
STOP_AFTER_S=${STOP_AFTER_S:-540}; MINUTES=${MINUTES:-$(( (STOP_AFTER_S - 40) / 60 ))}
if [ -d ../.whl ] && ! python3 -c "import soundfile" 2>/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target /tmp/site ../.whl/*.whl
  export PYTHONPATH=/tmp/site
fi
PY=${PY:-python3}
stop=$(( $(date +%s) + STOP_AFTER_S ))
log=$OUT/train.log
{ date -u; $PY -c "import torch, soundfile; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'sf', soundfile.__libsndfile_version__)"; } >> "$log" 2>&1
# decode the pack once, on every core, before the trainers start (they memory-map the result)
$PY -c "import devicemix; devicemix.load_pack('../.pack')" >> "$log" 2>&1
{ date -u; echo "pack decoded"; } >> "$log"
common=(--pack ../.pack --device "$DEVICE" --batch "$BATCH" --seg "$SEG" --threads 1 --steps 1000000
        --max-minutes "$MINUTES" --time-schedule --stop-at-unix "$stop" --ckpt-every 60)
run() {
  local name=$1; shift
  $PY -u train.py "${common[@]}" --out "/tmp/hush-runs/$name" --mirror "$OUT/$name.pt" "$@" 2>&1 |
    sed -u "s/^/[$name] /" >> "$log" &
}
case $PLAN in
next)
  # v1 fine-tuned on the real material with the two levers the CPU fine-tunes found (RESULTS.md,
  # "Fine-tuning v1 on real material"): over-suppressed bins weighed 2x, the speech-presence loss
  # on the gates. One process, the whole GPU: the seven-way run gave each variant ~1,000 steps,
  # too few to tell anything apart; a from-scratch R 128 run of 4,451 steps only tied v1.
  run n_ft  --init ../models/hush-default.hush --lr 3e-4 --under-weight 2 --speech-loss-weight 0.1
  ;;
ladder)
# The ablation ladder (one change per row) and the static baselines of issue #15.
run a_data   --R 80  --loss v1                            # v1 network and loss, real material
run b_width  --R 128 --loss v1                            # + residual width 128
run c_loss   --R 128 --loss v2                            # + multi-resolution + SI-SDR loss
run d_limit  --R 128 --loss v2 --train-limit-db 20        # + attenuation limit in the loop (v2)
run s_c128   --R 128 --loss v2 --train-limit-db 20 --static --C 128 --G 1
run s_c96    --R 128 --loss v2 --train-limit-db 20 --static --C 96 --G 1
run s_c64    --R 128 --loss v2 --train-limit-db 20 --static --C 64 --G 1
  ;;
esac
trainers=$(jobs -p)
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader -l 60 | sed -u "s/^/[gpu] /" >> "$log" &
fi
wait $trainers
date -u >> "$log"
