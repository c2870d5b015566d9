"""Pose coach bench: rep-count error on the synthetic set, and MediaPipe frames per second.

python -m bench pose [--json] [--seeds 4] [--fps-frames 120] [--no-mediapipe]
The synthetic set is generated here (`synth_sequence`, also used by tests/tools): a 3-D stick
figure posed by joint-angle trajectories (cosine reps, pauses, partial reps, occlusions, a setup
phase), projected side-on or front-on, with Gaussian landmark noise. Count error compares
`tools.reps.count_reps` with the number of full reps generated, with the exercise given and detected.
clip_side / clip_front: MediaPipe end to end on the same figure rendered as a filled mannequin
(2 full reps + 1 partial, 640×480, 15 fps), counted/true. The last row runs MediaPipe Pose
(model_complexity=1, tracking mode) on 640×480 frames, warm-up then measured; pipeline_fps adds
frame checks and array conversion. The machine's load average is printed: other jobs slow it.
"""
from __future__ import annotations

import argparse
import time

import numpy as np

SEEDS = 4                   # sequences per exercise × view × noise level
NOISE_LEVELS = (0.003, 0.008, 0.015)   # landmark noise, fraction of image height (≈1.4 / 3.8 / 7.2 px at 480p)
FPS_FRAMES = 120            # measured MediaPipe frames (after 15 warm-up frames)
FPS_SIZE = (640, 480)

# Segment lengths in metres (adult ≈ 1.75 m).
HIP_W, SHO_W, TORSO, THIGH, SHIN, UARM, FARM, HAND = 0.10, 0.19, 0.50, 0.45, 0.43, 0.30, 0.27, 0.08
# Keyframes rest → far (deg). a: torso, from up toward forward. thigh: from down toward forward.
# knee / elbow: flexion (0 straight). arm_e: upper arm, from the torso's down axis toward arm_p plane
# (0 = forward, 90 = sideways). anchor: the point that stays fixed.
POSES = {
    "squat": dict(a=(5, 40), thigh=(0, 85), knee=(5, 105), arm_e=(10, 80), arm_p=0, elbow=(10, 10), anchor="feet"),
    "lunge": dict(a=(3, 8), thigh=(0, 85), knee=(5, 95), thigh_b=(0, -15), knee_b=(5, 95), arm_e=(5, 5),
                  arm_p=20, elbow=(10, 10), anchor="front"),
    "deadlift": dict(a=(3, 75), thigh=(0, 20), knee=(5, 25), arm_e="hang", arm_p=10, elbow=(5, 5), anchor="feet"),
    "push_up": dict(a=(69, 85), thigh="line", knee=(0, 0), arm_e=(90, -30), arm_p=40, elbow=(5, 95), anchor="wrists"),
    "biceps_curl": dict(a=(3, 3), thigh=(0, 0), knee=(5, 5), arm_e=(5, 15), arm_p=0, elbow=(10, 135), anchor="feet"),
    "shoulder_press": dict(a=(2, 2), thigh=(0, 0), knee=(5, 5), arm_e=(90, 170), arm_p=80, elbow=(90, 10),
                           anchor="feet"),
    "lat_pulldown": dict(a=(0, -10), thigh=(90, 90), knee=(90, 90), arm_e=(165, 45), arm_p=80, elbow=(15, 115),
                         anchor="hips"),
    "sit_up": dict(a=(-85, -10), thigh=(130, 130), knee=(100, 100), arm_e=(20, 20), arm_p=10, elbow=(140, 140),
                   anchor="hips"),
}
PARTIAL_DEPTH = 0.45        # phase reached by a partial rep: past 'leave', short of 'far' for every exercise


def _lerp(v, p: float) -> float:
    return v[0] + (v[1] - v[0]) * p if isinstance(v, tuple) else v


def _down(b: float) -> np.ndarray:
    """Unit vector in the sagittal plane, b degrees from straight down toward forward (+z)."""
    r = np.radians(b)
    return np.array([0.0, -np.cos(r), np.sin(r)])


