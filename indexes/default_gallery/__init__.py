"""The default gallery: public-domain photos of gym machines in use, shipped as embeddings.

Why: with nothing enrolled, every first-time visitor's photo was compared with nothing, so recognition
rarely named a machine. free-exercise-db (Unlicense) has real gym photos of people using the machines
of our catalog; `photos.yaml` lists which exercise photos show which catalog id. What ships is only
what the recogniser needs — one feature row per view (`features.npz`), a small thumbnail per
equipment for the picker (`thumbs/`) and a licence record per photo (`records.json`) — built by
`python -m indexes.default_gallery --mirror <free-exercise-db git dir>` (no network at run time).

The same file holds the "negative bank": features of the calibration half of `negatives.py` (images
that packages ship or that are rendered here: food, pets, people, text, screenshots, blank). The
open-set gate compares a photo's nearest gym view with its nearest negative, which separates "not gym
equipment" far better than a similarity threshold alone (see `python -m bench recognition`).

`DefaultGallery` reads like a `tools.gallery.Gallery` (featurizer, revision, matrix, labels), so it
joins a user's and the operator's galleries in `services.galleries.CombinedGallery`. Features carry
the version they were computed with; a mismatch (features changed) means the rows are not used and
the build must be re-run, never silently compared across feature spaces.
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import time
from pathlib import Path

import numpy as np
import yaml
from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent
PHOTOS = HERE / "photos.yaml"
FEATURES = HERE / "features.npz"
RECORDS = HERE / "records.json"
THUMBS = HERE / "thumbs"
THUMB_SIDE = 240   # px, the picker shows candidates at ~120 px


def default_views(img: Image.Image) -> list[Image.Image]:
    """The photo and its mirror: two rows per photo keep the shipped file small (see bench recognition)."""
    return [img, ImageOps.mirror(img)]


def photo_list(spec: dict | None = None) -> list[dict]:
    """(label, exercise, image, url, licence) for every photo the spec names."""
    spec = spec or yaml.safe_load(PHOTOS.read_text(encoding="utf-8"))
    src = spec["source"]
    return [{"label": label, "exercise": ex, "image": image,
             "url": src["raw"].format(exercise=ex, image=image), "licence": src["licence"], "source": src["name"]}
            for label, exercises in spec["equipment"].items() for ex in exercises for image in spec["images"]]


class DefaultGallery:
    """The shipped rows, read-only: the same interface the recogniser reads from a user's gallery."""

    revision = 0
    shipped = True   # its labels are nobody's enrolment: see services.galleries.CombinedGallery.enrolled_labels

    def __init__(self, path: Path = FEATURES, featurizer=None, feature_version: str | None = None):
        from tools.gallery import FEATURE_VERSION

        self._featurizer = featurizer
        self.version = feature_version or FEATURE_VERSION
        self.x, self.view_labels, self.problem = np.zeros((0, 0), np.float32), [], ""
        self.negative_bank = np.zeros((0, 0), np.float32)
        if not Path(path).is_file():
            self.problem = f"{path} missing: run python -m indexes.default_gallery --mirror <dir>"
            return
        with np.load(path, allow_pickle=False) as data:
            built = str(data["version"])
            if built != self.version:
                self.problem = f"built with features {built!r}, the recogniser uses {self.version!r}: rebuild"
                return
            self.x = data["features"].astype(np.float32)
            self.view_labels = [str(s) for s in data["labels"]]
            self.negative_bank = data["negatives"].astype(np.float32)

    @property
    def featurizer(self):
        if self._featurizer is None:
            from runtime.vision import get_featurizer

            self._featurizer = get_featurizer()
        return self._featurizer

    def matrix(self) -> tuple[np.ndarray, list[str]]:
        return self.x, list(self.view_labels)

    def negatives(self) -> np.ndarray:
        return self.negative_bank

    def labels(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for label in self.view_labels:
            out[label] = out.get(label, 0) + 1
        return {k: v // 2 for k, v in sorted(out.items())}   # photos, not views


def thumbnail(equipment_id: str) -> Path | None:
    """The shipped picture of one catalog machine (a real photo), if there is one."""
    path = THUMBS / f"{equipment_id}.jpg"
    return path if path.is_file() else None


def read_photo(mirror: Path, exercise: str, image: str) -> bytes:
    """One photo from a free-exercise-db git directory (a `fetch` snapshot has no work tree)."""
    return subprocess.run(["git", "--git-dir", str(mirror), "show", f"HEAD:exercises/{exercise}/{image}"],
                          check=True, capture_output=True).stdout


def build(mirror: Path, featurizer=None, out: Path = FEATURES, thumbs: Path = THUMBS) -> dict:
    """Embed every listed photo (two views each); write features, thumbnails and licence records."""
    from tools.gallery import FEATURE_VERSION, normalise_features
    from tools.images import load_image

    if featurizer is None:
        from runtime.vision import get_featurizer

        featurizer = get_featurizer()
    t0 = time.perf_counter()
    rows, labels, records = [], [], []
    thumbs.mkdir(parents=True, exist_ok=True)
    for rec in photo_list():
        img = load_image(read_photo(mirror, rec["exercise"], rec["image"]))
        feats = normalise_features(featurizer.features(default_views(img)))
        rows.append(feats.astype(np.float16))
        labels += [rec["label"]] * len(feats)
        records.append(rec)
        thumb = thumbs / f"{rec['label']}.jpg"
        if not thumb.exists():      # the first photo of each machine is its picture in the picker
            small = img.copy()
            small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.BILINEAR)
            buf = io.BytesIO()
            small.save(buf, format="JPEG", quality=85)
            thumb.write_bytes(buf.getvalue())
    from .negatives import negative_set

    bank = [n for n in negative_set() if n["split"] == "calib"]
    neg = normalise_features(featurizer.features([n["image"] for n in bank])).astype(np.float16)
    np.savez_compressed(out, features=np.concatenate(rows), labels=np.array(labels), negatives=neg,
                        version=np.array(FEATURE_VERSION))
    RECORDS.write_text(json.dumps({"licence": "Unlicense (public domain)", "photos": records,
                                   "thumbnails": "the first photo of each equipment id, 240 px",
                                   "negative_bank": "features of indexes/default_gallery/negatives.py calib split: "
                                                    "sample images shipped by scikit-image, matplotlib, scikit-learn "
                                                    "and gradio under their BSD/PSF/Apache licences, and images "
                                                    "rendered by that file"},
                                  ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {"photos": len(records), "rows": len(labels), "labels": len(set(labels)), "negatives": len(neg),
            "bytes": out.stat().st_size, "s": round(time.perf_counter() - t0, 1)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m indexes.default_gallery", description=__doc__.split("\n")[0])
    ap.add_argument("--mirror", type=Path, required=True, help="free-exercise-db git directory (bare is fine)")
    args = ap.parse_args(argv)
    print(build(args.mirror))


if __name__ == "__main__":
    main()
