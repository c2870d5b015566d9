"""Demonstration GIFs drawn by the project itself: a jointed mannequin posed from keyframes.

Why: stock exercise GIFs carry unclear licences. Each exercise gets an animated figure made here
from its movement pattern (one keyframe set per pattern, a few variants chosen by the exercise id),
with its equipment drawn, the path of the working joint traced, and its name as a caption. Angles
are global, in degrees: 0 points down, 90 forward (the figure faces right), 180 up, -90 back.
Frames interpolate the keyframes with an ease in / out, start → end → start; ends are held longer.
Output is reproducible: same exercise + same code → same bytes (no clock, no randomness).

Captions: the English name always; with `zh_font=` (the app passes `find_cjk_font()`: Noto Sans CJK
from the pip package `cvttf-notosanscjk-regular`) the Chinese name as a second line, otherwise the
English subtitle. Pillow's built-in font is Latin only.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .poses import POSE_SETS, choose_set

RENDER_VERSION = 1
SIZE = 192          # px, square
CAPTION_H = 34      # px reserved at the bottom for the caption
MAX_SCALE = 118     # px per body height: a standing figure is at most this tall
HOLD_MS, MOVE_MS = 450, 90   # frame durations at the ends / in between
STEPS = 6           # in-between frames per half cycle (2 keyframes → 12 frames, ≥3 → ≤ 16)
COLORS = 32         # adaptive palette size shared by all frames
# Segment lengths in body heights (Drillis & Contini proportions, rounded).
TRUNK, NECK, HEAD_R, UARM, FARM, THIGH, SHIN, FOOT, HEEL = 0.30, 0.04, 0.065, 0.17, 0.16, 0.245, 0.245, 0.11, 0.04
BG, FLOOR, NEAR, FAR, BODY, TRAIL = (255, 255, 255), (200, 200, 200), (38, 70, 140), (140, 165, 210), (30, 50, 100), (235, 140, 30)
STEEL, PLATE, WOOD, BAND, TEXT = (110, 110, 115), (40, 40, 40), (150, 120, 90), (60, 170, 90), (25, 25, 25)
BASE = dict(trunk=180, neck=0, thigh=0, shin=0, foot=90, uarm=0, farm=0, dx=0.0, dy=0.0)


def _dir(deg: float, mirror: bool = False) -> np.ndarray:
    r = math.radians(deg)
    return np.array([-math.sin(r) if mirror else math.sin(r), -math.cos(r)])


def _ik(shoulder: np.ndarray, target: np.ndarray, elbow_back: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Elbow and wrist positions reaching `target` with a two-link arm (clamped when out of reach)."""
    d = target - shoulder
    dist = min(float(np.linalg.norm(d)), UARM + FARM - 1e-4)
    dist = max(dist, abs(UARM - FARM) + 1e-4)
    u = d / (np.linalg.norm(d) or 1.0)
    a = (UARM ** 2 - FARM ** 2 + dist ** 2) / (2 * dist)
    h = math.sqrt(max(UARM ** 2 - a ** 2, 0.0))
    perp = np.array([-u[1], u[0]]) * (1 if elbow_back == (u[0] >= 0) else -1)
    elbow = shoulder + u * a + perp * h
    return elbow, shoulder + u * dist


