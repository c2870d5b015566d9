"""The data builder on generated photos: valid XTuner InternVL JSONL, disjoint split, checks, dedup, text pairs."""
from __future__ import annotations

import json
import re

import pytest
from PIL import Image

from finetune import build_dataset as bd
from tests.finetune.conftest import blob_image, save

CJK = re.compile(r"[\u4e00-\u9fff]")


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def built(photos, tmp_path, kb):
    out = tmp_path / "out"
    stats = bd.build_dataset(photos, out, kb, val_fraction=0.25, seed=1, with_text=True)
    return out, stats


def card_rows(rows):
    """The per-language card conversations (the closed-set choice records end in ':choice')."""
    return [r for r in rows if not r["id"].endswith(":choice")]


def test_records_follow_xtuner_internvl_format(built, kb):
    out, _ = built
    for split in ("train", "val"):
        rows = read_jsonl(out / f"{split}.jsonl")
        assert rows
        for row in rows:
            assert set(row) == {"id", "label", "image", "image_wh", "conversations"}
            assert row["label"] in kb.equipment or row["id"].startswith("none/")
            path = out / bd.IMAGE_DIR / row["image"]
            assert row["image"].startswith(f"{split}/{row['label']}/") and path.is_file()
            with Image.open(path) as im:
                assert im.mode == "RGB" and list(im.size) == row["image_wh"]
        for row in card_rows(rows):
            assert row["image"].endswith(".jpg")
            turns = row["conversations"]
            assert [t["from"] for t in turns] == ["human", "gpt"] * (len(turns) // 2) and len(turns) >= 4
            assert turns[0]["value"].startswith("<image>\n")
            assert sum("<image>" in t["value"] for t in turns) == 1
            assert all(t["value"].strip() for t in turns)
            assert row["label"] in turns[1]["value"]  # the identity answer names the catalog id
            questions = " ".join(t["value"] for t in turns[::2])
            assert bool(CJK.search(questions)) == row["id"].endswith(":zh")


def test_every_photo_gets_an_english_and_a_chinese_conversation(built):
    out, _ = built
    rows = [r for r in read_jsonl(out / "train.jsonl") if not r["id"].startswith("none/")]
    by_image = {}
    for row in rows:
        by_image.setdefault(row["image"], []).append(row["id"].rsplit(":", 1)[1])
    assert all(sorted(kinds) == ["choice", "en", "zh"] for kinds in by_image.values())
    zh = next(r for r in rows if r["id"].endswith(":zh"))
    assert "这是" in zh["conversations"][1]["value"]


def test_split_is_disjoint_stratified_and_ids_unique(built):
    out, stats = built
    train, val = read_jsonl(out / "train.jsonl"), read_jsonl(out / "val.jsonl")
    train_imgs = {r["image"].split("/", 1)[1] for r in train}
    val_imgs = {r["image"].split("/", 1)[1] for r in val}
    assert train_imgs and val_imgs and not train_imgs & val_imgs
    ids = [r["id"] for r in train + val]
    assert len(ids) == len(set(ids))
    for label, st in stats["labels"].items():
        assert st["train"] >= 1 and st["val"] >= 1, label  # 3+ usable photos each, val_fraction 0.25
    files_on_disk = {p.relative_to(out / "images").as_posix() for p in (out / "images").rglob("*.jpg")}
    assert files_on_disk == {r["image"] for r in train + val}


def test_image_checks_dedup_and_label_names(built):
    _, stats = built
    labels = stats["labels"]
    assert set(labels) == {"leg_press_machine", "treadmill", "dumbbell"}  # id, English name, Chinese name
    assert stats["unknown_labels"] == ["spaceship"]
    assert labels["treadmill"]["broken"] == 1 and labels["treadmill"]["small"] == 1
    assert labels["leg_press_machine"]["dup"] == 1  # the resized JPEG copy of lp0, dropped before the split
    assert labels["leg_press_machine"]["train"] + labels["leg_press_machine"]["val"] == 5
    assert labels["dumbbell"]["found"] == 3  # notes.txt is not an image


def test_split_is_deterministic_for_a_seed(photos, tmp_path, kb):
    a = bd.build_dataset(photos, tmp_path / "a", kb, val_fraction=0.25, seed=7)
    b = bd.build_dataset(photos, tmp_path / "b", kb, val_fraction=0.25, seed=7)
    assert a["labels"] == b["labels"]
    assert (tmp_path / "a/train.jsonl").read_text() == (tmp_path / "b/train.jsonl").read_text()


def test_hashes_match_near_copies_and_separate_different_pictures():
    img = blob_image(1)
    near = blob_image(1).resize((150, 120)).convert("L").convert("RGB")
    other = blob_image(2)
    for fn in (bd.dhash, bd.ahash):
        assert bd.hamming(fn(img), fn(near)) <= bd.HASH_BITS_DUP
        assert bd.hamming(fn(img), fn(other)) > 12
    assert 0 <= bd.dhash(img) < 2**64


def test_check_image_converts_to_rgb_and_rejects(tmp_path):
    rgba = Image.new("RGBA", (200, 200), (255, 0, 0, 0))
    img, problem = bd.check_image(save(rgba, tmp_path / "a.png"))
    assert problem == "" and img.mode == "RGB" and img.getpixel((5, 5)) == (255, 255, 255)  # transparent -> white
    img, _ = bd.check_image(save(blob_image(3).convert("P"), tmp_path / "p.png"))
    assert img.mode == "RGB"
    assert bd.check_image(save(blob_image(4, (100, 300)), tmp_path / "narrow.png"), min_side=128) == (None, "small")
    (tmp_path / "trunc.jpg").write_bytes((tmp_path / "a.png").read_bytes()[:60])
    assert bd.check_image(tmp_path / "trunc.jpg")[1] == "broken"


def test_split_keeps_one_each_side_and_single_photos_in_train():
    assert bd.split_train_val(["a"], 0.5, 0, "x") == (["a"], [])
    train, val = bd.split_train_val(list("abcdefghij"), 0.01, 0, "x")
    assert len(val) == 1 and len(train) == 9
    train, val = bd.split_train_val(list("ab"), 0.9, 0, "x")
    assert len(train) == 1 and len(val) == 1
    assert bd.split_train_val(list("abc"), 0.0, 0, "x") == (list("abc"), [])


def test_text_pairs_are_text_only_bilingual_and_cover_docs_exercises_foods(built):
    out, stats = built
    rows = read_jsonl(out / bd.TEXT_FILE)
    assert len(rows) == stats["text_pairs"] > 0
    assert {r["id"].split(":")[0] for r in rows} == {"doc", "exercise", "food"}
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"id", "conversations"}  # no "image": XTuner feeds a blank image for these
        assert [t["from"] for t in row["conversations"]] == ["human", "gpt"]
        assert all(t["value"].strip() and "<image>" not in t["value"] for t in row["conversations"])
    zh = [r for r in rows if r["id"].endswith(":zh")]
    assert zh and all(CJK.search(r["conversations"][0]["value"]) for r in zh)


