"""tools.equipment: the open-set decision, catalog cards, and the VLM backend over real local HTTP."""
from __future__ import annotations

import base64
import io
import json
import time

import numpy as np
import pytest
from PIL import Image

from agent.backends import OpenAICompatibleBackend
from tests.fakes import FakeOpenAIServer, StubRecognizer
from tools.equipment import (TOP_K, UNCALIBRATED_ACCEPT, Prediction, RecognitionError, VLMCalibration,
                             VLMRecognizer, decide, equipment_card, parse_vlm_reply, recognize, vlm_schema)
from tools.vlm_prompt import closed_set_question, prompt_sha, vlm_catalog


def _photo_bytes() -> bytes:
    img = Image.fromarray(np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    return buf.getvalue()


def _answer(*pairs) -> str:
    return json.dumps({"candidates": [{"id": i, "confidence": c} for i, c in pairs]})


def test_decide_open_set():
    assert decide(Prediction([("treadmill", 0.8), ("rowing_machine", 0.1)], 0.05, "x")) == "recognized"
    assert decide(Prediction([("treadmill", 0.4), ("rowing_machine", 0.35)], 0.1, "x")) == "not_sure"
    assert decide(Prediction([("treadmill", 0.2)], 0.7, "x")) == "not_equipment"
    assert decide(Prediction([], 0.9, "x")) == "not_equipment"
    assert decide(Prediction([], 0.0, "x")) == "not_sure"
    assert decide(Prediction([("treadmill", 0.9)], 0.6, "x")) == "not_sure"  # both high: ask, don't guess


def test_card_comes_from_the_catalog(kb):
    card = equipment_card(kb, "leg_press_machine", "zh")
    eq = kb.equipment["leg_press_machine"]
    assert card["name"] == eq.name.zh and card["steps"] == list(eq.usage.zh) and card["safety"] == list(eq.safety.zh)
    assert card["mistakes"] == list(eq.mistakes.zh) and card["setup"] == list(eq.setup.zh)
    assert card["demo_exercise_ids"] == list(eq.exercises) and card["demo_exercise_ids"]
    assert all(m["name"] for m in card["muscles"]) and card["muscles"][0]["id"] in eq.muscles
    assert equipment_card(kb, "no_such_thing") is None


def test_recognize_statuses_and_bad_input(kb):
    ok = recognize(_photo_bytes(), StubRecognizer(Prediction([("treadmill", 0.9), ("elliptical", 0.05)], 0.0, "stub")), kb)
    assert ok["status"] == "recognized" and ok["equipment_id"] == "treadmill"
    assert ok["card"]["id"] == "treadmill" and "treadmill" in ok["message"].lower()
    assert [c["id"] for c in ok["candidates"]] == ["treadmill", "elliptical"]
    json.dumps(ok, ensure_ascii=False)  # plain data all the way down
    unsure = recognize(_photo_bytes(), StubRecognizer(Prediction([("treadmill", 0.3), ("elliptical", 0.3)], 0.1, "s")), kb, "zh")
    assert unsure["status"] == "not_sure" and unsure["card"] is None and "跑步机" in unsure["message"]
    no = recognize(_photo_bytes(), StubRecognizer(Prediction([], 0.95, "s")), kb)
    assert no["status"] == "not_equipment" and no["equipment_id"] is None
    custom = recognize(_photo_bytes(), StubRecognizer(Prediction([("my_red_machine", 0.9)], 0.0, "s")), kb)
    assert custom["status"] == "recognized" and custom["card"] is None and not custom["candidates"][0]["in_catalog"]
    bad = recognize(b"not an image at all", StubRecognizer(None), kb, "zh")
    assert bad["status"] == "error" and bad["error"] == "not_image" and "图片" in bad["message"]


def test_parse_vlm_reply():
    ids = {"treadmill", "rowing_machine"}
    cands, none = parse_vlm_reply("```json\n" + _answer(("rowing_machine", 0.2), ("treadmill", 0.7)) + "\n```", ids)
    assert cands == [("treadmill", 0.7), ("rowing_machine", 0.2)] and none == 0.0
    assert parse_vlm_reply('Sure! {"id": "treadmill", "confidence": 85}', ids)[0] == [("treadmill", 0.85)]
    assert parse_vlm_reply(_answer(("none", 0.9)), ids) == ([], 0.9)
    for bad in ("", "I think it is a treadmill", _answer(("spaceship", 0.9)), '{"candidates": "treadmill"}',
                _answer(("treadmill", "high")), _answer(("treadmill", 7.5e3)), "{not json"):
        with pytest.raises(ValueError):
            parse_vlm_reply(bad, ids)


def _vlm(url: str, kb, **kw) -> VLMRecognizer:
    """The recogniser the app builds, over the same HTTP backend class, against the fake server."""
    return VLMRecognizer.from_kb(OpenAICompatibleBackend(url, "internvl2", timeout_s=5), kb, **kw)


def test_vlm_over_http_request_shape_and_answer(kb):
    with FakeOpenAIServer() as srv:
        srv.then(reply=_answer(("leg_press_machine", 0.97), ("hack_squat_machine", 0.02)))
        out = recognize(_photo_bytes(), _vlm(srv.base_url, kb), kb, "en")
    assert out["status"] == "recognized" and out["equipment_id"] == "leg_press_machine" and out["backend"] == "vlm"
    assert out["card"]["name_zh"] == kb.equipment["leg_press_machine"].name.zh
    body = srv.requests[0]["body"]
    assert srv.requests[0]["path"].endswith("/chat/completions") and body["model"] == "internvl2"
    assert [m["role"] for m in body["messages"]] == ["user"]   # the whole instruction in the one user turn
    image_part, text_part = body["messages"][0]["content"]     # photo first, as "<image>\n" in the training data
    image = image_part["image_url"]["url"]
    assert image_part["type"] == "image_url" and image.startswith("data:image/jpeg;base64,")
    Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1]))).verify()
    assert body["response_format"]["type"] == "json_schema" and body["temperature"] == 0.0
    schema = body["response_format"]["json_schema"]["schema"]
    enum = schema["properties"]["candidates"]["items"]["properties"]["id"]["enum"]
    assert set(enum) == set(kb.equipment) | {"none"} and schema == vlm_schema(sorted(kb.equipment), TOP_K)
    assert text_part == {"type": "text", "text": closed_set_question(vlm_catalog(kb), TOP_K)}
    assert all(f"- {i}: {e.name.en}" in text_part["text"] for i, e in kb.equipment.items())


