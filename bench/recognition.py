"""Equipment recognition bench: what a visitor gets, out of the box and after enrolling, on CPU.

python -m bench recognition [--json] [--threads 1]
Reads ../shared/data/equipment-dev (20 classes × 10 web photos; measurement only: nothing derived from
them is written anywhere but bench/out/, which is git-ignored). Cases:
- out of the box: only the shipped default gallery (public-domain photos, `indexes.default_gallery`);
- enrolled: the default gallery plus 9 dev photos per class (8 views each, as "add to my gym" stores
  them), 10-fold cross-validation holding out one photo per class.
Methods on the same features: class prototypes (cosine to the class mean) and the shipped classifier
(`tools.recognizer.EmbeddedRecognizer`: logistic head + open-set gate + ImageNet classes) end to end,
and, enrolled, the same with its shrinkage-LDA head (not shipped),
with the statuses `tools.equipment.decide` gives. Per row: top-1/3/5, the share answered confidently
and how often those are right, gym photos told "not equipment", non-gym images (the held half of
`indexes/default_gallery/negatives.py`, never in the shipped negative bank) not rejected.
Then the calibration tables the shipped thresholds come from, "my gym" re-shots of enrolled photos,
and latency (photo upload end to end, head refit). Features are cached in bench/out/ per version.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "equipment-dev"
OUT = Path(__file__).resolve().parent / "out"
FOLDS = 10
SEED = 0
THREADS = 1                # torch threads (on a busy 2-core box 1 beats 2)
LATENCY_RUNS = 30
PROTO_TEMPERATURE = 20.0   # softmax(cos · T) turns prototype cosines into confidences
PRECISION_TARGET = 0.95    # a confident card must be right this often (issue #17)


class _Rows:
    """Gallery rows as the interface EmbeddedRecognizer reads (matrix, negatives, revision)."""

    def __init__(self, x: np.ndarray, labels: list[str], bank: np.ndarray, rev, enrolled: set[str] = frozenset()):
        self.x, self.view_labels, self.bank, self.revision, self.enrolled = x, labels, bank, rev, set(enrolled)

    def enrolled_labels(self):
        return self.enrolled

    def matrix(self):
        return self.x, self.view_labels

    def negatives(self):
        return self.bank


class _Precomputed:
    """Featurizer stand-in: 'images' are row indices into features computed once."""

    def __init__(self, feats: np.ndarray, logits: np.ndarray):
        self.feats, self.logits = feats, logits

    def features_and_logits(self, idx):
        return self.feats[idx], self.logits[idx]


def reshoot(img: Image.Image, r: np.random.Generator) -> Image.Image:
    """The same machine photographed again: another crop, a small tilt, light, blur and JPEG."""
    w, h = img.size
    s = r.uniform(0.8, 0.95)
    cw, ch = int(w * s), int(h * s)
    x, y = int(r.integers(0, w - cw + 1)), int(r.integers(0, h - ch + 1))
    out = img.crop((x, y, x + cw, y + ch)).rotate(float(r.uniform(-6, 6)), expand=False, fillcolor=(128, 128, 128))
    out = ImageEnhance.Brightness(out).enhance(float(r.uniform(0.75, 1.25)))
    out = out.filter(ImageFilter.GaussianBlur(float(r.uniform(0, 1))))
    buf = io.BytesIO()
    out.save(buf, format="JPEG", quality=60)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def _features(feat, images: list[Image.Image], views: bool):
    """(query features, logits, per-image enrollment-view features or None)."""
    from tools.gallery import enrollment_views

    raw, logits, enrolled = [], [], []
    for img in images:
        f, lg = feat.features_and_logits(enrollment_views(img) if views else [img])
        raw.append(f[0])
        logits.append(lg[0])
        enrolled.append(f if views else None)
    return np.stack(raw), np.stack(logits), enrolled


def _cached_dev(feat, paths):
    """Dev features (query view + 8 enrollment views), cached under bench/out by feature version."""
    from tools.gallery import FEATURE_VERSION
    from tools.images import load_image

    key = hashlib.sha1((FEATURE_VERSION + "|".join(p.name for p in paths)).encode()).hexdigest()[:12]
    cache = OUT / f"recognition-dev-{key}.npz"
    if cache.is_file():
        with np.load(cache) as d:
            return d["raw"], d["logits"], list(d["views"])
    raw, logits, views = _features(feat, [load_image(p) for p in paths], views=True)
    OUT.mkdir(exist_ok=True)
    np.savez(cache, raw=raw, logits=logits, views=np.stack(views))
    return raw, logits, views


def _rank_metrics(ranked: list[list[str]], truth: list[str]) -> dict:
    return {f"top{k}_%": round(100 * np.mean([t in r[:k] for r, t in zip(ranked, truth)]), 1) for k in (1, 3, 5)}


def _decision_metrics(statuses, ranked, truth, neg_statuses) -> dict:
    conf = [s == "recognized" for s in statuses]
    right = [c and r[:1] == [t] for c, r, t in zip(conf, ranked, truth)]
    return {"confident_%": round(100 * np.mean(conf), 1),
            "precision_%": round(100 * sum(right) / max(sum(conf), 1), 1) if any(conf) else "",
            "gym_rejected_%": round(100 * np.mean([s == "not_equipment" for s in statuses]), 1),
            "nongym_accepted_%": round(100 * np.mean([s != "not_equipment" for s in neg_statuses]), 1)}


def run(threads: int = THREADS) -> list[dict]:
    import torch

    from indexes.default_gallery import DefaultGallery
    from indexes.default_gallery.negatives import negative_set
    from knowledge import load_knowledge
    from runtime.vision import get_featurizer
    from tools.equipment import DEFAULT_ONLY_ACCEPT
    from tools.equipment import decide as decide_at
    from tools.gallery import normalise_features
    from tools.linear_head import softmax
    from tools.recognizer import ACCEPT_CONFIDENCE, NEGATIVE_WEIGHT, REJECT_SCORE, EmbeddedRecognizer

    def decide(p, accept=ACCEPT_CONFIDENCE):
        return decide_at(p, accept)

    if threads:
        torch.set_num_threads(threads)
        try:   # numpy's BLAS as well: on a busy 2-core box its spinning threads made a head refit ~10x slower
            from threadpoolctl import threadpool_limits
            threadpool_limits(threads)
        except ImportError:
            pass
    kb = load_knowledge()
    feat = get_featurizer()
    default = DefaultGallery(featurizer=feat)
    if default.problem:
        raise SystemExit(f"default gallery unusable: {default.problem}")
    paths = sorted(DEV.glob("*/*.jpg"))
    truth = [p.parent.name for p in paths]
    classes = sorted(set(truth))
    t0 = time.perf_counter()
    dev_raw, dev_logits, dev_views = _cached_dev(feat, paths)
    held = [n for n in negative_set() if n["split"] == "held"]
    neg_raw, neg_logits, _ = _features(feat, [n["image"] for n in held], views=False)
    extract_s = time.perf_counter() - t0
    dev_views = [normalise_features(v) for v in dev_views]
    dx, dlabels = default.matrix()
    bank = default.negatives()
    imagenet_map = {i: e.id for e in kb.equipment.values() for i in e.imagenet}
    fold = np.zeros(len(paths), int)
    for c in classes:
        idx = [i for i, t in enumerate(truth) if t == c]
        fold[idx] = np.arange(len(idx)) % FOLDS

    def gallery_for(train_idx, rev):
        x = np.concatenate([dx] + [dev_views[i] for i in train_idx])
        labels = dlabels + [truth[i] for i in train_idx for _ in range(len(dev_views[i]))]
        return _Rows(x, labels, bank, rev, {truth[i] for i in train_idx})

    def shipped(rows, test_idx, head="logistic+lda"):
        """Predictions of the shipped recogniser for dev photos `test_idx` and every held negative."""
        rec = EmbeddedRecognizer(rows, _Precomputed(dev_raw, dev_logits), imagenet_map=imagenet_map, head=head)
        preds = rec.predict_batch(list(test_idx), k=5)
        neg = EmbeddedRecognizer(rows, _Precomputed(neg_raw, neg_logits), imagenet_map=imagenet_map, head=head)
        neg._head, neg._head_rev, neg._bank = rec._head, rec._head_rev, rec._bank   # the same fitted head
        return preds, neg.predict_batch(list(range(len(held))), k=5)

    def prototype(rows, test_idx, neg=False):
        """(ranked ids, confidence, gate score) by cosine to each label's mean view."""
        x, labels = rows.matrix()
        names = sorted(set(labels))
        lab = np.array(labels)
        proto = np.stack([x[lab == n].mean(0) for n in names])
        proto /= np.linalg.norm(proto, axis=1, keepdims=True)
        q = normalise_features((neg_raw if neg else dev_raw)[list(test_idx)])
        p = softmax(q @ proto.T * PROTO_TEMPERATURE)
        gate = (q @ x.T).max(1) - NEGATIVE_WEIGHT * (q @ bank.T).max(1)
        return [[names[j] for j in np.argsort(-row)[:5]] for row in p], p.max(1), gate

    rows, calib = [], {"out of the box": ([], [], []), "enrolled": ([], [], [])}

    def add(case, method, ranked, tr, statuses, neg_statuses, note=""):
        rows.append({"case": case, "method": method, **_rank_metrics(ranked, tr),
                     **_decision_metrics(statuses, ranked, tr, neg_statuses), "note": note})

    def status_of(conf, gate):
        return ["not_equipment" if g < REJECT_SCORE else "recognized" if c >= ACCEPT_CONFIDENCE else "not_sure"
                for c, g in zip(conf, gate)]

    # out of the box
    base = _Rows(dx, dlabels, bank, 0)
    everything = range(len(paths))
    ranked, conf, gate = prototype(base, everything)
    _, nconf, ngate = prototype(base, range(len(held)), neg=True)
    add("out of the box", "prototypes", ranked, truth, status_of(conf, gate), status_of(nconf, ngate))
    preds, npreds = shipped(base, everything)
    ranked = [[c for c, _ in p.candidates] for p in preds]
    add("out of the box", "classifier (shipped)", ranked, truth, [decide(p) for p in preds], [decide(p) for p in npreds],
        f"{len(set(dlabels))} labels, {len(dlabels) // 2} public-domain photos")
    calib["out of the box"] = (preds, truth, npreds)

    # enrolled: 9 photos per class, 10 folds
    heads = {"logistic+lda": ("classifier (shipped)", ""),
             "logistic": ("classifier, logistic head alone", "not shipped: LDA orders its alternatives better"),
             "lda": ("classifier, LDA head alone", "not shipped (non-gym accepted, out of the box)")}
    allr, allt, allc, allg, nst = [], [], [], [], []
    by_head = {h: ([], []) for h in heads}
    for k in range(FOLDS):
        tr, te = np.where(fold != k)[0], np.where(fold == k)[0]
        g = gallery_for(tr, k + 1)
        r_, c_, g_ = prototype(g, te)
        _, nc_, ng_ = prototype(g, range(len(held)), neg=True)
        allr += r_
        allt += [truth[i] for i in te]
        allc += list(c_)
        allg += list(g_)
        nst += status_of(nc_, ng_)
        for h, (preds_h, negs_h) in by_head.items():
            p_, np_ = shipped(g, te, head=h)
            preds_h += p_
            negs_h += np_
    add("enrolled 9/class, 10-fold", "prototypes", allr, allt, status_of(allc, allg), nst)
    for h, (method, note) in heads.items():
        preds_h, negs_h = by_head[h]
        add("enrolled 9/class, 10-fold", method, [[c for c, _ in p.candidates] for p in preds_h], allt,
            [decide(p) for p in preds_h], [decide(p) for p in negs_h], note)
    sp, snp = by_head["logistic+lda"]
    calib["enrolled"] = (sp, allt, snp)

    # calibration: the accept threshold (precision of confident answers) and the open-set gate
    for case, (preds, tr, npreds) in calib.items():
        for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
            conf = [p.candidates[0][1] >= t and decide(p, accept=0.0) != "not_equipment" if p.candidates else False
                    for p in preds]
            right = sum(c and p.candidates[0][0] == y for c, p, y in zip(conf, preds, tr))
            rows.append({"case": f"calibrate accept ({case})", "method": f"top confidence >= {t}",
                         "confident_%": round(100 * np.mean(conf), 1),
                         "precision_%": round(100 * right / max(sum(conf), 1), 1),
                         "note": "shipped" if abs(t - (DEFAULT_ONLY_ACCEPT if case == "out of the box" else
                                                      ACCEPT_CONFIDENCE)) < 1e-9 else ""})
    preds, _, npreds = calib["out of the box"]
    gs = np.array([p.detail["gate_score"] for p in preds])
    ngs = np.array([p.detail["gate_score"] for p in npreds])
    for t in (0.22, 0.25, 0.27, 0.30, 0.33):
        rows.append({"case": "calibrate gate (out of the box)", "method": f"reject below {t}",
                     "gym_rejected_%": round(100 * np.mean(gs < t), 1),
                     "nongym_accepted_%": round(100 * np.mean(ngs >= t), 1),
                     "note": "shipped" if abs(t - REJECT_SCORE) < 1e-9 else ""})

    # my gym: enrolled photos re-shot (another crop, tilt, light) must be recognised
    rows.append(_my_gym(feat, paths, truth, dev_views, dx, dlabels, bank, imagenet_map))
    rows.append(_latency(feat, kb, paths, base, imagenet_map))
    first = int(np.where(fold == 0)[0][0])                 # a photo the fold-0 gallery has not seen
    new_photo = (dev_views[first], truth[first])
    rows.append(_refit_latency(base, new_photo, "out of the box"))
    for h in heads:
        rows.append(_refit_latency(gallery_for(np.where(fold != 0)[0], 1), new_photo, "enrolled 9/class", h,
                                   dev_raw[np.where(fold == 0)[0]]))
    rows.append({"case": "features", "method": "dev + held negatives", "note":
                 f"{extract_s:.0f} s (cached after the first run); load average {os.getloadavg()[0]:.1f}; "
                 f"held non-gym images {len(held)}"})
    return rows


