# FitnessLM: LoRA fine-tuning of InternVL2-1B (InternViT-300M + Qwen2-0.5B-Instruct)
# on gym-equipment photos plus knowledge-base text, with XTuner. Follows XTuner's InternVL2 recipe
# (InternLM/xtuner xtuner/configs/internvl/v2/internvl_v2_internlm2_2b_lora_finetune.py;
# XTuner ships no 1B config).
# Only PART 1 differs between finetune/configs/internvl2_{1b,2b,8b}_lora_equipment.py (tests/finetune checks it).
#
# Data:  python -m finetune.build_dataset --images PHOTOS --out data/equipment --text-pairs
# Train (repository root, training env):
#        PYTHONPATH=. xtuner train finetune/configs/internvl2_1b_lora_equipment.py --deepspeed deepspeed_zero1
# QLoRA: use_qlora = True below, or --cfg-options model.quantization_llm=True
# Merge: finetune/merge_lora.sh finetune/configs/internvl2_1b_lora_equipment.py \
#            work_dirs/<config name>/iter_N.pth OUT_DIR
from mmengine.hooks import (CheckpointHook, DistSamplerSeedHook, IterTimerHook,
                            LoggerHook, ParamSchedulerHook)
from mmengine.optim import AmpOptimWrapper, CosineAnnealingLR, LinearLR
from peft import LoraConfig
from torch.optim import AdamW
from transformers import AutoTokenizer

from finetune.xtuner_ext import InternVL2QwenDataset
from xtuner.dataset.collate_fns import default_collate_fn
from xtuner.dataset.samplers import LengthGroupedSampler
from xtuner.engine.hooks import DatasetInfoHook
from xtuner.engine.runner import TrainLoop
from xtuner.model import InternVL_V1_5
from xtuner.utils import PROMPT_TEMPLATE

#######################################################################
#                          PART 1  Settings                           #
#######################################################################
# Model
path = 'OpenGVLab/InternVL2-1B'  # or a local snapshot folder
use_qlora = False  # True: 4-bit NF4 language model (bitsandbytes) under the LoRA
# Qwen2 LLM: ChatML turns (Hermes-2 template), no BOS; needs flash-attn like the others

# Data (written by finetune/build_dataset.py; image paths are relative to image_folder)
data_root = './data/equipment/'
data_path = data_root + 'train.jsonl'
text_data_path = data_root + 'text.jsonl'  # text-only KB pairs for joint training; None to skip
text_repeat = 1  # <1 samples that share of the text pairs each epoch
image_folder = data_root + 'images'
prompt_template = PROMPT_TEMPLATE.qwen_chat
dataset_type = InternVL2QwenDataset  # XTuner's own dataset rejects Qwen2 (see finetune/xtuner_ext.py)
max_length = 4096  # InternVL's LoRA recipe (max_seq_length 4096): 13 tiles x 256 image tokens + text fit

# Scheduler & Optimizer
batch_size = 8  # per_device
accumulative_counts = 2  # 1 GPU: 8 x 2 = 16 samples a step, InternVL's LoRA total batch
dataloader_num_workers = 4
max_epochs = 3  # a gym's photos are a small set: a few hundred steps in all
optim_type = AdamW
# XTuner's recipe uses 1e-6 (full LLaVA mix, 8 GPUs, "official 1024 -> 4e-5");
# InternVL's own LoRA fine-tune of InternVL2-1B/2B/8B uses 4e-5 at total batch 16.
lr = 4e-5
betas = (0.9, 0.999)
weight_decay = 0.05
max_norm = 1  # grad clip
warmup_ratio = 0.03

# LoRA on the language model (XTuner InternVL2 recipe; target_modules=None = every linear layer)
lora_r = 128
lora_alpha = 256
lora_dropout = 0.05

# Save
save_steps = 100
save_total_limit = 2  # Maximum checkpoints to keep (-1 means unlimited)
seed = 42

