"""tools.video: frame sampling, temporal vote and timeline on generated clips; broken videos; live throttling."""
from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from tests.tools.test_gallery import draw_food, draw_machine, one_thread  # noqa: F401 (fixture)
from tools.equipment import Prediction, RecognitionError
from tools.video import FrameThrottle, LiveRecognizer, recognize_video, sample_frames, timeline, vote

FPS = 10
SCRIPT = (("treadmill", 3.0), ("stationary_bike", 3.0), ("food", 2.0))  # what is on screen, for how long


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """An 8 s MJPG clip: a drawn treadmill, then a bike, then a plate of food, with camera shake."""
    path = tmp_path_factory.mktemp("video") / "gym.avi"
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (320, 240))
    rng = np.random.default_rng(3)
    for kind, seconds in SCRIPT:
        for _ in range(int(seconds * FPS)):
            img = draw_food(rng) if kind == "food" else draw_machine(kind, rng)
            out.write(cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR))
    out.release()
    assert path.stat().st_size > 10_000
    return path


class ColourBackend:
    """Stub recogniser keyed on the drawing's colours: white plate → none, blue console → treadmill, red → bike."""

    name, accept_confidence = "colour", 0.5

    def __init__(self, flicker_at: int | None = None, fail_at: tuple[int, ...] = ()):
        self.n, self.flicker_at, self.busy_s, self.fail_at = 0, flicker_at, 0.0, fail_at

    def predict(self, image, k=3):
        time.sleep(self.busy_s)
        if self.n + 1 in self.fail_at or -1 in self.fail_at:
            self.n += 1
            raise RecognitionError("timeout", "scripted")
        a = np.asarray(image, np.int32)
        red = ((a[..., 0] > 150) & (a[..., 1] < 90) & (a[..., 2] < 90)).mean()
        blue = ((a[..., 2] > 120) & (a[..., 0] < 70)).mean()
        plate = (a > 236).all(-1).mean()
        self.n += 1
        if self.n == self.flicker_at:
            return Prediction([("rowing_machine", 0.6)], 0.0, "stub")
        if plate > 0.1:
            return Prediction([], 0.95, "stub")
        if blue > 0.01:
            return Prediction([("treadmill", 0.9)], 0.0, "stub")
        if red > 0.01:
            return Prediction([("stationary_bike", 0.85)], 0.0, "stub")
        return Prediction([], 0.95, "stub")


def test_uniform_and_scene_sampling(clip):
    frames, info = sample_frames(clip, mode="uniform", interval_s=1.0)
    assert [t for t, _ in frames] == [float(i) for i in range(8)] and info["duration_s"] == 8.0
    assert frames[0][1].shape == (240, 320, 3) and info["warnings"] == []
    scene, _ = sample_frames(clip, mode="scene", interval_s=2.0)
    times = [t for t, _ in scene]
    assert 3.0 in times and 6.0 in times  # the cuts are found between the 2 s samples
    capped, info = sample_frames(clip, mode="uniform", interval_s=0.5, max_frames=4)
    assert len(capped) == 4 and "frame_cap" in info["warnings"]
    short, info = sample_frames(clip, mode="uniform", max_seconds=2.0)
    assert [t for t, _ in short] == [0.0, 1.0, 2.0] and "truncated" in info["warnings"]


def test_vote_and_timeline():
    assert vote(["a", "a", "b", "a", "a"], [0.9, 0.9, 0.6, 0.9, 0.9]) == ["a"] * 5
    assert vote(["a", "b"], [0.5, 0.9]) == ["b", "b"]
    segs = timeline([0.0, 1.0, 2.0, 3.0], ["a", "a", "b", "b"], [0.8, 0.6, 0.9, 0.7], 4.0)
    assert segs == [{"label": "a", "start_s": 0.0, "end_s": 2.0, "frames": 2, "confidence": 0.7},
                    {"label": "b", "start_s": 2.0, "end_s": 4.0, "frames": 2, "confidence": 0.8}]