def pose_points(exercise: str, p: float, p_arm2: float | None = None, *, stance_m: float = 0.0,
                form: dict | None = None) -> np.ndarray:
    """33 landmark positions (metres; x = figure's left, y = up, z = forward) at phase p ∈ [0, 1].

    form: keyframe overrides (e.g. {"knee": (5, 75)} for a shallow squat, {"sag": (0, 25)} for sagging
    hips in a push-up, {"valgus": (0, 0.08)} for knees caving in by 8 cm).
    """
    k = {**POSES[exercise], **(form or {})}
    a = np.radians(_lerp(k["a"], p))
    u, n, lat = np.array([0, np.cos(a), np.sin(a)]), np.array([0, -np.sin(a), np.cos(a)]), np.array([1.0, 0, 0])
    P = np.zeros((33, 3))
    sc = TORSO * u
    for s, sg in ((0, 1), (1, -1)):                     # 0 = left (+x), 1 = right
        P[23 + s] = sg * HIP_W * lat
        P[11 + s] = sc + sg * SHO_W * lat
        back = exercise == "lunge" and s == 1
        thigh = (-np.degrees(a) - _lerp(k.get("sag", 0), p) if k["thigh"] == "line"
                 else _lerp(k["thigh_b" if back else "thigh"], p))
        knee = _lerp(k["knee_b" if back else "knee"], p)
        P[25 + s] = P[23 + s] + THIGH * _down(thigh) + sg * stance_m * lat
        shin = _down(thigh - knee)
        P[27 + s] = P[25 + s] + SHIN * shin
        P[25 + s] -= sg * _lerp(k.get("valgus", 0), p) * lat    # knees drift toward the midline
        foot = _down(90 if k["anchor"] != "wrists" else thigh - knee + 90)   # flat on the floor unless on toes
        P[29 + s], P[31 + s] = P[27 + s] - 0.05 * foot + 0.04 * shin, P[27 + s] + 0.17 * foot + 0.04 * shin
        pa = p if (p_arm2 is None or s == 0) else p_arm2
        e = np.radians(np.degrees(a) if k["arm_e"] == "hang" else _lerp(k["arm_e"], pa))
        ef = e + np.radians(_lerp(k["elbow"], pa))
        q = np.radians(k["arm_p"])
        plane = n * np.cos(q) + sg * lat * np.sin(q)
        P[13 + s] = P[11 + s] + UARM * (-u * np.cos(e) + plane * np.sin(e))
        fore = -u * np.cos(ef) + plane * np.sin(ef)
        P[15 + s] = P[13 + s] + FARM * fore
        P[19 + s] = P[15 + s] + HAND * fore                     # index
        P[17 + s] = P[15 + s] + 0.8 * HAND * fore - sg * 0.02 * lat  # pinky
        P[21 + s] = P[15 + s] + 0.4 * HAND * fore + sg * 0.03 * lat  # thumb
        P[1 + 3 * s: 4 + 3 * s] = sc + 0.25 * u + 0.09 * n + sg * np.array([[0.015], [0.03], [0.045]]) * lat
        P[7 + s] = sc + 0.23 * u + 0.01 * n + sg * 0.075 * lat
        P[9 + s] = sc + 0.18 * u + 0.09 * n + sg * 0.025 * lat
    P[0] = sc + 0.22 * u + 0.11 * n
    anchor = {"feet": P[[27, 28]].mean(0), "front": P[27], "wrists": P[[15, 16]].mean(0), "hips": P[[23, 24]].mean(0)}
    return P - anchor[k["anchor"]]


def _phases(n_reps, rep_s, pause_s, bottom_pause_s, partial, fps, setup_s, tail_s, rng, alternate, occlude_after):
    """Per-frame phase (and second-arm phase), visibility scale, plus the count of full reps."""
    ph, ph2, seen = [], [], []

    def hold(p, dur, vis=1.0, p2=None):
        m = int(round(dur * fps))
        ph.extend([p] * m), ph2.extend([p if p2 is None else p2] * m), seen.extend([vis] * m)

    hold(0.3, setup_s / 2, 0.0)                       # out of frame / not yet visible
    m = int(round(setup_s / 2 * fps))
    for i in range(m):                                 # coming into the start position
        q = 0.3 * (1 - i / max(1, m - 1))
        ph.append(q), ph2.append(q), seen.append(1.0)
    hold(0.0, pause_s)
    full = 0
    for r in range(n_reps):
        depth = PARTIAL_DEPTH if r in partial else 1.0
        full += depth == 1.0
        dur = rep_s * rng.uniform(0.85, 1.15)
        m = int(round(dur * fps))
        arms = (0, 1) if alternate else (0,)
        for arm in arms:
            for i in range(m):
                q = depth * (1 - np.cos(2 * np.pi * i / m)) / 2
                if bottom_pause_s and i == m // 2:
                    hold(depth, bottom_pause_s, 1.0, depth if not alternate or arm else 0.0)
                ph.append(q if arm == 0 else 0.0), ph2.append(q if (arm == 1 or not alternate) else 0.0)
                seen.append(1.0)
            if alternate and arm == 0:
                hold(0.0, 0.25)
        hold(0.0, pause_s * rng.uniform(0.7, 1.3))
        if r in occlude_after:                         # someone walks past: nothing visible for 0.8 s
            hold(0.0, 0.8, 0.1)
            hold(0.0, 0.4)
    hold(0.0, tail_s)
    return np.array(ph), np.array(ph2), np.array(seen), full * (2 if alternate else 1)


