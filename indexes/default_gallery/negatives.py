"""The "clearly not gym equipment" image set the open-set gate is calibrated and measured on.

Why this file: the gate must reject food, people, pets, rooms, screenshots, text and blank images
without ever rejecting a gym photo, and the dev photos may not be used to build anything shipped.
So the negatives come only from (a) sample photos that installed packages ship under their own
licences (scikit-image, matplotlib, scikit-learn, gradio: BSD/PSF-style; found in site-packages,
skipped when absent) and (b) images rendered here (text pages, app screenshots, charts, blank,
gradients, noise, food plates, rooms). Each item has a kind and a `split`: "calib" items tune the
gate, "held" items (every other source image, with all its crops) are only measured.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEED = 0
MIN_SIDE = 64   # px; smaller crops are refused by tools.images before any model sees them

# (package, path inside it, kind) — sample images packages ship, none of them gym equipment
PACKAGED = [
    ("skimage", "data/astronaut.png", "person"), ("skimage", "data/camera.png", "person"),
    ("skimage", "data/chelsea.png", "pet"), ("skimage", "data/coffee.png", "food"),
    ("skimage", "data/horse.png", "pet"), ("skimage", "data/hubble_deep_field.jpg", "other"),
    ("skimage", "data/motorcycle_left.png", "other"), ("skimage", "data/rocket.jpg", "other"),
    ("skimage", "data/page.png", "text"), ("skimage", "data/text.png", "text"),
    ("skimage", "data/brick.png", "room"), ("skimage", "data/grass.png", "other"),
    ("skimage", "data/gravel.png", "other"), ("skimage", "data/coins.png", "other"),
    ("skimage", "data/retina.jpg", "other"), ("skimage", "data/ihc.png", "other"),
    ("skimage", "data/logo.png", "screenshot"), ("skimage", "data/color.png", "screenshot"),
    ("skimage", "data/moon.png", "other"),
    ("matplotlib", "mpl-data/sample_data/grace_hopper.jpg", "person"),
    ("matplotlib", "mpl-data/sample_data/Minduka_Present_Blue_Pack.png", "other"),
    ("matplotlib", "mpl-data/sample_data/logo2.png", "screenshot"),
    ("sklearn", "datasets/images/china.jpg", "room"), ("sklearn", "datasets/images/flower.jpg", "other"),
    ("gradio", "media_assets/images/cheetah.jpg", "pet"), ("gradio", "media_assets/images/cheetah1.jpg", "pet"),
    ("gradio", "media_assets/images/lion.jpg", "pet"), ("gradio", "media_assets/images/tower.jpg", "room"),
    ("gradio", "media_assets/images/groot.jpeg", "person"), ("gradio", "media_assets/images/bus.png", "other"),
    ("gradio", "media_assets/images/screenshot.gif", "screenshot"),
    ("gradio", "media_assets/images/avatar.png", "person"),
]


def _package_file(mod: str, rel: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(mod)   # finds the folder without importing the package
    except (ImportError, ValueError):
        return None
    if not spec or not spec.origin:
        return None
    path = Path(spec.origin).parent / rel
    return path if path.is_file() else None


def packaged(crops: int = 2, seed: int = SEED) -> list[dict]:
    """Each shipped photo whole plus a few random crops (a phone photo frames things differently)."""
    r, out = np.random.default_rng(seed), []
    for n, (mod, rel, kind) in enumerate(PACKAGED):
        path = _package_file(mod, rel)
        if path is None:
            continue
        with Image.open(path) as f:
            im = f.convert("RGB")
        split = "calib" if n % 2 == 0 else "held"
        out.append({"name": f"{mod}:{path.stem}", "kind": kind, "split": split, "image": im})
        for _ in range(crops):
            s = r.uniform(0.45, 0.75)
            cw, ch = int(im.width * s), int(im.height * s)
            x, y = r.integers(0, im.width - cw + 1), r.integers(0, im.height - ch + 1)
            if min(cw, ch) < MIN_SIDE:
                continue
            out.append({"name": f"{mod}:{path.stem}:crop", "kind": kind, "split": split,
                        "image": im.crop((x, y, x + cw, y + ch))})
    return out


# --- rendered --------------------------------------------------------------------------------------

def _font(size: int):
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


_WORDS = ("the plan for today is three sets of ten reps with a short rest between them and water "
          "protein dinner meeting report invoice total weekly summary settings profile account").split()


def _c(r, base, d=30):
    return tuple(int(np.clip(b + r.integers(-d, d + 1), 0, 255)) for b in base)


def _text_page(r):
    im = Image.new("RGB", (480, 640), _c(r, (250, 250, 245), 5))
    d, f = ImageDraw.Draw(im), _font(int(r.integers(14, 22)))
    y = 30
    while y < 600:
        d.text((30, y), " ".join(r.choice(_WORDS, int(r.integers(4, 9)))), fill=(30, 30, 30), font=f)
        y += int(r.integers(22, 34))
    return im


def _screenshot(r):
    w, h = (390, 844) if r.random() < 0.5 else (1280, 800)
    im = Image.new("RGB", (w, h), _c(r, (245, 245, 250), 10))
    d, f = ImageDraw.Draw(im), _font(18)
    d.rectangle((0, 0, w, 60), fill=_c(r, (60, 90, 200), 60))
    d.text((20, 18), "FitnessLM · " + str(r.choice(_WORDS)), fill=(255, 255, 255), font=f)
    y = 80
    while y < h - 60:
        if r.random() < 0.3:
            d.rounded_rectangle((20, y, w - 20, y + 90), 12, fill=_c(r, (220, 225, 235), 20))
            d.text((36, y + 12), " ".join(r.choice(_WORDS, 4)), fill=(20, 20, 20), font=f)
            y += 110
        else:
            d.text((24, y), " ".join(r.choice(_WORDS, 6)), fill=(50, 50, 50), font=f)
            y += 30
    d.rounded_rectangle((w - 160, h - 56, w - 20, h - 14), 20, fill=_c(r, (240, 120, 40), 30))
    return im


def _chart(r):
    im = Image.new("RGB", (640, 480), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.line((60, 420, 620, 420), fill=(0, 0, 0), width=2)
    d.line((60, 420, 60, 30), fill=(0, 0, 0), width=2)
    if r.random() < 0.5:
        for i in range(int(r.integers(4, 10))):
            hgt = int(r.integers(40, 370))
            d.rectangle((80 + i * 55, 420 - hgt, 120 + i * 55, 420), fill=_c(r, (70, 120, 200), 60))
    else:
        pts = [(60 + i * 28, int(420 - 200 - 150 * np.sin(i / 3 + r.random()))) for i in range(20)]
        d.line(pts, fill=_c(r, (200, 60, 60), 50), width=3)
    return im


def _blank(r):
    return Image.new("RGB", (int(r.integers(200, 900)), int(r.integers(200, 900))), _c(r, (128, 128, 128), 127))


def _gradient(r):
    a, b = np.array(_c(r, (128, 128, 128), 127)), np.array(_c(r, (128, 128, 128), 127))
    t = np.linspace(0, 1, 300)[:, None, None]
    arr = a + (b - a) * (t if r.random() < 0.5 else t.transpose(1, 0, 2))
    return Image.fromarray(np.broadcast_to(arr, (300, 300, 3)).astype(np.uint8))


def _noise(r):
    side = int(r.choice([8, 32, 256]))
    return Image.fromarray(r.integers(0, 256, (side, side, 3)).astype(np.uint8)).resize((320, 320), Image.BICUBIC)


def _food(r):
    im = Image.new("RGB", (400, 300), _c(r, (150, 110, 70), 40))
    d = ImageDraw.Draw(im)
    cx, cy, rx, ry = 200 + r.integers(-30, 30), 150 + r.integers(-20, 20), r.integers(110, 160), r.integers(90, 120)
    d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=_c(r, (240, 240, 235), 10))
    for _ in range(int(r.integers(8, 40))):
        col = [(245, 245, 240), (60, 140, 50), (120, 70, 40), (210, 40, 30), (240, 190, 60)][r.integers(0, 5)]
        x, y, s = cx + r.integers(-rx // 2, rx // 2), cy + r.integers(-ry // 2, ry // 2), r.integers(6, 30)
        d.ellipse((x - s, y - s // 2, x + s, y + s // 2), fill=_c(r, col, 20))
    return im.filter(ImageFilter.GaussianBlur(1))


def _room(r):
    im = Image.new("RGB", (400, 300), _c(r, (220, 210, 190)))
    d = ImageDraw.Draw(im)
    hz = 150 + r.integers(-20, 20)
    d.polygon([(0, 300), (400, 300), (300, hz), (100, hz)], fill=_c(r, (150, 110, 80), 40))
    wx = r.integers(110, 200)
    d.rectangle((wx, 40, wx + 90, hz - 50), fill=_c(r, (150, 200, 240)), outline=(255, 255, 255), width=4)
    sx = r.integers(100, 200)
    d.rounded_rectangle((sx, hz - 25, sx + 160, hz + 50), 12, fill=_c(r, (128, 128, 128), 127))
    return im.filter(ImageFilter.GaussianBlur(1.5))


RENDERED = {"text": _text_page, "screenshot": _screenshot, "chart": _chart, "blank": _blank,
            "gradient": _gradient, "noise": _noise, "food": _food, "room": _room}


def rendered(n_each: int = 6, seed: int = SEED) -> list[dict]:
    r = np.random.default_rng(seed)
    return [{"name": f"render:{kind}", "kind": kind, "split": "calib" if i % 2 == 0 else "held", "image": make(r)}
            for kind, make in RENDERED.items() for i in range(n_each)]


def negative_set(seed: int = SEED) -> list[dict]:
    """All negatives: [{name, kind, split, image}], deterministic for a seed."""
    return packaged(seed=seed) + rendered(seed=seed)
