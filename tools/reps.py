"""Rep counting from pose landmarks: joint angles, One-Euro smoothing, visibility gating,
hysteresis state machines per exercise, and exercise detection from the motion.

Why a separate engine: it never imports MediaPipe. It consumes per-frame landmark arrays in the
BlazePose layout (33 × [x, y, z, visibility]; image coordinates normalised to [0, 1], or metric
"world" coordinates) plus timestamps, so synthetic sequences test it exactly; the webcam coach
(`tools.pose.LiveCoach`) smooths frame by frame with the same causal filter and recounts with
`count_from_features`, so live and video counts agree.
"""
from __future__ import annotations

import math
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import numpy as np

# BlazePose landmark indices (left, right) used here.
SHOULDER, ELBOW, WRIST, HIP, KNEE, ANKLE = (11, 12), (13, 14), (15, 16), (23, 24), (25, 26), (27, 28)
MIN_VISIBILITY = 0.5      # below this a landmark counts as not seen (MediaPipe visibility score)
ARM_S = 0.3               # s the start position must be held before counting (setting-up gate)
LOST_S = 2.0              # s without the key joints before the counter must re-arm
MAX_REP_S = 12.0          # s; a longer excursion is not a rep (user sat down, walked off)
MIN_REP_S = 0.35          # s; a faster cycle is jitter
MIN_ROM_DEG = 30.0        # deg; a smaller observed range is fidgeting, never calibrated into reps


@dataclass(frozen=True)
class RepSpec:
    """One exercise: the angle that drives counting and its hysteresis thresholds (degrees)."""
    key: str
    name_en: str
    name_zh: str
    signal: str               # feature from compute_features
    rest_high: bool           # the start position has the larger angle
    rest_deg: float           # back past this → at rest (rep closes)
    leave_deg: float          # past this → an attempt started (partial if far_deg is never reached)
    far_deg: float            # past this → the rep is deep enough to count
    gate: str = ""            # extra posture condition, see posture_ok
    arm_either_end: bool = False   # may start at the far end (deadlift from the floor)
    knowledge_id: str | None = None


SPECS: dict[str, RepSpec] = {s.key: s for s in (
    RepSpec("squat", "Squat", "深蹲", "knee", True, 155, 145, 115, knowledge_id="bodyweight_squat"),
    RepSpec("push_up", "Push-up", "俯卧撑", "elbow", True, 150, 140, 105, gate="horizontal",
            knowledge_id="push_up"),
    RepSpec("biceps_curl", "Biceps curl", "二头弯举", "elbow_min", True, 140, 125, 75,
            knowledge_id="dumbbell_curl"),
    RepSpec("shoulder_press", "Shoulder press", "肩上推举", "elbow", False, 110, 120, 150, gate="overhead",
            knowledge_id="standing_dumbbell_shoulder_press"),
    RepSpec("lunge", "Lunge", "弓步蹲", "knee_min", True, 150, 140, 115,
            knowledge_id="bodyweight_reverse_lunge"),
    RepSpec("deadlift", "Deadlift / hip hinge", "硬拉/髋铰链", "hip", True, 155, 145, 125, arm_either_end=True,
            knowledge_id="romanian_deadlift"),
    RepSpec("lat_pulldown", "Lat pulldown", "高位下拉", "elbow", True, 145, 135, 100, gate="overhead",
            knowledge_id="lat_pulldown"),
    RepSpec("sit_up", "Sit-up", "仰卧起坐", "hip", True, 115, 105, 80),
)}


def exercise_info(key: str) -> dict:
    """Names and knowledge-base id of a pose exercise key (knowledge_id falls back to the key)."""
    s = SPECS[key]
    return {"key": key, "name": {"en": s.name_en, "zh": s.name_zh}, "knowledge_id": s.knowledge_id or key}


