"""Fine-tuning data for InternVL2 from labelled gym photos and the knowledge base.

python -m finetune.build_dataset --images PHOTOS --out data/equipment [--val-fraction 0.1] [--seed 0] [--text-pairs]
    [--no-negatives]

PHOTOS holds `<label>/<image>` folders; a label is an equipment id (`leg_press_machine`) or its English/Chinese
name or alias. Every image is checked (decodes, shorter side >= --min-side, EXIF-rotated, converted to RGB JPEG),
near-duplicates are dropped by a 64-bit perceptual hash *before* the split (so no near-copy of a val photo sits in
train), and each label is split into train/val. Written to --out, in XTuner's InternVL format (JSON lines read by
`InternVL_V1_5_Dataset`; `image` is relative to `images/`, `image_wh` lets XTuner size the image tokens):

    train.jsonl, val.jsonl   {"id", "label", "image": "train/<label>/<name>.jpg", "image_wh": [w, h],
                              "conversations": [{"from": "human", "value": "<image>\\n..."}, {"from": "gpt", ...}]}
    images/{train,val}/<label>/*.jpg   (images/val is also the labelled held-out folder for bench_server)
    images/train/none/*.jpg  non-gym images (the shipped negative set's calibration half; --no-negatives skips them)
    text.jsonl               with --text-pairs: text-only turns from docs, exercises and foods (joint training)

Each image gets one conversation per language (en, zh): what is it, how to use it, which muscles, common mistakes,
answered from the equipment card; and one `<id>:choice` record, the closed-set question the app's VLM recogniser
sends (tools/vlm_prompt.py) answered with the JSON it parses. Each non-gym image gets a choice record answered
"none". A per-label table is printed (or JSON with --json).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from finetune.conversations import LANGS, choice_conversation, image_conversation, text_pairs
from tools.vlm_prompt import NONE_ID, vlm_catalog

IMAGE_EXTS = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"}
MIN_SIDE_PX = 128        # smaller photos carry too little detail for a 448 px InternViT tile
MAX_SIDE_PX = 1792       # longer sides are scaled down: InternVL tiles at most 12 x 448 px anyway
JPEG_QUALITY = 92
HASH_BITS_DUP = 5        # dHash Hamming distance (of 64) at or below which two photos count as the same shot
TRAIN_FILE, VAL_FILE, TEXT_FILE, IMAGE_DIR = "train.jsonl", "val.jsonl", "text.jsonl", "images"

def load_kb():
    """The knowledge base; unvalidated if its files are mid-edit (the equipment cards are what we need)."""
    from knowledge import KnowledgeError, load_knowledge

    try:
        return load_knowledge()
    except KnowledgeError as exc:
        from knowledge.loader import build, read_raw

        print(f"warning: knowledge base does not validate ({len(exc.problems)} problems); using it unvalidated",
              file=sys.stderr)
        return build(read_raw())


# ---- perceptual hashes (imagehash is not a dependency: 64-bit dHash / aHash in numpy) ----
def dhash(img: Image.Image, size: int = 8) -> int:
    """Difference hash: is each pixel brighter than its right neighbour, on a (size+1) x size grey thumbnail."""
    g = np.asarray(img.convert("L").resize((size + 1, size), Image.Resampling.LANCZOS), dtype=np.int16)
    return int.from_bytes(np.packbits(g[:, 1:] > g[:, :-1]).tobytes(), "big")


def ahash(img: Image.Image, size: int = 8) -> int:
    """Average hash: is each pixel of a size x size grey thumbnail above the mean."""
    g = np.asarray(img.convert("L").resize((size, size), Image.Resampling.BOX), dtype=np.float32)
    return int.from_bytes(np.packbits(g > g.mean()).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def _nearest(h: int, kept: np.ndarray) -> tuple[int, int]:
    """(index, distance) of the kept hash closest to h; (-1, 65) when none are kept."""
    if not len(kept):
        return -1, 65
    x = np.bitwise_xor(kept, np.uint64(h))
    dist = np.unpackbits(x.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
    i = int(dist.argmin())
    return i, int(dist[i])


# ---- images ----
def check_image(path: Path, min_side: int = MIN_SIDE_PX) -> tuple[Image.Image | None, str]:
    """Open, fully decode, EXIF-rotate and convert to RGB; ('', problem) names why an image is rejected."""
    try:
        with Image.open(path) as im:
            im.load()
            im = ImageOps.exif_transpose(im)
            if im.mode in ("RGBA", "LA", "P"):  # flatten transparency onto white rather than black
                rgba = im.convert("RGBA")
                im = Image.new("RGB", rgba.size, (255, 255, 255))
                im.paste(rgba, mask=rgba.getchannel("A"))
            rgb = im.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None, "broken"
    if min(rgb.size) < min_side:
        return None, "small"
    return rgb, ""


def _key(text: str) -> str:
    return re.sub(r"[\s\-_]+", "_", text.strip().lower())


def label_index(kb) -> dict[str, str]:
    """Folder name (normalised) -> equipment id: ids, English and Chinese names and aliases."""
    index = {}
    eqs = list(kb.equipment.values())
    for pick in (lambda e: [e.id], lambda e: [e.name.en, e.name.zh], lambda e: [*e.aliases.en, *e.aliases.zh]):
        for eq in eqs:  # ids first, then names, then aliases: an alias never shadows another card's id
            for name in pick(eq):
                index.setdefault(_key(name), eq.id)
    return index


def scan_labelled(root: Path | str, kb) -> tuple[list[tuple[str, Path]], list[str]]:
    """[(equipment_id, image path)] under root/<label>/, sorted; plus the folder names that match no equipment."""
    root, index = Path(root), label_index(kb)
    items, unknown = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        eq_id = index.get(_key(folder.name))
        if eq_id is None:
            unknown.append(folder.name)
            continue
        items += [(eq_id, p) for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lower() in IMAGE_EXTS]
    return items, unknown


def split_train_val(names: list[str], val_fraction: float, seed: int, label: str) -> tuple[list[str], list[str]]:
    """Seeded per-label split; a label with 2+ photos keeps at least one in each side when val_fraction > 0."""
    names = sorted(names)
    random.Random(f"{seed}:{label}").shuffle(names)
    n_val = round(len(names) * val_fraction)
    if val_fraction > 0 and len(names) >= 2:
        n_val = min(max(n_val, 1), len(names) - 1)
    return sorted(names[n_val:]), sorted(names[:n_val])


# ---- the build ----
def build_dataset(images: Path | str, out: Path | str, kb=None, val_fraction: float = 0.1, seed: int = 0,
                  with_text: bool = False, langs: tuple[str, ...] = LANGS, min_side: int = MIN_SIDE_PX,
                  dup_bits: int = HASH_BITS_DUP, negatives: bool = True) -> dict:
    """Write train/val (and text) JSONL plus normalised images under out; return the stats."""
    kb = kb or load_kb()
    out = Path(out)
    if (out / IMAGE_DIR).resolve() in Path(images).resolve().parents:
        raise ValueError(f"--images {images} lies inside the output's {out / IMAGE_DIR}, which is rewritten")
    shutil.rmtree(out / IMAGE_DIR, ignore_errors=True)  # no stale photo from an earlier split may stay in val/
    found, unknown = scan_labelled(images, kb)
    stats: dict[str, Counter] = {}
    kept: dict[str, list[tuple[str, Path]]] = {}  # paths, not pixels: photos are decoded again when written
    hashes = np.zeros(0, dtype=np.uint64)
    for eq_id, path in found:  # sorted, so which copy of a duplicate survives is deterministic
        st = stats.setdefault(eq_id, Counter())
        st["found"] += 1
        img, problem = check_image(path, min_side)
        if img is None:
            st[problem] += 1
            continue
        h = dhash(img)
        if _nearest(h, hashes)[1] <= dup_bits:
            st["dup"] += 1
            continue
        hashes = np.append(hashes, np.uint64(h))
        kept.setdefault(eq_id, []).append((path.stem, path))
    records, catalog = {"train": [], "val": []}, vlm_catalog(kb)
    for eq_id in sorted(kept):
        shots = _unique_names(kept[eq_id])
        train, val = split_train_val(list(shots), val_fraction, seed, eq_id)
        for split, names in (("train", train), ("val", val)):
            stats[eq_id][split] = len(names)
            folder = out / IMAGE_DIR / split / eq_id
            folder.mkdir(parents=True, exist_ok=True)
            for name in names:
                img = _fit(check_image(shots[name], min_side)[0])
                img.save(folder / f"{name}.jpg", quality=JPEG_QUALITY)
                rng = random.Random(f"{seed}:{eq_id}:{name}")
                for lang in langs:
                    records[split].append(_record(f"{eq_id}/{name}:{lang}", eq_id, split, name, img.size,
                                                  image_conversation(kb.equipment[eq_id], kb, lang, rng)))
                records[split].append(_record(f"{eq_id}/{name}:choice", eq_id, split, name, img.size,
                                              choice_conversation(catalog, eq_id)))
    none_examples = _none_examples(out, catalog, hashes, min_side, dup_bits) if negatives else []
    records["train"] += none_examples
    out.mkdir(parents=True, exist_ok=True)
    _write_jsonl(out / TRAIN_FILE, records["train"])
    _write_jsonl(out / VAL_FILE, records["val"])
    text = text_pairs(kb) if with_text else []
    if with_text:
        _write_jsonl(out / TEXT_FILE, text)
    return {"labels": {k: dict(v) for k, v in sorted(stats.items())}, "unknown_labels": unknown,
            "train_records": len(records["train"]), "val_records": len(records["val"]),
            "none_examples": len(none_examples), "text_pairs": len(text),
            "text_by_kind": dict(Counter(r["id"].split(":")[0] for r in text)), "out": str(out)}


def _record(rid: str, label: str, split: str, name: str, size, conversations: list[dict]) -> dict:
    return {"id": rid, "label": label, "image": f"{split}/{label}/{name}.jpg", "image_wh": list(size),
            "conversations": conversations}


def _none_examples(out: Path, catalog: dict[str, str], hashes: np.ndarray, min_side: int, dup_bits: int) -> list[dict]:
    """Choice records answered "none" for the shipped non-gym images: only their "calib" half, so the
    "held" half stays unseen for measuring (bench recognition, bench vlm_calibration)."""
    from indexes.default_gallery.negatives import negative_set

    folder = out / IMAGE_DIR / "train" / NONE_ID
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n, item in enumerate(x for x in negative_set() if x["split"] == "calib"):
        img = item["image"].convert("RGB")
        h = dhash(img)
        if min(img.size) < min_side or _nearest(h, hashes)[1] <= dup_bits:
            continue
        hashes = np.append(hashes, np.uint64(h))
        name = f"{n:03d}_" + re.sub(r"[^\w\-]+", "_", item["name"]).strip("_")
        img = _fit(img)
        img.save(folder / f"{name}.jpg", quality=JPEG_QUALITY)
        rows.append(_record(f"{NONE_ID}/{name}:choice", NONE_ID, "train", name, img.size,
                            choice_conversation(catalog, NONE_ID)))
    return rows


def _unique_names(shots: list[tuple[str, Path]]) -> dict[str, Path]:
    """File stems made safe and unique within a label (a.jpg and a.png both become a.jpg otherwise)."""
    named = {}
    for stem, path in shots:
        base = re.sub(r"[^\w\-]+", "_", stem).strip("_") or "img"
        name, n = base, 1
        while name in named:
            n += 1
            name = f"{base}_{n}"
        named[name] = path
    return named


def _fit(img: Image.Image, max_side: int = MAX_SIDE_PX) -> Image.Image:
    if max(img.size) <= max_side:
        return img
    scale = max_side / max(img.size)
    return img.resize((round(img.width * scale), round(img.height * scale)), Image.Resampling.LANCZOS)


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def stats_rows(stats: dict) -> list[dict]:
    cols = ("found", "broken", "small", "dup", "train", "val")
    rows = [{"label": k, **{c: v.get(c, 0) for c in cols}} for k, v in stats["labels"].items()]
    rows.append({"label": "TOTAL", **{c: sum(r[c] for r in rows) for c in cols}})
    return rows


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(prog="python -m finetune.build_dataset", description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", required=True, type=Path, help="folder of <label>/<image> photos")
    ap.add_argument("--out", required=True, type=Path, help="output folder (train.jsonl, val.jsonl, images/)")
    ap.add_argument("--val-fraction", type=float, default=0.1, help="share of each label held out (0-0.9)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--text-pairs", action="store_true", help="also write text.jsonl from docs/exercises/foods")
    ap.add_argument("--langs", default="en,zh", help="conversation languages, comma-separated (en, zh)")
    ap.add_argument("--min-side", type=int, default=MIN_SIDE_PX, help="reject photos with a shorter side below (px)")
    ap.add_argument("--dup-bits", type=int, default=HASH_BITS_DUP, help="dHash distance counted as duplicate (0-64)")
    ap.add_argument("--no-negatives", action="store_true", help="no \"none\" examples from the shipped non-gym images")
    ap.add_argument("--json", action="store_true", help="print the stats as JSON")
    args = ap.parse_args(argv)
    langs = tuple(x.strip() for x in args.langs.split(",") if x.strip())
    if not args.images.is_dir():
        ap.error(f"--images {args.images} is not a folder")
    if not 0 <= args.val_fraction <= 0.9:
        ap.error("--val-fraction must be between 0 and 0.9")
    if not langs or set(langs) - set(LANGS):
        ap.error(f"--langs must be a subset of {','.join(LANGS)}")
    if not 0 <= args.dup_bits <= 64:
        ap.error("--dup-bits must be between 0 and 64")
    stats = build_dataset(args.images, args.out, val_fraction=args.val_fraction, seed=args.seed,
                          with_text=args.text_pairs, langs=langs, min_side=args.min_side, dup_bits=args.dup_bits,
                          negatives=not args.no_negatives)
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return stats
    from bench.table import format_table

    print(format_table(stats_rows(stats)))
    print(f"records: train {stats['train_records']}, val {stats['val_records']} ({len(langs)} per image + 1 closed-set "
          f"choice; {stats['none_examples']} non-gym images answered \"none\") -> {args.out}")
    if args.text_pairs:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats["text_by_kind"].items()))
        print(f"text pairs: {stats['text_pairs']} ({kinds}) -> {args.out / TEXT_FILE}")
    if stats["unknown_labels"]:
        print(f"skipped folders matching no equipment: {', '.join(stats['unknown_labels'])}")
    return stats


if __name__ == "__main__":
    main()