def _pose(kf: dict, view: str) -> dict:
    """Joint positions (body heights, hip at the origin) for one keyframe."""
    p = {**BASE, **kf}
    side2 = {k: p.get(k + "2", p[k]) for k in ("thigh", "shin", "foot", "uarm", "farm")}
    if p.get("rel_arms"):
        for d in (p, side2):
            d["uarm"], d["farm"] = d["uarm"] + p["trunk"] - 180, d["farm"] + p["trunk"] - 180
    t = _dir(p["trunk"])
    j: dict[str, np.ndarray] = {"pelvis": np.zeros(2), "chest": t * TRUNK}
    j["head"] = j["chest"] + _dir(p["trunk"] + p["neck"]) * (NECK + HEAD_R)
    front = view == "front"
    across = np.array([-t[1], t[0]])  # perpendicular to the trunk, for the front view's shoulder width
    for suffix, angles, mirror in (("", p, False), ("2", side2, front)):
        sign = -1 if mirror else 1
        hip = j["pelvis"] + (np.array([0.065 * sign, 0.0]) if front else 0)
        sh = j["chest"] - across * (0.1 * sign if front else 0)
        knee = hip + _dir(angles["thigh"], mirror) * THIGH
        ankle = knee + _dir(angles["shin"], mirror) * SHIN
        heel = ankle + _dir(angles["foot"] - 90, mirror) * HEEL
        toe = heel + _dir(angles["foot"], mirror) * FOOT * (0.45 if front else 1)
        elbow = sh + _dir(angles["uarm"], mirror) * UARM
        wrist = elbow + _dir(angles["farm"], mirror) * FARM
        j.update({"hip" + suffix: hip, "shoulder" + suffix: sh, "knee" + suffix: knee, "ankle" + suffix: ankle,
                  "heel" + suffix: heel, "toe" + suffix: toe, "elbow" + suffix: elbow, "wrist" + suffix: wrist})
    return j


def _place(j: dict, spec: dict, kf: dict) -> dict:
    """Move a pose into the world: feet on the floor, hands on a bar, or the hip at a set height."""
    anchor = spec.get("anchor", "feet")
    feet = [j[k] for k in ("heel", "toe", "heel2", "toe2")]
    if anchor == "feet":
        shift = np.array([-j["ankle"][0], spec.get("ground", 0.0) - min(f[1] for f in feet)])
    elif anchor == "ground":
        shift = np.array([0.0, -min(f[1] for f in feet)])
    elif anchor == "hands":
        shift = -j["wrist"]
    else:
        shift = np.array([0.0, kf.get("hip_y", spec.get("hip_y", 0.45))])
    shift = shift + np.array([kf.get("dx", 0.0), kf.get("dy", 0.0)])
    out = {k: v + shift for k, v in j.items()}
    ik = kf.get("ik", spec.get("ik"))
    if ik not in (None, "none"):  # hands reach a point: "floor" (under the shoulder) or world (x, y)
        for s in spec.get("ik_sides", ("", "2")):
            sh = out["shoulder" + s]
            target = (np.array([sh[0] + kf.get("ik_dx", spec.get("ik_dx", 0.03)), 0.02]) if ik == "floor"
                      else np.array(ik, float))
            out["elbow" + s], out["wrist" + s] = _ik(sh, target)
    return out


def _ease(t: float) -> float:
    return 0.5 - 0.5 * math.cos(math.pi * t)


def _value(kf: dict, key: str):
    if key in kf:
        return kf[key]
    if key.endswith("2"):  # a far-side angle not given follows the near side
        return kf.get(key[:-1], BASE.get(key[:-1]))
    return BASE.get(key)


def _lerp(a: dict, b: dict, t: float) -> dict:
    out = {}
    for k in sorted(set(a) | set(b)):
        va, vb = _value(a, k), _value(b, k)
        va, vb = (vb if va is None else va), (va if vb is None else vb)
        numeric = isinstance(va, (int, float)) and isinstance(vb, (int, float))
        out[k] = va + (vb - va) * t if numeric else (vb if t >= 0.5 else va)
    return out