def test_timeline_with_vote_over_a_flicker(clip, kb):
    out = recognize_video(clip, ColourBackend(flicker_at=2), kb, "en", mode="uniform", interval_s=1.0)
    assert out["status"] == "ok" and out["frames_analysed"] == 8
    assert out["frames"][1]["label"] == "rowing_machine" and out["frames"][1]["voted"] == "treadmill"
    got = [(s["equipment_id"], s["start_s"], s["end_s"]) for s in out["timeline"]]
    assert got == [("treadmill", 0.0, 3.0), ("stationary_bike", 3.0, 6.0), (None, 6.0, 8.0)]
    assert [m["equipment_id"] for m in out["summary"]] == ["treadmill", "stationary_bike"]
    assert out["main"]["equipment_id"] == "treadmill" and out["main"]["card"]["steps"]


def test_broken_and_odd_videos(tmp_path, clip, kb):
    def run(path, **kw):
        return recognize_video(path, ColourBackend(), kb, "zh", mode="uniform", **kw)

    junk = tmp_path / "junk.mp4"
    junk.write_bytes(np.random.default_rng(0).bytes(20_000))
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    for path in (junk, empty):
        out = run(path)
        assert out["status"] == "error" and out["error"] in ("unreadable", "no_frames") and out["message"]
    assert run(tmp_path / "nope.mp4")["error"] == "missing"
    assert run(clip, max_bytes=1000)["error"] == "too_large"
    cut = tmp_path / "cut.avi"
    cut.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    half = run(cut)
    assert half["status"] in ("ok", "error")  # depends on the container; never a crash
    if half["status"] == "ok":
        assert half["duration_s"] < 8.0 and half["timeline"]
    long = run(clip, max_seconds=3.5)
    assert long["status"] == "ok" and long["duration_s"] <= 4.0 and "3" in long["warnings"][0]


def test_frame_throttle_and_live_recognizer(kb):
    th = FrameThrottle(0.1)
    assert th.try_start(now=10.0)
    th.done()
    assert not th.try_start(now=10.05) and th.try_start(now=10.11)
    th.done()
    backend = ColourBackend()
    live = LiveRecognizer(backend, kb, "en", min_interval_s=0.0, window=3)
    frame = cv2.cvtColor(np.asarray(draw_machine("treadmill", np.random.default_rng(0))), cv2.COLOR_RGB2BGR)
    first = live.submit(frame, bgr=True)
    assert first["status"] == "recognized" and first["equipment_id"] == "treadmill" and not first["skipped"]
    backend.busy_s = 0.3
    results = []
    worker = threading.Thread(target=lambda: results.append(live.submit(frame, bgr=True)))
    worker.start()
    time.sleep(0.1)
    skipped = live.submit(frame, bgr=True)   # arrives while the worker's frame is still running
    worker.join()
    assert skipped["skipped"] and not results[0]["skipped"] and backend.n == 2
    assert live.submit(np.zeros((5, 5, 3), np.uint8))["error"] == "too_small"


@pytest.mark.slow
def test_embedded_recogniser_on_generated_clip(tmp_path, clip, kb, one_thread):
    from tools.gallery import Gallery
    from tools.recognizer import EmbeddedRecognizer

    rng = np.random.default_rng(11)
    g = Gallery(tmp_path / "gym")
    for kind in ("treadmill", "stationary_bike"):
        g.enroll(kind, [draw_machine(kind, rng) for _ in range(3)])
    out = recognize_video(clip, EmbeddedRecognizer.from_kb(kb, g), kb, "zh", mode="scene", interval_s=1.0)
    assert out["status"] == "ok"
    ids = [s["equipment_id"] for s in out["timeline"]]
    assert ids == ["treadmill", "stationary_bike", None], out["timeline"]
    assert out["main"]["name"] == kb.equipment["treadmill"].name.zh


def test_recogniser_failures_in_a_video(clip, kb):
    some = recognize_video(clip, ColourBackend(fail_at=(4,)), kb, "en", mode="uniform")
    assert some["status"] == "ok" and some["frames"][3]["status"] == "error" and "1 frames" in some["warnings"][-1]
    assert [s["equipment_id"] for s in some["timeline"]][:2] == ["treadmill", "stationary_bike"]
    every = recognize_video(clip, ColourBackend(fail_at=(-1,)), kb, "zh", mode="uniform")
    assert every["status"] == "error" and every["error"] == "recognizer" and "识别器" in every["message"]
