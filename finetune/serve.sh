#!/usr/bin/env bash
# Serve an InternVL2 checkpoint with LMDeploy's OpenAI-compatible api_server (serving env; needs a CUDA GPU).
# Usage: finetune/serve.sh MODEL [extra lmdeploy serve api_server options...]
#   MODEL  hub id, merged folder, or AWQ folder (finetune/quantize.sh); AWQ is detected from its config.json
# Env (defaults): PORT=23333, HOST=0.0.0.0, MODEL_NAME=internvl2 (the app's FITNESSLM_LLM_MODEL default),
#   QUANT_POLICY=8 (KV cache: 0 = fp16, 8 = int8, 4 = int4), MODEL_FORMAT=auto (awq|hf), BACKEND=turbomind,
#   CACHE_MAX_ENTRY_COUNT=0.5 (share of free GPU memory for the KV cache), SESSION_LEN=8192, DRY_RUN=1 prints only.
# Then point the app at it: FITNESSLM_LLM_URL=http://HOST:PORT/v1 FITNESSLM_LLM_MODEL=$MODEL_NAME
set -euo pipefail
usage() { sed -n '2,/^set -/{/^#/p}' "$0" >&2; exit 2; }
die() { echo "serve.sh: $*" >&2; exit 2; }
[[ $# -ge 1 ]] || usage
MODEL=${1%/}; shift
PORT=${PORT:-23333}
HOST=${HOST:-0.0.0.0}
MODEL_NAME=${MODEL_NAME:-internvl2}
QUANT_POLICY=${QUANT_POLICY:-8}
BACKEND=${BACKEND:-turbomind}
CACHE_MAX_ENTRY_COUNT=${CACHE_MAX_ENTRY_COUNT:-0.5}
SESSION_LEN=${SESSION_LEN:-8192}
MODEL_FORMAT=${MODEL_FORMAT:-auto}
case $QUANT_POLICY in 0|4|8) ;; *) die "QUANT_POLICY must be 0, 4 or 8, got '$QUANT_POLICY'" ;; esac
case $BACKEND in turbomind|pytorch) ;; *) die "BACKEND must be turbomind or pytorch, got '$BACKEND'" ;; esac
[[ $PORT =~ ^[0-9]+$ && $PORT -ge 1 && $PORT -le 65535 ]] || die "PORT must be 1-65535, got '$PORT'"
[[ $SESSION_LEN =~ ^[1-9][0-9]*$ ]] || die "SESSION_LEN must be a positive integer, got '$SESSION_LEN'"
[[ $CACHE_MAX_ENTRY_COUNT =~ ^(0?\.[0-9]+|1(\.0+)?)$ ]] || die "CACHE_MAX_ENTRY_COUNT must be in (0, 1]"
if [[ $MODEL_FORMAT == auto ]]; then
  MODEL_FORMAT=hf
  if [[ -f $MODEL/config.json ]] && grep -q '"quant_method": *"awq"' "$MODEL/config.json"; then MODEL_FORMAT=awq; fi
fi
case $MODEL_FORMAT in hf|awq) ;; *) die "MODEL_FORMAT must be auto, hf or awq, got '$MODEL_FORMAT'" ;; esac

CMD=(lmdeploy serve api_server "$MODEL" --server-name "$HOST" --server-port "$PORT" --model-name "$MODEL_NAME"
     --backend "$BACKEND" --model-format "$MODEL_FORMAT" --quant-policy "$QUANT_POLICY"
     --cache-max-entry-count "$CACHE_MAX_ENTRY_COUNT" --session-len "$SESSION_LEN" --trust-remote-code "$@")
SHOWN_HOST=$HOST; [[ $HOST == 0.0.0.0 ]] && SHOWN_HOST=$(hostname)
echo "app: FITNESSLM_LLM_URL=http://$SHOWN_HOST:$PORT/v1 FITNESSLM_LLM_MODEL=$MODEL_NAME" >&2
if [[ ${DRY_RUN:-0} == 1 ]]; then printf '%q ' "${CMD[@]}"; echo; exit 0; fi
exec "${CMD[@]}"
