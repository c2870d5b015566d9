#!/usr/bin/env bash
# 4-bit AWQ (W4A16) of an InternVL2 checkpoint with LMDeploy (serving env; needs a CUDA GPU).
# Usage: finetune/quantize.sh MODEL [WORK_DIR]
#   MODEL     merged checkpoint folder (finetune/merge_lora.sh) or a hub id such as OpenGVLab/InternVL2-2B
#   WORK_DIR  output folder (default: MODEL-awq, or ./<name>-awq for a hub id)
# Env (defaults): CALIB_DATASET=wikitext2 (one of wikitext2 c4 pileval gsm8k neuralmagic_calibration open-platypus
#   openwebtext; downloaded from the Hugging Face hub on first use), CALIB_SAMPLES=128, CALIB_SEQLEN=2048,
#   BATCH_SIZE=1, SEARCH_SCALE=0 (1 adds --search-scale), DRY_RUN=1 prints the command only.
# Only the language model is quantized; the vision encoder stays in fp16. Group size is fixed at 128: the only
# AWQ group size TurboMind 0.18 accepts (lmdeploy/turbomind/converter.py _SUPPORTED_GROUP_SIZES).
set -euo pipefail
usage() { sed -n '2,/^set -/{/^#/p}' "$0" >&2; exit 2; }
die() { echo "quantize.sh: $*" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
MODEL=${1%/}
WORK_DIR=${2:-$( [[ -d $MODEL ]] && echo "$MODEL-awq" || echo "./$(basename "$MODEL")-awq" )}
CALIB_DATASET=${CALIB_DATASET:-wikitext2}
CALIB_SAMPLES=${CALIB_SAMPLES:-128}
CALIB_SEQLEN=${CALIB_SEQLEN:-2048}
BATCH_SIZE=${BATCH_SIZE:-1}
case $CALIB_DATASET in
  wikitext2|c4|pileval|gsm8k|neuralmagic_calibration|open-platypus|openwebtext) ;;
  *) die "CALIB_DATASET=$CALIB_DATASET is not one LMDeploy knows" ;;
esac
for v in CALIB_SAMPLES CALIB_SEQLEN BATCH_SIZE; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'"
done
[[ $(realpath -m "$WORK_DIR") != $(realpath -m "$MODEL") ]] || die "WORK_DIR must differ from MODEL"

CMD=(lmdeploy lite auto_awq "$MODEL" --work-dir "$WORK_DIR" --calib-dataset "$CALIB_DATASET"
     --calib-samples "$CALIB_SAMPLES" --calib-seqlen "$CALIB_SEQLEN" --batch-size "$BATCH_SIZE"
     --w-bits 4 --w-group-size 128 --trust-remote-code)
[[ ${SEARCH_SCALE:-0} == 1 ]] && CMD+=(--search-scale)
if [[ ${DRY_RUN:-0} == 1 ]]; then printf '%q ' "${CMD[@]}"; echo; exit 0; fi
"${CMD[@]}"
echo "AWQ model: $WORK_DIR   next: finetune/serve.sh $WORK_DIR"
