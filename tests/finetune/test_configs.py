"""The XTuner configs, read with `ast` only (xtuner is not installed here): valid Python, the recipe's PART 1
settings, the 1B/2B/8B differences, and the Qwen2 dataset shim exercised against a stand-in xtuner module."""
from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path

import pytest

from finetune import build_dataset as bd

CONFIG_DIR = Path(__file__).resolve().parents[2] / "finetune" / "configs"
VARIANTS = {
    "1b": ("OpenGVLab/InternVL2-1B", "qwen_chat", "InternVL2QwenDataset", "finetune.xtuner_ext"),
    "2b": ("OpenGVLab/InternVL2-2B", "internlm2_chat", "InternVL_V1_5_Dataset", "xtuner.dataset"),
    "8b": ("OpenGVLab/InternVL2-8B", "internlm2_chat", "InternVL_V1_5_Dataset", "xtuner.dataset"),
}
ALLOWED_IMPORTS = {"mmengine", "peft", "torch", "transformers", "xtuner", "finetune"}


def config_path(key: str) -> Path:
    return CONFIG_DIR / f"internvl2_{key}_lora_equipment.py"


def parse(key: str) -> tuple[str, ast.Module]:
    text = config_path(key).read_text(encoding="utf-8")
    compile(text, str(config_path(key)), "exec")  # syntactically valid Python
    return text, ast.parse(text)


def assignments(tree: ast.Module) -> dict[str, ast.expr]:
    return {n.targets[0].id: n.value for n in tree.body
            if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)}


def settings(tree: ast.Module) -> dict:
    """Module-level names with a literal value, string concatenations folded (data_root + 'train.jsonl')."""
    out = {}
    for name, node in assignments(tree).items():
        try:
            out[name] = ast.literal_eval(node)
        except ValueError:
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                left, right = node.left, node.right
                if isinstance(left, ast.Name) and left.id in out and isinstance(right, ast.Constant):
                    out[name] = out[left.id] + right.value
                    continue
            out[name] = ast.unparse(node)  # names and attributes as source text
    return out


def call_kwargs(node: ast.expr) -> dict[str, ast.expr]:
    assert isinstance(node, ast.Call) and ast.unparse(node.func) == "dict"
    return {k.arg: k.value for k in node.keywords}


@pytest.mark.parametrize("key", VARIANTS)
def test_config_keeps_the_xtuner_recipe_settings(key):
    text, tree = parse(key)
    path, template, dataset, dataset_module = VARIANTS[key]
    assert text.index("PART 1  Settings") < text.index("PART 2") < text.index("PART 5")
    s = settings(tree)
    assert s["path"] == path
    assert s["prompt_template"] == f"PROMPT_TEMPLATE.{template}"
    assert s["dataset_type"] == dataset
    assert s["max_length"] == 4096 and s["lr"] == 4e-5 and s["max_epochs"] >= 1
    assert s["batch_size"] * s["accumulative_counts"] == 16  # InternVL's LoRA recipe: total batch 16
    assert (s["lora_r"], s["lora_alpha"], s["lora_dropout"]) == (128, 256, 0.05)  # XTuner's InternVL2 LoRA
    assert s["use_qlora"] is False and s["optim_type"] == "AdamW" and s["warmup_ratio"] == 0.03
    assert s["data_path"] == "./data/equipment/" + bd.TRAIN_FILE  # what the builder writes
    assert s["text_data_path"] == "./data/equipment/" + bd.TEXT_FILE
    assert s["image_folder"] == "./data/equipment/" + bd.IMAGE_DIR
    imports = {n.module: {a.name for a in n.names} for n in tree.body if isinstance(n, ast.ImportFrom)}
    assert dataset in imports[dataset_module]
    assert {m.split(".")[0] for m in imports} <= ALLOWED_IMPORTS


@pytest.mark.parametrize("key", VARIANTS)
def test_model_and_dataset_dicts_follow_internvl_v1_5(key):
    _, tree = parse(key)
    a = assignments(tree)
    model = call_kwargs(a["model"])
    assert ast.unparse(model["type"]) == "InternVL_V1_5" and ast.unparse(model["model_path"]) == "path"
    assert ast.unparse(model["freeze_llm"]) == "True" and ast.unparse(model["freeze_visual_encoder"]) == "True"
    assert ast.unparse(model["quantization_llm"]) == "use_qlora"  # the QLoRA switch
    assert ast.unparse(model["quantization_vit"]) == "False"
    lora = call_kwargs(model["llm_lora"])
    assert ast.unparse(lora["type"]) == "LoraConfig" and ast.literal_eval(lora["task_type"]) == "CAUSAL_LM"
    assert [ast.unparse(lora[k]) for k in ("r", "lora_alpha", "target_modules")] == ["lora_r", "lora_alpha", "None"]
    data = call_kwargs(a["llava_dataset"])
    assert ast.unparse(data["type"]) == "dataset_type" and ast.unparse(data["template"]) == "prompt_template"
    assert "data_path" in ast.unparse(data["data_paths"]) and "text_data_path" in ast.unparse(data["data_paths"])
    loader = call_kwargs(a["train_dataloader"])
    assert ast.unparse(loader["batch_size"]) == "batch_size"
    optim = call_kwargs(a["optim_wrapper"])
    assert ast.unparse(optim["accumulative_counts"]) == "accumulative_counts"
    assert "lr=lr" in ast.unparse(optim["optimizer"])