# ---------------------------------------------------------------- angles
def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle ABC in degrees over the last axis."""
    v1, v2 = a - b, c - b
    cos = (v1 * v2).sum(-1) / (np.linalg.norm(v1, axis=-1) * np.linalg.norm(v2, axis=-1) + 1e-9)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def landmark_xyz(points: np.ndarray, aspect: float = 1.0, metric: bool = False) -> np.ndarray:
    """(…, 33, 3) in one unit: image coordinates with x scaled by width/height and z dropped (2-D),
    or metric world coordinates as they are (3-D)."""
    p = np.asarray(points, float)[..., :3].copy()
    if not metric:
        p[..., 0] *= aspect
        p[..., 2] = 0.0
    return p


def _in_plane_weight(v1: np.ndarray, v2: np.ndarray) -> np.ndarray:
    """How far a 2-D image angle can be trusted, from the two 3-D segments of the joint: 1 when both
    segments lie within ~18° of the image plane and so does the plane they bend in, 0 past ~32°."""
    def ramp(x):
        return np.clip((x - 0.85) / 0.1, 0.0, 1.0)

    n1, n2 = np.linalg.norm(v1, axis=-1) + 1e-9, np.linalg.norm(v2, axis=-1) + 1e-9
    seg = ramp(np.minimum(np.hypot(v1[..., 0], v1[..., 1]) / n1, np.hypot(v2[..., 0], v2[..., 1]) / n2))
    n = np.cross(v1, v2)
    sin = np.linalg.norm(n, axis=-1) / (n1 * n2)
    bend = ramp(np.abs(n[..., 2]) / (np.linalg.norm(n, axis=-1) + 1e-12))
    k = np.clip((sin - 0.15) / 0.2, 0.0, 1.0)          # a nearly straight joint has no reliable bend plane
    return seg * (k * bend + (1 - k))


def compute_features(image: np.ndarray, world: np.ndarray | None = None, *, aspect: float = 1.0,
                     min_visibility: float = MIN_VISIBILITY) -> dict[str, np.ndarray]:
    """Per-frame joint angles (deg) and posture measures; NaN where the joints are not visible.

    image: (T, 33, 4) or (33, 4) normalised image landmarks (visibility is read from here).
    world: the matching metric 3-D landmarks, optional. With it, each angle blends the 2-D image
    angle (exact when the limb moves in the image plane, e.g. a squat filmed from the side) with the
    3-D angle (needed when the limb points at the camera), by how far the limb leaves the image plane;
    posture measures then come from 3-D. aspect: image width / height.
    """
    img = np.asarray(image, float)
    img = img[None] if img.ndim == 2 else img
    p2, vis = landmark_xyz(img, aspect), img[..., 3] >= min_visibility
    p3 = None
    if world is not None:
        p3 = landmark_xyz(np.asarray(world, float).reshape(img.shape), metric=True)
    pp = p3 if p3 is not None else p2                         # posture measures

    def torso(p):
        tv = np.where((vis[:, SHOULDER] & vis[:, HIP])[..., None], p[:, SHOULDER] - p[:, HIP], np.nan)
        return np.nanmean(tv, 1)                              # mid-hip → mid-shoulder, one side if need be

    def angle(a, b, c, p):
        return _angle(a(p), b(p), c(p))

    def joint(a, b, c, ok):
        """a, b, c: functions of a point array giving the three points."""
        ang = angle(a, b, c, p2)
        if p3 is not None:
            w = _in_plane_weight(a(p3) - b(p3), c(p3) - b(p3))
            ang = w * ang + (1 - w) * angle(a, b, c, p3)
        return np.where(ok, ang, np.nan)

    f: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"), _quiet():
        t2, t3 = torso(p2), torso(p3) if p3 is not None else None
        t = t3 if t3 is not None else t2
        tlen = np.linalg.norm(t, axis=-1)
        f["incline"] = np.degrees(np.arccos(np.clip(-t[:, 1] / (tlen + 1e-9), -1, 1)))  # 0 upright, 90 lying
        for s in (0, 1):
            lr = "lr"[s]
            pt = lambda i: (lambda p: p[:, i])  # noqa: E731
            for name, (a, b, c) in {"knee": (HIP, KNEE, ANKLE), "elbow": (SHOULDER, ELBOW, WRIST),
                                    "shoulder": (HIP, SHOULDER, ELBOW)}.items():
                ok = vis[:, a[s]] & vis[:, b[s]] & vis[:, c[s]]
                f[f"{name}_{lr}"] = joint(pt(a[s]), pt(b[s]), pt(c[s]), ok)
            # hip angle against the torso midline: shoulders wider than hips would skew a same-side angle
            up = lambda p, s=s: p[:, HIP[s]] + (t2 if p is p2 else t3)  # noqa: E731
            ok = vis[:, HIP[s]] & vis[:, KNEE[s]] & np.isfinite(tlen)
            f[f"hip_{lr}"] = joint(up, pt(HIP[s]), pt(KNEE[s]), ok)
        for name in ("knee", "hip", "elbow", "shoulder"):
            both = np.stack([f[f"{name}_l"], f[f"{name}_r"]])
            f[name], f[f"{name}_min"] = np.nanmean(both, 0), np.nanmin(both, 0)
        f["hip_asym"] = np.abs(f["hip_l"] - f["hip_r"])
        wu, fu = [], []
        for s in (0, 1):
            arm = vis[:, SHOULDER[s]] & vis[:, ELBOW[s]] & vis[:, WRIST[s]]
            wr, el, sh = pp[:, WRIST[s]], pp[:, ELBOW[s]], pp[:, SHOULDER[s]]
            wu.append(np.where(arm, (sh[:, 1] - wr[:, 1]) / (tlen + 1e-9), np.nan))
            fu.append(np.where(arm, (el[:, 1] - wr[:, 1]) / (np.linalg.norm(wr - el, axis=-1) + 1e-9), np.nan))
        f["wrist_up"] = np.nanmean(np.stack(wu), 0)            # > 0: wrists above shoulders (torso lengths)
        f["forearm_up"] = np.nanmean(np.stack(fu), 0)          # 1: forearms vertical, hands up
    return f


@contextmanager
def _quiet():
    """Silence numpy's all-NaN slice warnings (NaN is the intended 'not seen' value)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