def frame_poses(spec: dict) -> tuple[list[dict], list[int]]:
    """Keyframes interpolated into (joint dicts, per-frame durations in ms)."""
    kfs = spec["frames"]
    cycle = kfs + [kfs[0]] if len(kfs) > 2 else [kfs[0], kfs[1], kfs[0]]
    steps = STEPS if len(kfs) <= 2 else max(2, 16 // (len(cycle) - 1))
    poses, durations = [], []
    for i in range(len(cycle) - 1):
        for s in range(steps):
            t = _ease(s / steps)
            kf = _lerp(cycle[i], cycle[i + 1], t)
            kf["rel_arms"] = spec.get("rel_arms", False)
            kf["dy"] = kf.get("dy", 0.0) + spec.get("hop", 0.0) * math.sin(math.pi * s / steps)
            poses.append(_place(_pose(kf, spec.get("view", "side")), spec, kf))
            durations.append(HOLD_MS if s == 0 else MOVE_MS)
    return poses, durations


# ---------------------------------------------------------------- equipment
def _kinds(equipment: tuple[str, ...]) -> set[str]:
    kinds = set()
    for e in equipment:
        if e in ("barbell", "ez_bar", "trap_bar", "smith_machine", "t_bar_row", "landmine"):
            kinds.add("bar")
        if e in ("cable_machine", "lat_pull_down_machine", "seated_row_machine"):
            kinds.add("cable")
        elif e.endswith("_machine"):
            kinds.add(e if e in ("smith_machine", "rowing_machine") else "machine")
        kinds.add({"dumbbell": "dumbbell", "kettlebells": "kettlebell", "medicine_ball": "medball",
                   "resistance_band": "band", "suspension_trainer": "strap", "weight_bench": "bench",
                   "preacher_bench": "bench", "back_extension_bench": "bench", "plyo_box": "box",
                   "pull_up_bar": "pullbar", "dip_station": "dipbars", "leg_raise_tower": "dipbars",
                   "assisted_pull_up_machine": "pullbar", "squat_rack": "rack", "stability_ball": "ball",
                   "foam_roller": "roller", "exercise_mat": "mat", "ab_wheel": "wheel", "landmine": "landmine",
                   "treadmill": "treadmill", "stationary_bike": "bike", "elliptical": "stepper",
                   "stair_climber": "stepper", "jump_rope": "rope", "battle_ropes": "waves",
                   "punching_bag": "bag"}.get(e, ""))
    return kinds - {""}


def _cable_point(spec: dict, poses: list[dict]) -> np.ndarray:
    w = np.array([p["wrist"] for p in poses])
    where = spec.get("line_to", "front")
    if where == "above":
        return np.array([w[0][0], w[:, 1].max() + 0.18])
    if where == "front_low":
        return np.array([max(w[:, 0].max(), poses[0]["toe"][0]) + 0.3, 0.06])
    if where == "front_high":
        return np.array([w[:, 0].max() + 0.3, w[:, 1].max() + 0.25])
    if where == "back":
        return np.array([min(p[0] for p in poses[0].values()) - 0.25, w[0][1]])
    return np.array([w[:, 0].max() + 0.35, w[0][1]])


def _fixed_props(kinds: set[str], spec: dict, poses: list[dict]) -> list[tuple]:
    """Static scenery as drawing primitives in world units: ('line'|'rect'|'circle', ...)."""
    p0, out = poses[0], []
    xs = [v[0] for p in poses for v in p.values()]
    if spec.get("anchor") != "hands":
        out.append(("line", (min(xs) - 1, 0), (max(xs) + 1, 0), FLOOR, 0.012))
    if "mat" in kinds:
        out.append(("rect", (min(xs) - 0.05, -0.012), (max(xs) + 0.05, 0.0), (120, 170, 190)))
    if spec.get("wall"):
        x = (min(p["hip"][0] for p in poses) - 0.08 if spec["wall"] == "behind"
             else max(p["wrist"][0] for p in poses) + 0.01)
        out.append(("line", (x, 0), (x, 1.3), STEEL, 0.02))
    if "rack" in kinds:
        for x in (p0["hip"][0] - 0.32, p0["hip"][0] + 0.38):
            out.append(("line", (x, 0), (x, 1.45), STEEL, 0.018))
    if "smith_machine" in kinds:
        out.append(("line", (p0["wrist"][0], 0), (p0["wrist"][0], 1.55), STEEL, 0.014))
    bench = spec.get("bench") or ("seat" if spec.get("anchor") == "hip" else "behind")
    if kinds & {"bench", "machine", "box", "bike", "rowing_machine"}:
        hip, sh = p0["hip"], p0["shoulder"]
        if "rowing_machine" in kinds:
            out += [("rect", (hip[0] - 0.7, 0.0), (hip[0] + 0.8, 0.04), STEEL), ("circle", (hip[0] + 0.85, 0.14), 0.12, PLATE)]
        elif "bike" in kinds:
            crank = np.mean([p["ankle"] for p in poses], axis=0)
            out += [("line", (hip[0], hip[1] - 0.05), tuple(crank), STEEL, 0.025),
                    ("line", tuple(crank), (crank[0] + 0.35, 0.0), STEEL, 0.03),
                    ("line", (crank[0] + 0.3, 0.0), tuple(p0["wrist"]), STEEL, 0.025),
                    ("circle", tuple(crank), 0.07, STEEL), ("rect", (hip[0] - 0.1, hip[1] - 0.06), (hip[0] + 0.08, hip[1] - 0.03), PLATE)]
        elif bench == "back":
            x0, x1 = sorted((sh[0] - 0.08, hip[0] + 0.12))
            top = min(hip[1], sh[1]) - 0.035
            out += [("rect", (x0, top - 0.05), (x1, top), WOOD), ("line", ((x0 + x1) / 2, top - 0.05), ((x0 + x1) / 2, 0), STEEL, 0.03)]
        elif bench in ("seat", "shoulders", "hands", "behind", "foot"):
            c = {"seat": hip, "shoulders": sh, "hands": p0["wrist"], "foot": p0["heel"],
                 "behind": np.array([hip[0] - 0.35, 0.4])}[bench]
            top = c[1] - (0.035 if bench in ("seat", "shoulders") else 0.0)
            x0, x1 = c[0] - 0.13, c[0] + 0.13
            out += [("rect", (x0, max(top - 0.05, 0)), (x1, top), WOOD), ("line", (c[0], top - 0.05), (c[0], 0), STEEL, 0.03)]
            if bench == "seat" and "machine" in kinds:  # backrest along the trunk, frame and stack behind
                back = hip + (sh - hip) * 1.05
                out += [("line", tuple(hip - [0.05, 0]), tuple(back - [0.05, 0]), WOOD, 0.05),
                        ("rect", (min(xs) - 0.3, 0), (min(xs) - 0.15, 0.7), STEEL)]
    elif spec.get("anchor") == "hip" and p0["hip"][1] > 0.2:  # someone seated needs a seat
        hip = p0["hip"]
        out.append(("rect", (hip[0] - 0.12, hip[1] - 0.085), (hip[0] + 0.12, hip[1] - 0.035), WOOD))
        out.append(("line", (hip[0], hip[1] - 0.085), (hip[0], 0), STEEL, 0.03))
    if "machine" in kinds and spec.get("anchor") != "hip":
        out.append(("rect", (min(xs) - 0.3, 0), (min(xs) - 0.15, 0.8), STEEL))
    if "box" in kinds and spec.get("box"):
        x = p0["ankle"][0] + 0.3
        out.append(("rect", (x, 0), (x + 0.35, spec["box"]), WOOD))
    if "ball" in kinds:
        j = p0[spec.get("ball", "hip")]
        out.append(("circle", (j[0], max(j[1] - 0.2, 0.17)), 0.17, (90, 150, 210)))
    if kinds & {"pullbar", "dipbars"}:
        w = p0["wrist"]
        top = "pullbar" in kinds and spec.get("anchor") == "hands" and w[1] >= p0["shoulder"][1]
        out += [("line", (w[0] - 0.2, w[1]), (w[0] + 0.2, w[1]), STEEL, 0.025),
                ("line", (w[0] - 0.2, w[1]), (w[0] - 0.2, w[1] + (0.3 if top else -1.4)), STEEL, 0.02)]
    if kinds & {"treadmill", "stepper"}:
        x0 = min(xs) - 0.15
        out += [("rect", (x0, -0.05), (max(xs) + 0.25, 0.0), PLATE),
                ("line", (max(xs) + 0.25, 0), (max(xs) + 0.12, 1.05), STEEL, 0.025)]
    if "bag" in kinds:
        x = max(p["wrist"][0] for p in poses) + 0.02
        out += [("rect", (x, 0.55), (x + 0.22, 1.25), (150, 40, 40)), ("line", (x + 0.11, 1.25), (x + 0.11, 1.6), STEEL, 0.01)]
    if "cable" in kinds:
        c = _cable_point(spec, poses)
        x = min(xs) - 0.2 if spec.get("line_to") == "above" else c[0] + 0.06  # overhead pulley: tower behind
        top = max(c[1] + 0.1, 1.3)
        out += [("line", (x, 0), (x, top), STEEL, 0.03), ("line", (x, c[1] + 0.04), tuple(c), STEEL, 0.02),
                ("rect", (x + 0.04, 0), (x + 0.19, 0.45), PLATE), ("circle", tuple(c), 0.03, STEEL)]
    return out


def _moving_props(kinds: set[str], spec: dict, pose: dict, poses: list[dict], phase: float) -> list[tuple]:
    """Props that follow the hands (or move with the frame): weights, cables, bands, ropes."""
    out, w, w2 = [], pose["wrist"], pose["wrist2"]
    front = spec.get("view") == "front"
    if "cable" in kinds or "band" in kinds or "strap" in kinds:
        if "strap" in kinds:
            c = np.array([poses[0]["wrist"][0] + 0.1, max(p["head"][1] for p in poses) + 0.45])
        elif "band" in kinds and "cable" not in kinds and spec.get("line_to", "feet") == "feet":
            c = pose["toe"] if not spec.get("band_to") else pose[spec["band_to"]]
        else:
            c = _cable_point(spec, poses)
        color = BAND if "band" in kinds and "cable" not in kinds else ((230, 190, 40) if "strap" in kinds else STEEL)
        out += [("line", tuple(c), tuple(w2), color, 0.01), ("line", tuple(c), tuple(w), color, 0.012)]
    if "landmine" in kinds:
        pivot = (poses[0]["toe"][0] + 0.9, 0.03)
        out += [("line", pivot, tuple(w), STEEL, 0.02), ("circle", tuple(w + (w - pivot) * -0.25), 0.07, PLATE)]
    elif "bar" in kinds:
        r = 0.07 if "ez_bar" in spec.get("name", "") else 0.095  # EZ bars carry smaller plates
        if front:
            out += [("line", tuple(w + [0.22, 0]), tuple(w2 - [0.22, 0]), STEEL, 0.015),
                    ("rect", tuple(w + [0.18, -r]), tuple(w + [0.24, r]), PLATE),
                    ("rect", tuple(w2 - [0.24, r]), tuple(w2 - [0.18, -r]), PLATE)]
        else:
            out += [("circle", tuple(w), r, PLATE), ("circle", tuple(w), 0.015, STEEL)]
    for hand, far in ((w2, True), (w, False)):
        if "dumbbell" in kinds:
            out.append(("circle", tuple(hand), 0.035, FAR if far else PLATE))
        if "kettlebell" in kinds:
            out += [("circle", tuple(hand + [0.0, -0.055]), 0.045, FAR if far else PLATE)]
    if "medball" in kinds:
        out.append(("circle", tuple((w + w2) / 2 + [0.03, 0.0]), 0.065, (170, 60, 40)))
    if "wheel" in kinds:
        out.append(("circle", tuple(w), 0.06, PLATE))
    if "roller" in kinds:
        j = (pose[spec.get("roller", "knee")] + pose["hip"]) / 2
        out.append(("circle", (j[0], 0.055), 0.055, (90, 150, 210)))
    if "rope" in kinds:
        low = phase < 0.5
        ctrl = np.array([w[0] + 0.05, -0.15 if low else pose["head"][1] + 0.35])
        out += [("curve", tuple(w), tuple(ctrl), tuple(w2), PLATE)]
    if "waves" in kinds:
        end = np.array([poses[0]["toe"][0] + 1.0, 0.05])
        pts = [w + (end - w) * s + [0, 0.05 * math.sin(2 * math.pi * (3 * s - phase)) * (1 - s)] for s in np.linspace(0, 1, 14)]
        out += [("poly", [tuple(p) for p in pts], PLATE)]
    return out


# ---------------------------------------------------------------- drawing
class _Canvas:
    def __init__(self, poses: list[dict], fixed: list[tuple]):
        pts = [v for p in poses for v in p.values()] + [np.array(q) for f in fixed if f[0] != "line" for q in f[1:3] if isinstance(q, tuple)]
        for f in fixed:  # floor lines are long; only their height counts
            if f[0] == "line":
                pts += [np.array([poses[0]["hip"][0], f[1][1]])]
        pts = np.array(pts)
        lo, hi = pts.min(0) - [0.08, 0.04], pts.max(0) + [0.08, 0.1]
        avail = np.array([SIZE - 12.0, SIZE - CAPTION_H - 10.0])
        self.scale = float(min(MAX_SCALE, *(avail / np.maximum(hi - lo, 1e-3))))
        centre = (lo + hi) / 2
        self.origin = np.array([SIZE / 2, (SIZE - CAPTION_H) / 2 + 2]) - centre * [self.scale, -self.scale]

    def px(self, p) -> tuple[int, int]:
        x, y = self.origin + np.array(p, float) * [self.scale, -self.scale]
        return int(round(x * 4)), int(round(y * 4))  # 2 fractional bits for cv2's sub-pixel drawing

    def w(self, units: float) -> int:
        return max(1, int(round(units * self.scale)))


def _draw(img: np.ndarray, cv: _Canvas, prims: list[tuple]) -> None:
    aa, sh = cv2.LINE_AA, 2
    for p in prims:
        kind = p[0]
        if kind == "line":
            cv2.line(img, cv.px(p[1]), cv.px(p[2]), p[3], cv.w(p[4]), aa, sh)
        elif kind == "rect":
            (x0, y0), (x1, y1) = cv.px(p[1]), cv.px(p[2])
            cv2.rectangle(img, (min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1)), p[3], -1, aa, sh)
        elif kind == "circle":
            cv2.circle(img, cv.px(p[1]), cv.w(p[2]) * 4, p[3], -1, aa, sh)
        elif kind in ("curve", "poly"):
            pts = [np.array(q) for q in p[1:4]] if kind == "curve" else [np.array(q) for q in p[1]]
            if kind == "curve":
                pts = [(1 - s) ** 2 * pts[0] + 2 * (1 - s) * s * pts[1] + s ** 2 * pts[2] for s in np.linspace(0, 1, 16)]
            arr = np.array([cv.px(q) for q in pts], np.int32)
            cv2.polylines(img, [arr], False, p[-1], 1, aa, sh)


