"""The GIF library: persisted FAISS caption index, incremental adds, stale rebuilds, hostile captions files."""
import dataclasses
import io
import json
import os

import pytest
from PIL import Image

from indexes import gif_library
from indexes.gif_library import CaptionsError, GifLibrary, read_captions
from indexes.gif_render import render_gif
from tests.indexes import HashEmbedder, exercise, tiny_kb


def _gif_bytes(color=(200, 0, 0)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buf, format="GIF")
    return buf.getvalue()


@pytest.fixture
def dirs(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    return tmp_path / "index", tmp_path / "gifs", clips


def _library(dirs, kb=None, emb=None):
    index, gifs, clips = dirs
    return GifLibrary(kb or tiny_kb(), emb or HashEmbedder(), index, gifs, clips)


def test_index_persists_and_reloads_without_embedding(dirs):
    first = _library(dirs)
    assert first.last_sync["rebuilt"] and first.last_sync["embedded"] == 10  # 5 exercises x 2 languages
    emb = HashEmbedder()
    second = _library(dirs, emb=emb)
    assert emb.embedded == 0 and not second.last_sync["written"]
    q = "goblet squat"
    assert [c.id for c, _, _ in second.search(q)] == [c.id for c, _, _ in first.search(q)]
    assert second.search(q)[0][0].id == "goblet_squat"


def test_add_clip_embeds_only_its_captions_and_wins_the_id_lookup(dirs, tmp_path):
    lib = _library(dirs)
    src = tmp_path / "my squat.gif"
    src.write_bytes(_gif_bytes())
    before = lib.embedder.embedded
    clip = lib.add_clip(src, "My own goblet squat", "我的高脚杯深蹲", "goblet_squat")
    assert lib.embedder.embedded - before == 2 and lib.last_sync["embedded"] == 2
    assert clip.file == "my_squat.gif" and (dirs[2] / "my_squat.gif").is_file()
    assert lib.get("goblet_squat").id == clip.id                      # the user's clip of it wins
    assert clip.id in [c.id for c, _, _ in lib.search("my own goblet squat", k=3)]
    reloaded = _library(dirs, emb=HashEmbedder())
    assert reloaded.embedder.embedded == 0 and clip.id in reloaded.clips


def test_stale_index_is_rebuilt(dirs):
    _library(dirs)
    other = HashEmbedder(name="other-model")
    assert _library(dirs, emb=other).last_sync["rebuilt"] and other.embedded == 10
    kb = tiny_kb()
    kb.exercises["pull_up"] = exercise("pull_up", "Strict pull-up", "标准引体向上", "vertical_pull", ("pull_up_bar",), ("lats",))
    emb = HashEmbedder(name="other-model")
    lib = _library(dirs, kb=kb, emb=emb)
    assert emb.embedded == 2 and lib.clips["pull_up"].caption_en == "Strict pull-up"  # only the changed names


def test_unreadable_manifest_means_rebuild(dirs):
    _library(dirs)
    (dirs[0] / "manifest.json").write_text("{not json", encoding="utf-8")
    emb = HashEmbedder()
    assert _library(dirs, emb=emb).last_sync["rebuilt"] and emb.embedded == 10


@pytest.mark.parametrize("query", ["", "   ", None, "asdkjh qwe zxcv", "?!?!", "x" * 5000])
def test_empty_and_garbage_queries_return_nothing(dirs, query):
    assert _library(dirs).search(query) == []


def test_exact_id_skips_search(dirs):
    lib = _library(dirs)
    calls = lib.embedder.query_calls
    clip, score, _ = lib.search("romanian_deadlift")[0]
    assert clip.id == "romanian_deadlift" and score == 1.0 and lib.embedder.query_calls == calls


@pytest.mark.parametrize("method", ["vector", "bm25", "hybrid", "rerank"])
def test_every_method_finds_a_named_exercise(dirs, method):
    assert _library(dirs).search("pull-up", 1, method=method)[0][0].id == "pull_up"


def test_generated_gif_is_rendered_once_small_and_reproducible(dirs):
    lib = _library(dirs)
    path = lib.path_for(lib.get("barbell_back_squat"))
    data = path.read_bytes()
    im = Image.open(path)
    assert data[:6] == b"GIF89a" and im.size == (192, 192) and 2 <= im.n_frames <= 16
    assert path.parent == dirs[1] and len(data) < 60_000
    assert lib.path_for(lib.get("barbell_back_squat")) == path
    ex = lib.kb.exercises["barbell_back_squat"]
    assert render_gif(ex, "Squat") == render_gif(ex, "Squat")


def _write_captions(clips, entries):
    (clips / "captions.json").write_text(json.dumps(entries), encoding="utf-8")


def test_malicious_captions_file_is_rejected_with_every_reason(dirs, tmp_path):
    clips = dirs[2]
    outside = tmp_path / "secret.gif"
    outside.write_bytes(_gif_bytes())
    os.symlink(outside, clips / "link.gif")
    (clips / "fake.gif").write_text("#!/bin/sh\necho pwned\n")
    (clips / "tool.exe").write_bytes(b"MZ")
    _write_captions(clips, [
        {"file": "/etc/passwd", "caption_en": "a"},
        {"file": "../secret.gif", "caption_en": "b"},
        {"file": "sub/../../secret.gif", "caption_en": "c"},
        {"file": "link.gif", "caption_en": "d"},
        {"file": "fake.gif", "caption_en": "e"},
        {"file": "tool.exe", "caption_en": "f"},
        {"file": "missing.gif", "caption_en": "g"},
        {"file": "C:\\Windows\\x.gif", "caption_en": "h"},
        "not an object",
    ])
    with pytest.raises(CaptionsError) as err:
        read_captions(clips)
    text = "\n".join(err.value.problems)
    for n in range(1, 10):
        assert f"entry #{n}" in text
    assert "absolute" in text and "'..'" in text and "links outside" in text and "GIF data" in text
    with pytest.raises(CaptionsError):
        _library(dirs)  # a library never opens on a hostile captions file


def test_captions_json_that_is_not_a_list_is_rejected(dirs):
    (dirs[2] / "captions.json").write_text('{"file": "a.gif"}', encoding="utf-8")
    with pytest.raises(CaptionsError):
        read_captions(dirs[2])


def test_captions_csv_and_mp4_are_accepted(dirs):
    clips = dirs[2]
    (clips / "deadlift.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16)
    (clips / "captions.csv").write_text("file,caption_en,caption_zh,exercise_id\n"
                                        "deadlift.mp4,My deadlift,我的硬拉,romanian_deadlift\n", encoding="utf-8")
    [clip] = read_captions(clips)
    assert clip.file == "deadlift.mp4" and clip.caption_zh == "我的硬拉"
    lib = _library(dirs)
    assert lib.path_for(lib.get("romanian_deadlift")) == clips / "deadlift.mp4"


def test_no_captions_file_means_no_user_clips(dirs):
    assert read_captions(dirs[2]) == []


@pytest.mark.slow
def test_default_embedder_finds_real_exercises_in_both_languages(tmp_path):
    from knowledge import load_knowledge
    from runtime.embeddings import get_embedder

    lib = GifLibrary(load_knowledge(validate=False), get_embedder("use-multilingual"), tmp_path / "i", tmp_path / "g")
    assert gif_library.DEFAULT_METHOD == "rerank"
    assert lib.search("show me a barbell back squat", 1)[0][0].id == "barbell_back_squat"
    assert lib.search("引体向上示范", 1)[0][0].id == "pull_up"
    assert lib.search("what is the capital of France") == []


def test_every_pattern_has_keyframes_and_every_keyframe_set_renders():
    import yaml

    from indexes.poses import POSE_SETS, choose_set
    from knowledge.loader import KNOWLEDGE_DIR

    patterns = yaml.safe_load((KNOWLEDGE_DIR / "vocab.yaml").read_text(encoding="utf-8"))["patterns"]
    assert all(choose_set("some_id", p) in POSE_SETS for p in patterns)
    kit = ("barbell", "dumbbell", "cable_machine", "weight_bench", "resistance_band", "stability_ball")
    for i, name in enumerate(POSE_SETS):
        ex = exercise(name, name.replace("_", " "), "动作", "squat", (kit[i % len(kit)],))
        gif = Image.open(io.BytesIO(render_gif(ex, "x", pose_set=name)))
        assert gif.size == (192, 192) and 2 <= gif.n_frames <= 16, name  # identical frames merge


def test_add_clip_rejects_non_video_and_keeps_other_clips(dirs, tmp_path):
    lib = _library(dirs)
    bad = tmp_path / "notes.gif"
    bad.write_text("not a gif")
    with pytest.raises(CaptionsError):
        lib.add_clip(bad, "Notes")
    assert not (dirs[2] / "notes.gif").exists()
    a, b = tmp_path / "a" / "clip.gif", tmp_path / "b" / "clip.gif"
    for path, color in ((a, (255, 0, 0)), (b, (0, 0, 255))):
        path.parent.mkdir()
        path.write_bytes(_gif_bytes(color))
    first, second = lib.add_clip(a, "Red clip"), lib.add_clip(b, "Blue clip")
    assert first.file == "clip.gif" and second.file == "clip-1.gif" and len(read_captions(dirs[2])) == 2


def test_large_libraries_switch_to_hnsw_and_still_reload(dirs, monkeypatch):
    monkeypatch.setattr(gif_library, "FLAT_MAX_ROWS", 4)
    lib = _library(dirs)
    assert "HNSW" in type(lib._index).__name__
    assert lib.search("goblet squat", 1)[0][0].id == "goblet_squat"
    emb = HashEmbedder()
    assert _library(dirs, emb=emb).search("goblet squat", 1)[0][0].id == "goblet_squat" and emb.embedded == 0


def test_a_request_describing_the_movement_finds_it_by_its_steps(dirs):
    from knowledge.schema import Bilingual

    kb = tiny_kb()
    # muscles as the shipped catalog lists them (the glutes that 屁股 names are a goblet squat's too)
    kb.exercises["goblet_squat"] = dataclasses.replace(kb.exercises["goblet_squat"], primary_muscles=(
        "quadriceps", "glutes"), steps=Bilingual(
        ("Hold one weight against your chest with both hands.", "Sit down between your knees and stand back up."),
        ("双手把重物抱在胸前。", "臀部向下坐到两膝之间，再站起。")))
    lib = _library(dirs, kb)
    ids = lambda q: [c.exercise_id for c, _, _ in lib.search(q, 3, gate=False)]  # noqa: E731
    assert ids("把屁股往下坐，重物抱在胸前")[0] == "goblet_squat"  # 屁股 -> 臀部 (aliases.yaml everyday)
    assert "goblet_squat" in ids("抱着重物在胸前往下坐")


def test_words_the_library_never_uses_keep_a_shared_name_word_out(dirs):
    lib = _library(dirs)
    assert lib._unknown_share("how do i fix my flat tire") > gif_library.MAX_UNKNOWN   # fix, flat, tire
    assert lib._unknown_share("goblet squat") == 0.0
    assert lib._unknown_share("RDL") == 1.0 and lib._unknown_share("深蹲") == 0.0  # named requests are not checked


# (query, the exercise it describes, the ranking signal that finds it, the value that turns that signal off):
# - seated, machine, knees: the hip adduction machine and its siblings all have them; 'squeeze the pads together'
#   is in its steps alone (STEPS_WEIGHT)
# - kneeling, leaning back, quads: facets and steps say reverse Nordic; the keyword ranking prefers the stretch
#   (DESCRIBED_FLOOR: an exercise both put first leads)
@pytest.mark.parametrize("query, expected, signal, off", [
    ("sit on the machine and squeeze the pads together with my knees", "machine_hip_adduction", "STEPS_WEIGHT", 0.0),
    ("quads with no equipment, kneeling and leaning back", "reverse_nordic", "DESCRIBED_FLOOR", 1000),
])
def test_a_ranking_signal_finds_what_only_it_tells_apart(tmp_path, monkeypatch, query, expected, signal, off):
    from knowledge import load_knowledge

    lib = GifLibrary(load_knowledge(validate=False), HashEmbedder(), tmp_path / "i", tmp_path / "g")
    assert lib.search(query, 1, gate=False)[0][0].id == expected
    monkeypatch.setattr(gif_library, signal, off)
    assert lib.search(query, 1, gate=False)[0][0].id != expected


def test_floor_lifts_an_exercise_both_lexical_rankings_put_first():
    ranked = [("a", 0.5), ("b", 0.4), ("c", 0.3), ("d", 0.2), ("e", 0.1)]
    assert gif_library._floor(ranked, "e", 3) == [("a", 0.5), ("b", 0.4), ("e", 0.3), ("c", 0.3), ("d", 0.2)]
    assert gif_library._floor(ranked, "b", 3) == ranked          # already high enough
    assert gif_library._floor(ranked, "z", 3) == ranked          # not ranked at all
    assert gif_library._floor(ranked[:2], "b", 3) == ranked[:2]  # fewer rows than the floor


def test_a_description_named_only_by_facet_words_is_ranked_as_a_description(tmp_path):
    from knowledge import load_knowledge

    lib = GifLibrary(load_knowledge(validate=False), HashEmbedder(), tmp_path / "i", tmp_path / "g")
    assert lib._named("lying face down on a bench curling my heels to my butt") == []   # a leg curl
    assert lib._named("push ups on my knees")[0][0].id == "knee_push_up"
