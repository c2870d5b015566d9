"""Form feedback for the pose coach: rules per exercise over each counted rep → timed, bilingual cues.

Why rules: every cue must say what was measured (an angle, a duration) at a time in the video, in
English and Chinese, so the user can check it and the agent can quote it. Rules read the smoothed
features and rep records from `tools.reps.count_reps` plus the landmarks (knee travel, knee cave,
body line, elbow flare). All text the pose coach shows, warnings included, lives in TEXT.
Thresholds are coaching conventions (≈ parallel squat ≈ 90° knee, 45° elbow tuck in push-ups).
"""
from __future__ import annotations

import numpy as np

from tools.reps import ANKLE, ELBOW, HIP, KNEE, SHOULDER, SPECS, landmark_xyz

TEXT: dict[str, tuple[str, str]] = {
    # cues
    "partial": ("Rep at {t:.1f}s was partial ({deg:.0f}°) and not counted: use the full range.",
                "{t:.1f} 秒处的动作幅度不足（{deg:.0f}°），未计数：请做完整幅度。"),
    "tempo_fast": ("Rep {rep} took only {dur:.1f}s: slow down and control every phase (about 2 s a rep).",
                   "第 {rep} 次只用了 {dur:.1f} 秒：放慢速度，全程控制（每次约 2 秒）。"),
    "squat_depth": ("Rep {rep}: squat deeper, thighs about parallel (knee reached {deg:.0f}°, aim ≈ 90°).",
                    "第 {rep} 次：再蹲深一些，大腿约与地面平行（膝角 {deg:.0f}°，目标约 90°）。"),
    "squat_torso": ("Rep {rep}: chest up, your torso leaned {deg:.0f}° forward.",
                    "第 {rep} 次：挺胸，躯干前倾达 {deg:.0f}°。"),
    "knees_forward": ("Rep {rep}: knees travel well past your toes; if heels lift or knees ache, sit the hips back.",
                      "第 {rep} 次：膝盖明显超过脚尖；如果脚跟抬起或膝盖不适，请把臀部更多向后坐。"),
    "knees_cave": ("Rep {rep}: knees cave inward ({ratio:.0%} of ankle width); push them out over your toes.",
                   "第 {rep} 次：膝盖内扣（膝距只有踝距的 {ratio:.0%}）；让膝盖对准脚尖向外推。"),
    "lunge_depth": ("Rep {rep}: lower further, front knee to about 90° (reached {deg:.0f}°).",
                    "第 {rep} 次：再下沉一些，前膝约 90°（当前 {deg:.0f}°）。"),
    "lunge_torso": ("Rep {rep}: keep your torso upright (leaned {deg:.0f}°).",
                    "第 {rep} 次：保持躯干直立（前倾 {deg:.0f}°）。"),
    "hinge_lockout": ("Rep {rep}: stand all the way up, hips fully extended (reached {deg:.0f}°).",
                      "第 {rep} 次：完全站直，髋部充分伸展（髋角 {deg:.0f}°）。"),
    "hinge_knees": ("Rep {rep}: knees bent to {deg:.0f}°, which turns the hinge into a squat; push the hips back.",
                    "第 {rep} 次：膝角达到 {deg:.0f}°，髋铰链变成了下蹲；请把臀部向后推。"),
    "pushup_depth": ("Rep {rep}: lower your chest closer to the floor (elbows reached {deg:.0f}°, aim ≈ 90°).",
                     "第 {rep} 次：胸部再靠近地面一些（肘角 {deg:.0f}°，目标约 90°）。"),
    "hips_sag": ("Rep {rep}: hips sag (body line {deg:.0f}°); brace your core and squeeze your glutes.",
                 "第 {rep} 次：塌腰（身体线 {deg:.0f}°）；收紧核心、夹紧臀部。"),
    "hips_pike": ("Rep {rep}: hips too high (body line {deg:.0f}°); lower them into a straight line.",
                  "第 {rep} 次：臀部过高（身体线 {deg:.0f}°）；放低成一条直线。"),
    "elbow_flare": ("Rep {rep}: elbows flare {deg:.0f}° from your body; tuck them to about 45°.",
                    "第 {rep} 次：肘部外展 {deg:.0f}°；收向身体约 45°。"),
    "curl_top": ("Rep {rep}: curl all the way up (elbow reached {deg:.0f}°).",
                 "第 {rep} 次：弯举到顶（肘角 {deg:.0f}°）。"),
    "curl_extend": ("Rep {rep}: straighten your arms at the bottom (only {deg:.0f}°).",
                    "第 {rep} 次：底部把手臂伸直（仅 {deg:.0f}°）。"),
    "curl_elbows": ("Rep {rep}: keep your elbows at your sides (upper arm swung {deg:.0f}°).",
                    "第 {rep} 次：肘部贴紧身体两侧（上臂摆动 {deg:.0f}°）。"),
    "torso_swing": ("Rep {rep}: don't swing your torso ({deg:.0f}°); use a lighter weight if needed.",
                    "第 {rep} 次：不要借助躯干摆动（{deg:.0f}°）；必要时减轻重量。"),
    "press_lockout": ("Rep {rep}: press to full lockout overhead (elbows reached {deg:.0f}°).",
                      "第 {rep} 次：推到头顶手臂伸直（肘角 {deg:.0f}°）。"),
    "press_depth": ("Rep {rep}: lower the weights to shoulder level (elbows only bent to {deg:.0f}°).",
                    "第 {rep} 次：把重量放低到肩部高度（肘角仅 {deg:.0f}°）。"),
    "press_lean": ("Rep {rep}: don't lean back ({deg:.0f}°); brace your core and squeeze your glutes.",
                   "第 {rep} 次：不要后仰（{deg:.0f}°）；收紧核心和臀部。"),
    "pulldown_depth": ("Rep {rep}: pull the bar down to your upper chest (elbows reached {deg:.0f}°).",
                       "第 {rep} 次：把横杆拉到上胸（肘角 {deg:.0f}°）。"),
    "pulldown_extend": ("Rep {rep}: let your arms extend fully at the top (only {deg:.0f}°).",
                        "第 {rep} 次：顶部让手臂充分伸展（仅 {deg:.0f}°）。"),
    "situp_momentum": ("Rep {rep}: you came up in {dur:.1f}s; roll up with control instead of jerking.",
                       "第 {rep} 次：起身只用了 {dur:.1f} 秒；请有控制地卷起，不要猛甩。"),
    # warnings
    "no_person": ("No person detected. Make sure your whole body is in the frame and the room is well lit.",
                  "未检测到人。请确保全身在画面内，并且光线充足。"),
    "unreadable": ("Could not read this video file ({detail}).", "无法读取该视频文件（{detail}）。"),
    "dark": ("The video is very dark (brightness {value:.0f}/255); add light or face a window.",
             "视频太暗（亮度 {value:.0f}/255）；请增加照明或面向窗户。"),
    "tiny": ("The video is very small ({w}×{h}); record at least 320×240.",
             "视频分辨率太小（{w}×{h}）；请至少使用 320×240。"),
    "small_person": ("You appear small in the frame; move closer so your body fills about half the height.",
                     "你在画面中太小；请靠近镜头，让身体约占画面高度的一半。"),
    "several_people": ("Several people are in view; tracking the largest one.", "画面中有多人；将跟踪最大的那位。"),
    "low_visibility": ("The joints needed for {name} were visible in only {pct:.0f}% of the frames; keep your whole body in view.",
                       "{name_zh}所需的关节只在 {pct:.0f}% 的画面中可见；请让全身保持在画面内。"),
    "unknown_exercise": ("Couldn't tell which exercise this is; choose it and analyse again.",
                         "无法判断是哪个动作；请选择动作后重新分析。"),
    "unsupported_exercise": ("The pose coach counts these exercises: {keys}.", "姿态教练支持以下动作计数：{keys}。"),
    "view_hint": ("This video looks filmed from the {view}; for {name}, film from the {best} for the most reliable count and cues.",
                  "此视频看起来是从{view_zh}拍摄的；{name_zh}建议从{best_zh}拍摄，计数和提示最可靠。"),
    "truncated": ("Only the first {s:.0f}s were analysed.", "只分析了前 {s:.0f} 秒。"),
    "summary": ("{name}: {reps} reps{how}.", "{name_zh}：{reps} 次{how_zh}。"),
    "no_issues": ("No form issues spotted.", "未发现明显的动作问题。"),
    "setup": ("Get into the start position and hold still for a moment to start counting.",
              "请摆好起始姿势并保持片刻，即开始计数。"),
}
FAST_REP_S = {"squat": 1.0, "push_up": 0.8, "biceps_curl": 0.8, "shoulder_press": 0.8, "lunge": 1.0,
              "deadlift": 1.2, "lat_pulldown": 1.0, "sit_up": 0.8}   # s; a full rep quicker than this is rushed


