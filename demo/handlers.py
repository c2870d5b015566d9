"""What each UI action does, as plain functions over `Services`: no Gradio here, so it is testable alone.

Each handler takes simple values (strings, numbers, file paths) and returns Markdown, row lists for
tables, {label: confidence} dicts and file paths; `demo/ui.py` only lays components out and wires them.
"""
from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

from tools.profiles import ProfileError

from .texts import t

PLAN_FILES_DIR = Path(tempfile.gettempdir()) / "fitnesslm-downloads"


def _bi(text, lang: str) -> str:
    """A {en, zh} dict (or a plain string) in the asked language."""
    if isinstance(text, dict):
        return text.get(lang) or text.get("en") or ""
    return "" if text is None else str(text)


def profile_error_markdown(exc: ProfileError, lang: str) -> str:
    return f"**{t('fix_fields', lang)}**\n" + "\n".join(
        f"- `{field}`: {_bi(msg, lang)}" for field, msg in exc.errors.items())


def _write(name: str, data: str | bytes) -> str:
    PLAN_FILES_DIR.mkdir(parents=True, exist_ok=True)
    path = PLAN_FILES_DIR / f"{uuid.uuid4().hex}-{name}"   # 128 random bits: a download link is not guessable
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


# -- chat ---------------------------------------------------------------------------------------------
def plan_files(plan: dict, lang: str, with_json: bool = True) -> list[str]:
    """Download files of a plan: Markdown, JSON (optional) and, for a training week, an ICS calendar."""
    from tools.exports import to_json, to_markdown, training_to_ics

    stem = "training-plan" if plan["kind"] == "training_plan" else "nutrition-plan"
    files = [_write(f"{stem}.md", to_markdown(plan, lang))]
    if with_json:
        files.append(_write(f"{stem}.json", to_json(plan)))
    if plan["kind"] == "training_plan":
        files.append(_write("training-week.ics", training_to_ics(plan, dt.date.today(), lang)))
    return files


def turn_files(turn) -> list[str]:
    """Plan files to offer under a chat answer (Markdown, and ICS for a training week)."""
    data = turn.data or {}
    return plan_files(data, turn.lang, with_json=False) if data.get("kind") in ("training_plan", "nutrition_plan") \
        else []


def trace_markdown(turn, lang: str) -> str:
    """The turn's tool calls, each under its tool's label (agent/toolbox.py), then who answered."""
    if not turn.trace:
        return ""
    lines = []
    for step in turn.trace:
        ok = "✅" if step.get("ok") else "⚠️"
        ms = f" · {step['ms']:.0f} ms" if step.get("ms") is not None else ""
        args = ", ".join(f"{k}={v!r}" for k, v in (step.get("args") or {}).items())[:160]
        label = f"{_bi(step['label'], lang)} · " if step.get("label") else ""
        lines.append(f"{ok} {label}`{step['tool']}`({args}){ms}" + (f" — {step['error']}" if step.get("error") else ""))
    lines.append(f"{t('answered_by', lang)}: {turn.route} · {turn.backend} · {turn.ms:.0f} ms")
    return "\n".join(f"- {line}" for line in lines)


# -- scan ---------------------------------------------------------------------------------------------
def scan(services, image, lang: str, user_id: str | None = None) -> dict:
    """Recognise one photo or webcam frame → card Markdown, candidate confidences, demo GIFs
    (with the user's own "my gym" photos when `user_id` is given)."""
    from agent import render
    from tools.equipment import recognize

    if image is None:
        return {"markdown": t("no_image", lang), "candidates": {}, "picker": [], "ids": [], "gifs": [], "result": None}
    result = recognize(image, services.recognizer_for(user_id), services.kb, lang)
    candidates = {c["name"]: float(c["confidence"]) for c in result.get("candidates", [])}
    if result["status"] == "error":
        return {"markdown": f"⚠️ {result['message']}", "candidates": {}, "picker": [], "ids": [], "gifs": [],
                "result": result}
    picker, ids = candidate_pictures(services, result, lang)
    head = f"{result['message']}\n\n" if result.get("card") is None else ""
    md = head + render.recognition(result, lang)
    if result.get("card"):
        md += f"\n\n_{t('confidence', lang)}: {result['candidates'][0]['confidence']:.0%} · {result['backend']} · " \
              f"{result['ms']:.0f} ms_"
    return {"markdown": md, "candidates": candidates, "result": result, "picker": picker, "ids": ids,
            "gifs": equipment_gifs(result["card"], lang) if result.get("card") else []}