def test_variants_differ_only_in_part_1():
    texts = {k: parse(k)[0] for k in VARIANTS}
    bodies = {k: t[t.index("PART 2"):] for k, t in texts.items()}
    assert bodies["1b"] == bodies["2b"] == bodies["8b"]
    paths = {k: settings(parse(k)[1])["path"] for k in VARIANTS}
    assert len(set(paths.values())) == 3
    assert settings(parse("8b")[1])["batch_size"] < settings(parse("2b")[1])["batch_size"]


def test_every_name_a_config_uses_is_defined_or_imported():
    for key in VARIANTS:
        _, tree = parse(key)
        defined = set(assignments(tree)) | {a.asname or a.name for n in tree.body
                                            if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        assert used - defined - {"dict", "True", "False", "None"} == set(), key


# ---- finetune/xtuner_ext.py against a stand-in for xtuner's InternVL_V1_5_Dataset ----
class _Cfg:
    def __init__(self, arch):
        self.llm_config = types.SimpleNamespace(architectures=[arch])


def _fake_xtuner(arch: str) -> dict[str, types.ModuleType]:
    """Modules mimicking xtuner.dataset.internvl_dataset: AutoConfig + the arch check that rejects Qwen2."""
    ivd = types.ModuleType("xtuner.dataset.internvl_dataset")

    class AutoConfig:
        @staticmethod
        def from_pretrained(path, trust_remote_code=False):
            return _Cfg(arch)

    class InternVL_V1_5_Dataset:
        def __init__(self, model_path, template, data_paths=None, max_length=8192):
            self.template = template
            self.cfg = ivd.AutoConfig.from_pretrained(model_path, trust_remote_code=True)
            a = self.cfg.llm_config.architectures[0]
            if a == "InternLM2ForCausalLM":
                self._system = "You are an AI assistant whose name is InternLM (书生·浦语)."
                self.template["SYSTEM"] = "<|im_start|>system\n{system}<|im_end|>"
            elif a != "Phi3ForCausalLM":
                raise NotImplementedError
            self.max_length = max_length

    ivd.AutoConfig, ivd.InternVL_V1_5_Dataset = AutoConfig, InternVL_V1_5_Dataset
    dataset = types.ModuleType("xtuner.dataset")
    dataset.InternVL_V1_5_Dataset, dataset.internvl_dataset = InternVL_V1_5_Dataset, ivd
    return {"xtuner": types.ModuleType("xtuner"), "xtuner.dataset": dataset, "xtuner.dataset.internvl_dataset": ivd}


@pytest.fixture
def ext(monkeypatch):
    def load(arch):
        for name, mod in _fake_xtuner(arch).items():
            monkeypatch.setitem(sys.modules, name, mod)
        monkeypatch.delitem(sys.modules, "finetune.xtuner_ext", raising=False)
        return importlib.import_module("finetune.xtuner_ext"), sys.modules["xtuner.dataset.internvl_dataset"]

    yield load
    sys.modules.pop("finetune.xtuner_ext", None)


def test_qwen2_dataset_gets_chatml_hermes2_template(ext):
    mod, ivd = ext("Qwen2ForCausalLM")
    real = ivd.AutoConfig
    template = {"SYSTEM": "<|im_start|>system\n{system}<|im_end|>\n", "INSTRUCTION": "qwen"}
    ds = mod.InternVL2QwenDataset("OpenGVLab/InternVL2-1B", template, data_paths=["x.jsonl"], max_length=4096)
    assert ds.cfg.llm_config.architectures == ["Qwen2ForCausalLM"]  # restored after the parent's check
    assert ds._system == mod.HERMES2_SYSTEM and ds.max_length == 4096
    assert ds.template["SYSTEM"] == "<|im_start|>system\n{system}<|im_end|>"
    assert ds.template["INSTRUCTION"] == "<|im_start|>user\n{input}<|im_end|><|im_start|>assistant\n"
    assert ivd.AutoConfig is real  # the module-level patch is undone


def test_other_language_models_pass_through_unchanged(ext):
    mod, _ = ext("InternLM2ForCausalLM")
    ds = mod.InternVL2QwenDataset("OpenGVLab/InternVL2-2B", {"INSTRUCTION": "x"})
    assert "InternLM" in ds._system and ds.cfg.llm_config.architectures == ["InternLM2ForCausalLM"]
    mod, ivd = ext("LlamaForCausalLM")
    real = ivd.AutoConfig
    with pytest.raises(NotImplementedError):
        mod.InternVL2QwenDataset("some/llama-vl", {})
    assert ivd.AutoConfig is real
