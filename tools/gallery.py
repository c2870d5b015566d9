"""The "my gym" gallery and the offline CPU recogniser built on it.

Why this file: a user teaches the app their own gym's machines with a few photos or webcam frames
each (or a labelled folder tree `<label>/<image>`), and recognition must then work offline on a CPU.
The gallery keeps photos as files and labels + features in SQLite under a folder the caller gives,
so it survives restarts and can be listed, relabelled and pruned.

The classifier (chosen by measurement, see `bench/recognition.py`): EfficientNet-Lite0 and Lite2
pooled features side by side (each block L1-scaled), signed-square-root then L2 normalised; each
enrolled photo adds 8 views (itself, mirror, squashed, mirrored squashed, 4 corner crops); a
multinomial logistic-regression head is fit on all views the recogniser sees — the shipped default
gallery (`indexes.default_gallery`, public-domain photos), the operator's shared gallery and the
user's own — (scipy L-BFGS, cached until a gallery changes) and ranks the labels. Whether the photo
shows gym equipment at all (open set) is decided by a contrast: cosine to the nearest gym view minus
half the cosine to the nearest image of the negative bank (food, pets, people, text, screenshots…).
ImageNet classes that are equipment (dumbbell, barbell, horizontal bar, parallel bars, punching bag;
ids from the catalog's `imagenet` field) add candidates the galleries lack.
"""
from __future__ import annotations

import functools
import hashlib
import io
import math
import re
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from tools.equipment import DEFAULT_ONLY_ACCEPT, TOP_K, Prediction
from tools.images import ImageInputError, load_image
from tools.linear_head import LR_C, fit_lda, fit_logistic, head_basis, softmax

FEATURE_VERSION = "lite0+lite2-l1blocks-ssqrt-v2"  # change when features change: stored ones are recomputed
# The open-set gate: score = cos(nearest gym view) − NEGATIVE_WEIGHT · cos(nearest negative-bank image).
# Calibrated with `python -m bench recognition` (dev photos, out of the box): below REJECT_SCORE about
# 1% of gym photos and about 93% of held-out non-gym images fall.
REJECT_SCORE = 0.27
NEGATIVE_WEIGHT = 0.5
SIMILARITY_WIDTH = 0.015   # softness of that gate (logistic width, cosine units)
# The logistic head has one extra class, the negative bank. When its top machine is one the user enrolled, a
# "none" probability at or above HEAD_NONE_REJECT also rejects (dev 10-fold, enrolled: held non-gym accepted
# 17 % → ~4 %, no gym photo rejected); labels known only from the shipped photos keep the similarity gate alone.
NONE_LABEL = "__none__"
# A card at this top confidence (a label the user enrolled). `python -m bench recognition`, enrolled 10-fold:
# confident answers right 92.8 % at 0.8, 98.3 % at 0.85 (30 % of photos answered confidently).
ACCEPT_CONFIDENCE = 0.85
HEAD_NONE_REJECT = 0.5
HEAD_NONE_WIDTH = 0.05
IMAGENET_MIN = 0.15        # ImageNet softmax mass for an equipment class to count as a candidate
STORE_SIDE = 512           # px; enrolled photos are stored at most this long (features use 224–288)
IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"}
_LABEL_RE = re.compile(r"^[^/\\\x00-\x1f]{1,64}$")


def normalise_label(label: str) -> str:
    """'Leg Press Machine ' → 'leg_press_machine'; raises ValueError for empty or odd labels."""
    out = re.sub(r"[\s\-]+", "_", str(label).strip()).lower()
    if not _LABEL_RE.match(out) or out in (".", ".."):
        raise ValueError(f"label {label!r} must be 1–64 characters without slashes")
    return out


def enrollment_views(img: Image.Image) -> list[Image.Image]:
    """8 views of one photo, so a handful of enrolled photos covers framing and mirroring."""
    sq = img.resize((288, 288), Image.BILINEAR)
    crops = [sq.crop((x, y, x + 224, y + 224)) for x, y in ((0, 0), (64, 0), (0, 64), (64, 64))]
    return [img, ImageOps.mirror(img), sq, ImageOps.mirror(sq), *crops]