def _my_gym(feat, paths, truth, dev_views, dx, dlabels, bank, imagenet_map) -> dict:
    from tools.equipment import decide
    from tools.recognizer import ACCEPT_CONFIDENCE, EmbeddedRecognizer
    from tools.images import load_image

    r = np.random.default_rng(SEED)
    pick = [i for c in sorted(set(truth)) for i in [j for j, t in enumerate(truth) if t == c][:3]]
    shots = [reshoot(load_image(paths[i]), r) for i in pick]
    raw, logits, _ = _features(feat, shots, views=False)
    x = np.concatenate([dx] + [dev_views[i] for i in pick])
    labels = dlabels + [truth[i] for i in pick for _ in range(len(dev_views[i]))]
    rec = EmbeddedRecognizer(_Rows(x, labels, bank, 0, {truth[i] for i in pick}), _Precomputed(raw, logits),
                             imagenet_map=imagenet_map)
    preds = rec.predict_batch(list(range(len(pick))), k=5)
    top1 = np.mean([p.candidates[0][0] == truth[i] for i, p in zip(pick, preds)])
    named = np.mean([decide(p, ACCEPT_CONFIDENCE) == "recognized" and p.candidates[0][0] == truth[i]
                     for i, p in zip(pick, preds)])
    return {"case": "my gym: enrolled photo re-shot", "method": "classifier (shipped)", "top1_%": round(100 * top1, 1),
            "confident_%": round(100 * np.mean([decide(p, ACCEPT_CONFIDENCE) == "recognized" for p in preds]), 1),
            "note": f"{len(pick)} photos (3/class) enrolled; named confidently and right {100 * named:.0f}%"}


