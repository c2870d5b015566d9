"""The "my gym" gallery: a user's photos of their own gym's machines, with labels and features.

Why this file: a user teaches the app their own gym's machines with a few photos or webcam frames
each (or a labelled folder tree `<label>/<image>`), and recognition must then work offline on a CPU.
The gallery keeps photos as files and labels + features in SQLite under a folder the caller gives,
so it survives restarts and can be listed, relabelled and pruned. Features: EfficientNet-Lite0 and
Lite2 pooled features side by side (each block L1-scaled), signed-square-root then L2 normalised; each
enrolled photo adds 8 views (itself, mirror, squashed, mirrored squashed, 4 corner crops). The
recogniser that reads galleries is `tools.recognizer.EmbeddedRecognizer`.
"""
from __future__ import annotations

import hashlib
import io
import re
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from tools.images import ImageInputError, load_image

FEATURE_VERSION = "lite0+lite2-l1blocks-ssqrt-v2"  # change when features change: stored ones are recomputed
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


