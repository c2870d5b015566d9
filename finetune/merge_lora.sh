#!/usr/bin/env bash
# Merge an XTuner InternVL2 LoRA checkpoint into an official Hugging Face checkpoint (training env).
# Usage: finetune/merge_lora.sh CONFIG CHECKPOINT OUT_DIR
#   CONFIG      e.g. finetune/configs/internvl2_2b_lora_equipment.py
#   CHECKPOINT  e.g. work_dirs/internvl2_2b_lora_equipment/iter_300.pth (a file, or a DeepSpeed folder)
#   OUT_DIR     e.g. models/internvl2-2b-equipment (must differ from CHECKPOINT)
# Runs XTuner's xtuner/configs/internvl/v1_5/convert_to_official.py (builds the model with the LoRA, calls
# merge_and_unload, save_pretrained), then copies the remote-code files (*.py, preprocessor_config.json) from
# the base model when the merged folder lacks them, so LMDeploy and transformers can load it.
# Env: PYTHON (default python), DRY_RUN=1 prints the commands instead of running them.
set -euo pipefail
usage() { sed -n '2,/^set -/{/^#/p}' "$0" >&2; exit 2; }
[[ $# -eq 3 ]] || usage
CONFIG=$1 CKPT=$2 OUT=$3
PY=${PYTHON:-python}
[[ -f $CONFIG ]] || { echo "merge_lora.sh: no config file $CONFIG" >&2; exit 2; }
[[ -e $CKPT ]] || { echo "merge_lora.sh: no checkpoint $CKPT" >&2; exit 2; }
run() { if [[ ${DRY_RUN:-0} == 1 ]]; then printf '%q ' "$@"; echo; else "$@"; fi; }

if [[ ${DRY_RUN:-0} == 1 ]]; then
  CONVERT='<xtuner>/configs/internvl/v1_5/convert_to_official.py'
else
  XTUNER_DIR=$("$PY" -c 'import os, xtuner; print(os.path.dirname(xtuner.__file__))')
  CONVERT=$XTUNER_DIR/configs/internvl/v1_5/convert_to_official.py
fi
# PYTHONPATH=. so the 1B config can import finetune.xtuner_ext
PYTHONPATH=".${PYTHONPATH:+:$PYTHONPATH}" run "$PY" "$CONVERT" "$CONFIG" "$CKPT" "$OUT"

COPY_REMOTE_CODE='
import ast, pathlib, shutil, sys
cfg, out = sys.argv[1], pathlib.Path(sys.argv[2])
tree = ast.parse(pathlib.Path(cfg).read_text())
base = next(n.value.value for n in tree.body
            if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "path")
src = pathlib.Path(base)
if not src.is_dir():  # a hub id: use the copy cached by training; never download here
    from huggingface_hub import snapshot_download
    try:
        src = pathlib.Path(snapshot_download(base, allow_patterns=["*.py", "*.json"], local_files_only=True))
    except Exception as exc:
        sys.exit(f"merge_lora.sh: base model {base} is not on disk ({exc}); set path in the config to a local "
                 f"folder or fetch it first with: huggingface-cli download {base}")
for f in sorted(src.iterdir()):
    if f.suffix == ".py" or f.name in ("preprocessor_config.json", "generation_config.json"):
        if not (out / f.name).exists():
            shutil.copy(f, out / f.name)
            print("copied", f.name)
'
run "$PY" -c "$COPY_REMOTE_CODE" "$CONFIG" "$OUT"
echo "merged model: $OUT   next: finetune/quantize.sh $OUT"