def message(code: str, **kw) -> dict:
    """Bilingual text for a cue or warning code: {'en': ..., 'zh': ...}."""
    en, zh = TEXT[code]
    return {"en": en.format(**kw), "zh": zh.format(**kw)}


def cue(code: str, t_s: float, rep: int | None = None, severity: str = "warn", **kw) -> dict:
    return {"t_s": round(float(t_s), 2), "rep": rep, "code": code, "severity": severity,
            "message": message(code, rep=rep, t=t_s, **kw)}


# ---------------------------------------------------------------- geometry on landmarks
def _frame(times_s: np.ndarray, t: float) -> int:
    return int(np.argmin(np.abs(times_s - t)))


def knee_ahead_of_toes(p: np.ndarray) -> float:
    """How far the knee is ahead of the toes along the foot, in shin lengths (mean of visible legs)."""
    out = []
    for s in (0, 1):
        knee, ankle, heel, toe = p[KNEE[s]], p[ANKLE[s]], p[29 + s], p[31 + s]
        foot, shin = toe - heel, np.linalg.norm(knee - ankle)
        if np.linalg.norm(foot) < 0.25 * shin:   # foot pointing at the camera: not measurable
            continue
        out.append(float((knee - toe) @ foot / np.linalg.norm(foot) / shin))
    return max(out) if out else float("nan")


