"""Shell scripts' argument handling, run with DRY_RUN=1 (they print the lmdeploy / XTuner command instead)."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


SCRIPT_ENV = ("PORT", "HOST", "MODEL_NAME", "QUANT_POLICY", "BACKEND", "CACHE_MAX_ENTRY_COUNT", "SESSION_LEN",
              "MODEL_FORMAT", "CALIB_DATASET", "CALIB_SAMPLES", "CALIB_SEQLEN", "BATCH_SIZE", "SEARCH_SCALE", "PYTHON")


def run(script: str, *args, **env) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k not in SCRIPT_ENV}
    full_env.update(DRY_RUN="1", **{k: str(v) for k, v in env.items()})
    return subprocess.run(["bash", str(REPO / "finetune" / script), *map(str, args)], capture_output=True, text=True,
                          env=full_env, cwd=REPO, timeout=30)


def command(proc: subprocess.CompletedProcess) -> list[str]:
    assert proc.returncode == 0, proc.stderr
    return shlex.split(proc.stdout.strip().splitlines()[-1])


def option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


def test_serve_defaults_to_int8_kv_cache_and_the_app_model_name(tmp_path):
    proc = run("serve.sh", tmp_path)
    cmd = command(proc)
    assert cmd[:4] == ["lmdeploy", "serve", "api_server", str(tmp_path)]
    assert option(cmd, "--quant-policy") == "8" and option(cmd, "--model-format") == "hf"
    assert option(cmd, "--server-port") == "23333" and option(cmd, "--model-name") == "internvl2"
    assert option(cmd, "--backend") == "turbomind" and "--trust-remote-code" in cmd
    assert ":23333/v1 FITNESSLM_LLM_MODEL=internvl2" in proc.stderr


def test_serve_detects_awq_checkpoints_and_passes_extra_options(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"quantization_config": {"quant_method": "awq", "bits": 4}},
                                                     indent=2))
    cmd = command(run("serve.sh", tmp_path, "--tp", "1", QUANT_POLICY=4, PORT=23335, MODEL_NAME="eq"))
    assert option(cmd, "--model-format") == "awq" and option(cmd, "--quant-policy") == "4"
    assert option(cmd, "--server-port") == "23335" and option(cmd, "--model-name") == "eq"
    assert cmd[-2:] == ["--tp", "1"]
    assert option(command(run("serve.sh", tmp_path, QUANT_POLICY=0, MODEL_FORMAT="hf")), "--model-format") == "hf"


@pytest.mark.parametrize("env", [{"QUANT_POLICY": 5}, {"PORT": "x"}, {"PORT": 70000}, {"BACKEND": "vllm"},
                                 {"MODEL_FORMAT": "gguf"}, {"CACHE_MAX_ENTRY_COUNT": 2}])
def test_serve_rejects_bad_settings(env, tmp_path):
    proc = run("serve.sh", tmp_path, **env)
    assert proc.returncode == 2 and "serve.sh:" in proc.stderr


def test_scripts_print_usage_without_arguments():
    for script in ("serve.sh", "quantize.sh", "merge_lora.sh"):
        proc = run(script)
        assert proc.returncode == 2 and "Usage: finetune/" in proc.stderr, script


def test_quantize_runs_auto_awq_w4_group_128(tmp_path):
    model = tmp_path / "merged"
    model.mkdir()
    cmd = command(run("quantize.sh", model))
    assert cmd[:4] == ["lmdeploy", "lite", "auto_awq", str(model)]
    assert option(cmd, "--work-dir") == f"{model}-awq" and option(cmd, "--calib-dataset") == "wikitext2"
    assert option(cmd, "--w-bits") == "4" and option(cmd, "--w-group-size") == "128"
    assert "--trust-remote-code" in cmd and "--search-scale" not in cmd
    cmd = command(run("quantize.sh", "OpenGVLab/InternVL2-1B", tmp_path / "out", CALIB_DATASET="c4",
                      CALIB_SAMPLES=64, SEARCH_SCALE=1))
    assert option(cmd, "--work-dir") == str(tmp_path / "out") and option(cmd, "--calib-samples") == "64"
    assert option(cmd, "--calib-dataset") == "c4" and "--search-scale" in cmd
    assert option(command(run("quantize.sh", "OpenGVLab/InternVL2-1B")), "--work-dir") == "./InternVL2-1B-awq"


@pytest.mark.parametrize("args, env", [(["m"], {"CALIB_DATASET": "imagenet"}), (["m"], {"CALIB_SEQLEN": "0"}),
                                       (["m", "m"], {}), (["a", "b", "c"], {})])
def test_quantize_rejects_bad_settings(args, env):
    assert run("quantize.sh", *args, **env).returncode == 2


def test_merge_lora_runs_xtuner_convert_then_copies_remote_code(tmp_path):
    ckpt = tmp_path / "iter_10.pth"
    ckpt.write_bytes(b"")
    config = "finetune/configs/internvl2_1b_lora_equipment.py"
    proc = run("merge_lora.sh", config, ckpt, tmp_path / "merged")
    assert proc.returncode == 0, proc.stderr
    convert, copy = (shlex.split(line) for line in proc.stdout.strip().splitlines()[:2])
    assert convert[1].endswith("configs/internvl/v1_5/convert_to_official.py")
    assert convert[2:] == [config, str(ckpt), str(tmp_path / "merged")]
    assert copy[1] == "-c" and "snapshot_download" in copy[2] and copy[3:] == [config, str(tmp_path / "merged")]
    assert run("merge_lora.sh", config, tmp_path / "missing.pth", tmp_path / "o").returncode == 2
    assert run("merge_lora.sh", "no_such_config.py", ckpt, tmp_path / "o").returncode == 2
