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
from tests.fakes import FakeOpenAIServer
from tools.equipment import (Prediction, RecognitionError, VLMRecognizer, decide, equipment_card,
                             parse_vlm_reply, recognize, vlm_schema)


def _photo_bytes() -> bytes:
    img = Image.fromarray(np.random.default_rng(0).integers(0, 255, (240, 320, 3), dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    return buf.getvalue()


def _answer(*pairs) -> str:
    return json.dumps({"candidates": [{"id": i, "confidence": c} for i, c in pairs]})


class Stub:
    name, accept_confidence = "stub", 0.5

    def __init__(self, pred):
        self.pred = pred

    def predict(self, image, k=3):
        return self.pred


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
    ok = recognize(_photo_bytes(), Stub(Prediction([("treadmill", 0.9), ("elliptical", 0.05)], 0.0, "stub")), kb)
    assert ok["status"] == "recognized" and ok["equipment_id"] == "treadmill"
    assert ok["card"]["id"] == "treadmill" and "treadmill" in ok["message"].lower()
    assert [c["id"] for c in ok["candidates"]] == ["treadmill", "elliptical"]
    json.dumps(ok, ensure_ascii=False)  # plain data all the way down
    unsure = recognize(_photo_bytes(), Stub(Prediction([("treadmill", 0.3), ("elliptical", 0.3)], 0.1, "s")), kb, "zh")
    assert unsure["status"] == "not_sure" and unsure["card"] is None and "跑步机" in unsure["message"]
    no = recognize(_photo_bytes(), Stub(Prediction([], 0.95, "s")), kb)
    assert no["status"] == "not_equipment" and no["equipment_id"] is None
    custom = recognize(_photo_bytes(), Stub(Prediction([("my_red_machine", 0.9)], 0.0, "s")), kb)
    assert custom["status"] == "recognized" and custom["card"] is None and not custom["candidates"][0]["in_catalog"]
    bad = recognize(b"not an image at all", Stub(None), kb, "zh")
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


def test_vlm_over_http_request_shape_and_answer(kb):
    with FakeOpenAIServer() as srv:
        srv.then(reply=_answer(("leg_press_machine", 0.82), ("hack_squat_machine", 0.1)))
        rec = VLMRecognizer.from_kb(OpenAICompatibleBackend(srv.base_url, "internvl2", timeout_s=5), kb)
        out = recognize(_photo_bytes(), rec, kb, "en")
    assert out["status"] == "recognized" and out["equipment_id"] == "leg_press_machine" and out["backend"] == "vlm"
    assert out["card"]["name_zh"] == kb.equipment["leg_press_machine"].name.zh
    body = srv.requests[0]["body"]
    assert srv.requests[0]["path"].endswith("/chat/completions") and body["model"] == "internvl2"
    parts = body["messages"][-1]["content"]
    image = [p for p in parts if p["type"] == "image_url"][0]["image_url"]["url"]
    assert image.startswith("data:image/jpeg;base64,")
    Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1]))).verify()
    schema = body["response_format"]["json_schema"]["schema"]
    enum = schema["properties"]["candidates"]["items"]["properties"]["id"]["enum"]
    assert set(enum) == set(kb.equipment) | {"none"} and schema == vlm_schema(sorted(kb.equipment))
    assert "leg_press_machine" in [p for p in parts if p["type"] == "text"][0]["text"]


def test_vlm_none_answer_is_not_equipment(kb):
    with FakeOpenAIServer() as srv:
        srv.then(reply=_answer(("none", 0.93)))
        rec = VLMRecognizer.from_kb(OpenAICompatibleBackend(srv.base_url, "m", timeout_s=5), kb)
        out = recognize(_photo_bytes(), rec, kb, "zh")
    assert out["status"] == "not_equipment" and out["none_confidence"] == 0.93 and "不像" in out["message"]


def test_vlm_retries_once_on_malformed_reply(kb):
    with FakeOpenAIServer() as srv:
        srv.then(reply="It is probably a treadmill!").then(reply=_answer(("treadmill", 0.9)))
        rec = VLMRecognizer.from_kb(OpenAICompatibleBackend(srv.base_url, "m", timeout_s=5), kb)
        pred = rec.predict(Image.new("RGB", (64, 64)))
    assert pred.candidates == [("treadmill", 0.9)] and pred.detail["attempts"] == 2
    retry = srv.requests[1]["body"]["messages"]
    assert retry[-2] == {"role": "assistant", "content": "It is probably a treadmill!"} and "JSON" in retry[-1]["content"]
    assert any(p.get("type") == "image_url" for p in retry[1]["content"])  # the image is still there


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


def test_lagent_adapter(tmp_path, kb):
    from tools.equipment import EquipmentRecognizer

    photo = tmp_path / "machine.jpg"
    photo.write_bytes(_photo_bytes())
    action = EquipmentRecognizer(Stub(Prediction([("rowing_machine", 0.8)], 0.0, "stub")), kb)
    out = action.run(str(photo), "zh")
    assert out["equipment_id"] == "rowing_machine" and out["card"]["name"] == kb.equipment["rowing_machine"].name.zh
    err = action.run(str(tmp_path / "missing.jpg"))
    assert err.errmsg and "not found" in err.errmsg
