"""The GIF tool's pure functions, over a small library with a fake embedder."""
import pytest

from indexes.gif_library import GifLibrary
from tests.indexes import HashEmbedder, tiny_kb
from tools.gif_search import gif_for_exercise, search_gifs


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("gifs")
    return GifLibrary(tiny_kb(), HashEmbedder(), root / "index", root / "files", root / "clips")


def test_search_returns_plain_dicts_with_a_rendered_file(library):
    [hit] = search_gifs("goblet squat", k=1, library=library)
    assert set(hit) >= {"path", "caption", "caption_en", "caption_zh", "exercise_id", "score", "source"}
    assert hit["exercise_id"] == "goblet_squat" and hit["caption"] == "Goblet squat"
    with open(hit["path"], "rb") as fh:
        assert fh.read(6) == b"GIF89a"


def test_chinese_request_gets_the_chinese_caption(library):
    hit = search_gifs("引体向上", k=1, lang="zh", library=library)[0]
    assert hit["exercise_id"] == "pull_up" and hit["caption"] == "引体向上"


def test_k_is_clamped_and_empty_queries_find_nothing(library):
    assert len(search_gifs("squat", k=99, library=library)) <= 10
    assert search_gifs("squat", k=-3, library=library) == []
    assert search_gifs("", library=library) == []


def test_exact_exercise_id(library):
    assert gif_for_exercise("hammer_curl", library=library)["caption_zh"] == "哑铃锤式弯举"
    assert gif_for_exercise("no_such_exercise", library=library) is None
    assert gif_for_exercise("", library=library) is None
