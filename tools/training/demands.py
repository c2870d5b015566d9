"""Joint demands per exercise and what limitations and populations change (data: knowledge/exercise_demands.yaml).

One place answers "may this profile do this exercise, and with which modification?" so the planner, the
swap and the validator agree. Severe or acute pain in an area ignores the modifications: nothing loads it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from tools.profiles import TrainingProfile

DATA = Path(__file__).resolve().parents[2] / "knowledge" / "exercise_demands.yaml"
FLAG_LISTS = ("spine_axial", "spine_flexion", "overhead", "behind_neck", "supine", "prone", "impact_high",
              "fall_risk")
KNEE_DEPTH = ("none", "shallow", "parallel", "deep")


@lru_cache(maxsize=1)
def demand_rules() -> dict:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    data["_flags"] = {name: frozenset(data.get(name) or ()) for name in FLAG_LISTS}
    return data


def knee_flexion(ex) -> str:
    rules = demand_rules()
    return rules["knee_flexion"].get(ex.id) or rules["knee_flexion_by_pattern"].get(ex.pattern, "none")


def demand_flags(ex) -> set[str]:
    """The demand lists an exercise is on (supine, overhead, impact_high...), plus knee_<depth>."""
    flags = {name for name, ids in demand_rules()["_flags"].items() if ex.id in ids}
    return flags | {f"knee_{knee_flexion(ex)}"}


def populations(profile: TrainingProfile) -> list[str]:
    """Population keys of knowledge/exercise_demands.yaml that apply to this profile."""
    out = []
    if profile.age is not None and profile.age < 13:
        out.append("child")
    elif profile.is_minor:
        out.append("youth")
    if profile.pregnant:
        out.append(f"pregnancy_t{profile.trimester}")
    elif profile.postpartum_weeks is not None and profile.postpartum_weeks < 12:
        out.append("postpartum_early" if profile.postpartum_weeks < 6 else "postpartum")
    if profile.years >= 65:
        out.append("older")
    return out


def _limitation_block(ex, area: str, severe: bool, flags: set[str]) -> str | None:
    rule = demand_rules()["limitations"].get(area) or {}
    modified = not severe and ex.id in (rule.get("modified") or {})
    if area in ex.contraindications and not modified:
        return f"loads the {area.replace('_', ' ')}" + (" (severe pain)" if severe else "")
    if modified:
        return None
    if any(f"knee_{d}" in flags for d in rule.get("exclude_knee_flexion") or ()):
        return f"deep knee bend with a {area} limitation"
    if any(f"spine_{s}" in flags for s in rule.get("exclude_spine") or ()):
        return f"loaded spine with a {area.replace('_', ' ')} limitation"
    hit = flags & set(rule.get("exclude") or ())
    return f"{'/'.join(sorted(hit))} with a {area} limitation" if hit else None


def blocked(ex, profile: TrainingProfile) -> str | None:
    """Why this profile must not do `ex` (limitation or population rule), or None when it may."""
    flags = demand_flags(ex)
    for area in profile.limitations:
        why = _limitation_block(ex, area, area in profile.severe_pain, flags)
        if why:
            return why
    rules = demand_rules()["populations"]
    for key in populations(profile):
        rule = rules[key]
        hit = flags & set(rule.get("exclude") or ())
        if hit:
            return f"{'/'.join(sorted(hit))} ({key})"
        if ex.level in (rule.get("exclude_level") or ()) or ex.id in (rule.get("exclude_ids") or ()):
            return f"level or skill ({key})"
        allowed = rule.get("equipment")
        if allowed is not None and not set(ex.equipment) <= set(allowed):
            return f"equipment {sorted(set(ex.equipment) - set(allowed))} ({key})"
    return None


def modification(ex, profile: TrainingProfile) -> dict | None:
    """The range or set-up a limitation asks for ({"en", "zh", "area"}), or None."""
    for area in profile.limitations:
        if area in profile.severe_pain:
            continue
        mod = ((demand_rules()["limitations"].get(area) or {}).get("modified") or {}).get(ex.id)
        if mod:
            return {"area": area, "en": mod["en"], "zh": mod["zh"]}
    return None


def demand_sources(profile: TrainingProfile) -> list[str]:
    """Sources of the limitation and population rules this profile triggered."""
    rules = demand_rules()
    keys = [(rules["limitations"].get(a) or {}).get("source") for a in profile.limitations]
    keys += [rules["populations"][p]["source"] for p in populations(profile)]
    return [rules["sources"][k] for k in dict.fromkeys(k for k in keys if k)]