# ---------------------------------------------------------------- smoothing
class OneEuro:
    """One-Euro filter (Casiez et al. 2012) for one signal; NaN passes through, gaps reset it."""

    def __init__(self, min_cutoff: float = 1.5, beta: float = 0.05, d_cutoff: float = 1.0, reset_gap_s: float = 0.5):
        self.min_cutoff, self.beta, self.d_cutoff, self.reset_gap_s = min_cutoff, beta, d_cutoff, reset_gap_s
        self.t = self.x = None
        self.dx = 0.0

    @staticmethod
    def _alpha(cutoff: float, dt: float) -> float:
        return 1.0 / (1.0 + 1.0 / (2 * math.pi * cutoff * dt))

    def __call__(self, t: float, x: float) -> float:
        if x is None or not math.isfinite(x):
            return math.nan
        if self.t is None or t - self.t > self.reset_gap_s or t <= self.t:
            if self.t is not None and t <= self.t:      # repeated timestamp: keep the state
                return self.x
            self.t, self.x, self.dx = t, x, 0.0
            return x
        dt = t - self.t
        dx = (x - self.x) / dt
        self.dx += self._alpha(self.d_cutoff, dt) * (dx - self.dx)
        cutoff = self.min_cutoff + self.beta * abs(self.dx)
        self.x += self._alpha(cutoff, dt) * (x - self.x)
        self.t = t
        return self.x


def smooth_signal(values: np.ndarray, times_s: np.ndarray, **kw) -> np.ndarray:
    """Offline One-Euro pass, identical to what the live coach applies frame by frame."""
    f = OneEuro(**kw)
    return np.array([f(float(t), float(v)) for t, v in zip(times_s, values)])


def smooth_features(features: dict[str, np.ndarray], times_s: np.ndarray) -> dict[str, np.ndarray]:
    return {k: smooth_signal(v, times_s) for k, v in features.items()}


# ---------------------------------------------------------------- counting
def posture_ok(spec: RepSpec, f: dict, i: int) -> bool:
    """Posture condition under which the signal means this exercise (else the frame is not counted)."""
    if spec.gate == "horizontal":
        return f["incline"][i] > 45          # body roughly horizontal (push-up plank)
    if spec.gate == "overhead":
        return f["forearm_up"][i] > 0.3      # hands above elbows (press / pulldown)
    return True