def _figure(pose: dict, view: str) -> list[tuple]:
    th = 0.034
    prims = []
    for s, color in (("2", FAR), ("", NEAR)):
        chains = [(pose["hip" + s], pose["knee" + s], pose["ankle" + s]), (pose["heel" + s], pose["toe" + s]),
                  (pose["shoulder" + s], pose["elbow" + s], pose["wrist" + s])]
        if s == "":  # trunk and head sit between the far and near limbs
            prims.append(("line", tuple(pose["pelvis"]), tuple(pose["chest"]), BODY, th * (1.4 if view == "front" else 1.5)))
            if view == "front":
                prims += [("line", tuple(pose["hip2"]), tuple(pose["hip"]), BODY, th),
                          ("line", tuple(pose["shoulder2"]), tuple(pose["shoulder"]), BODY, th)]
            prims.append(("circle", tuple(pose["head"]), HEAD_R, BODY))
        for chain in chains:
            for a, b in zip(chain, chain[1:]):
                prims.append(("line", tuple(a), tuple(b), color, th if len(chain) == 3 else th * 0.7))
    return prims


def find_cjk_font() -> str | None:
    """A CJK-capable font file, or None: the packaged Noto Sans CJK (pip `cvttf-notosanscjk-regular`, OFL)
    first, so every install draws the same captions, then a few system fonts in a fixed order."""
    import importlib.util

    spec = importlib.util.find_spec("cvttf_NotoSansCJK_Regular")
    if spec and spec.origin:
        packaged = sorted(Path(spec.origin).parent.glob("*.otf"))
        if packaged:
            return str(packaged[0])
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                 "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                 "/usr/share/fonts/truetype/arphic/uming.ttc"):
        if Path(path).is_file():
            return path
    return None


