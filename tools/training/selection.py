"""Which exercises a profile may do and which one the planner picks for a slot."""
from __future__ import annotations

import hashlib
import json
import random

from tools.profiles import TrainingProfile
from tools.training.rules import GROUP_LABEL, GROUP_OF_MUSCLE, LOADABLE, MAJOR_GROUPS, STRENGTH_PATTERNS


def is_loadable(ex) -> bool:
    """Load can be set in small steps (free weights, cables, machines): %1RM guidance applies."""
    return bool(set(ex.equipment) & LOADABLE) or any(e.endswith("_machine") or e == "t_bar_row" for e in ex.equipment)


def muscle_group(ex) -> str | None:
    """Group of the first primary muscle; trunk patterns (core_*, carries) always count as core."""
    if ex.pattern.startswith("core_") or ex.pattern == "carry":
        return "core"
    return GROUP_OF_MUSCLE.get(ex.primary_muscles[0]) if ex.primary_muscles else None


def sort_key(group: str, mechanic: str) -> int:
    """Large before small, multi-joint before single-joint, core last (SCIENCE.md "Order")."""
    if group == "core":
        return 4
    return (0 if mechanic == "compound" else 2) + (0 if group in MAJOR_GROUPS else 1)


def user_equipment(profile: TrainingProfile, kb) -> set[str] | None:
    """Equipment ids the user has (None = full gym), resolving names and aliases in en/zh."""
    if profile.equipment is None:
        return None
    lookup = {}
    for eq in kb.equipment.values():
        for word in (eq.id, eq.name.en, eq.name.zh, *eq.aliases.en, *eq.aliases.zh):
            lookup[str(word).strip().lower().replace(" ", "_").replace("-", "_")] = eq.id
    out = set()
    for name in profile.equipment:
        key = name.strip().lower()
        out.add(lookup.get(key, lookup.get(key.rstrip("s"), key)))
    return out


def eligible_exercises(profile: TrainingProfile, kb, patterns=STRENGTH_PATTERNS) -> list:
    """Exercises the user may do: equipment owned, no contraindicated area, level, not avoided."""
    have = user_equipment(profile, kb)
    hurt = set(profile.limitations)
    avoid = set(profile.avoid_exercises)
    levels = {"beginner"} if profile.conservative or profile.experience == "beginner" else \
        {"beginner", "intermediate"} if profile.experience == "intermediate" else \
        {"beginner", "intermediate", "advanced"}
    return [ex for ex in kb.exercises.values()
            if ex.pattern in patterns and ex.level in levels and not hurt & set(ex.contraindications)
            and ex.id not in avoid and (have is None or set(ex.equipment) <= have)]


def seed_for(profile: TrainingProfile, variation: int = 0) -> int:
    blob = json.dumps(profile.to_dict(), sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(f"{blob}|{variation}".encode()).digest()[:8], "big")


# Preference by the user's level: mostly their own level, niche advanced skills (muscle-ups, pistols) rarely.
LEVEL_BONUS = {"beginner": {"beginner": 0.6}, "intermediate": {"intermediate": 0.6, "beginner": 0.3},
               "advanced": {"intermediate": 0.6, "beginner": 0.2, "advanced": -0.3}}


class _Picker:
    """Seeded exercise choice: favour list, variety across the week, right level, a little randomness."""

    def __init__(self, pool: list, profile: TrainingProfile, rng: random.Random):
        self.by_group: dict[str, list] = {}
        for ex in sorted(pool, key=lambda e: e.id):
            if muscle_group(ex) in GROUP_LABEL:
                self.by_group.setdefault(muscle_group(ex), []).append(ex)
        self.profile, self.rng, self.used = profile, rng, {}
        self.loaded = any(is_loadable(ex) for ex in pool)

    def candidates(self, group: str, session: dict) -> list:
        taken = {it["exercise_id"] for it in session["exercises"]}
        return [ex for ex in self.by_group.get(group, ()) if ex.id not in taken]

    def pick(self, group: str, session: dict, first: bool):
        cands = self.candidates(group, session)
        if first and group != "core" and any(ex.mechanic == "compound" for ex in cands):
            cands = [ex for ex in cands if ex.mechanic == "compound"]
        if not cands:
            return None
        p = self.profile
        taken_patterns = {it["pattern"] for it in session["exercises"] if it["group"] == group}

        def score(ex) -> float:
            s = self.rng.random() * 1.5 - 1.2 * self.used.get(ex.id, 0) * (0.5 if p.experience == "beginner" else 1)
            s += 4.0 if ex.id in p.favour_exercises else 0.0
            s -= 1.5 if ex.pattern in taken_patterns else 0.0
            s += LEVEL_BONUS[p.experience].get(ex.level, 0.0)
            s += 1.0 if self.loaded and is_loadable(ex) else 0.0  # adjustable load progresses best
            s += 0.8 if p.goal == "strength" and "barbell" in ex.equipment and ex.mechanic == "compound" else 0
            s += 0.4 if not first and ex.mechanic == "isolation" and p.goal == "hypertrophy" else 0
            return s - 0.2 * len(ex.equipment)

        best = max(cands, key=score)
        self.used[best.id] = self.used.get(best.id, 0) + 1
        return best


def _cardio_exercise(profile: TrainingProfile, kb, rng: random.Random):
    pool = sorted((ex for ex in eligible_exercises(profile, kb, {"cardio"}) if ex.level == "beginner"),
                  key=lambda e: e.id)
    return rng.choice(pool) if pool else None


def _mobility(profile: TrainingProfile, kb, rng: random.Random) -> list[dict]:
    pool = sorted(eligible_exercises(profile, kb, {"mobility"}), key=lambda e: e.id)
    return [{"exercise_id": ex.id, "name": ex.name.to_dict()} for ex in rng.sample(pool, min(2, len(pool)))]