def test_uncalibrated_vlm_answers_confidently_only_when_near_certain(kb):
    """A self-reported 0.9 is not earned: without a calibration table it gets the picker."""
    with FakeOpenAIServer() as srv:
        srv.then(reply=_answer(("treadmill", 0.9), ("elliptical", 0.05)))
        srv.then(reply=_answer(("treadmill", UNCALIBRATED_ACCEPT)))
        rec = _vlm(srv.base_url, kb)
        unsure, sure = recognize(_photo_bytes(), rec, kb, "zh"), recognize(_photo_bytes(), rec, kb)
    assert rec.calibration is None and rec.accept_confidence == UNCALIBRATED_ACCEPT
    assert unsure["status"] == "not_sure" and unsure["card"] is None and "跑步机" in unsure["message"]
    assert [c["id"] for c in unsure["candidates"]] == ["treadmill", "elliptical"]
    assert sure["status"] == "recognized" and sure["equipment_id"] == "treadmill"


def test_isotonic_calibration_fit():
    raw = [0.99] * 20 + [0.9] * 10 + [0.8] * 10 + [0.5] * 10
    right = [True] * 19 + [False] + [True] * 8 + [False] * 2 + [True, False] * 5 + [False] * 10
    cal = VLMCalibration.fit(raw, right)
    assert cal.values == sorted(cal.values) and cal(0.99) == 0.95 and cal(0.9) == 0.8 and cal(0.5) == 0.0
    assert cal(0.3) == cal(0.5) and cal(0.95) == cal(0.9)          # between edges: the lower block, conservative
    assert cal.accept_at == 0.95 and cal.n == 50                      # adding the 0.8 block drops precision < 95%
    flipped = VLMCalibration.fit([0.6] * 10 + [0.95] * 10, [True] * 10 + [False] * 10)   # overconfident when wrong
    assert flipped.values == [0.5] and flipped.accept_at is None      # violators pooled: nothing earns a card
    few = VLMCalibration.fit([0.99] * 5 + [0.2] * 5, [True] * 5 + [False] * 5)
    assert few(0.99) == 1.0 and few.accept_at is None                 # right, but too few to trust
    with pytest.raises(ValueError):
        VLMCalibration.fit([0.9], [True, False])


def _calibration(kb, edges, values, accept_at, path=None):
    cal = VLMCalibration(edges, values, accept_at, prompt_sha(vlm_catalog(kb), TOP_K), "internvl2", 100)
    if path is not None:
        path.write_text(json.dumps(cal.to_dict()))
    return cal


def test_calibrated_vlm_over_http_statuses(kb, tmp_path):
    path = tmp_path / "vlm_calibration.json"
    _calibration(kb, [0.0, 0.7, 0.9], [0.1, 0.6, 0.97], 0.97, path)
    with FakeOpenAIServer() as srv:
        srv.then(reply=_answer(("leg_press_machine", 0.92), ("hack_squat_machine", 0.5)))
        srv.then(reply=_answer(("leg_press_machine", 0.8)))
        srv.then(reply=_answer(("none", 0.95), ("treadmill", 0.02)))
        rec = _vlm(srv.base_url, kb, calibration=str(path))     # what Services passes: the configured path
        sure, unsure, none = (recognize(_photo_bytes(), rec, kb) for _ in range(3))
    assert rec.calibration is not None and rec.accept_confidence == 0.97
    assert sure["status"] == "recognized" and sure["equipment_id"] == "leg_press_machine"
    assert [c["confidence"] for c in sure["candidates"]] == [0.97, 0.1] and "97%" in sure["message"]
    assert unsure["status"] == "not_sure" and unsure["candidates"][0]["confidence"] == 0.6
    assert none["status"] == "not_equipment"