def synth_sequence(exercise: str, n_reps: int = 5, *, view: str = "side", fps: float = 30.0, rep_s: float = 2.0,
                   pause_s: float = 0.6, bottom_pause_s: float = 0.0, partial: tuple = (), occlude: tuple = (),
                   noise: float = 0.004, setup_s: float = 1.0, tail_s: float = 0.6, aspect: float = 4 / 3,
                   alternate: bool = False, occlude_after: tuple = (), form: dict | None = None,
                   seed: int = 0) -> dict:
    """A synthetic landmark sequence with a known rep count.

    partial: indices of reps that stop at PARTIAL_DEPTH (not counted). occlude: (start_s, dur_s) intervals
    where every landmark's visibility drops to 0.1; occlude_after: rep indices followed by 0.8 s unseen.
    alternate: arms take turns (each arm's curl is a rep).
    Returns {image (T,33,4) normalised, world (T,33,4) metres hip-centred with visibility,
    times_s, exercise, true_reps, aspect, view}.
    """
    rng = np.random.default_rng(seed)
    ph, ph2, seen, true = _phases(n_reps, rep_s, pause_s, bottom_pause_s, set(partial), fps, setup_s, tail_s,
                                  rng, alternate, set(occlude_after))
    T = len(ph)
    times = np.arange(T) / fps
    yaw = np.radians({"side": 90.0, "front": 0.0}.get(view, view) if isinstance(view, str) else view)
    right, toward = np.array([np.cos(yaw), 0, np.sin(yaw)]), np.array([-np.sin(yaw), 0, np.cos(yaw)])
    P = np.stack([pose_points(exercise, ph[i], ph2[i], stance_m=0.08, form=form) for i in range(T)])
    cam = np.stack([P @ right, -P[..., 1], -(P @ toward)], -1)          # x right, y down, z away (metres)
    lo, hi = cam[..., :2].reshape(-1, 2).min(0), cam[..., :2].reshape(-1, 2).max(0)
    s = 0.8 / max(hi[1] - lo[1], (hi[0] - lo[0]) / aspect, 1.0)         # metres → image heights
    img = np.empty((T, 33, 4))
    img[..., 0] = 0.5 + (cam[..., 0] - (lo[0] + hi[0]) / 2) * s / aspect
    img[..., 1] = 0.5 + (cam[..., 1] - (lo[1] + hi[1]) / 2) * s
    img[..., 2] = cam[..., 2] * s / aspect
    img[..., :3] += rng.normal(0, noise, (T, 33, 3)) * np.array([1 / aspect, 1, 1 / aspect])
    depth_side = np.sign(np.array([1.0 if i in (1, 2, 3, 7, 9) or (i >= 11 and i % 2 == 1) else
                                   -1.0 if i else 0.0 for i in range(33)]) * toward[0])
    vis = np.where(depth_side > 0, 0.98, np.where(depth_side < 0, 0.75, 0.95))[None].repeat(T, 0)
    vis = vis * seen[:, None]
    for start, dur in occlude:
        vis[(times >= start) & (times < start + dur)] = 0.1
    img[..., 3] = vis
    hipc = cam[:, [23, 24]].mean(1, keepdims=True)
    world = np.concatenate([cam - hipc + rng.normal(0, noise / s, cam.shape), vis[..., None]], -1)
    return {"image": img, "world": world, "times_s": times, "exercise": exercise, "true_reps": int(true),
            "aspect": aspect, "view": view}


def synthetic_set(seeds: int = SEEDS) -> list[dict]:
    """The bench cases: each exercise × side/front × two noise levels, with pauses, a partial rep, occlusion."""
    cases = []
    for ex in POSES:
        for view in ("side", "front"):
            for noise in NOISE_LEVELS:
                for sd in range(seeds):
                    rng = np.random.default_rng(1000 + sd)
                    n = int(rng.integers(3, 9))
                    kw = dict(n_reps=n, view=view, noise=noise, seed=sd, rep_s=float(rng.uniform(1.2, 3.0)),
                              pause_s=float(rng.uniform(0.3, 1.5)), bottom_pause_s=float(rng.choice([0, 0, 0.8])),
                              partial=(int(rng.integers(0, n)),) if sd % 2 else ())
                    if sd % 3 == 2:      # a 0.8 s occlusion while at rest between two reps
                        kw["occlude_after"] = (int(rng.integers(0, n - 1)),)
                    cases.append({"exercise": ex, "view": view, "noise": noise, "kw": kw})
    return cases


