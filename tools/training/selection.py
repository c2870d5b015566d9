"""Which exercises a profile may do, each one's role, and the coach's deterministic pick for a slot."""
from __future__ import annotations

import hashlib
import json

from tools.profiles import TrainingProfile
from tools.training.demands import blocked, populations
from tools.training.rules import (BACK_PATTERNS, GROUP_LABEL, GROUP_OF_MUSCLE, LOADABLE, MAIN_EQUIPMENT,
                                  MAJOR_GROUPS, MINOR_GROUPS, SMALL_PATTERNS, STAPLES, STRENGTH_PATTERNS)

# Words people type for equipment that the catalogue names differently (kept, never dropped).
EQUIPMENT_WORDS = {"bench": "weight_bench", "flat_bench": "weight_bench", "adjustable_bench": "weight_bench",
                   "凳": "weight_bench", "凳子": "weight_bench", "卧推凳": "weight_bench", "训练凳": "weight_bench",
                   "rack": "squat_rack", "power_rack": "squat_rack", "squat_stand": "squat_rack", "深蹲架": "squat_rack",
                   "pullup_bar": "pull_up_bar", "pull_up": "pull_up_bar", "chin_up_bar": "pull_up_bar",
                   "单杠": "pull_up_bar", "引体向上杆": "pull_up_bar", "db": "dumbbell", "哑铃": "dumbbell",
                   "kb": "kettlebells", "kettlebell": "kettlebells", "壶铃": "kettlebells", "band": "resistance_band",
                   "bands": "resistance_band", "弹力带": "resistance_band", "杠铃": "barbell", "cable": "cable_machine",
                   "mat": "exercise_mat", "瑜伽垫": "exercise_mat", "trx": "suspension_trainer", "box": "plyo_box"}
# Barbell staples a coached beginner learns from the start (NSCA: technique first), despite their catalogue level.
BEGINNER_STAPLES = {"barbell_back_squat", "romanian_deadlift", "barbell_overhead_press", "barbell_bent_over_row",
                    "barbell_hip_thrust", "barbell_deadlift"}
# Preference among unlisted exercises: own level first, niche advanced skills last.
LEVEL_RANK = {"beginner": {"beginner": 0, "intermediate": 1, "advanced": 3},
              "intermediate": {"intermediate": 0, "beginner": 1, "advanced": 2},
              "advanced": {"intermediate": 0, "beginner": 1, "advanced": 2}}


def is_loadable(ex) -> bool:
    """Load can be set in small steps (free weights, cables, machines)."""
    return bool(set(ex.equipment) & LOADABLE) or any(e.endswith("_machine") or e == "t_bar_row" for e in ex.equipment)


def muscle_group(ex) -> str | None:
    """Group of the first primary muscle; trunk patterns (core_*, carries) count as core, plyometrics as power."""
    if ex.pattern.startswith("core_") or ex.pattern == "carry":
        return "core"
    if ex.pattern == "plyometric":
        return "power"
    return GROUP_OF_MUSCLE.get(ex.primary_muscles[0]) if ex.primary_muscles else None


def role_of(ex) -> str:
    """main (barbell/machine compound), secondary (other compounds), isolation (single-joint, small muscles), power."""
    group = muscle_group(ex)
    if group == "power":
        return "power"
    if ex.mechanic == "isolation" or ex.pattern in SMALL_PATTERNS or group in MINOR_GROUPS or \
            (group == "shoulders" and ex.pattern == "horizontal_pull"):  # face pulls: small muscles
        return "isolation"
    if group in MAJOR_GROUPS and set(ex.equipment) & MAIN_EQUIPMENT and ex.force != "static":
        return "main"
    return "secondary"


def sort_key(group: str, mechanic: str, role: str | None = None) -> int:
    """Power first, large before small, multi-joint before single-joint, core last (SCIENCE.md "Order")."""
    if role == "power" or group == "power":
        return -1
    if group == "core":
        return 4
    return (0 if mechanic == "compound" else 2) + (0 if group in MAJOR_GROUPS else 1)