def candidate_pictures(services, result: dict, lang: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The picker: each catalog candidate's picture with its name and confidence, and the ids in order."""
    from tools.equipment import equipment_picture

    pics, ids = [], []
    for c in result.get("candidates", []):
        path = equipment_picture(services.kb, c["id"]) if c.get("in_catalog") else None
        if path is not None:
            pics.append((str(path), f"{c['name']} · {c['confidence']:.0%}"))
            ids.append(c["id"])
    return pics, ids


def open_card(services, equipment_id: str, lang: str) -> tuple[str, list]:
    """The card of a machine the user picked (from the candidates or "browse all")."""
    from agent import render
    from tools.equipment import equipment_card

    eq_id = (equipment_id or "").split(" · ")[0].strip()
    card = equipment_card(services.kb, eq_id, lang)
    if card is None:
        return t("bad_label", lang), []
    md = render.recognition({"status": "recognized", "card": card, "candidates": [], "message": ""}, lang)
    return md + "\n\n" + t("picked_add", lang), equipment_gifs(card, lang)


def equipment_gifs(card: dict, lang: str, limit: int = 4) -> list[tuple[str, str]]:
    from tools.gif_search import gif_for_exercise

    out = []
    for ex_id in card.get("demo_exercise_ids", [])[:limit]:
        hit = gif_for_exercise(ex_id, lang)
        if hit and hit.get("path"):
            out.append((hit["path"], hit["caption"]))
    return out


def live_scan(services, state: dict | None, frame, lang: str) -> tuple[str, dict]:
    """One live webcam frame: throttled, smoothed recognition; returns a short status line."""
    from tools.video import LiveRecognizer

    state = state if isinstance(state, dict) else {}
    live = state.get("live")
    if live is None or live.lang != lang:
        live = state["live"] = LiveRecognizer(services.recognizer, services.kb, lang)
    if frame is None:
        return t("live_idle", lang), state
    res = live.submit(frame)
    if not res:
        return t("live_idle", lang), state
    if res["status"] == "error":
        return f"⚠️ {res['message']}", state
    top = ", ".join(f"{c['name']} {c['confidence']:.0%}" for c in res.get("candidates", [])[:3])
    return f"**{res['message']}**  \n{top}  \n_{res['ms']:.0f} ms/frame_", state


def enroll(services, image, label: str, lang: str, user_id: str, share: bool = False) -> str:
    """Add this photo to the user's own "my gym" under `label`: a catalog id, or their own name for a
    machine (kept as "my_<name>", seen only by their recognition). With `share` (when the operator allows it)
    a catalog machine's photo also goes to the shared gallery, owned by this user."""
    from services.galleries import SharingRefused, gallery_label, share_photos

    if image is None:
        return t("no_image", lang)
    if not (label or "").strip():
        return t("need_label", lang)
    try:
        label = gallery_label(label, services.kb, shared=False)   # dropdown choices read "leg_press · Leg press"
    except ValueError:
        return "⚠️ " + t("bad_label", lang)
    shared = ""
    if share:
        if label not in services.kb.equipment:
            return "⚠️ " + t("share_catalog_only", lang)
        try:
            if share_photos(services.gallery, label, [image], user_id, services.settings)["added"]:
                shared = " " + t("shared_too", lang)
        except SharingRefused as exc:
            return "⚠️ " + (exc.zh if lang == "zh" else exc.en)
    gallery = services.user_gallery(user_id)
    out = gallery.enroll(label, [image], source="ui")
    if out["errors"]:
        err = out["errors"][0]
        return "⚠️ " + (err["message_zh"] if lang == "zh" else err["message_en"])
    if out["duplicates"]:
        return t("duplicate", lang)
    return t("enrolled", lang).format(label=out["label"], n=gallery.labels().get(out["label"], 0)) + shared


def gallery_rows(services, user_id: str) -> list[list]:
    """The user's own labels with photo counts (the shared gallery is the operator's, not listed here)."""
    return [[label, n] for label, n in sorted(services.user_gallery(user_id).labels().items())]


def remove_label(services, label: str, lang: str, user_id: str) -> str:
    from services.galleries import gallery_label

    if not (label or "").strip():
        return t("need_label", lang)
    try:
        label = gallery_label(label, services.kb, shared=False)
    except ValueError:
        return "⚠️ " + t("bad_label", lang)
    n = services.user_gallery(user_id).remove_label(label)
    return t("removed", lang).format(n=n, label=label)


def equipment_choices(services, lang: str) -> list[str]:
    return [f"{eq.id} · {eq.name.get(lang)}" for eq in sorted(services.kb.equipment.values(), key=lambda e: e.id)]


# -- video --------------------------------------------------------------------------------------------
def video_timeline(services, path: str | None, lang: str, user_id: str | None = None) -> tuple[str, list[list]]:
    from tools.video import recognize_video

    if not path:
        return t("no_video", lang), []
    res = recognize_video(path, services.recognizer_for(user_id), services.kb, lang)
    if res["status"] == "error":
        return f"⚠️ {res['message']}", []
    rows = [[f"{s['start_s']:.1f}", f"{s['end_s']:.1f}", s["name"] or t("nothing", lang),
             f"{s['confidence']:.0%}"] for s in res["timeline"]]
    main = res.get("main")
    md = (t("video_main", lang).format(name=main["name"], n=res["frames_analysed"], s=res["duration_s"])
          if main else t("video_none", lang).format(n=res["frames_analysed"]))
    md += "".join(f"\n- ⚠️ {w}" for w in res["warnings"])
    return md, rows


def pose_check(path: str | None, exercise: str, lang: str) -> tuple[str, str | None]:
    """Rep count and form cues for an exercise clip, with an overlay GIF of the skeleton."""
    from tools.pose import analyze_video

    if not path:
        return t("no_video", lang), None
    key = None if exercise in (None, "", "auto") else exercise
    PLAN_FILES_DIR.mkdir(parents=True, exist_ok=True)
    res = analyze_video(path, key, lang, out_dir=PLAN_FILES_DIR, overlay="gif")
    lines = [res["text"] or t("pose_nothing", lang)]
    for cue in res.get("cue_summary", [])[:5]:
        lines.append(f"- {cue['text']}")
    return "\n".join(lines), res.get("overlay_path")


# -- plans --------------------------------------------------------------------------------------------
def training_today(services, user_id: str, form: dict, lang: str) -> str:
    """One workout for today from the form's minutes and place, skipping what this user trained lately."""
    from agent import render
    from tools.training import plan_today

    try:
        plan = plan_today(form, services.recent_sessions(user_id), kb=services.kb, lang=lang)
    except ProfileError as exc:
        return profile_error_markdown(exc, lang)
    session = plan["sessions"][0]
    done = {"groups": list(session.get("groups_trained") or session.get("groups") or []),
            "exercises": [it["exercise_id"] for it in session["exercises"]]}
    services.remember_plan(user_id, "training_plan", form, f"today: {plan['today']['split']}", today=done)
    return render.today(plan, lang)


def training_plan(services, user_id: str, form: dict, variation: int, lang: str) -> dict:
    """The week for this form: summary Markdown, one table row per exercise, weekly sets, GIFs, files."""
    from tools.training import plan_training_week

    try:
        plan = plan_training_week(form, services.kb, variation=variation)
    except ProfileError as exc:
        return _no_training(profile_error_markdown(exc, lang))
    services.remember_plan(user_id, "training_plan", form, f"{plan['split']['label']['en']} · "
                           f"{form.get('days_per_week')} d/wk", variation=variation)
    return render_training(plan, lang)


def _no_training(markdown: str, plan: dict | None = None) -> dict:
    return {"markdown": markdown, "rows": [], "sets": [], "gifs": [], "files": [], "plan": plan, "swaps": []}


def swap_choices(plan: dict | None, lang: str) -> list[tuple[str, str]]:
    """(label, value) per exercise of the plan for the swap picker: "Day 2 · Leg press" → "2|leg_press"."""
    if not plan:
        return []
    return [(f"{t('day_n', lang).format(n=d)} · {_bi(it['name'], lang)}", f"{d}|{it['exercise_id']}")
            for d, s in enumerate(plan.get("sessions", []), 1) for it in s.get("exercises", [])]


def training_swap(services, user_id: str, plan: dict | None, choice: str | None, lang: str) -> dict:
    """Replace the picked exercise with the best other one of its movement pattern; the week is shown again."""
    from tools.training import swap_exercise

    if not plan:
        return _no_training(t("swap_no_plan", lang))
    if not choice or "|" not in choice:
        out = render_training(plan, lang)
        return {**out, "markdown": f"{t('swap_pick', lang)}\n\n" + out["markdown"]}
    day, exercise_id = choice.split("|", 1)
    try:
        new = swap_exercise(plan, int(day), exercise_id, None, lang, services.kb)
    except (ProfileError, ValueError) as exc:
        out = render_training(plan, lang)
        reason = profile_error_markdown(exc, lang) if isinstance(exc, ProfileError) else str(exc)
        return {**out, "markdown": f"⚠️ {reason}\n\n" + out["markdown"]}
    done = new["swaps"][-1]
    services.remember_plan(user_id, "training_plan", new["profile"], f"day {day}: {done['from']} -> {done['to']}")
    out = render_training(new, lang)
    names = {it["exercise_id"]: _bi(it["name"], lang) for s in new["sessions"] for it in s["exercises"]}
    old_name = next((_bi(it["name"], lang) for s in plan["sessions"] for it in s["exercises"]
                     if it["exercise_id"] == done["from"]), done["from"])
    note = t("swapped", lang).format(day=day, old=old_name, new=names.get(done["to"], done["to"]))
    return {**out, "markdown": f"✅ {note}\n\n" + out["markdown"]}


def render_training(plan: dict, lang: str) -> dict:
    """A built plan as the Training tab shows it: Markdown, table rows, weekly sets, GIFs, files, swap picker."""
    from tools.exports import to_markdown
    from tools.gif_search import gif_for_exercise

    rows, gifs, seen = [], [], set()
    for s in plan["sessions"]:
        day = f"{_bi(s.get('label'), lang)}"
        for it in s.get("exercises", []):
            lo, hi = it["reps"]
            unit = t("seconds", lang) if it.get("unit") == "s" else ""
            rows.append([day, _bi(it["name"], lang), it["sets"], f"{lo}-{hi}{unit}", it["rest_s"],
                         _bi(it["load"]["text"], lang), it.get("tempo", ""), _bi(it.get("cue"), lang)])
            if it["exercise_id"] not in seen and len(gifs) < 12:
                seen.add(it["exercise_id"])
                hit = gif_for_exercise(it["exercise_id"], lang)
                if hit and hit.get("path"):
                    gifs.append((hit["path"], _bi(it["name"], lang)))
    labels = plan["group_labels"]
    sets = [[_bi(labels.get(g, g), lang), n] for g, n in plan["weekly_sets"].items()]
    md = to_markdown(plan, lang).split("\n## ", 1)[0]  # title + split line; the tables show the rest
    block = [f"- **{t('week_n', lang).format(n=w['week'])}:** {_bi(w['focus'], lang)}" for w in plan["block"]["weeks"]]
    extra = [f"**{t('block', lang)}**", *block, f"- {_bi(plan['cardio']['text'], lang)}"]
    extra += [f"- {_bi(n, lang)}" for n in plan.get("warnings", []) + plan.get("notes", [])][:6]
    if plan.get("referral"):
        extra.append(f"\n⚠️ **{_bi(plan['referral'], lang)}**")
    extra.append(f"\n_{_bi(plan['disclaimer'], lang)}_")
    md = md + "\n" + "\n".join(extra)
    return {"markdown": md, "rows": rows, "sets": sets, "gifs": gifs, "files": plan_files(plan, lang), "plan": plan,
            "swaps": swap_choices(plan, lang)}


def nutrition_plan(services, user_id: str, form: dict, lang: str) -> dict:
    """Targets, macro split, the day's meals with portions, the week's grocery list, files."""
    from tools.nutrition import plan_nutrition

    try:
        plan = plan_nutrition(form, services.kb)
    except ProfileError as exc:
        return {"markdown": profile_error_markdown(exc, lang), "macros": [], "meals": [], "grocery": [], "files": []}
    tg = plan["targets"]
    kcal = t("kcal", lang)
    md = [f"### {t('daily_targets', lang)}: {tg['kcal']:.0f} {kcal}",
          f"{t('protein', lang)} {tg['protein_g']:.0f} g · {t('fat', lang)} {tg['fat_g']:.0f} g · "
          f"{t('carbs', lang)} {tg['carb_g']:.0f} g · {t('fibre', lang)} ≥{tg['fiber_g']:.0f} g · "
          f"{t('water', lang)} {tg['water_ml']:.0f} ml", ""]
    md += [f"- {_bi(e, lang)}" for e in plan["explanation"]]
    md += [f"- {_bi(n, lang)}" for n in plan.get("notes", [])][:4]
    if plan.get("referral"):
        md.append(f"\n⚠️ **{_bi(plan['referral'], lang)}**")
    acc = plan["accuracy"]
    md.append(f"\n{t('accuracy', lang).format(mean=acc['mean_abs_error_pct'], worst=acc['max_abs_error_pct'])}")
    md.append(f"\n_{_bi(plan['disclaimer'], lang)}_")
    macros = [[t("protein", lang), tg["protein_g"] * 4], [t("fat", lang), tg["fat_g"] * 9],
              [t("carbs", lang), tg["carb_g"] * 4]]
    meals = []
    for meal in plan["day_plan"]["meals"]:
        for it in meal["items"]:
            meals.append([_bi(meal["label"], lang), _bi(it["name"], lang), round(it["grams"]),
                          round(it["kcal"]), round(it["protein_g"], 1), round(it["fat_g"], 1), round(it["carb_g"], 1)])
    grocery = [[_bi(g.get("category_label"), lang), _bi(g["name"], lang), round(g["grams"])]
               for g in plan["grocery_list"]]
    services.remember_plan(user_id, "nutrition_plan", form, f"{tg['kcal']:.0f} kcal · {form.get('goal')}")
    return {"markdown": "\n".join(md), "macros": macros, "meals": meals, "grocery": grocery,
            "files": plan_files(plan, lang), "plan": plan}


# -- library ------------------------------------------------------------------------------------------
def gif_search(query: str, lang: str, k: int = 6) -> tuple[str, list[tuple[str, str]]]:
    from tools.gif_search import search_gifs

    query = (query or "").strip()
    if not query:
        return t("type_query", lang), []
    hits = search_gifs(query, k, lang)
    if not hits:
        return t("no_gif", lang), []
    return t("gif_found", lang).format(n=len(hits), q=query), [(h["path"], h["caption"]) for h in hits]


def equipment_page(services, choice: str, lang: str) -> tuple[str, list[tuple[str, str]]]:
    from agent import render
    from tools.equipment import equipment_card

    eq_id = (choice or "").split(" · ")[0].strip()
    card = equipment_card(services.kb, eq_id, lang) if eq_id else None
    if card is None:
        return t("pick_equipment", lang), []
    return render.equipment_card(card, lang), equipment_gifs(card, lang, limit=6)


# -- my data ------------------------------------------------------------------------------------------
def my_data(services, user_id: str) -> tuple[dict, list[list]]:
    rows = [[dt.datetime.fromtimestamp(h["created"]).strftime("%Y-%m-%d %H:%M"), h["kind"], h["summary"]]
            for h in services.store.history(user_id)]
    return services.store.profile(user_id), rows


def saved_form_values(services, user_id: str) -> dict:
    """The saved profile, as values the plan forms can show (unknown training goals are dropped)."""
    from tools.profiles import GOALS

    profile = services.store.profile(user_id) if user_id else {}
    out = {k: v for k, v in profile.items() if v is not None}
    if out.get("goal") not in GOALS:
        out.pop("goal", None)
    return out


def delete_my_data(services, user_id: str, lang: str) -> str:
    services.forget(user_id)
    return t("deleted", lang)