def knee_width_ratio(p: np.ndarray) -> float:
    """Knee separation / ankle separation along the hip line (< 1: knees inside the feet)."""
    lat = p[HIP[1]] - p[HIP[0]]
    lat = lat / (np.linalg.norm(lat) + 1e-9)
    ankles = abs(float((p[ANKLE[1]] - p[ANKLE[0]]) @ lat))
    return abs(float((p[KNEE[1]] - p[KNEE[0]]) @ lat)) / ankles if ankles > 1e-6 else float("nan")


def body_line(p: np.ndarray) -> tuple[float, float]:
    """Shoulder–hip–ankle angle (deg) and hip offset from the shoulder–ankle line (+ = sagging, y down)."""
    sh, hp, an = p[list(SHOULDER)].mean(0), p[list(HIP)].mean(0), p[list(ANKLE)].mean(0)
    v1, v2 = sh - hp, an - hp
    ang = np.degrees(np.arccos(np.clip(v1 @ v2 / (np.linalg.norm(v1) * np.linalg.norm(v2) + 1e-9), -1, 1)))
    k = np.clip((hp - sh) @ (an - sh) / ((an - sh) @ (an - sh) + 1e-9), 0, 1)
    return float(ang), float(hp[1] - (sh + k * (an - sh))[1])


def elbow_flare_deg(p: np.ndarray) -> float:
    """Angle of the upper arms out from the torso toward the sides (3-D points), mean of both arms."""
    lat = p[SHOULDER[1]] - p[SHOULDER[0]]
    lat = lat / (np.linalg.norm(lat) + 1e-9)
    up = p[list(SHOULDER)].mean(0) - p[list(HIP)].mean(0)
    up = up / (np.linalg.norm(up) + 1e-9)
    out = [np.degrees(np.arctan2(abs(float((p[ELBOW[s]] - p[SHOULDER[s]]) @ lat)),
                                 float(-(p[ELBOW[s]] - p[SHOULDER[s]]) @ up))) for s in (0, 1)]
    return float(np.mean(out))


