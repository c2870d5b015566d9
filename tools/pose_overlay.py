"""Drawing for the pose coach: skeleton + rep-count overlay on frames, GIF/MP4 writers, and a
filled mannequin renderer.

Why here: the overlay video shows the user what was tracked and counted; the mannequin turns
synthetic landmarks into frames, so MediaPipe can be run end to end (tests, bench) without any
recorded footage. Text is drawn with OpenCV's Latin font: no CJK font ships with this stack, so the
overlay shows numbers and English labels and the Chinese cue text lives in the JSON result.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import cv2
import numpy as np

MIN_VISIBILITY = 0.5
# BlazePose connections (pairs of landmark indices), body only (face drawn as points).
CONNECTIONS = ((11, 12), (11, 13), (13, 15), (12, 14), (14, 16), (11, 23), (12, 24), (23, 24),
               (23, 25), (25, 27), (24, 26), (26, 28), (27, 29), (29, 31), (27, 31), (28, 30), (30, 32), (28, 32),
               (15, 19), (16, 20))
LEFT_COLOR, RIGHT_COLOR, JOINT_COLOR = (80, 200, 80), (60, 140, 255), (255, 255, 255)   # BGR
GIF_MAX_W, GIF_MAX_FPS = 320, 10      # px wide, frames per second: keeps a 30 s GIF under a few MB


def _px(lm: np.ndarray, w: int, h: int) -> np.ndarray:
    return np.stack([lm[:, 0] * w, lm[:, 1] * h], -1).round().astype(int)


def draw_skeleton(frame: np.ndarray, landmarks: np.ndarray | None,
                  min_visibility: float = MIN_VISIBILITY) -> np.ndarray:
    """Draw visible BlazePose landmarks (33×4, normalised) on a copy of a BGR frame."""
    out = frame.copy()
    if landmarks is None:
        return out
    h, w = out.shape[:2]
    pts, vis = _px(landmarks, w, h), landmarks[:, 3] >= min_visibility
    thick = max(1, round(min(w, h) / 160))
    for a, b in CONNECTIONS:
        if vis[a] and vis[b]:
            color = LEFT_COLOR if a % 2 and b % 2 else RIGHT_COLOR if not (a % 2 or b % 2) else JOINT_COLOR
            cv2.line(out, tuple(pts[a]), tuple(pts[b]), color, thick, cv2.LINE_AA)
    for i in range(33):
        if vis[i] and i >= 11:
            cv2.circle(out, tuple(pts[i]), thick + 1, JOINT_COLOR, -1, cv2.LINE_AA)
    return out


def draw_hud(frame: np.ndarray, lines: list[str], big: str = "") -> np.ndarray:
    """Write a big rep count and a few short lines of ASCII text in the top-left corner (in place)."""
    h, w = frame.shape[:2]
    k = min(w, h) / 480
    y = int(10 * k)
    if big:
        (tw, th), _ = cv2.getTextSize(big, cv2.FONT_HERSHEY_SIMPLEX, 1.6 * k, max(1, int(3 * k)))
        cv2.rectangle(frame, (0, 0), (tw + int(20 * k), th + int(24 * k)), (30, 30, 30), -1)
        cv2.putText(frame, big, (int(10 * k), th + int(12 * k)), cv2.FONT_HERSHEY_SIMPLEX, 1.6 * k, (255, 255, 255),
                    max(1, int(3 * k)), cv2.LINE_AA)
        y = th + int(30 * k)
    for line in lines:
        line = line.encode("ascii", "replace").decode()
        (tw, th), _ = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, 0.55 * k, 1)
        cv2.rectangle(frame, (0, y), (tw + int(12 * k), y + th + int(10 * k)), (30, 30, 30), -1)
        cv2.putText(frame, line, (int(6 * k), y + th + int(4 * k)), cv2.FONT_HERSHEY_SIMPLEX, 0.55 * k,
                    (255, 255, 255), 1, cv2.LINE_AA)
        y += th + int(12 * k)
    return frame


def write_gif(frames: Iterable[np.ndarray], path: str | Path, fps: float) -> str:
    """Write BGR frames as an animated GIF (downscaled to GIF_MAX_W, at most GIF_MAX_FPS)."""
    from PIL import Image

    step = max(1, int(round(fps / GIF_MAX_FPS)))
    imgs = []
    for i, f in enumerate(frames):
        if i % step:
            continue
        h, w = f.shape[:2]
        if w > GIF_MAX_W:
            f = cv2.resize(f, (GIF_MAX_W, round(h * GIF_MAX_W / w)), interpolation=cv2.INTER_AREA)
        imgs.append(Image.fromarray(cv2.cvtColor(f, cv2.COLOR_BGR2RGB)).quantize(64))
    if not imgs:
        raise ValueError("no frames to write")
    imgs[0].save(path, save_all=True, append_images=imgs[1:], duration=int(1000 * step / fps), loop=0)
    return str(path)


def write_mp4(frames: Iterable[np.ndarray], path: str | Path, fps: float) -> str:
    """Write BGR frames as MP4 (OpenCV 'mp4v'; browsers may need H.264, which OpenCV's wheel lacks)."""
    writer = None
    for f in frames:
        if writer is None:
            h, w = f.shape[:2]
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
        writer.write(f)
    if writer is None:
        raise ValueError("no frames to write")
    writer.release()
    return str(path)


# ---------------------------------------------------------------- mannequin
SKIN, SHIRT, PANTS, SHOE, HAIR = (150, 180, 225), (160, 90, 40), (70, 60, 50), (40, 40, 40), (40, 50, 60)
LIMBS = (((11, 13), 0.055, SHIRT), ((13, 15), 0.042, SKIN), ((15, 19), 0.035, SKIN),
         ((23, 25), 0.085, PANTS), ((25, 27), 0.065, PANTS), ((29, 31), 0.04, SHOE), ((27, 29), 0.045, SHOE))


def render_figure(landmarks: np.ndarray, size: tuple[int, int] = (640, 480), bg: tuple = (215, 220, 225)) -> np.ndarray:
    """A filled human figure (head with face, torso, limbs) drawn from 33×4 normalised landmarks, BGR."""
    w, h = size
    img = np.full((h, w, 3), bg, np.uint8)
    p = np.stack([landmarks[:, 0] * w, landmarks[:, 1] * h], -1)
    z = landmarks[:, 2]
    sho, hip = p[[11, 12]].mean(0), p[[23, 24]].mean(0)
    unit = float(np.linalg.norm(sho - hip)) / 0.29        # torso ≈ 0.29 body heights → px per body height
    parts = []                                            # (depth, draw function)
    for side in (0, 1):
        for (a, b), width, color in LIMBS:
            a, b = a + side, b + side
            shade = tuple(int(c * (0.8 if side else 1.0)) for c in color)
            parts.append(((z[a] + z[b]) / 2, lambda a=a, b=b, t=width, c=shade: cv2.line(
                img, tuple(p[a].astype(int)), tuple(p[b].astype(int)), c, max(2, int(t * unit)), cv2.LINE_AA)))
    poly = p[[11, 12, 24, 23]].astype(np.int32)

    def trunk():
        cv2.fillConvexPoly(img, poly, SHIRT, cv2.LINE_AA)
        cv2.line(img, tuple(sho.astype(int)), tuple(hip.astype(int)), SHIRT, max(3, int(0.15 * unit)), cv2.LINE_AA)
        cv2.line(img, tuple(p[23].astype(int)), tuple(p[24].astype(int)), PANTS, max(3, int(0.1 * unit)), cv2.LINE_AA)

    parts.append((float(z[[11, 12, 23, 24]].mean()), trunk))
    head = (p[0] + p[[7, 8]].mean(0)) / 2
    parts.append((z[0], lambda: _head(img, p, head, unit)))
    for _, draw in sorted(parts, key=lambda d: -d[0]):    # far first
        draw()
    return img


def _head(img: np.ndarray, p: np.ndarray, c: np.ndarray, unit: float) -> None:
    """Head disc with hair, eyes and mouth at the landmark positions (helps the face-based detector)."""
    r = max(4, int(0.065 * unit))
    cv2.line(img, tuple(c.astype(int)), tuple(p[[11, 12]].mean(0).astype(int)), SKIN, max(2, int(0.05 * unit)))
    cv2.circle(img, tuple(c.astype(int)), r, SKIN, -1, cv2.LINE_AA)
    top = c + (c - p[[9, 10]].mean(0)) * 0.9
    cv2.circle(img, tuple(top.astype(int)), int(r * 0.8), HAIR, -1, cv2.LINE_AA)
    cv2.circle(img, tuple(c.astype(int)), int(r * 0.85), SKIN, -1, cv2.LINE_AA)
    for i in (2, 5):
        cv2.circle(img, tuple(p[i].astype(int)), max(1, r // 6), (30, 30, 30), -1, cv2.LINE_AA)
    cv2.line(img, tuple(p[9].astype(int)), tuple(p[10].astype(int)), (60, 60, 150), max(1, r // 8), cv2.LINE_AA)
