"""`python -m indexes.build_gifs`: render every exercise's demonstration GIF into the cache, with a progress bar.

The app renders a missing GIF on first request, so this is optional: run it once after install (or in
a Docker build) to make the first answers instant. Files are named `<exercise id>.<render key>.gif`; the
key hashes everything the picture depends on, so unchanged GIFs are skipped and stale ones are deleted.
Rendering is deterministic: two runs produce byte-identical files.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from tqdm import tqdm

from .gif_library import subtitle
from .gif_render import find_cjk_font, render_gif, render_key


def build_gifs(kb, out_dir: Path, zh_font: str | None = None, force: bool = False, progress: bool = True) -> dict:
    """Render missing or stale GIFs for every exercise; returns counts, bytes and seconds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    t0, rendered, keep = time.perf_counter(), 0, set()
    for ex in tqdm(list(kb.exercises.values()), desc="GIFs", unit="gif", disable=not progress):
        path = out_dir / f"{ex.id}.{render_key(ex, zh_font)}.gif"
        keep.add(path.name)
        if force or not path.is_file():
            tmp = path.with_suffix(".gif.tmp")
            tmp.write_bytes(render_gif(ex, subtitle(kb, ex), zh_font))
            tmp.replace(path)
            rendered += 1
    removed = 0
    for old in out_dir.glob("*.gif"):
        if old.name not in keep:
            old.unlink()
            removed += 1
    total = sum((out_dir / name).stat().st_size for name in keep)
    return {"exercises": len(keep), "rendered": rendered, "removed": removed, "total_mb": round(total / 2**20, 2),
            "seconds": round(time.perf_counter() - t0, 1), "folder": str(out_dir)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="folder (default: <cache_dir>/gifs)")
    parser.add_argument("--force", action="store_true", help="re-render even when the file is current")
    parser.add_argument("--zh-font", default="auto", help="CJK font file for the Chinese caption; 'auto' or 'none'")
    args = parser.parse_args(argv)
    from config import get_settings
    from knowledge import load_knowledge

    font = find_cjk_font() if args.zh_font == "auto" else (None if args.zh_font == "none" else args.zh_font)
    out = args.out or get_settings().cache_dir / "gifs"
    stats = build_gifs(load_knowledge(validate=False), out, font, args.force)
    print(" ".join(f"{k}={v}" for k, v in stats.items()) + f" zh_font={font or 'none (English caption only)'}")


if __name__ == "__main__":
    main()
