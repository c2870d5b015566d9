"""EfficientNet-Lite0 + Lite2 from the packaged weights: 1280-d blocks side by side and sensible ImageNet classes."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from runtime.vision import get_featurizer


def _rendered_equipment() -> Image.Image:
    img = Image.new("RGB", (320, 240), (235, 235, 235))
    d = ImageDraw.Draw(img)
    d.rectangle((40, 115, 280, 125), fill=(120, 120, 120))
    for x in (60, 240):
        d.ellipse((x - 20, 70, x + 20, 170), fill=(30, 30, 30))
    return img


def test_features_are_finite_deterministic_and_balanced():
    f = get_featurizer()
    img = _rendered_equipment()
    a, b = f.features([img]), f.features([img])
    assert a.shape == (1, f.feature_dim) and f.feature_dim == 1280 * len(f.blocks) and np.isfinite(a).all()
    assert np.allclose(a, b)
    # each backbone's block is L1-scaled, so neither dominates after normalisation
    assert np.allclose([np.abs(a[0, i * 1280:(i + 1) * 1280]).sum() for i in range(len(f.blocks))], 1.0, atol=1e-3)


def test_grayscale_and_tiny_images_are_handled():
    f = get_featurizer()
    feats = f.features([Image.new("L", (10, 300), 128), Image.new("RGBA", (50, 40))])
    assert feats.shape == (2, f.feature_dim)


def test_real_dumbbell_photos_are_classified_as_gym_equipment(shared_dir):
    photos = sorted((shared_dir / "data" / "equipment-dev" / "dumbbell").glob("*.jpg"))[:5]
    if not photos:
        pytest.skip("no dumbbell photos in shared/")
    f = get_featurizer()
    top1 = [f.top_classes(Image.open(p), k=1)[0][1] for p in photos]
    assert sum(name in ("dumbbell", "barbell") for name in top1) >= 4, top1