def normalise_features(feats: np.ndarray) -> np.ndarray:
    """Signed square root, then unit length (rows)."""
    f = np.sign(feats) * np.sqrt(np.abs(feats))
    return (f / (np.linalg.norm(f, axis=1, keepdims=True) + 1e-8)).astype(np.float32)


class Gallery:
    """Enrolled photos under `root`: `gallery.sqlite` (labels, features) and `images/<hash>.jpg`."""

    def __init__(self, root: Path | str, featurizer=None):
        self.root = Path(root)
        (self.root / "images").mkdir(parents=True, exist_ok=True)
        self._featurizer = featurizer
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.root / "gallery.sqlite", check_same_thread=False)
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, file TEXT NOT NULL,"
            " sha1 TEXT NOT NULL UNIQUE, source TEXT, created REAL, version TEXT, features BLOB, n_views INTEGER);"
            "CREATE INDEX IF NOT EXISTS items_label ON items(label);"
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);")
        if "owner" not in {row[1] for row in self._db.execute("PRAGMA table_info(items)")}:
            self._db.execute("ALTER TABLE items ADD COLUMN owner TEXT")   # who shared it (shared gallery)
        self._db.commit()

    @property
    def featurizer(self):
        if self._featurizer is None:
            from runtime.vision import get_featurizer   # loads the network on first use only

            self._featurizer = get_featurizer()
        return self._featurizer

    def close(self) -> None:
        self._db.close()

    @property
    def revision(self) -> int:
        """Goes up on every change; classifiers refit when it moves."""
        row = self._db.execute("SELECT value FROM meta WHERE key='revision'").fetchone()
        return int(row[0]) if row else 0

    def _bump(self) -> None:
        self._db.execute("INSERT INTO meta(key, value) VALUES('revision', ?) ON CONFLICT(key) DO UPDATE SET value=?",
                         (self.revision + 1, self.revision + 1))
        self._db.commit()

    def enroll(self, label: str, images: list, source: str = "upload", owner: str | None = None) -> dict:
        """Add photos (any input `load_image` takes) under `label`; bad or duplicate ones are reported.
        `owner`: the user who shared them (shared gallery), so they can list and delete their own."""
        label = normalise_label(label)
        if isinstance(images, (bytes, bytearray, str, Path, Image.Image, np.ndarray)):
            images = [images]            # one photo or webcam frame
        added, duplicates, errors = [], 0, []
        for n, src in enumerate(images):
            try:
                img = load_image(src)
            except ImageInputError as exc:
                errors.append({"index": n, "error": exc.code, "message_en": exc.en, "message_zh": exc.zh})
                continue
            img.thumbnail((STORE_SIDE, STORE_SIDE), Image.BILINEAR)
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=92)
            sha1 = hashlib.sha1(buf.getvalue()).hexdigest()
            with self._lock:
                if self._db.execute("SELECT 1 FROM items WHERE sha1=?", (sha1,)).fetchone():
                    duplicates += 1
                    continue
                feats = self._features(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
                file = f"images/{sha1[:16]}.jpg"
                (self.root / file).write_bytes(buf.getvalue())
                cur = self._db.execute(
                    "INSERT INTO items(label, file, sha1, source, created, version, features, n_views, owner)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (label, file, sha1, source, time.time(), FEATURE_VERSION, feats.tobytes(), len(feats), owner))
                added.append(cur.lastrowid)
        if added:
            self._bump()
        return {"label": label, "added": len(added), "ids": added, "duplicates": duplicates, "errors": errors}

    def enroll_folder(self, folder: Path | str, source: str = "folder") -> dict:
        """Bulk-enroll a `<label>/<image>` tree; returns counts per label and the files that failed."""
        folder = Path(folder)
        if not folder.is_dir():
            raise ValueError(f"{folder} is not a folder")
        per_label, errors = {}, []
        for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
            files = sorted(p for p in sub.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_EXTS)
            if not files:
                continue
            try:
                out = self.enroll(sub.name, files, source)
            except ValueError as exc:
                errors.append({"file": str(sub), "error": "bad_label", "message_en": str(exc), "message_zh": "标签无效"})
                continue
            per_label[out["label"]] = per_label.get(out["label"], 0) + out["added"]
            errors += [{**e, "file": str(files[e["index"]])} for e in out["errors"]]
        return {"labels": per_label, "added": sum(per_label.values()), "errors": errors}

    def items(self, label: str | None = None) -> list[dict]:
        sql = "SELECT id, label, file, source, created, owner FROM items"
        rows = self._db.execute(sql + (" WHERE label=? ORDER BY id" if label else " ORDER BY id"),
                                (normalise_label(label),) if label else ()).fetchall()
        return [{"id": i, "label": lab, "path": str(self.root / f), "source": s, "created": c, "owner": o}
                for i, lab, f, s, c, o in rows]

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def labels(self) -> dict[str, int]:
        return dict(self._db.execute("SELECT label, COUNT(*) FROM items GROUP BY label ORDER BY label").fetchall())

    def relabel(self, old: str, new: str) -> int:
        """Rename a label (merging into `new` if it exists); returns the items changed."""
        with self._lock:
            n = self._db.execute("UPDATE items SET label=? WHERE label=?",
                                 (normalise_label(new), normalise_label(old))).rowcount
            if n:
                self._bump()
        return n

    def relabel_item(self, item_id: int, new: str) -> bool:
        with self._lock:
            n = self._db.execute("UPDATE items SET label=? WHERE id=?", (normalise_label(new), int(item_id))).rowcount
            if n:
                self._bump()
        return bool(n)

    def remove(self, item_ids: list[int]) -> int:
        with self._lock:
            rows = [self._db.execute("SELECT file FROM items WHERE id=?", (int(i),)).fetchone() for i in item_ids]
            n = sum(self._db.execute("DELETE FROM items WHERE id=?", (int(i),)).rowcount for i in item_ids)
            for row in rows:
                if row:
                    (self.root / row[0]).unlink(missing_ok=True)
            if n:
                self._bump()
        return n

    def remove_label(self, label: str) -> int:
        return self.remove([it["id"] for it in self.items(label)])

    def prune(self, max_per_label: int | None = None) -> dict:
        """Keep the newest `max_per_label` per label, drop rows whose file is gone and orphan files."""
        with self._lock:
            drop = []
            if max_per_label is not None:
                for label in self.labels():
                    drop += [it["id"] for it in sorted(self.items(label), key=lambda it: -it["id"])[max_per_label:]]
            missing = [i for i, f in self._db.execute("SELECT id, file FROM items") if not (self.root / f).is_file()]
            removed = self.remove(drop + [i for i in missing if i not in drop])
            known = {f for (f,) in self._db.execute("SELECT file FROM items")}
            orphans = [p for p in (self.root / "images").iterdir() if f"images/{p.name}" not in known]
            for p in orphans:
                p.unlink(missing_ok=True)
        return {"removed_items": removed, "missing_files": len(missing), "orphan_files": len(orphans)}

    def matrix(self) -> tuple[np.ndarray, list[str]]:
        """(views × dim normalised features, label of each view); stale features are recomputed."""
        feats, labels = [], []
        with self._lock:
            rows = self._db.execute("SELECT id, label, file, version, features, n_views FROM items ORDER BY id").fetchall()
            for item_id, label, file, version, blob, n_views in rows:
                if version != FEATURE_VERSION:
                    arr = self._features(load_image(self.root / file))
                    self._db.execute("UPDATE items SET version=?, features=?, n_views=? WHERE id=?",
                                     (FEATURE_VERSION, arr.tobytes(), len(arr), item_id))
                    self._db.commit()
                else:
                    arr = np.frombuffer(blob, np.float32).reshape(n_views, -1)
                feats.append(arr)
                labels += [label] * len(arr)
        return (np.concatenate(feats) if feats else np.zeros((0, 0), np.float32)), labels

    def _features(self, img: Image.Image) -> np.ndarray:
        return normalise_features(self.featurizer.features(enrollment_views(img)))


class EmbeddedRecognizer:
    """Offline CPU recogniser: the gallery's linear head + nearest-view gate, and ImageNet equipment classes.
    `head`: "logistic" (shipped; L-BFGS, warm-started from the previous fit) or "lda" (closed form, a 5x faster
    refit and better enrolled top-3, but it lets more non-gym images through and is overconfident out of the box)."""

    name = "embedded"

    def __init__(self, gallery: Gallery | None = None, featurizer=None, imagenet_map: dict[int, str] | None = None,
                 reject_score: float = REJECT_SCORE, accept_confidence: float = ACCEPT_CONFIDENCE,
                 imagenet_min: float = IMAGENET_MIN, c: float = LR_C, head: str = "logistic"):
        if head not in ("lda", "logistic"):
            raise ValueError(f"head must be 'lda' or 'logistic', not {head!r}")
        self.gallery, self._featurizer = gallery, featurizer
        self.imagenet_map = dict(imagenet_map or {})
        self.reject_score, self.accept_confidence = reject_score, accept_confidence
        self.imagenet_min, self.c, self.head = imagenet_min, c, head
        self._head, self._head_rev = None, None
        self.warm_from = None   # another recogniser whose head starts this one's fit (same feature space)
        self._bank = np.zeros((0, 0), np.float32)
        self._lock = threading.Lock()

    @classmethod
    def from_kb(cls, kb, gallery: Gallery | None = None, **kw) -> "EmbeddedRecognizer":
        """ImageNet indices of catalog items (the `imagenet` field) become zero-enrollment classes."""
        return cls(gallery, imagenet_map={i: e.id for e in kb.equipment.values() for i in e.imagenet}, **kw)

    @property
    def featurizer(self):
        if self._featurizer is None:
            self._featurizer = self.gallery.featurizer if self.gallery is not None else _default_featurizer()
        return self._featurizer

    def _fit(self):
        """(views, labels list, W, b) for the current gallery revision; refit only after changes."""
        rev = self.gallery.revision if self.gallery is not None else None
        with self._lock:
            if self._head is None or rev != self._head_rev:
                x, view_labels = self.gallery.matrix() if self.gallery is not None else (np.zeros((0, 0)), [])
                bank = getattr(self.gallery, "negatives", None)
                bank = bank() if callable(bank) else shipped_negatives()
                self._bank = bank if len(bank) and bank.shape[1] == (x.shape[1] if len(x) else -1) else \
                    np.zeros((0, 0), np.float32)   # another feature space (a test featurizer): no contrast
                names = sorted(set(view_labels))
                w = b = None
                if len(names) >= 2:
                    # the negative bank is one more class of the head: "none of the machines" (NONE_LABEL)
                    head_x, head_labels = (np.concatenate([x, self._bank]), [*view_labels, *[NONE_LABEL] * len(self._bank)]) \
                        if len(self._bank) else (x, view_labels)
                    classes = sorted(set(head_labels))
                    y = np.array([classes.index(lab) for lab in head_labels])
                    if self.head == "lda":
                        w, b = fit_lda(head_x, y, len(classes), basis=head_basis(x))
                    else:
                        w, b = fit_logistic(head_x, y, len(classes), self.c, basis=head_basis(x),
                                            init=self._warm_start(classes, x.shape[1]))
                    names = classes
                self._head, self._head_rev = (x, view_labels, names, w, b), rev
            return self._head

    def _warm_start(self, names: list[str], dim: int):
        """The last head fitted here (or by `warm_from`, the shared recogniser) mapped onto `names`:
        adding a photo then refits in a fraction of the cold time."""
        head = self._head if self._head is not None else getattr(self.warm_from, "_head", None)
        if head is None or head[3] is None or head[3].shape[0] != dim:
            return None
        old = {n: i for i, n in enumerate(head[2])}
        w, b = np.zeros((dim, len(names)), np.float32), np.zeros(len(names), np.float32)
        for j, n in enumerate(names):
            if n in old:
                w[:, j], b[j] = head[3][:, old[n]], head[4][old[n]]
        return w, b

    def predict(self, image: Image.Image, k: int = TOP_K) -> Prediction:
        return self.predict_batch([image], k)[0]

    def predict_batch(self, images: list[Image.Image], k: int = TOP_K) -> list[Prediction]:
        """One network pass for several images (video frames)."""
        feats, logits = self.featurizer.features_and_logits(images)
        x, view_labels, names, w, b = self._fit()
        q = normalise_features(feats)
        labels_of = getattr(self.gallery, "enrolled_labels", None)
        enrolled = labels_of() if callable(labels_of) else None   # once per batch: it reads the galleries
        return [self._one(q[i], softmax(logits[i]), x, view_labels, names, w, b, k, enrolled)
                for i in range(len(images))]

    def _one(self, q, probs, x, view_labels, names, w, b, k, enrolled: set[str] | None) -> Prediction:
        """`enrolled`: labels someone enrolled here (None: the gallery cannot tell, e.g. a bare test gallery)."""
        scores: dict[str, float] = {}
        detail: dict = {}
        names = names if len(view_labels) else []
        machine_names = [n for n in names if n != NONE_LABEL]
        gate = 0.0
        if len(view_labels):
            sims = x @ q
            best = int(np.argmax(sims))
            negative = float((self._bank @ q).max()) if len(self._bank) else 0.0
            score = float(sims[best]) - NEGATIVE_WEIGHT * negative
            detail.update(similarity=round(float(sims[best]), 4), nearest_label=view_labels[best],
                          negative_similarity=round(negative, 4), gate_score=round(score, 4))
            gate = 1.0 / (1.0 + math.exp(-(score - self.reject_score) / SIMILARITY_WIDTH))
            p = softmax(q @ w + b) if w is not None else np.ones(1)
            none = float(p[names.index(NONE_LABEL)]) if NONE_LABEL in names else 0.0
            machines = {n: float(pi) / max(1.0 - none, 1e-6) for n, pi in zip(names, p) if n != NONE_LABEL}
            top = max(machines, key=machines.get) if machines else None
            if top is not None and enrolled is not None and top in enrolled:
                # the user's own photos make the head's "none" trustworthy (out of the box it is not: the
                # shipped photos look unlike phone photos), so it closes the gate too
                gate = min(gate, 1.0 / (1.0 + math.exp(-(HEAD_NONE_REJECT - none) / HEAD_NONE_WIDTH)))
            detail["head_none"] = round(none, 4)
            for name, pi in machines.items():
                scores[name] = pi * gate
        imagenet: dict[str, float] = {}
        for idx, eq_id in self.imagenet_map.items():
            imagenet[eq_id] = imagenet.get(eq_id, 0.0) + float(probs[idx])
        top_in = max(imagenet.values(), default=0.0)
        for eq_id, pi in imagenet.items():   # enrolled labels are the user's own evidence: ImageNet only adds others
            if pi >= self.imagenet_min and eq_id not in machine_names:
                scores[eq_id] = pi
        in_domain = max(gate, 1.0 if top_in >= self.imagenet_min else top_in / self.imagenet_min)
        source = "+".join(s for s, on in (("gallery", gate >= 0.5), ("imagenet", top_in >= self.imagenet_min)) if on)
        cands = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        if cands and enrolled is not None and cands[0][0] in machine_names and cands[0][0] not in enrolled:
            detail["accept_at"] = DEFAULT_ONLY_ACCEPT   # only the shipped photos know it: show the picker
        return Prediction([(i, round(c, 4)) for i, c in cands], round(1.0 - in_domain, 4), source or "none", detail)


@functools.lru_cache(maxsize=1)
def shipped_negatives() -> np.ndarray:
    """The negative bank shipped with the default gallery (empty if it is missing or stale)."""
    from indexes.default_gallery import DefaultGallery

    return DefaultGallery(featurizer=object()).negatives()


def _default_featurizer():
    from runtime.vision import get_featurizer

    return get_featurizer()
