"""Fine-tuning and deployment kit: XTuner InternVL2 LoRA on equipment photos, LMDeploy AWQ W4 + KV int8.

Data builder and benchmark run on any machine (`python -m finetune.build_dataset`, `python -m finetune.bench_server`);
training, merging, quantizing and serving need a CUDA GPU and their own environments (see finetune/README.md).
"""