def test_calibration_that_never_earns_a_card_and_stale_or_missing_tables(kb, tmp_path, caplog):
    never = VLMRecognizer.from_kb(None, kb, calibration=_calibration(kb, [0.0, 0.9], [0.2, 0.7], None))
    assert decide(Prediction([("treadmill", 1.0)], 0.0, "vlm"), never.accept_confidence) == "not_sure"
    stale = VLMCalibration([0.0], [0.99], 0.99, prompt_sha({"treadmill": "Treadmill"}, TOP_K))
    for cal in (stale, str(tmp_path / "missing.json"), "", None):
        rec = VLMRecognizer.from_kb(None, kb, calibration=cal)
        assert rec.calibration is None and rec.accept_confidence == UNCALIBRATED_ACCEPT
    assert "another catalog" in caplog.text and "missing.json" in caplog.text
    (tmp_path / "bad.json").write_text('{"kind": "platt"}')
    assert VLMRecognizer.from_kb(None, kb, calibration=str(tmp_path / "bad.json")).calibration is None


def test_vlm_none_answer_is_not_equipment(kb):
    with FakeOpenAIServer() as srv:
        srv.then(reply=_answer(("none", 0.93)))
        out = recognize(_photo_bytes(), _vlm(srv.base_url, kb), kb, "zh")
    assert out["status"] == "not_equipment" and out["none_confidence"] == 0.93 and "不像" in out["message"]


def test_vlm_retries_once_on_malformed_reply(kb):
    with FakeOpenAIServer() as srv:
        srv.then(reply="It is probably a treadmill!").then(reply=_answer(("treadmill", 0.9)))
        rec = VLMRecognizer.from_kb(OpenAICompatibleBackend(srv.base_url, "m", timeout_s=5), kb)
        pred = rec.predict(Image.new("RGB", (64, 64)))
    assert pred.candidates == [("treadmill", 0.9)] and pred.detail["attempts"] == 2
    retry = srv.requests[1]["body"]["messages"]
    assert retry[-2] == {"role": "assistant", "content": "It is probably a treadmill!"} and "JSON" in retry[-1]["content"]
    assert any(p.get("type") == "image_url" for p in retry[0]["content"])  # the image is still there


def test_vlm_gives_up_after_second_bad_reply_and_on_broken_bodies(kb):
    with FakeOpenAIServer() as srv:
        srv.then(reply="no idea").then(reply=_answer(("spaceship", 1.0)))
        srv.then(raw="{this is not json").then(status=503)
        rec = VLMRecognizer.from_kb(OpenAICompatibleBackend(srv.base_url, "m", timeout_s=5), kb)
        first = recognize(_photo_bytes(), rec, kb)
        second = recognize(_photo_bytes(), rec, kb)
        third = recognize(_photo_bytes(), rec, kb)
    assert first["status"] == "error" and first["error"] == "invalid" and len(srv.requests) == 4
    assert second["status"] == "error" and second["error"] == "unavailable"   # malformed HTTP body
    assert third["status"] == "error" and third["error"] == "unavailable"     # HTTP 503


def test_vlm_times_out_cleanly(kb):
    with FakeOpenAIServer() as srv:
        srv.then(delay_s=1.5, reply=_answer(("treadmill", 0.9))).then(delay_s=1.5, reply=_answer(("treadmill", 0.9)))
        slow_http = VLMRecognizer.from_kb(OpenAICompatibleBackend(srv.base_url, "m", timeout_s=0.3), kb)
        out = recognize(_photo_bytes(), slow_http, kb, "zh")
        assert out["status"] == "error" and out["error"] == "timeout" and "超时" in out["message"]
        # the recogniser's own deadline holds even when the backend would wait longer
        deadline = VLMRecognizer.from_kb(OpenAICompatibleBackend(srv.base_url, "m", timeout_s=30), kb, timeout_s=0.3)
        t0 = time.monotonic()
        with pytest.raises(RecognitionError) as info:
            deadline.predict(Image.new("RGB", (64, 64)))
        assert info.value.code == "timeout" and time.monotonic() - t0 < 1.0


def test_vlm_refuses_an_answer_from_a_text_only_fallback(kb):
    class SwitchedToTextOnly:   # like agent's FallbackBackend after the image server failed
        supports_images = False

        def chat(self, messages, max_tokens=256, temperature=0.0, json_schema=None):
            return _answer(("treadmill", 0.99))

    out = recognize(_photo_bytes(), VLMRecognizer.from_kb(SwitchedToTextOnly(), kb), kb)
    assert out["status"] == "error" and out["error"] == "unavailable"