# ---------------------------------------------------------------- rules
def form_cues(exercise: str, result: dict, image: np.ndarray, times_s: np.ndarray, *,
              world: np.ndarray | None = None, aspect: float = 1.0) -> list[dict]:
    """Timed cues for each counted rep and each partial rep of a `count_reps` result, by time.

    Landmark geometry uses the 3-D world landmarks when given, else the 2-D image ones."""
    times_s = np.asarray(times_s, float)
    use_z = world is not None
    f = result["features"]
    p = landmark_xyz(world, metric=True) if use_z else landmark_xyz(image, aspect)
    cues = [cue("partial", r["bottom_s"], None, "info", deg=r["min_deg"] if SPECS[exercise].rest_high else r["max_deg"])
            for r in result.get("partials", [])]
    for r in result.get("rep_list", []):
        i = (times_s >= r["start_s"]) & (times_s <= r["end_s"])
        b, n = _frame(times_s, r["bottom_s"]), r["index"]

        def mx(name):
            v = f[name][i]
            return float(np.nanmax(v)) if np.isfinite(v).any() else float("nan")

        def spread(name):
            v = f[name][i]
            return float(np.nanmax(v) - np.nanmin(v)) if np.isfinite(v).any() else float("nan")

        add = lambda code, cond, **kw: cues.append(cue(code, r["bottom_s"], n, **kw)) if cond else None  # noqa: E731
        add("tempo_fast", r["duration_s"] < FAST_REP_S[exercise], dur=r["duration_s"])
        if exercise == "squat":
            add("squat_depth", r["min_deg"] > 100, deg=r["min_deg"])
            add("squat_torso", mx("incline") > 50, deg=mx("incline"))
            add("knees_forward", knee_ahead_of_toes(p[b]) > 0.25, severity="info")
            ratio = knee_width_ratio(p[b]) if use_z or _front(p[b]) else float("nan")
            add("knees_cave", ratio < 0.75, ratio=ratio)
        elif exercise == "lunge":
            add("lunge_depth", r["min_deg"] > 105, deg=r["min_deg"])
            add("lunge_torso", mx("incline") > 30, deg=mx("incline"))
        elif exercise == "deadlift":
            add("hinge_lockout", r["max_deg"] < 160, deg=r["max_deg"])
            knee = float(np.nanmin(f["knee"][i])) if np.isfinite(f["knee"][i]).any() else float("nan")
            add("hinge_knees", knee < 100, deg=knee)
        elif exercise == "push_up":
            add("pushup_depth", r["min_deg"] > 95, deg=r["min_deg"])
            ang, off = body_line(p[b])
            add("hips_sag" if off > 0 else "hips_pike", ang < 160, deg=ang)
            if use_z:
                add("elbow_flare", elbow_flare_deg(p[b]) > 70, deg=elbow_flare_deg(p[b]))
        elif exercise == "biceps_curl":
            add("curl_top", r["min_deg"] > 60, deg=r["min_deg"])
            add("curl_extend", r["max_deg"] < 150, deg=r["max_deg"])
            add("curl_elbows", mx("shoulder") > 35, deg=mx("shoulder"))
            add("torso_swing", spread("incline") > 12, deg=spread("incline"))
        elif exercise == "shoulder_press":
            add("press_lockout", r["max_deg"] < 160, deg=r["max_deg"])
            add("press_depth", r["min_deg"] > 100, deg=r["min_deg"])
            add("press_lean", mx("incline") > 15, deg=mx("incline"))
        elif exercise == "lat_pulldown":
            add("pulldown_depth", r["min_deg"] > 80, deg=r["min_deg"])
            add("pulldown_extend", r["max_deg"] < 150, deg=r["max_deg"])
            add("torso_swing", spread("incline") > 20, deg=spread("incline"))
        elif exercise == "sit_up":
            add("situp_momentum", r["down_s"] < 0.35, dur=r["down_s"])
    return sorted(cues, key=lambda c: c["t_s"])


def _front(p: np.ndarray) -> bool:
    """Front-on 2-D view: shoulders wider than a third of the torso length."""
    sw = np.linalg.norm(p[SHOULDER[0]] - p[SHOULDER[1]])
    return bool(sw > 0.33 * np.linalg.norm(p[list(SHOULDER)].mean(0) - p[list(HIP)].mean(0)))


def summarize_cues(cues: list[dict], lang: str = "en") -> list[dict]:
    """One line per cue code: how often, first time, and the first message in `lang` (for the chat)."""
    out: dict[str, dict] = {}
    for c in cues:
        s = out.setdefault(c["code"], {"code": c["code"], "count": 0, "first_t_s": c["t_s"],
                                        "text": c["message"].get(lang, c["message"]["en"])})
        s["count"] += 1
    return sorted(out.values(), key=lambda s: (-s["count"], s["first_t_s"]))

