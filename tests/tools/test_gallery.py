"""tools.gallery: enrollment, persistence, list/relabel/prune, bulk folders, and the embedded recogniser end to end."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from tools.equipment import recognize
from tools.gallery import FEATURE_VERSION, Gallery, normalise_label
from tools.recognizer import EmbeddedRecognizer
from tools.linear_head import fit_logistic

# Generated stand-ins for gym photos (the dev photos are for measurement only; tests never use them).
KINDS = ("treadmill", "stationary_bike", "leg_press_machine")


def _col(rng, base, d=25):
    return tuple(int(np.clip(b + rng.integers(-d, d + 1), 0, 255)) for b in base)


def draw_machine(kind: str, rng: np.random.Generator, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """One varied picture of a drawn machine: shifted, scaled, recoloured within its kind."""
    w, h = size
    img = Image.new("RGB", size, _col(rng, (200, 200, 195), 30))
    d = ImageDraw.Draw(img)
    d.rectangle((0, int(h * 0.7), w, h), fill=_col(rng, (110, 110, 115), 25))  # floor
    s = rng.uniform(0.8, 1.1)
    ox, oy = int(rng.integers(-25, 25)), int(rng.integers(-15, 15))

    def p(x, y):
        return ox + w / 2 + (x - 160) * s, oy + h / 2 + (y - 120) * s

    if kind == "treadmill":
        d.polygon([p(40, 200), p(250, 190), p(260, 210), p(40, 222)], fill=_col(rng, (30, 30, 30)))
        d.line([p(240, 195), p(215, 60)], fill=_col(rng, (160, 160, 170)), width=8)
        d.rectangle([*p(185, 40), *p(265, 75)], fill=_col(rng, (20, 60, 160)))
    elif kind == "stationary_bike":
        for cx in (90, 230):
            x0, y0 = p(cx - 45, 130)
            x1, y1 = p(cx + 45, 220)
            d.ellipse((x0, y0, x1, y1), outline=_col(rng, (200, 30, 30)), width=9)
        d.line([p(90, 175), p(160, 100), p(230, 175)], fill=_col(rng, (220, 220, 40)), width=10)
        d.rectangle([*p(135, 85), *p(185, 98)], fill=(20, 20, 20))
    else:  # leg press: big slanted sled and stacked green plates
        d.polygon([p(60, 210), p(110, 60), p(150, 60), p(120, 210)], fill=_col(rng, (60, 60, 70)))
        for k in range(5):
            d.rectangle([*p(190, 70 + 28 * k), *p(280, 92 + 28 * k)], fill=_col(rng, (30, 150, 60)))
        d.line([p(120, 150), p(190, 120)], fill=(90, 90, 90), width=12)
    return img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.0, 1.2))))


def draw_food(rng: np.random.Generator, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """A plate of food seen from above: not gym equipment."""
    w, h = size
    img = Image.new("RGB", size, _col(rng, (150, 105, 65), 30))
    d = ImageDraw.Draw(img)
    d.ellipse((w / 2 - 110, h / 2 - 90, w / 2 + 110, h / 2 + 90), fill=(245, 245, 240))
    for _ in range(25):
        x, y, r = w / 2 + rng.integers(-60, 60), h / 2 + rng.integers(-45, 45), int(rng.integers(8, 22))
        d.ellipse((x - r, y - r, x + r, y + r), fill=[(60, 150, 50), (210, 40, 30), (240, 200, 70)][rng.integers(0, 3)])
    return img.filter(ImageFilter.GaussianBlur(1))


class PixelFeaturizer:
    """Cheap stand-in for EfficientNet: 16×16 colour thumbnails as features; logits chosen by the test."""

    feature_dim = 1280

    def __init__(self, logits: dict[int, float] | None = None):
        self.calls, self.logits = 0, logits or {}

    def features(self, images):
        self.calls += len(images)
        rows = [np.asarray(im.convert("RGB").resize((16, 16)), np.float32).ravel() / 255 for im in images]
        return np.pad(np.stack(rows), ((0, 0), (0, 1280 - 768)))

    def features_and_logits(self, images):
        logits = np.zeros((len(images), 1000), np.float32)
        for i, v in self.logits.items():
            logits[:, i] = v
        return self.features(images), logits


def _solid(rgb, size=(80, 60)) -> Image.Image:
    return Image.new("RGB", size, rgb)


def test_labels_and_logistic_head():
    assert normalise_label(" Leg Press-Machine ") == "leg_press_machine" and normalise_label("我的推胸机") == "我的推胸机"
    for bad in ("", "a/b", "..", "x" * 65):
        with pytest.raises(ValueError):
            normalise_label(bad)
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (20, 5)) + 3 * np.eye(5)[c] for c in range(3)])
    w, b = fit_logistic(x, np.repeat(np.arange(3), 20), 3)
    assert ((x @ w + b).argmax(1) == np.repeat(np.arange(3), 20)).mean() > 0.9


def test_lda_head_follows_the_shared_covariance_and_its_basis():
    """Two classes apart along a quiet axis, with a loud nuisance axis: LDA discounts the loud one (nearest
    class mean would not), and fitting inside a basis that holds the signal gives the same answers in full d."""
    from tools.linear_head import fit_lda

    rng = np.random.default_rng(1)
    y = np.repeat(np.arange(2), 200)
    x = rng.normal(0, 0.1, (400, 6)).astype(np.float32)                 # 4 dimensions of noise
    x[:, 0] = np.where(y == 0, -0.5, 0.5) + rng.normal(0, 0.2, 400)   # signal
    x[:, 1] = rng.normal(0, 3.0, 400) + np.where(y == 0, 1.0, -1.0)    # loud, misleading nuisance
    w, b = fit_lda(x, y, 2, shrinkage=0.0, temperature=1.0)
    test = np.array([[0.4, 2.0, 0, 0, 0, 0], [-0.4, -2.0, 0, 0, 0, 0]], np.float32)
    assert list((test @ w + b).argmax(1)) == [1, 0]
    basis = np.eye(6, 2, dtype=np.float32)
    wb, bb = fit_lda(x, y, 2, shrinkage=0.0, temperature=1.0, basis=basis)
    assert wb.shape == (6, 2) and list((test @ wb + bb).argmax(1)) == [1, 0]
    assert not wb[2:].any()                       # the weights live in the basis
    w2, b2 = fit_lda(x, y, 2, shrinkage=0.0, temperature=2.0)
    assert np.allclose(w2 * 2, w, atol=1e-5) and np.allclose(b2 * 2, b, atol=1e-5)   # temperature only softens
    with pytest.raises(ValueError):
        fit_lda(x, y, 3)                          # a class without rows
    with pytest.raises(ValueError):
        EmbeddedRecognizer(head="svm")


def test_enroll_list_relabel_remove_prune(tmp_path):
    g = Gallery(tmp_path / "gym", PixelFeaturizer())
    out = g.enroll("Red Machine", [_solid((200, 0, 0)), _solid((190, 10, 0)), b"broken bytes", _solid((200, 0, 0))])
    assert out["label"] == "red_machine" and out["added"] == 2 and out["duplicates"] == 1
    assert out["errors"][0]["index"] == 2 and out["errors"][0]["message_zh"]
    g.enroll("blue", [_solid((0, 0, 200)), _solid((0, 10, 190)), _solid((10, 0, 180))])
    assert g.labels() == {"blue": 3, "red_machine": 2}
    items = g.items()
    assert len(items) == 5 and all(Image.open(it["path"]).size == (80, 60) for it in items)
    rev = g.revision
    assert g.relabel("red_machine", "chest_press_machine") == 2 and g.revision > rev
    assert g.relabel_item(g.items("blue")[0]["id"], "chest_press_machine")
    assert g.labels() == {"blue": 2, "chest_press_machine": 3}
    assert g.remove([g.items("blue")[0]["id"]]) == 1 and g.labels()["blue"] == 1
    (tmp_path / "gym" / "images" / "stray.jpg").write_bytes(b"x")
    victim = g.items("chest_press_machine")[0]
    (tmp_path / "gym" / victim["path"].split("gym/")[1]).unlink()
    report = g.prune(max_per_label=1)
    assert report == {"removed_items": 2, "missing_files": 1, "orphan_files": 1}
    assert g.labels() == {"blue": 1, "chest_press_machine": 1}
    assert g.remove_label("blue") == 1 and len(list((tmp_path / "gym" / "images").iterdir())) == 1


def test_gallery_survives_restart_without_recomputing(tmp_path):
    feat = PixelFeaturizer()
    g = Gallery(tmp_path, feat)
    g.enroll("red", [_solid((220, 0, 0)), _solid((200, 20, 0))])
    g.enroll("green", [_solid((0, 220, 0)), _solid((20, 200, 0))])
    g.close()
    again = PixelFeaturizer()
    g2 = Gallery(tmp_path, again)
    assert g2.labels() == {"green": 2, "red": 2}
    rec = EmbeddedRecognizer(g2, again, reject_score=0.2)
    pred = rec.predict(_solid((210, 5, 5)))
    assert pred.candidates[0][0] == "red" and again.calls == 1  # only the query went through the network
    g2._db.execute("UPDATE items SET version='old'")
    g2._db.commit()
    x, labels = g2.matrix()
    assert again.calls == 1 + 4 * 8 and len(labels) == 32
    assert {v for (v,) in g2._db.execute("SELECT version FROM items")} == {FEATURE_VERSION}


def test_bulk_enroll_from_folder_tree(tmp_path):
    tree = tmp_path / "photos"
    for label, rgb in (("Treadmill", (10, 10, 10)), ("rowing machine", (0, 80, 200))):
        (tree / label).mkdir(parents=True)
        for i in range(3):
            _solid((rgb[0] + 20 * i, rgb[1], rgb[2])).save(tree / label / f"{i}.png")
    (tree / "Treadmill" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    (tree / "Treadmill" / "notes.txt").write_text("ignored")
    (tree / ".cache").mkdir()
    (tree / "loose.png").write_bytes(b"")
    g = Gallery(tmp_path / "g", PixelFeaturizer())
    out = g.enroll_folder(tree)
    assert out["labels"] == {"treadmill": 3, "rowing_machine": 3} and out["added"] == 6
    assert len(out["errors"]) == 1 and out["errors"][0]["file"].endswith("broken.jpg")
    assert g.enroll_folder(tree)["added"] == 0  # same photos again: all duplicates
    with pytest.raises(ValueError):
        g.enroll_folder(tmp_path / "missing")


def test_imagenet_classes_work_without_enrollment(kb):
    dumbbell = PixelFeaturizer({543: 12.0})
    rec = EmbeddedRecognizer.from_kb(kb, None, featurizer=dumbbell)
    out = recognize(_solid((90, 90, 90)), rec, kb, "zh")
    assert out["status"] == "recognized" and out["equipment_id"] == "dumbbell" and out["source"] == "imagenet"
    assert out["card"]["name"] == kb.equipment["dumbbell"].name.zh
    nothing = recognize(_solid((90, 90, 90)), EmbeddedRecognizer.from_kb(kb, None, featurizer=PixelFeaturizer()), kb)
    assert nothing["status"] == "not_equipment"


@pytest.fixture
def one_thread():
    """The network on one thread: on a busy 2-core machine two threads can be 10× slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.slow