def user_equipment(profile: TrainingProfile, kb) -> set[str] | None:
    """Equipment ids the user has (None = full gym), resolving names and aliases in en/zh ("bench" kept)."""
    if profile.equipment is None:
        return None
    lookup = dict(EQUIPMENT_WORDS)
    for eq in kb.equipment.values():
        for word in (eq.id, eq.name.en, eq.name.zh, *eq.aliases.en, *eq.aliases.zh):
            lookup[str(word).strip().lower().replace(" ", "_").replace("-", "_")] = eq.id
    out = set()
    for name in profile.equipment:
        key = name.strip().lower().replace(" ", "_").replace("-", "_")
        out.add(lookup.get(key) or lookup.get(key.rstrip("s")) or lookup.get(key.removesuffix("es")) or key)
    return out


def allowed_levels(profile: TrainingProfile) -> set[str]:
    if profile.conservative or profile.experience == "beginner" or "child" in populations(profile):
        return {"beginner"}
    return {"beginner", "intermediate"} if profile.experience == "intermediate" else \
        {"beginner", "intermediate", "advanced"}


def level_ok(ex, profile: TrainingProfile) -> bool:
    levels = allowed_levels(profile)
    return ex.level in levels or (ex.id in BEGINNER_STAPLES and levels == {"beginner"} and not profile.conservative)


def eligible_exercises(profile: TrainingProfile, kb, patterns=STRENGTH_PATTERNS) -> list:
    """Exercises the user may do: equipment owned, no limitation or population rule against it, level, not avoided."""
    have = user_equipment(profile, kb)
    avoid = set(profile.avoid_exercises)
    return [ex for ex in kb.exercises.values()
            if ex.pattern in patterns and level_ok(ex, profile) and ex.id not in avoid
            and (have is None or set(ex.equipment) <= have) and blocked(ex, profile) is None]


def seed_for(profile: TrainingProfile, variation: int = 0) -> int:
    blob = json.dumps(profile.to_dict(), sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(f"{blob}|{variation}".encode()).digest()[:8], "big")


def staple_list(group: str, slot: str, experience: str) -> list[str]:
    table = STAPLES.get(group, {})
    return table.get(f"{slot}_beginner") if experience == "beginner" and f"{slot}_beginner" in table \
        else table.get(slot, [])


def rank(cands: list, group: str, slot: str, profile: TrainingProfile) -> list:
    """Coach's order: favourites, the slot's staples in order, then the rest (level, loadable, simple set-up)."""
    order = staple_list(group, slot, profile.experience)
    pos = {eid: i for i, eid in enumerate(order)}
    lr = LEVEL_RANK[profile.experience]
    return sorted(cands, key=lambda ex: (ex.id not in profile.favour_exercises, pos.get(ex.id, len(order)),
                                         lr.get(ex.level, 3), not is_loadable(ex), len(ex.equipment), ex.id))


class _Picker:
    """Deterministic staples-first choice; `variation` rotates within a slot's top options, never noise."""

    def __init__(self, pool: list, profile: TrainingProfile, variation: int = 0):
        self.by_group: dict[str, list] = {}
        for ex in sorted(pool, key=lambda e: e.id):
            if muscle_group(ex) in GROUP_LABEL or muscle_group(ex) == "power":
                self.by_group.setdefault(muscle_group(ex), []).append(ex)
        self.profile, self.variation, self.used = profile, variation, {}
        self.main_uses: dict[str, int] = {}

    def candidates(self, group: str, session: dict) -> list:
        taken = {it["exercise_id"] for it in session["exercises"]}
        return [ex for ex in self.by_group.get(group, ()) if ex.id not in taken]

    def pick(self, group: str, session: dict, first: bool):
        cands = self.candidates(group, session)
        if not cands:
            return None
        p = self.profile
        if first and group not in ("core", "power") and any(role_of(ex) != "isolation" for ex in cands):
            cands = [ex for ex in cands if role_of(ex) != "isolation"]
        if first and group == "back":
            turn = (session.get("index", 0) + self.variation) % 2
            patterns = BACK_PATTERNS[turn:] + BACK_PATTERNS[:turn]
            staple = lambda pt: set(staple_list("back", pt, p.experience))  # noqa: E731
            slot = next((pt for pt in patterns if any(ex.pattern == pt and ex.id in staple(pt) for ex in cands)),
                        None) or next((pt for pt in patterns if any(ex.pattern == pt for ex in cands)), None)
            if slot:
                cands = [ex for ex in cands if ex.pattern == slot]
        elif group == "back":
            taken = {it["pattern"] for it in session["exercises"] if it["group"] == "back"}
            slot = next((pt for pt in BACK_PATTERNS if pt not in taken and any(ex.pattern == pt for ex in cands)),
                        BACK_PATTERNS[0])
        else:
            slot = "main" if first and "main" in STAPLES.get(group, {}) else "accessory"
        if not first:  # a second exercise for a group: another pattern than the first when there is one
            taken = {it["pattern"] for it in session["exercises"] if it["group"] == group}
            other = [ex for ex in cands if ex.pattern not in taken]
            cands = other or cands
        ranked = rank(cands, group, slot, p)
        # variety: non-beginners alternate main lifts across the week; `variation` rotates the top options
        uses = self.main_uses.get(f"{group}:{slot}", 0) if first and p.experience != "beginner" else 0
        kind = lambda ex: (is_loadable(ex), role_of(ex), ex.force == "static")  # noqa: E731
        top = [ex for ex in ranked[:3] if kind(ex) == kind(ranked[0])]  # rotate only among equivalent options
        if group == "power":
            top = ranked[:min(2, len(ranked))]
        best = top[(uses + self.variation) % len(top)] if not (ranked[0].id in p.favour_exercises) else ranked[0]
        if first:
            self.main_uses[f"{group}:{slot}"] = uses + 1
        self.used[best.id] = self.used.get(best.id, 0) + 1
        return best