#######################################################################
#            PART 2  Model & Tokenizer & Image Processor              #
#######################################################################
model = dict(
    type=InternVL_V1_5,
    model_path=path,
    freeze_llm=True,
    freeze_visual_encoder=True,
    quantization_llm=use_qlora,
    quantization_vit=False,
    llm_lora=dict(
        type=LoraConfig,
        r=lora_r,
        lora_alpha=lora_alpha,
        lora_dropout=lora_dropout,
        target_modules=None,
        task_type='CAUSAL_LM'))

#######################################################################
#                      PART 3  Dataset & Dataloader                   #
#######################################################################
llava_dataset = dict(
    type=dataset_type,
    model_path=path,
    data_paths=[data_path, text_data_path] if text_data_path else [data_path],
    image_folders=[image_folder, None] if text_data_path else [image_folder],
    repeat_times=[1, text_repeat] if text_data_path else [1],
    template=prompt_template,
    max_length=max_length)

train_dataloader = dict(
    batch_size=batch_size,
    num_workers=dataloader_num_workers,
    dataset=llava_dataset,
    sampler=dict(
        type=LengthGroupedSampler,
        length_property='modality_length',
        per_device_batch_size=batch_size * accumulative_counts),
    collate_fn=dict(type=default_collate_fn))

#######################################################################
#                    PART 4  Scheduler & Optimizer                    #
#######################################################################
# optimizer
optim_wrapper = dict(
    type=AmpOptimWrapper,
    optimizer=dict(
        type=optim_type, lr=lr, betas=betas, weight_decay=weight_decay),
    clip_grad=dict(max_norm=max_norm, error_if_nonfinite=False),
    accumulative_counts=accumulative_counts,
    loss_scale='dynamic',
    dtype='float16')

# learning policy
param_scheduler = [
    dict(
        type=LinearLR,
        start_factor=1e-5,
        by_epoch=True,
        begin=0,
        end=warmup_ratio * max_epochs,
        convert_to_iter_based=True),
    dict(
        type=CosineAnnealingLR,
        eta_min=0.0,
        by_epoch=True,
        begin=warmup_ratio * max_epochs,
        end=max_epochs,
        convert_to_iter_based=True)
]

# train, val, test setting
train_cfg = dict(type=TrainLoop, max_epochs=max_epochs)

#######################################################################
#                           PART 5  Runtime                           #
#######################################################################
# Log the dialogue periodically during the training process, optional
tokenizer = dict(
    type=AutoTokenizer.from_pretrained,
    pretrained_model_name_or_path=path,
    trust_remote_code=True)

custom_hooks = [
    dict(type=DatasetInfoHook, tokenizer=tokenizer),
]

# configure default hooks
default_hooks = dict(
    # record the time of every iteration.
    timer=dict(type=IterTimerHook),
    # print log every 10 iterations.
    logger=dict(type=LoggerHook, log_metric_by_epoch=False, interval=10),
    # enable the parameter scheduler.
    param_scheduler=dict(type=ParamSchedulerHook),
    # save checkpoint per `save_steps`.
    checkpoint=dict(
        type=CheckpointHook,
        save_optimizer=False,
        by_epoch=False,
        interval=save_steps,
        max_keep_ckpts=save_total_limit),
    # set sampler seed in distributed evrionment.
    sampler_seed=dict(type=DistSamplerSeedHook),
)

# configure environment
env_cfg = dict(
    # whether to enable cudnn benchmark
    cudnn_benchmark=False,
    # set multi process parameters
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # set distributed parameters
    dist_cfg=dict(backend='nccl'),
)

# set visualizer
visualizer = None

# set log level
log_level = 'INFO'

# load from which checkpoint
load_from = None

# whether to resume training from the loaded checkpoint
resume = False

# fixed seed so a rerun on the same data repeats the run
randomness = dict(seed=seed, deterministic=False)

# set log processor
log_processor = dict(by_epoch=False)