def test_cli_prints_a_stats_table_and_rejects_bad_arguments(photos, tmp_path, capsys):
    bd.main(["--images", str(photos), "--out", str(tmp_path / "cli"), "--langs", "en"])
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["label", "found", "broken", "small", "dup", "train", "val"]
    assert "TOTAL" in out and "spaceship" in out
    assert not (tmp_path / "cli" / bd.TEXT_FILE).exists()
    assert all(r["id"].endswith((":en", ":choice")) for r in read_jsonl(tmp_path / "cli" / "train.jsonl"))
    assert "closed-set choice" in out and "answered \"none\"" in out
    bd.main(["--images", str(photos), "--out", str(tmp_path / "bare"), "--no-negatives"])
    assert not any(r["label"] == "none" for r in read_jsonl(tmp_path / "bare" / "train.jsonl"))
    assert not (tmp_path / "bare" / bd.IMAGE_DIR / "train" / "none").exists()
    for bad in (["--val-fraction", "1.5"], ["--langs", "fr"], ["--dup-bits", "99"]):
        with pytest.raises(SystemExit) as exc:
            bd.main(["--images", str(photos), "--out", str(tmp_path / "x"), *bad])
        assert exc.value.code == 2
    with pytest.raises(SystemExit):
        bd.main(["--images", str(tmp_path / "missing"), "--out", str(tmp_path / "x")])


def test_rebuilding_into_the_same_folder_leaves_no_stale_photos(photos, tmp_path, kb):
    out = tmp_path / "same"
    bd.build_dataset(photos, out, kb, val_fraction=0.5, seed=1)
    bd.build_dataset(photos, out, kb, val_fraction=0.25, seed=2)
    rows = read_jsonl(out / "train.jsonl") + read_jsonl(out / "val.jsonl")
    on_disk = {p.relative_to(out / "images").as_posix() for p in (out / "images").rglob("*.jpg")}
    assert on_disk == {r["image"] for r in rows}
    with pytest.raises(ValueError):
        bd.build_dataset(out / "images" / "train", out, kb)


def test_choice_records_ask_exactly_what_the_app_asks_and_parse_to_their_label(built, kb):
    from agent.backends import FakeBackend
    from tools.equipment import VLMRecognizer, parse_vlm_reply

    out, stats = built
    asked = VLMRecognizer.from_kb(FakeBackend(), kb).messages(Image.new("RGB", (64, 64)))
    (image_part, text_part), = [m["content"] for m in asked]
    assert image_part["type"] == "image_url"          # the photo comes first, as "<image>\n" does here
    rows = [r for split in ("train", "val") for r in read_jsonl(out / f"{split}.jsonl") if r["id"].endswith(":choice")]
    photos = {r["image"] for split in ("train", "val") for r in read_jsonl(out / f"{split}.jsonl")
              if r["label"] != "none"}
    assert {r["image"] for r in rows if r["label"] != "none"} == photos      # one choice record per photo
    for row in rows:
        question, answer = row["conversations"]
        assert question == {"from": "human", "value": "<image>\n" + text_part["text"]}
        cands, none = parse_vlm_reply(answer["value"], set(kb.equipment))
        if row["label"] == "none":
            assert cands == [] and none > 0.5
        else:
            assert [i for i, _ in cands] == [row["label"]] and none == 0.0
    nones = [r for r in rows if r["label"] == "none"]
    assert len(nones) == stats["none_examples"] >= 10 and all(r["image"].startswith("train/none/") for r in nones)
    assert not any(r["label"] == "none" for r in read_jsonl(out / "val.jsonl"))
