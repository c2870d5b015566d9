"""The GIF tool: show how an exercise is done, from a free-text request in Chinese or English or an id.

Pure functions over an `indexes.gif_library.GifLibrary` return plain dicts (file path, captions in
both languages, exercise id, score); the default library (knowledge base exercises + the user's clips
folder, cached indexes) opens on first use. A generated GIF is rendered into the cache the first time
its path is asked for. The lagent adapter at the bottom is what the agent calls.
"""
from __future__ import annotations

import functools

from lagent.actions import BaseAction, tool_api
from lagent.schema import ActionReturn, ActionStatusCode

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


class ExerciseGif(BaseAction):
    """Find an animated demonstration (GIF/MP4) of an exercise so the user can see the movement."""

    def __init__(self, library=None, **kwargs):
        super().__init__(**kwargs)
        self._library = library

    @tool_api
    def run(self, query: str, lang: str = "en") -> dict:
        """Search the exercise animation library.

        Args:
            query (str): the exercise in the user's words, e.g. "barbell squat", "高位下拉", or an exercise id
            lang (str): "en" or "zh", the language of the caption to show
        """
        hits = search_gifs(query, 3, lang, self._library)
        if not hits:
            return ActionReturn(errmsg=f"no demonstration found for {query!r}; ask for a named exercise",
                                state=ActionStatusCode.ARGS_ERROR)
        return {"clips": hits}