class RepCounter:
    """Hysteresis state machine: setup → rest → moving → far → rest (= one rep).

    Works in 'depth' units d (= angle, negated when the rest position is the small angle), so every
    exercise goes rest (high d) → far (low d). Frames with invalid input hold the state; a gap longer
    than LOST_S sends it back to setup, which needs the start position held for ARM_S.
    """

    def __init__(self, spec: RepSpec, thresholds: dict | None = None):
        self.spec, th = spec, thresholds or {"rest_deg": spec.rest_deg, "leave_deg": spec.leave_deg,
                                             "far_deg": spec.far_deg}
        sg = 1.0 if spec.rest_high else -1.0
        self.sign, self.rest, self.leave, self.far = sg, sg * th["rest_deg"], sg * th["leave_deg"], sg * th["far_deg"]
        self.state, self.arm_t, self.last_valid_t, self.rest_t = "setup", None, None, None
        self.reps: list[dict] = []
        self.partials: list[dict] = []
        self._ext = None   # (d_min, t_at_min, d_max) during the current attempt
        self._peak = -math.inf   # highest d while at rest (the start-side extreme)

    @property
    def count(self) -> int:
        return len(self.reps)

    def update(self, t: float, value: float, valid: bool = True) -> dict | None:
        """Feed one frame; returns the rep or partial-rep record when one just closed."""
        if not valid or value is None or not math.isfinite(value):
            if self.state != "setup" and self.last_valid_t is not None and t - self.last_valid_t > LOST_S:
                self.state, self.arm_t = "setup", None
            if self.state == "setup":
                self.arm_t = None
            return None
        self.last_valid_t = t
        d = self.sign * value
        if self.state == "setup":
            at_rest, at_far = d >= self.rest, self.spec.arm_either_end and d <= self.far
            if not (at_rest or at_far):
                self.arm_t = None
                return None
            self.arm_t = t if self.arm_t is None else self.arm_t
            if t - self.arm_t >= ARM_S:
                self.state = "rest" if at_rest else "far"
                self.rest_t, self._ext, self._peak = t, (d, t, d), d
            return None
        if self.state == "rest":
            self._peak = max(self._peak, d)           # rest-side extreme of the coming rep
            if d >= self.rest:
                self.rest_t = t
                self._ext = (d, t, self._peak)
            elif d < self.leave:
                self.state = "moving"
            self._track(d, t)
            return None
        self._track(d, t)
        if self.state == "moving" and d <= self.far:
            self.state = "far"
        if t - self.rest_t > MAX_REP_S:
            self.state, self.arm_t = "setup", None
            return None
        if d >= self.rest:
            rec = self._record(t)
            closed_far = self.state == "far"
            self.state, self.rest_t, self._ext, self._peak = "rest", t, (d, t, d), d
            if rec["duration_s"] < MIN_REP_S:
                return None
            if closed_far:
                rec["index"] = len(self.reps) + 1
                self.reps.append(rec)
                return {"type": "rep", **rec}
            self.partials.append(rec)
            return {"type": "partial", **rec}
        return None

    def _track(self, d: float, t: float) -> None:
        lo, t_lo, hi = self._ext
        self._ext = (d, t, max(hi, d)) if d < lo else (lo, t_lo, max(hi, d))

    def _record(self, t_end: float) -> dict:
        lo, t_lo, hi = self._ext
        a, b = sorted((self.sign * lo, self.sign * hi))
        return {"start_s": round(self.rest_t, 3), "bottom_s": round(t_lo, 3), "end_s": round(t_end, 3),
                "duration_s": round(t_end - self.rest_t, 3), "down_s": round(t_lo - self.rest_t, 3),
                "up_s": round(t_end - t_lo, 3), "min_deg": round(a, 1), "max_deg": round(b, 1),
                "rom_deg": round(b - a, 1)}