def test_embedded_end_to_end_on_generated_machines(tmp_path, kb, one_thread):
    rng = np.random.default_rng(7)
    g = Gallery(tmp_path / "gym")
    for kind in KINDS:
        photos = []
        for _ in range(3):
            buf = io.BytesIO()
            draw_machine(kind, rng).save(buf, format="JPEG", quality=90)
            photos.append(buf.getvalue())                      # enrolled as uploaded bytes
        assert g.enroll(kind, photos, source="webcam")["added"] == 3
    assert g.enroll("treadmill", draw_machine("treadmill", rng))["added"] == 1   # a single frame
    rec = EmbeddedRecognizer.from_kb(kb, Gallery(tmp_path / "gym"))  # a fresh handle: what a restart sees
    for kind in KINDS:
        for _ in range(2):
            out = recognize(draw_machine(kind, rng), rec, kb, "en")
            assert out["status"] == "recognized" and out["equipment_id"] == kind, out
            assert out["card"]["steps"] and out["source"].startswith("gallery")
    food = recognize(draw_food(np.random.default_rng(1)), rec, kb, "zh")
    assert food["status"] == "not_equipment", food
    noise = np.random.default_rng(2).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    assert recognize(noise, rec, kb)["status"] == "not_equipment"


def test_default_gallery_is_current_and_licensed():
    """The shipped rows match today's features (else they would be silently unused) and every photo has a record."""
    import json

    from indexes.default_gallery import RECORDS, DefaultGallery, photo_list, thumbnail

    g = DefaultGallery(featurizer=object())
    assert not g.problem, g.problem
    assert len(g.matrix()[1]) == 2 * len(photo_list()) and len(g.negatives()) >= 30
    records = json.loads(RECORDS.read_text(encoding="utf-8"))
    assert {r["url"] for r in records["photos"]} == {p["url"] for p in photo_list()}
    assert all(r["licence"] == "Unlicense" for r in records["photos"])
    assert thumbnail("leg_press_machine") is not None and thumbnail("warp_drive") is None


@pytest.mark.slow
def test_out_of_the_box_recognition_names_candidates_and_rejects_food(kb, one_thread):
    from indexes.default_gallery import DefaultGallery, thumbnail
    from services.galleries import CombinedGallery

    rec = EmbeddedRecognizer.from_kb(kb, CombinedGallery(DefaultGallery()))
    out = recognize(thumbnail("leg_press_machine").read_bytes(), rec, kb, "en")
    assert out["status"] == "not_sure", out          # known only from shipped photos: the picker, not a card
    assert "leg_press_machine" in [c["id"] for c in out["candidates"]] and len(out["candidates"]) == 5
    food = recognize(draw_food(np.random.default_rng(3)), rec, kb, "en")
    assert food["status"] == "not_equipment", food