# Warm-up drills suited to the session's patterns, and static stretches for the cool-down (in order of preference).
WARMUP_DRILLS = {"squat": ["hip_90_90_switch", "kneeling_hip_flexor_stretch", "wall_calf_stretch"],
                 "lunge": ["worlds_greatest_stretch", "kneeling_hip_flexor_stretch"],
                 "hinge": ["cat_cow", "inchworm", "band_hamstring_stretch"],
                 "horizontal_push": ["open_book_stretch", "foam_roll_thoracic"],
                 "vertical_push": ["open_book_stretch", "foam_roll_thoracic"],
                 "horizontal_pull": ["cat_cow", "open_book_stretch"], "vertical_pull": ["open_book_stretch", "cat_cow"],
                 "plyometric": ["wall_calf_stretch", "hip_90_90_switch"]}
COOLDOWN_STRETCHES = ["figure_four_stretch", "kneeling_hip_flexor_stretch", "wall_calf_stretch", "childs_pose",
                      "band_hamstring_stretch", "open_book_stretch", "foam_roll_quads", "foam_roll_glutes"]


def _cardio_exercise(profile: TrainingProfile, kb, variation: int = 0):
    pref = ["brisk_walking", "stationary_bike_easy", "elliptical_trainer", "treadmill_incline_walk", "rowing_machine"]
    pool = [ex for ex in eligible_exercises(profile, kb, {"cardio"}) if ex.level == "beginner"]
    pool.sort(key=lambda e: (pref.index(e.id) if e.id in pref else len(pref), e.id))
    return pool[variation % min(2, len(pool))] if pool else None


def mobility_drills(profile: TrainingProfile, kb, patterns: list[str], n: int = 2, skip=()) -> list[dict]:
    """Drills for the patterns of the session (first lift first), eligible for this profile."""
    pool = {ex.id: ex for ex in eligible_exercises(profile, kb, {"mobility"})}
    wanted = [d for pt in patterns for d in WARMUP_DRILLS.get(pt, ())] if patterns else []
    wanted += sorted(pool)
    out = [pool[d] for d in dict.fromkeys(wanted) if d in pool and d not in skip][:n]
    return [{"exercise_id": ex.id, "name": ex.name.to_dict()} for ex in out]


def cooldown_stretches(profile: TrainingProfile, kb, skip=(), n: int = 2) -> list[dict]:
    pool = {ex.id: ex for ex in eligible_exercises(profile, kb, {"mobility"})}
    out = [pool[d] for d in [*COOLDOWN_STRETCHES, *sorted(pool)] if d in pool and d not in skip]
    out = list({ex.id: ex for ex in out}.values())[:n]
    return [{"exercise_id": ex.id, "name": ex.name.to_dict()} for ex in out]