def calibrate(spec: RepSpec, signal: np.ndarray) -> dict:
    """Hysteresis thresholds fitted to this person's range of motion (deg).

    Pose estimates compress ranges (MediaPipe's 3-D landmarks often read a straight knee as ~150°),
    so fixed textbook angles can miss every rep. From the observed rest and far levels (97th / 3rd
    percentiles) the thresholds may be relaxed — never tightened — to 20 % (rest), 30 % (leave) and
    70 % (far) of the way from rest; a rep then needs 70 % of the user's own deepest range,
    and form cues judge the absolute depth. Ranges under MIN_ROM_DEG keep the textbook values.
    """
    sg = 1.0 if spec.rest_high else -1.0
    rest, leave, far = sg * spec.rest_deg, sg * spec.leave_deg, sg * spec.far_deg
    d = sg * signal[np.isfinite(signal)]
    if d.size >= 10:
        hi, lo = np.percentile(d, 97), np.percentile(d, 3)
        span = hi - lo
        if span >= MIN_ROM_DEG:
            rest = min(rest, hi - 0.2 * span)
            leave = min(leave, rest - 0.1 * span)
            far = min(max(far, lo + 0.3 * span), leave - 0.05 * span)
    return {"rest_deg": round(float(sg * rest), 1), "leave_deg": round(float(sg * leave), 1),
            "far_deg": round(float(sg * far), 1)}


def run_counter(spec: RepSpec, features: dict[str, np.ndarray], times_s: np.ndarray,
                thresholds: dict | None = None) -> RepCounter:
    """Feed smoothed features through a fresh counter."""
    c = RepCounter(spec, thresholds)
    sig = features[spec.signal]
    for i, t in enumerate(times_s):
        c.update(float(t), float(sig[i]), bool(np.isfinite(sig[i]) and posture_ok(spec, features, i)))
    return c


# ---------------------------------------------------------------- exercise detection
def _sig(x: float) -> float:
    return 0.0 if not math.isfinite(x) else 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def detect_exercise(features: dict[str, np.ndarray], times_s: np.ndarray) -> dict:
    """Guess the exercise from which joints move and the posture; scores in [0, 1] per exercise.

    Returns {exercise (key or None), confidence, scores, summary}. Needs ~1.5 s of visible motion.
    """
    def pct(name, q, mask=None):
        v = features[name] if mask is None else features[name][mask]
        v = v[np.isfinite(v)]
        return float(np.percentile(v, q)) if v.size >= 5 else math.nan

    def rng(name):
        return pct(name, 95) - pct(name, 5)

    with _quiet():
        knee_lo = features["knee_min"] <= pct("knee_min", 20)
        elbow_lo = features["elbow_min"] <= pct("elbow_min", 20)
        s = {"incline_med": pct("incline", 50), "incline_lo": pct("incline", 5), "incline_hi": pct("incline", 95),
             "knee_rng": rng("knee_min"), "hip_rng": rng("hip"), "elbow_rng": rng("elbow_min"),
             "asym_bottom": pct("hip_asym", 50, knee_lo), "shoulder_bottom": pct("shoulder", 50, elbow_lo),
             "forearm_up_frac": float(np.mean(features["forearm_up"][np.isfinite(features["forearm_up"])] > 0.3))
             if np.isfinite(features["forearm_up"]).sum() >= 5 else math.nan,
             "hip_med": pct("hip", 50), "knee_med": pct("knee", 50)}
        e = features["elbow_min"]
        top, bot = pct("elbow_min", 95), pct("elbow_min", 5)
        ev = e[np.isfinite(e)]
        s["dwell_top"] = float(np.mean(ev > top - (top - bot) / 3) - np.mean(ev < bot + (top - bot) / 3)) \
            if ev.size >= 5 else math.nan
    k, h, el = (0.0 if not math.isfinite(s[n]) else s[n] for n in ("knee_rng", "hip_rng", "elbow_rng"))
    horizontal = _sig((s["incline_lo"] - 50) / 8)            # lying the whole time (push-up plank)
    lying_start = _sig((s["incline_hi"] - 60) / 8)            # lying at some point (sit-up)
    upright = 1 - _sig((s["incline_med"] - 50) / 8)
    lower_dom = _sig((max(k, h) / 90 - el / 110) / 0.08)       # legs/hips move more than elbows
    overhead = _sig((s["forearm_up_frac"] - 0.6) / 0.1)
    lunge_ness = _sig((s["asym_bottom"] - 35) / 8)
    ratio = k / h if h > 1 else 2.0
    seated = _sig((130 - s["hip_med"]) / 10) * _sig((130 - s["knee_med"]) / 10)
    # pulldown vs press: elbows end low by the sides, seated, arms rest extended overhead
    pulldown_ness = (_sig((65 - s["shoulder_bottom"]) / 8) + seated + _sig(s["dwell_top"] / 0.1)) / 3
    moves_knee, moves_hip, moves_elbow = _sig((k - 35) / 6), _sig((h - 35) / 6), _sig((el - 40) / 6)
    scores = {
        "squat": upright * lower_dom * moves_knee * _sig((ratio - 0.62) / 0.06) * (1 - lunge_ness),
        "lunge": upright * lower_dom * moves_knee * lunge_ness,
        "deadlift": upright * lower_dom * moves_hip * _sig((0.62 - ratio) / 0.06),
        "sit_up": lying_start * lower_dom * moves_hip * _sig((s["incline_hi"] - s["incline_lo"] - 30) / 6),
        "push_up": horizontal * (1 - lower_dom) * moves_elbow,
        "biceps_curl": upright * (1 - lower_dom) * moves_elbow * (1 - overhead),
        "shoulder_press": (1 - horizontal) * (1 - lower_dom) * moves_elbow * overhead * (1 - pulldown_ness),
        "lat_pulldown": (1 - horizontal) * (1 - lower_dom) * moves_elbow * overhead * pulldown_ness,
    }
    scores = {key: round(v, 3) for key, v in scores.items()}
    best = max(scores, key=scores.get)
    duration = float(times_s[-1] - times_s[0]) if len(times_s) > 1 else 0.0
    ok = scores[best] >= 0.3 and duration >= 1.5
    return {"exercise": best if ok else None, "confidence": scores[best] if ok else 0.0, "scores": scores,
            "summary": {k2: (round(v, 2) if math.isfinite(v) else None) for k2, v in s.items()}}