def _caption(img: Image.Image, en: str, second: str, zh_font: str | None) -> None:
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, SIZE - CAPTION_H, SIZE, SIZE), fill=(244, 244, 246))
    for i, (text, font_path) in enumerate(((en, None), (second, zh_font))):
        for size in (13, 12, 11, 10, 9):
            font = ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default(size=size)
            if draw.textlength(text, font=font) <= SIZE - 8:
                break
        while text and draw.textlength(text, font=font) > SIZE - 8:
            text = text[:-2] + "…"
        draw.text((SIZE / 2, SIZE - CAPTION_H + 9 + i * 16), text, fill=TEXT if i == 0 else (90, 90, 90),
                  font=font, anchor="mm")


def render_gif(exercise, subtitle_en: str = "", zh_font: str | None = None, pose_set: str | None = None) -> bytes:
    """GIF bytes for one exercise (a knowledge.schema.Exercise or anything with the same fields).

    The keyframe set is chosen from the exercise's pattern and id unless `pose_set` names one.
    """
    spec = {**POSE_SETS[pose_set or choose_set(exercise.id, exercise.pattern)], "name": exercise.id}
    poses, durations = frame_poses(spec)
    kinds = _kinds(tuple(exercise.equipment)) | set(spec.get("props", ()))
    fixed = _fixed_props(kinds, spec, poses)
    cv = _Canvas(poses, fixed)
    trail_joint = spec.get("trail", "wrist")
    trail = [p[trail_joint] for p in poses]
    frames = []
    second = exercise.name.zh if zh_font else subtitle_en
    for i, pose in enumerate(poses):
        img = np.full((SIZE, SIZE, 3), BG, np.uint8)
        _draw(img, cv, fixed)
        for a, b in zip(trail, trail[1:] + trail[:1]):
            cv2.line(img, cv.px(a), cv.px(b), TRAIL, 1, cv2.LINE_AA, 2)
        _draw(img, cv, _figure(pose, spec.get("view", "side")))
        _draw(img, cv, _moving_props(kinds, spec, pose, poses, i / len(poses)))
        cv2.circle(img, cv.px(pose[trail_joint]), 10, TRAIL, -1, cv2.LINE_AA, 2)
        frame = Image.fromarray(img)
        _caption(frame, exercise.name.en, second, zh_font)
        frames.append(frame)
    strip = Image.new("RGB", (SIZE, SIZE * len(frames)))
    for i, f in enumerate(frames):
        strip.paste(f, (0, SIZE * i))
    palette = strip.quantize(colors=COLORS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    quant = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    buf = io.BytesIO()
    quant[0].save(buf, format="GIF", save_all=True, append_images=quant[1:], duration=durations, loop=0,
                  optimize=False, disposal=1)
    return buf.getvalue()


def render_key(exercise, zh_font: str | None = None) -> str:
    """Short hash of everything a GIF depends on; a changed key means the file must be re-rendered."""
    data = {"v": RENDER_VERSION, "id": exercise.id, "en": exercise.name.en, "zh": exercise.name.zh,
            "pattern": exercise.pattern, "equipment": list(exercise.equipment),
            "set": POSE_SETS[choose_set(exercise.id, exercise.pattern)], "font": Path(zh_font).name if zh_font else ""}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:10]
