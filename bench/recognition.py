"""Equipment recognition bench: k-shot accuracy, confusions, open-set rejection and latency on CPU.

python -m bench recognition [--json] [--splits 10] [--threads 1]
Reads ../shared/data/equipment-dev (20 classes × 10 web photos; measurement only, nothing is kept).
k-shot protocol: for each random split, enroll k photos per class, test on the other 10 − k.
Rows compare classifiers on the same EfficientNet-Lite0 features (prototype = cosine to the class
mean; kNN-1 and logistic use the 8 enrollment views of `tools.gallery.enrollment_views`), then the
shipped `EmbeddedRecognizer` (logistic head + nearest-view gate + ImageNet classes) end to end:
top-1/top-3, how often it answers "recognized" and how often that answer is right. Non-equipment:
images generated here (food plates, rooms, people, landscapes, documents, cities, noise) plus the
sample photos other installed packages ship (matplotlib, scikit-learn, gradio), with crops.
"re-shot" enrolls photos and queries synthetic re-shots of the same photos (crop, tilt, light,
blur, JPEG): an optimistic stand-in for the "my gym" case, where the enrolled machine is the one
photographed. Latency: photo upload end to end (decode + network + head), a 640×480 webcam frame
through `LiveRecognizer`, and video frames in batches of 8. Warm-up first; the load average is
printed because other jobs on the machine slow everything down.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import os
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "equipment-dev"
KS = (1, 3, 5, 9)         # photos enrolled per class (9 = leave-one-out, the DEPENDENCIES.md yardstick's 10)
SPLITS = 10               # random splits per k
SEED = 0
THREADS = 1               # torch threads for extraction (on a busy 2-core box 1 beats 2)
LATENCY_RUNS = 40         # measured calls per latency row (after 5 warm-up calls)
GENERATED_EACH = 4        # generated non-equipment images per kind


# --- non-equipment images ---------------------------------------------------------------------

def _c(r, base, d=30):
    return tuple(int(np.clip(b + r.integers(-d, d + 1), 0, 255)) for b in base)


def _food(r):
    im = Image.new("RGB", (320, 240), _c(r, (150, 110, 70), 40))
    d = ImageDraw.Draw(im)
    cx, cy, rx, ry = 160 + r.integers(-30, 30), 120 + r.integers(-20, 20), r.integers(90, 130), r.integers(70, 100)
    d.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=_c(r, (240, 240, 235), 10))
    for _ in range(r.integers(6, 30)):
        col = [(245, 245, 240), (60, 140, 50), (120, 70, 40), (210, 40, 30), (240, 190, 60)][r.integers(0, 5)]
        x, y, s = cx + r.integers(-rx // 2, rx // 2), cy + r.integers(-ry // 2, ry // 2), r.integers(6, 30)
        d.ellipse((x - s, y - s // 2, x + s, y + s // 2), fill=_c(r, col, 20))
    return im.filter(ImageFilter.GaussianBlur(1))


def _room(r):
    im = Image.new("RGB", (320, 240), _c(r, (220, 210, 190)))
    d = ImageDraw.Draw(im)
    hz = 120 + r.integers(-20, 20)
    d.polygon([(0, 240), (320, 240), (240, hz), (80, hz)], fill=_c(r, (150, 110, 80), 40))
    wx = r.integers(90, 160)
    d.rectangle((wx, 30, wx + 70, hz - 40), fill=_c(r, (150, 200, 240)), outline=(255, 255, 255), width=4)
    sx = r.integers(80, 160)
    d.rounded_rectangle((sx, hz - 20, sx + 130, hz + 40), 10, fill=_c(r, (128, 128, 128), 127))
    return im.filter(ImageFilter.GaussianBlur(1.5))


def _person(r):
    im = Image.new("RGB", (240, 320), _c(r, (128, 128, 128), 127))
    d = ImageDraw.Draw(im)
    cx = 120 + r.integers(-20, 20)
    d.ellipse((cx - 35, 40, cx + 35, 130), fill=_c(r, [(240, 200, 170), (200, 150, 110), (120, 80, 50)][r.integers(0, 3)], 15))
    d.ellipse((cx - 38, 30, cx + 38, 80), fill=_c(r, (40, 30, 20)))
    d.rounded_rectangle((cx - 70, 140, cx + 70, 340), 40, fill=_c(r, (128, 128, 128), 127))
    return im.filter(ImageFilter.GaussianBlur(1))


def _landscape(r):
    top, bot = np.array(_c(r, (80, 140, 220))), np.array(_c(r, (200, 220, 240)))
    a = (top + (bot - top) * np.linspace(0, 1, 240)[:, None, None] * np.ones((1, 320, 1))).astype(np.uint8)
    im = Image.fromarray(a)
    d = ImageDraw.Draw(im)
    for k in range(3):
        pts = [(0, 240)] + [(x, int(110 + 25 * k + r.integers(-40, 40))) for x in range(0, 360, 40)] + [(320, 240)]
        d.polygon(pts, fill=_c(r, (60 + 30 * k, 100 + 20 * k, 60), 25))
    return im.filter(ImageFilter.GaussianBlur(1))


def _document(r):
    im = Image.new("RGB", (240, 320), (250, 250, 245))
    d = ImageDraw.Draw(im)
    for y in range(30, 290, 14):
        x = 20
        while x < 210:
            w = int(r.integers(10, 40))
            d.rectangle((x, y, x + w, y + 6), fill=(40, 40, 40))
            x += w + 6
    return im


def _city(r):
    im = Image.new("RGB", (320, 240), _c(r, (150, 180, 220)))
    d = ImageDraw.Draw(im)
    x = 0
    while x < 320:
        w, h = int(r.integers(30, 70)), int(r.integers(60, 200))
        d.rectangle((x, 240 - h, x + w, 240), fill=_c(r, (110, 110, 120), 40))
        for wy in range(248 - h, 232, 14):
            for wx in range(x + 5, x + w - 8, 12):
                d.rectangle((wx, wy, wx + 6, wy + 8), fill=_c(r, (230, 220, 150), 25))
        x += w + int(r.integers(0, 10))
    return im


def _noise(r):
    return Image.fromarray(r.integers(0, 256, (32, 32, 3)).astype(np.uint8)).resize((256, 256), Image.BICUBIC)


def generated_non_equipment(n_each: int = GENERATED_EACH, seed: int = SEED) -> list[tuple[str, Image.Image]]:
    r = np.random.default_rng(seed)
    kinds = {"food": _food, "room": _room, "person": _person, "landscape": _landscape, "document": _document,
             "city": _city, "noise": _noise}
    return [(f"gen:{k}", g(r)) for k, g in kinds.items() for _ in range(n_each)]


def packaged_photos(crops: int = 3, seed: int = SEED) -> list[tuple[str, Image.Image]]:
    """Sample photos shipped inside installed packages (a person, animals, buildings, a flower), with crops."""
    files = []
    for mod, rel in (("matplotlib", "mpl-data/sample_data/grace_hopper.jpg"), ("sklearn", "datasets/images/china.jpg"),
                     ("sklearn", "datasets/images/flower.jpg"), ("gradio", "media_assets/images/cheetah.jpg"),
                     ("gradio", "media_assets/images/lion.jpg"), ("gradio", "media_assets/images/tower.jpg"),
                     ("gradio", "media_assets/images/groot.jpeg"), ("gradio", "media_assets/images/cheetah1.jpg")):
        try:
            spec = importlib.util.find_spec(mod)
        except (ImportError, ValueError):
            spec = None
        if spec and spec.origin and (Path(spec.origin).parent / rel).is_file():
            files.append(Path(spec.origin).parent / rel)
    r, out = np.random.default_rng(seed), []
    for f in files:
        im = Image.open(f).convert("RGB")
        out.append((f"photo:{f.stem}", im))
        for _ in range(crops):
            s = r.uniform(0.4, 0.7)
            cw, ch = int(im.width * s), int(im.height * s)
            x, y = r.integers(0, im.width - cw), r.integers(0, im.height - ch)
            out.append((f"photo:{f.stem}", im.crop((x, y, x + cw, y + ch))))
    return out


def reshoot(img: Image.Image, r: np.random.Generator) -> Image.Image:
    """A synthetic second photo of the same thing: crop, tilt, light, blur, JPEG."""
    s = r.uniform(0.7, 0.9)
    cw, ch = int(img.width * s), int(img.height * s)
    x, y = r.integers(0, img.width - cw + 1), r.integers(0, img.height - ch + 1)
    out = img.crop((x, y, x + cw, y + ch)).rotate(float(r.uniform(-10, 10)), Image.BILINEAR, expand=False,
                                                   fillcolor=(128, 128, 128))
    out = ImageEnhance.Brightness(out).enhance(float(r.uniform(0.7, 1.3)))
    out = ImageEnhance.Color(out).enhance(float(r.uniform(0.7, 1.3))).filter(ImageFilter.GaussianBlur(float(r.uniform(0, 1))))
    buf = io.BytesIO()
    out.save(buf, format="JPEG", quality=60)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


# --- the measurement ---------------------------------------------------------------------------

class _Rows:
    """The enrolled split as the gallery interface EmbeddedRecognizer reads (matrix + revision)."""

    def __init__(self, x: np.ndarray, labels: list[str], rev: int):
        self.x, self.view_labels, self.revision = x, labels, rev

    def matrix(self):
        return self.x, self.view_labels


class _Precomputed:
    """Featurizer stand-in: 'images' are row indices into features computed once."""

    def __init__(self, feats: np.ndarray, logits: np.ndarray):
        self.feats, self.logits = feats, logits

    def features_and_logits(self, idx):
        return self.feats[idx], self.logits[idx]


def _splits(y: np.ndarray, k: int, n: int, seed: int):
    r = np.random.default_rng(seed + 1000 * k)
    for _ in range(n):
        tr, te = [], []
        for c in np.unique(y):
            p = r.permutation(np.where(y == c)[0])
            tr += list(p[:k])
            te += list(p[k:])
        yield np.array(tr), np.array(te)


def _topk(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    order = np.argsort(-scores, 1)
    return float((order[:, 0] == y).mean()), float((order[:, :3] == y[:, None]).any(1).mean())


def _auroc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(score of an equipment photo > score of a non-equipment image), ties half."""
    return float(((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()))


def _extract(featurizer, images: list[Image.Image], views: bool):
    from tools.gallery import enrollment_views

    raw, logits, enrolled = [], [], []
    for img in images:
        batch = enrollment_views(img) if views else [img]
        f, lg = featurizer.features_and_logits(batch)
        raw.append(f[0])
        logits.append(lg[0])
        enrolled.append(f)
    return np.stack(raw), np.stack(logits), enrolled


def run(splits: int = SPLITS, threads: int = THREADS) -> list[dict]:
    import torch

    from knowledge import load_knowledge
    from runtime.vision import get_featurizer
    from tools.equipment import decide
    from tools.gallery import EmbeddedRecognizer, fit_logistic, normalise_features
    from tools.images import load_image

    torch.set_num_threads(threads) if threads else None
    try:
        kb = load_knowledge()
    except Exception:
        from knowledge.loader import build, read_raw

        kb = build(read_raw())
    feat = get_featurizer()
    paths = sorted(DEV.glob("*/*.jpg"))
    classes = sorted({p.parent.name for p in paths})
    y = np.array([classes.index(p.parent.name) for p in paths])
    t0 = time.perf_counter()
    dev_raw, dev_logits, dev_views = _extract(feat, [load_image(p) for p in paths], views=True)
    neg_items = generated_non_equipment() + packaged_photos()
    neg_raw, neg_logits, _ = _extract(feat, [im for _, im in neg_items], views=False)
    extract_s = time.perf_counter() - t0
    q = normalise_features(dev_raw)
    v = [normalise_features(f) for f in dev_views]
    imagenet_map = {i: e.id for e in kb.equipment.values() for i in e.imagenet}
    rows = []

    def row(case, method, k="", top1=None, top3=None, note=""):
        rows.append({"case": case, "method": method, "k": k, "top1_%": "" if top1 is None else round(100 * top1, 1),
                     "top3_%": "" if top3 is None else round(100 * top3, 1), "note": note})

    confusions: Counter = Counter()
    for k in KS:
        acc = {m: [] for m in ("proto", "knn", "lr1", "shipped")}
        accepted = right = pos_n = rejected = 0
        sims_pos, sims_neg, neg_status = [], [], Counter()
        for s, (tr, te) in enumerate(_splits(y, k, splits, SEED)):
            proto = np.stack([q[tr][y[tr] == c].mean(0) for c in range(len(classes))])
            proto /= np.linalg.norm(proto, axis=1, keepdims=True)
            acc["proto"].append(_topk(q[te] @ proto.T, y[te]))
            xv = np.concatenate([v[i] for i in tr])
            yv = np.concatenate([[y[i]] * len(v[i]) for i in tr])
            sim = q[te] @ xv.T
            acc["knn"].append(_topk(np.stack([sim[:, yv == c].max(1) for c in range(len(classes))], 1), y[te]))
            if k > 1:
                w, b = fit_logistic(q[tr], y[tr], len(classes))
                acc["lr1"].append(_topk(q[te] @ w + b, y[te]))
            rec = EmbeddedRecognizer(_Rows(xv, [classes[i] for i in yv], s), _Precomputed(dev_raw, dev_logits),
                                     imagenet_map=imagenet_map)
            preds = rec.predict_batch(list(te))
            rec_neg = EmbeddedRecognizer(_Rows(xv, [classes[i] for i in yv], s), _Precomputed(neg_raw, neg_logits),
                                         imagenet_map=imagenet_map)
            rec_neg._head, rec_neg._head_rev = rec._head, rec._head_rev   # same fitted head
            npreds = rec_neg.predict_batch(list(range(len(neg_items))))
            t1 = t3 = 0
            for i, p in zip(te, preds):
                ids = [c for c, _ in p.candidates]
                t1 += bool(ids) and ids[0] == classes[y[i]]
                t3 += classes[y[i]] in ids[:3]
                status = decide(p, rec.accept_confidence)
                accepted += status == "recognized"
                right += status == "recognized" and ids[0] == classes[y[i]]
                rejected += status == "not_equipment"
                sims_pos.append(p.detail["similarity"])
                if k == 5 and ids and ids[0] != classes[y[i]]:
                    confusions[(classes[y[i]], ids[0])] += 1
            pos_n += len(te)
            acc["shipped"].append((t1 / len(te), t3 / len(te)))
            for p in npreds:
                sims_neg.append(p.detail["similarity"])
                neg_status[decide(p, rec.accept_confidence)] += 1
        for m, label in (("proto", "prototype, 1 view"), ("knn", "kNN-1, 8 enrolled views"),
                         ("lr1", "logistic, 1 view"), ("shipped", "shipped: logistic 8 views + gate + ImageNet")):
            if acc[m]:
                a = np.array(acc[m])
                row("k-shot dev", label, k, a[:, 0].mean(), a[:, 1].mean(),
                    f"sd top1 {100 * a[:, 0].std():.1f} over {len(a)} splits" if m == "shipped" else "")
        n_neg = sum(neg_status.values())
        row("decision", "shipped", k, None, None,
            f"recognized {100 * accepted / pos_n:.0f}% of photos, right {100 * right / max(accepted, 1):.0f}% of those; "
            f"wrongly 'not equipment' {100 * rejected / pos_n:.1f}%")
        row("non-equipment", "shipped", k, None, None,
            f"AUROC {_auroc(np.array(sims_pos), np.array(sims_neg)):.3f}; of {n_neg // splits} images: "
            f"not_equipment {100 * neg_status['not_equipment'] / n_neg:.0f}%, not_sure "
            f"{100 * neg_status['not_sure'] / n_neg:.0f}%, recognized {100 * neg_status['recognized'] / n_neg:.0f}%")
    total = sum(confusions.values())
    for (a, b), n in confusions.most_common(5):
        row("confusion k=5", f"{a} -> {b}", 5, None, None, f"{n} of {total} errors")

    # zero enrollment: ImageNet classes only
    empty = EmbeddedRecognizer(None, _Precomputed(dev_raw, dev_logits), imagenet_map=imagenet_map)
    zs = {c: Counter() for c in classes}
    for i, p in enumerate(empty.predict_batch(list(range(len(paths))))):
        st = decide(p, empty.accept_confidence)
        zs[classes[y[i]]][p.candidates[0][0] if st == "recognized" else st] += 1
    for c in ("dumbbell", "barbell", "squat_rack", "kettlebells"):
        row("no enrollment", f"ImageNet classes on {c}", 0, zs[c][c] / 10 if c in ("dumbbell", "barbell") else None,
            None, ", ".join(f"{k}: {n}" for k, n in zs[c].most_common(3)))
    others = sum(n for c in classes if c not in ("dumbbell", "barbell") for s, n in zs[c].items() if s not in
                 ("not_equipment", "not_sure"))
    empty_neg = EmbeddedRecognizer(None, _Precomputed(neg_raw, neg_logits), imagenet_map=imagenet_map)
    fa = sum(decide(p, 0.5) != "not_equipment" for p in empty_neg.predict_batch(list(range(len(neg_items)))))
    row("no enrollment", "other 18 classes / non-equipment", 0, None, None,
        f"{others} of 180 machine photos named (as a free weight/bar); {fa} of {len(neg_items)} non-equipment accepted")

    # re-shot: the same photos photographed again (optimistic 'my gym' stand-in), k = 5, split 0
    tr, _ = next(_splits(y, 5, 1, SEED))
    r = np.random.default_rng(SEED)
    shots = [reshoot(load_image(paths[i]), r) for i in tr]
    shot_raw, shot_logits, _ = _extract(feat, shots, views=False)
    xv = np.concatenate([v[i] for i in tr])
    rec = EmbeddedRecognizer(_Rows(xv, [classes[y[i]] for i in tr for _ in range(8)], 0),
                             _Precomputed(shot_raw, shot_logits), imagenet_map=imagenet_map)
    preds = rec.predict_batch(list(range(len(tr))))
    ok1 = np.mean([p.candidates[0][0] == classes[y[i]] for i, p in zip(tr, preds)])
    ok3 = np.mean([classes[y[i]] in [c for c, _ in p.candidates[:3]] for i, p in zip(tr, preds)])
    rec_n = sum(decide(p, 0.5) == "recognized" for p in preds)
    row("re-shot (synthetic)", "shipped, same 100 photos re-shot", 5, ok1, ok3, f"recognized {rec_n} of {len(preds)}")

    rows += _latency(feat, kb, paths, [v[i] for i in tr], [classes[y[i]] for i in tr], threads)
    gallery_x = np.concatenate(v[:100])
    t = time.perf_counter()
    fit_logistic(gallery_x, np.repeat(y[:100], 8), len(set(y[:100])))
    row("fit head", "100 photos × 8 views", "", None, None, f"{(time.perf_counter() - t) * 1000:.0f} ms (once per change)")
    row("features", "dev + non-equipment extraction", "", None, None,
        f"{extract_s:.0f} s; load average {os.getloadavg()[0]:.1f}")
    return rows


def _latency(feat, kb, paths, views, labels, threads) -> list[dict]:
    import torch

    from tools.equipment import recognize
    from tools.gallery import EmbeddedRecognizer
    from tools.video import LiveRecognizer

    imagenet_map = {i: e.id for e in kb.equipment.values() for i in e.imagenet}
    x = np.concatenate(views)
    labs = [lab for lab in labels for _ in range(8)]
    rec = EmbeddedRecognizer(_Rows(x, labs, 0), feat, imagenet_map=imagenet_map)
    photos = [p.read_bytes() for p in paths[:LATENCY_RUNS]]
    rng = np.random.default_rng(SEED)
    frame = np.asarray(Image.open(io.BytesIO(photos[0])).convert("RGB").resize((640, 480)))[:, :, ::-1].copy()
    frames = [Image.fromarray(rng.integers(0, 255, (270, 480, 3), dtype=np.uint8)) for _ in range(8)]
    out = []
    for n_threads in sorted({1, 2, threads or 2}):
        torch.set_num_threads(n_threads)
        live = LiveRecognizer(rec, kb, "en", min_interval_s=0.0)
        for i in range(5):
            recognize(photos[i], rec, kb)
            live.submit(frame, bgr=True)
        ms = []
        for data in photos:
            t = time.perf_counter()
            recognize(data, rec, kb)
            ms.append((time.perf_counter() - t) * 1000)
        lm = []
        for _ in range(LATENCY_RUNS):
            t = time.perf_counter()
            live.submit(frame, bgr=True)
            lm.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        for _ in range(3):
            rec.predict_batch(frames)
        batch_ms = (time.perf_counter() - t) * 1000 / (3 * len(frames))
        for case, vals in (("photo upload", ms), ("webcam 640x480", lm)):
            p50, p95 = np.percentile(vals, 50), np.percentile(vals, 95)
            out.append({"case": f"latency {case}", "method": f"{n_threads} thread(s)", "k": "", "top1_%": "",
                        "top3_%": "", "note": f"p50 {p50:.0f} ms, p95 {p95:.0f} ms ({1000 / p50:.0f}/s)"})
        out.append({"case": "latency video", "method": f"{n_threads} thread(s)", "k": "", "top1_%": "", "top3_%": "",
                    "note": f"{batch_ms:.0f} ms/frame in batches of 8"})
    torch.set_num_threads(threads) if threads else None
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="equipment recognition: k-shot accuracy, rejection, latency")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--splits", type=int, default=SPLITS)
    parser.add_argument("--threads", type=int, default=THREADS, help="torch threads (0 = torch default)")
    args = parser.parse_args(argv)
    if not DEV.is_dir():
        print(f"skipped: {DEV} is not present (the dev photos live in ../shared/data/equipment-dev)")
        return
    from bench.table import emit

    emit(run(args.splits, args.threads), args.json)


if __name__ == "__main__":
    main()