# ---------------------------------------------------------------- one call
def count_reps(image: np.ndarray, times_s: np.ndarray, exercise: str | None = None, *,
               world: np.ndarray | None = None, aspect: float = 1.0) -> dict:
    """Count reps in a landmark sequence: image (T, 33, 4) normalised, optional world (T, 33, 4)
    metric, timestamps (T,) in seconds, aspect = image width / height.

    exercise: a key of SPECS, or None to detect it. Returns plain data: exercise, detection, reps,
    rep_list, partials, valid_fraction, thresholds, and the smoothed features (numpy, for form_cues).
    """
    times_s = np.asarray(times_s, float)
    feats = smooth_features(compute_features(image, world, aspect=aspect), times_s)
    return count_from_features(feats, times_s, exercise)


def count_from_features(feats: dict[str, np.ndarray], times_s: np.ndarray, exercise: str | None = None) -> dict:
    """count_reps on already smoothed features (the live coach keeps these as frames arrive)."""
    if exercise is not None and exercise not in SPECS:
        raise ValueError(f"unknown exercise {exercise!r}; known: {', '.join(SPECS)}")
    det = detect_exercise(feats, times_s) if exercise is None else {"exercise": exercise, "confidence": 1.0}
    key = det["exercise"]
    if key is None:
        return {"exercise": None, "detection": det, "reps": 0, "rep_list": [], "partials": [], "state": "setup",
                "valid_fraction": 0.0, "features": feats}
    spec = SPECS[key]
    valid = np.array([bool(np.isfinite(feats[spec.signal][i]) and posture_ok(spec, feats, i))
                      for i in range(len(times_s))], bool)
    th = calibrate(spec, np.where(valid, feats[spec.signal], np.nan))
    c = run_counter(spec, feats, times_s, th)
    return {"exercise": key, "detection": det, "reps": c.count, "rep_list": c.reps, "partials": c.partials,
            "state": c.state, "valid_fraction": round(float(valid.mean()) if valid.size else 0.0, 3), "thresholds": th,
            "features": feats, "spec": asdict(spec)}