def _latency(feat, kb, paths, base, imagenet_map) -> dict:
    from tools.equipment import recognize
    from tools.recognizer import EmbeddedRecognizer

    rec = EmbeddedRecognizer(base, feat, imagenet_map=imagenet_map)
    photos = [p.read_bytes() for p in paths[:LATENCY_RUNS]]
    for data in photos[:3]:
        recognize(data, rec, kb)
    ms = []
    for data in photos:
        t = time.perf_counter()
        recognize(data, rec, kb)
        ms.append((time.perf_counter() - t) * 1000)
    return {"case": "latency photo upload", "method": "decode + network + head",
            "note": f"p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms"}


def _refit_latency(rows: _Rows, new_photo: tuple[np.ndarray, str], what: str, head: str = "logistic+lda",
                   probe: np.ndarray | None = None) -> dict:
    """Head refit on a gallery: cold, then warm-started after one more photo (its 8 views) of a known machine,
    as "add to my gym" does; with `probe` photos, how often the warm refit's top-3 matches a cold refit's."""
    from tools.gallery import normalise_features
    from tools.recognizer import EmbeddedRecognizer

    x, labels = rows.matrix()
    new_views, label = new_photo
    rec = EmbeddedRecognizer(rows, object(), head=head)
    t = time.perf_counter()
    rec._fit()
    cold_ms = (time.perf_counter() - t) * 1000
    grown = _Rows(np.concatenate([x, new_views]), labels + [label] * len(new_views), rows.bank, "+1",
                  rows.enrolled)
    after = EmbeddedRecognizer(grown, object(), head=head)
    after.warm_from = rec
    t = time.perf_counter()
    after._fit()
    warm_ms = (time.perf_counter() - t) * 1000
    note = f"{cold_ms:.0f} ms cold; {warm_ms:.0f} ms warm-started after adding a photo"
    if probe is not None:
        cold = EmbeddedRecognizer(grown, object(), head=head)
        cold._fit()
        q = normalise_features(probe)
        same = [top3(after, v) == top3(cold, v) for v in q]
        note += f"; its top-3 = a cold refit's for {100 * np.mean(same):.0f}% of {len(q)} photos"
    return {"case": "latency head refit", "method": f"{head}, {what}: {len(grown.view_labels)} views, "
                                                    f"{len(set(labels))} labels", "note": note}


def top3(rec, q: np.ndarray) -> list[str]:
    """The recogniser's first three labels for one normalised feature row (no network, no ImageNet)."""
    x, view_labels, names, heads = rec._fit()
    pred = rec._one(q, np.zeros(1000, np.float32), x, view_labels, names, heads, 3, None)
    return [c for c, _ in pred.candidates]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="equipment recognition: out of the box, enrolled, open set, latency")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--threads", type=int, default=THREADS, help="torch threads (0 = torch default)")
    args = parser.parse_args(argv)
    if not DEV.is_dir():
        print(f"skipped: {DEV} is not present (the dev photos live in ../shared/data/equipment-dev)")
        return
    from bench.table import emit

    emit(run(args.threads), args.json)


if __name__ == "__main__":
    main()
