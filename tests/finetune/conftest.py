"""Fixtures for the fine-tuning kit: the knowledge base and photo folders generated with PIL (no real photos)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(scope="session")
def kb():
    from finetune.build_dataset import load_kb

    return load_kb()


def blob_image(seed: int, size=(200, 160)) -> Image.Image:
    """A smooth random picture: a 6x6 colour grid scaled up, so perceptual hashes of two seeds differ widely."""
    grid = np.random.default_rng(seed).integers(0, 256, (6, 6, 3), dtype=np.uint8)
    return Image.fromarray(grid).resize(size, Image.Resampling.BICUBIC)


def save(img: Image.Image, path: Path, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, **kw)
    return path


@pytest.fixture
def photos(tmp_path) -> Path:
    """Three labels named by id, English name and Chinese name, plus one broken, one small, one near-duplicate
    and one folder that matches no equipment."""
    root = tmp_path / "photos"
    for i in range(5):
        save(blob_image(100 + i), root / "leg_press_machine" / f"lp{i}.jpg", quality=95)
    for i in range(4):
        save(blob_image(200 + i), root / "Treadmill" / f"tm{i}.png")
    for i in range(3):
        save(blob_image(300 + i), root / "哑铃" / f"db {i}.jpg")
    save(blob_image(100).resize((170, 136)), root / "leg_press_machine" / "lp0_copy.jpg", quality=80)  # near-dup
    (root / "Treadmill" / "broken.jpg").write_bytes(b"not an image at all")
    save(blob_image(400, size=(60, 50)), root / "Treadmill" / "tiny.png")
    save(blob_image(500), root / "spaceship" / "x.jpg")
    (root / "哑铃" / "notes.txt").write_text("not a photo")
    return root