def _count_error(cases: list[dict]) -> list[dict]:
    """Per exercise: exact-count rate and mean absolute error with the exercise given, and with it detected."""
    from tools.reps import count_reps

    rows = []
    for ex in POSES:
        errs, auto_errs, ok_det, frames, secs = [], [], 0, 0, 0.0
        mine = [c for c in cases if c["exercise"] == ex]
        for c in mine:
            seq = synth_sequence(ex, **c["kw"])
            t0 = time.perf_counter()
            given = count_reps(seq["image"], seq["times_s"], ex, world=seq["world"], aspect=seq["aspect"])
            secs += time.perf_counter() - t0
            auto = count_reps(seq["image"], seq["times_s"], None, world=seq["world"], aspect=seq["aspect"])
            frames += len(seq["times_s"])
            errs.append(abs(given["reps"] - seq["true_reps"]))
            auto_errs.append(abs(auto["reps"] - seq["true_reps"]) if auto["exercise"] == ex else seq["true_reps"])
            ok_det += auto["exercise"] == ex
        n = len(mine)
        rows.append({"exercise": ex, "cases": n, "exact_%": round(100 * sum(e == 0 for e in errs) / n, 1),
                     "mae_reps": round(float(np.mean(errs)), 3), "detect_%": round(100 * ok_det / n, 1),
                     "auto_exact_%": round(100 * sum(e == 0 for e in auto_errs) / n, 1),
                     "count_ms_per_frame": round(1000 * secs / max(frames, 1), 3)})
    return rows


def _clip(exercise: str, view: str, size=(640, 480), fps: float = 15.0) -> list:
    """Rendered mannequin frames: 2 full reps and 1 partial rep."""
    from tools.pose_overlay import render_figure

    seq = synth_sequence(exercise, 3, view=view, noise=0.0, fps=fps, aspect=size[0] / size[1], partial=(1,))
    return seq, [render_figure(seq["image"][i], size) for i in range(len(seq["times_s"]))]


def _clip_counts(rows: list[dict]) -> None:
    """MediaPipe end to end on rendered clips (side and front view): 'counted/true' per exercise."""
    from tools.pose import analyze_frames

    for row in rows:
        for view in ("side", "front"):
            seq, frames = _clip(row["exercise"], view)
            out = analyze_frames(frames, 15.0, row["exercise"])
            row[f"clip_{view}"] = f"{out['reps']}/{seq['true_reps']}" if out["frames_with_person"] else "no person"


def _mediapipe_fps(n_frames: int) -> dict:
    from tools.pose import PoseEstimator, extract_landmarks

    _, frames = _clip("squat", "side", FPS_SIZE, 30.0)
    frames = frames[::2]
    est = PoseEstimator()
    for f in frames[:15]:
        est.process(f)
    t0, hits = time.perf_counter(), 0
    for i in range(n_frames):
        hits += est.process(frames[i % len(frames)])["image"] is not None
    dt = time.perf_counter() - t0
    est.close()
    full = extract_landmarks(((i / 15, frames[i % len(frames)]) for i in range(n_frames)))["process_fps"]
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[0]
    return {"exercise": f"mediapipe {FPS_SIZE[0]}x{FPS_SIZE[1]}", "cases": n_frames,
            "fps": round(n_frames / dt, 1), "pipeline_fps": full, "ms_per_frame": round(1000 * dt / n_frames, 1),
            "person_%": round(100 * hits / n_frames, 1), "load_avg": load, "pass": n_frames / dt >= 20}


def main(argv: list[str] | None = None) -> None:
    from bench.table import emit

    ap = argparse.ArgumentParser(prog="python -m bench pose")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--seeds", type=int, default=SEEDS)
    ap.add_argument("--fps-frames", type=int, default=FPS_FRAMES)
    ap.add_argument("--no-mediapipe", action="store_true")
    args = ap.parse_args(argv)
    cases = synthetic_set(args.seeds)
    rows = _count_error(cases)
    if not args.no_mediapipe:
        _clip_counts(rows)
        rows.append(_mediapipe_fps(args.fps_frames))
    emit(rows, args.json)


if __name__ == "__main__":
    main()
