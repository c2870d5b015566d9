"""The GIF tool: show how an exercise is done, from a free-text request in Chinese or English or an id.

Pure functions over an `indexes.gif_library.GifLibrary` return plain dicts (file path, captions in
both languages, exercise id, score); the default library (knowledge base exercises + the user's clips
folder, cached indexes) opens on first use. A generated GIF is rendered into the cache the first time
its path is asked for. The agent's tool over `search_gifs` is agent/toolbox.py.
"""
from __future__ import annotations

import functools

MAX_K = 10


@functools.lru_cache(maxsize=1)
def _default_library():
    from indexes.gif_library import default_library

    return default_library()


def _as_dict(library, clip, score: float, lang: str, render: bool = True) -> dict:
    caption = (clip.caption_zh or clip.caption_en) if lang == "zh" else (clip.caption_en or clip.caption_zh)
    return {"path": str(library.path_for(clip)) if render else None, "caption": caption, "caption_en": clip.caption_en,
            "caption_zh": clip.caption_zh, "exercise_id": clip.exercise_id, "clip_id": clip.id,
            "source": clip.source, "score": round(float(score), 4)}


def search_gifs(query: str, k: int = 3, lang: str = "en", library=None, render: bool = True) -> list[dict]:
    """Up to k clips matching the request, best first; [] when the request is empty or unrelated.

    render=False leaves "path" None and skips rendering GIFs not yet in the cache (the REST API returns
    URLs and renders a GIF only when it is fetched)."""
    library = library or _default_library()
    k = max(0, min(int(k), MAX_K))
    return [_as_dict(library, clip, score, lang, render) for clip, score, _ in library.search(query, k)]


def gif_for_exercise(exercise_id: str, lang: str = "en", library=None) -> dict | None:
    """The clip for an exact exercise id (the user's own clip of it wins), or None."""
    library = library or _default_library()
    clip = library.get(exercise_id or "")
    return _as_dict(library, clip, 1.0, lang) if clip else None

