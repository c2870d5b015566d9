"""Plans out of the app: Markdown (English or Chinese), JSON, and an iCalendar file for the training week.

Pure functions from plan dicts to text/bytes, so the UI offers downloads and the API returns them the same
way. ICS uses the `icalendar` package when installed and a small RFC 5545 writer otherwise.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

L = {  # label key -> (en, zh)
    "training_title": ("Training plan", "训练计划"), "nutrition_title": ("Nutrition plan", "营养计划"),
    "split": ("Split", "分化方式"), "days": ("days/week", "天/周"), "min": ("min", "分钟"),
    "exercise": ("Exercise", "动作"), "sets_reps": ("Sets × reps", "组数 × 次数"), "rest": ("Rest", "休息"),
    "load": ("Load", "负荷"), "cue": ("Cue", "要点"), "id": ("Demo id", "演示编号"), "warmup": ("Warm-up", "热身"),
    "cardio": ("Cardio", "有氧"), "weekly_sets": ("Weekly sets per muscle group", "每周各肌群组数"),
    "group": ("Group", "肌群"), "direct": ("Direct sets", "直接组数"), "range": ("Range", "范围"),
    "block": ("4-week block", "4 周周期"), "week": ("Week", "周"), "notes": ("Notes", "说明"),
    "warnings": ("Warnings", "警告"), "referral": ("See a professional", "请咨询专业人员"),
    "disclaimer": ("Disclaimer", "免责声明"), "sources": ("Sources", "参考来源"),
    "targets": ("Daily targets", "每日目标"), "energy": ("Energy", "能量"), "protein": ("Protein", "蛋白质"),
    "fat": ("Fat", "脂肪"), "carb": ("Carbohydrate", "碳水化合物"), "fiber": ("Fibre", "膳食纤维"),
    "water": ("Water", "饮水"), "why": ("How these were worked out", "计算说明"), "day": ("Day", "第"),
    "day_suffix": ("", "天"), "week_plan": ("7-day plan", "7 天计划"), "foods": ("foods", "种食物"),
    "grocery": ("Grocery list for the week", "一周购物清单"), "total": ("Total", "合计"),
    "portion": ("portions", "份"), "error": ("Max error", "最大误差"), "seconds": ("s", "秒"),
    "reps": ("reps", "次"), "sets": ("sets", "组"),
}


def _t(key: str, lang: str) -> str:
    return L[key][1 if lang == "zh" else 0]


def _b(text: dict | None, lang: str) -> str:
    return "" if not text else text.get(lang) or text.get("en", "")


def to_json(plan: dict) -> str:
    """The plan as pretty JSON, Chinese kept readable (not \\u-escaped)."""
    return json.dumps(plan, ensure_ascii=False, indent=2, sort_keys=False)


def to_markdown(plan: dict, lang: str = "en") -> str:
    """Markdown for a training or nutrition plan, in 'en' or 'zh'."""
    if plan.get("kind") == "training_plan":
        return training_to_markdown(plan, lang)
    if plan.get("kind") == "nutrition_plan":
        return nutrition_to_markdown(plan, lang)
    raise ValueError(f"unknown plan kind {plan.get('kind')!r}")


def _footer(plan: dict, lang: str) -> list[str]:
    out = []
    for key in ("warnings", "notes"):
        if plan.get(key):
            out += ["", f"## {_t(key, lang)}", *[f"- {_b(n, lang)}" for n in plan[key]]]
    if plan.get("referral"):
        out += ["", f"> **{_t('referral', lang)}:** {_b(plan['referral'], lang)}"]
    out += ["", f"## {_t('disclaimer', lang)}", _b(plan["disclaimer"], lang),
            "", f"## {_t('sources', lang)}", *[f"- {s}" for s in plan["sources"]], ""]
    return out


def _reps(it: dict, lang: str) -> str:
    lo, hi = it["reps"]
    unit = _t("seconds", lang) if it["unit"] == "s" else _t("reps", lang)
    return f"{it['sets']} × {lo}-{hi} {unit}"


def training_to_markdown(plan: dict, lang: str = "en") -> str:
    p = plan["profile"]
    out = [f"# {_t('training_title', lang)}", "",
           f"**{_t('split', lang)}:** {_b(plan['split']['label'], lang)} · {p['days_per_week']} {_t('days', lang)} · "
           f"{p['minutes_per_session']} {_t('min', lang)}"]
    for s in plan["sessions"]:
        out += ["", f"## {_b(s['weekday'], lang)} — {_b(s['label'], lang)} (~{s['estimated_min']} {_t('min', lang)})"]
        drills = ", ".join(_b(m["name"], lang) for m in s["warmup"]["mobility"])
        out.append(f"*{_t('warmup', lang)}:* {_b(s['warmup']['text'], lang)}" + (f" ({drills})" if drills else ""))
        if s["exercises"]:
            out += ["", f"| # | {_t('exercise', lang)} | {_t('sets_reps', lang)} | {_t('rest', lang)} | "
                        f"{_t('load', lang)} | {_t('cue', lang)} | {_t('id', lang)} |", "|---|---|---|---|---|---|---|"]
            for it in s["exercises"]:
                out.append(f"| {it['order']} | {_b(it['name'], lang)} | {_reps(it, lang)} | {it['rest_s']} "
                           f"{_t('seconds', lang)} | {_b(it['load']['text'], lang)} | {_b(it['cue'], lang)} | "
                           f"`{it['exercise_id']}` |")
        if s.get("cardio"):
            c = s["cardio"]
            out.append(f"\n*{_t('cardio', lang)}:* {_b(c['name'], lang)} {c['minutes']} {_t('min', lang)} — "
                       f"{_b(c['text'], lang)} ({c['heart_rate_bpm'][0]}-{c['heart_rate_bpm'][1]} bpm)")
    lo, hi = plan["volume_range"]
    out += ["", f"## {_t('weekly_sets', lang)}", "", f"| {_t('group', lang)} | {_t('direct', lang)} | "
            f"{_t('range', lang)} |", "|---|---|---|"]
    for g, n in plan["weekly_sets"].items():
        out.append(f"| {_b(plan['group_labels'][g], lang)} | {n} | {f'{lo}-{hi}' if g in plan['frequency'] else '—'} |")
    out += ["", f"## {_t('block', lang)}", ""]
    out += [f"{w['week']}. {_b(w['focus'], lang)}" for w in plan["block"]["weeks"]]
    out += ["", f"## {_t('cardio', lang)}", _b(plan["cardio"]["text"], lang)]
    return "\n".join(out + _footer(plan, lang))


def _item_line(it: dict, lang: str) -> str:
    return (f"{_b(it['name'], lang)} {it['grams']:g} g ({it['portions']:g} {_t('portion', lang)}) — "
            f"{it['kcal']:.0f} kcal, P {it['protein_g']:.0f} g, F {it['fat_g']:.0f} g, C {it['carb_g']:.0f} g")


def _day_title(day: dict, lang: str) -> str:
    n = day["day"] + 1
    return f"{_t('day', lang)} {n}{_t('day_suffix', lang)}" if lang == "zh" else f"Day {n}"


def nutrition_to_markdown(plan: dict, lang: str = "en") -> str:
    t = plan["targets"]
    out = [f"# {_t('nutrition_title', lang)}", "", f"## {_t('targets', lang)}", "",
           f"| {_t('energy', lang)} | {_t('protein', lang)} | {_t('fat', lang)} | {_t('carb', lang)} | "
           f"{_t('fiber', lang)} | {_t('water', lang)} |", "|---|---|---|---|---|---|",
           f"| {t['kcal']:.0f} kcal | {t['protein_g']} g | {t['fat_g']} g | {t['carb_g']} g | ≥ {t['fiber_min_g']} g "
           f"({t['fiber_g']} g) | {t['water_ml']} ml |", "", f"### {_t('why', lang)}",
           *[f"- {_b(line, lang)}" for line in plan["explanation"]]]
    out += ["", f"## {_t('week_plan', lang)}", "",
            f"| {_t('day', lang)} | kcal | P | F | C | {_t('fiber', lang)} | {_t('foods', lang)} | "
            f"{_t('error', lang)} |",
            "|---|---|---|---|---|---|---|---|"]
    for d in plan["week_plan"]:
        tt = d["totals"]
        worst = max(abs(e) for e in d["error_pct"].values())
        out.append(f"| {d['day'] + 1} | {tt['kcal']:.0f} | {tt['protein_g']:.0f} | {tt['fat_g']:.0f} | "
                   f"{tt['carb_g']:.0f} | {tt['fiber_g']:.0f} | {d['distinct_foods']} | {worst:.1f}% |")
    for d in plan["week_plan"]:
        out += ["", f"### {_day_title(d, lang)}"]
        if d.get("relaxed_note"):
            out.append(f"*{_b(d['relaxed_note'], lang)}*")
        for m in d["meals"]:
            out.append(f"- **{_b(m['label'], lang)}** ({m['kcal']:.0f} kcal)")
            out += [f"  - {_item_line(it, lang)}" for it in m["items"]]
    out += ["", f"## {_t('grocery', lang)}", ""]
    current = None
    for row in plan["grocery_list"]:
        if row["category"] != current:
            current = row["category"]
            out.append(f"**{_b(row['category_label'], lang)}**")
        out.append(f"- {_b(row['name'], lang)}: {row['grams']} g")
    return "\n".join(out + _footer(plan, lang))


# --- iCalendar -------------------------------------------------------------------------------------
def _first_date(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def _events(plan: dict, start: dt.date, lang: str, start_time: dt.time, weeks: int) -> list[dict]:
    """One event per session per block week: summary, description, start/end, stable uid."""
    events = []
    digest = hashlib.sha1(json.dumps(plan["profile"], sort_keys=True).encode()).hexdigest()[:12]
    for w in range(weeks):
        for s in plan["sessions"]:
            day = _first_date(start, s["day"]) + dt.timedelta(weeks=w)
            begin = dt.datetime.combine(day, start_time)
            minutes = s["estimated_min_by_week"][w % 4]
            lines = [_b(s["warmup"]["text"], lang)]
            for it in s["exercises"]:
                lo, hi = it["reps"]
                unit = _t("seconds", lang) if it["unit"] == "s" else _t("reps", lang)
                lines.append(f"{it['order']}. {_b(it['name'], lang)}: {it['sets_by_week'][w % 4]} × {lo}-{hi} {unit}, "
                             f"{_t('rest', lang)} {it['rest_s']} {_t('seconds', lang)}, {_b(it['load']['text'], lang)}")
            if s.get("cardio"):
                lines.append(f"{_t('cardio', lang)}: {_b(s['cardio']['name'], lang)} {s['cardio']['minutes']} "
                             f"{_t('min', lang)}")
            lines.append(_b(plan["disclaimer"], lang))
            title = f"{_b(s['label'], lang)} · {_t('week', lang)} {w + 1}" if weeks > 1 else _b(s["label"], lang)
            events.append({"uid": f"{digest}-{plan.get('variation', 0)}-w{w + 1}-d{s['day']}@fitnesslm",
                           "summary": title, "description": "\n".join(lines), "start": begin,
                           "end": begin + dt.timedelta(minutes=minutes)})
    return events


def training_to_ics(plan: dict, start: dt.date | str, lang: str = "en", start_time: dt.time = dt.time(18, 0),
                    weeks: int = 1) -> bytes:
    """The training week (or `weeks` 1-4 of the block) as an .ics calendar; sessions at `start_time` local."""
    if isinstance(start, str):
        start = dt.date.fromisoformat(start)
    if not 1 <= weeks <= 4:
        raise ValueError("weeks must be 1-4 (one block)")
    events = _events(plan, start, lang, start_time, weeks)
    stamp = dt.datetime.combine(start, dt.time(0, 0), tzinfo=dt.timezone.utc)  # deterministic DTSTAMP
    try:
        import icalendar
    except ImportError:
        return _ics_fallback(events, stamp, lang)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//FitnessLM//training plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _t("training_title", lang))
    for e in events:
        ev = icalendar.Event()
        ev.add("uid", e["uid"])
        ev.add("dtstamp", stamp)
        ev.add("dtstart", e["start"])
        ev.add("dtend", e["end"])
        ev.add("summary", e["summary"])
        ev.add("description", e["description"])
        cal.add_component(ev)
    return cal.to_ical()


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 line folding at 75 octets, never splitting a UTF-8 character."""
    out, chunk = [], b""
    for ch in line:
        enc = ch.encode()
        if len(chunk) + len(enc) > (75 if not out else 74):
            out.append(chunk.decode())
            chunk = b""
        chunk += enc
    out.append(chunk.decode())
    return "\r\n ".join(out)


def _ics_fallback(events: list[dict], stamp: dt.datetime, lang: str) -> bytes:
    fmt = lambda d: d.strftime("%Y%m%dT%H%M%S")  # noqa: E731  floating local time
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//FitnessLM//training plan//EN",
             f"X-WR-CALNAME:{_esc(_t('training_title', lang))}"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e['uid']}", f"DTSTAMP:{stamp.strftime('%Y%m%dT%H%M%SZ')}",
                  f"DTSTART:{fmt(e['start'])}", f"DTEND:{fmt(e['end'])}", f"SUMMARY:{_esc(e['summary'])}",
                  f"DESCRIPTION:{_esc(e['description'])}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
