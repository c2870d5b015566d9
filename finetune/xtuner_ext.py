"""XTuner dataset for InternVL2-1B, whose language model is Qwen2 (imported by the 1B config, training env only).

XTuner's `InternVL_V1_5_Dataset` (0.1.2x and 0.2.0) sets the chat template only for InternLM2 and Phi-3 language
models and raises NotImplementedError for Qwen2ForCausalLM, so InternVL2-1B cannot be fine-tuned with the stock
recipe (InternLM/xtuner issue #999). InternVL trains the 1B model with its "Hermes-2" template: ChatML turns
joined without newlines, the InternVL system message and no BOS token (OpenGVLab/InternVL
internvl_chat/internvl/conversation.py; shell/internvl2.0/2nd_finetune/internvl2_1b_qwen2_0_5b_*_lora.sh uses
`--conv_style Hermes-2`). XTuner's InternLM2 branch writes exactly those ChatML strings, so this subclass lets it
run with the architecture name reported as InternLM2, then restores the name and sets the Hermes-2 system message.
Run training with the repository root on PYTHONPATH so `finetune.xtuner_ext` imports.
"""
from __future__ import annotations

import contextlib

import xtuner.dataset.internvl_dataset as _ivd
from xtuner.dataset import InternVL_V1_5_Dataset

HERMES2_SYSTEM = "你是由上海人工智能实验室联合商汤科技开发的书生多模态大模型，英文名叫InternVL, 是一个有用无害的人工智能助手。"
CHATML_SYSTEM = "<|im_start|>system\n{system}<|im_end|>"
CHATML_INSTRUCTION = "<|im_start|>user\n{input}<|im_end|><|im_start|>assistant\n"
QWEN2 = "Qwen2ForCausalLM"


class InternVL2QwenDataset(InternVL_V1_5_Dataset):
    """InternVL_V1_5_Dataset that also accepts Qwen2 language models (InternVL2-1B); others pass through."""

    def __init__(self, model_path, template, *args, **kwargs):
        cfg = _ivd.AutoConfig.from_pretrained(model_path, trust_remote_code=True)
        arch = cfg.llm_config.architectures[0]
        if arch != QWEN2:
            super().__init__(model_path, template, *args, **kwargs)
            return
        cfg.llm_config.architectures[0] = "InternLM2ForCausalLM"
        with _config_returning(cfg):
            super().__init__(model_path, template, *args, **kwargs)
        cfg.llm_config.architectures[0] = arch
        self._system = HERMES2_SYSTEM
        self.template["SYSTEM"] = CHATML_SYSTEM
        self.template["INSTRUCTION"] = CHATML_INSTRUCTION


@contextlib.contextmanager
def _config_returning(cfg):
    """Make the dataset module's AutoConfig.from_pretrained hand back `cfg` for the duration."""
    real = _ivd.AutoConfig

    class _Fixed:
        @staticmethod
        def from_pretrained(*args, **kwargs):
            return cfg

    _ivd.AutoConfig = _Fixed
    try:
        yield
    finally:
        _ivd.AutoConfig = real
