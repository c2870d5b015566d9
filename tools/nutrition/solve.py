"""The day's MILP (scipy milp / HiGHS): which dishes go in which meal and how many whole units / gram steps.

Variables per candidate (meal, food): y (served or not) and n (units of `facts.unit_g`, between the food's
per-meal bounds when served); per meal one binary per structure pattern (templates.py). Hard rules: the
meal structure, portion bounds, at most two protein-dense foods and two of one category per meal, a food in
one meal a day. Day rules (vegetables, fruit, fibre, sodium, saturated fat, added sugar, macros ±tol, each
meal's energy share) are rows a relaxation level may widen; the level says which.
"""
from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from .rules import (ADDED_SUGAR_MAX_G, FRUIT_G, MAX_SUPPLEMENTS_PER_DAY, MEAL_MASS_G, NUTRIENTS, ROUNDING_MARGIN,
                    SAT_FAT_MAX_SHARE, SLOT_SHARE_BAND, SODIUM_MAX_MG, SOLVER_TIME_LIMIT_S, VEG_G)
from .templates import MAX_PER_CATEGORY_PER_MEAL, MAX_PROTEIN_DENSE_PER_MEAL, SNACK_ITEMS, breakfast_protein, patterns_for, slot_kind


SCALED_ROLES = {"staple", "protein", "mixed", "dairy"}   # vegetables and fruit are capped by the day rules
# Small MILPs that stop at the first feasible point: presolve, the feasibility-jump heuristic and a large
# solution pool cost more than they save (replaying 179 logged day models: solver CPU -22-25 %, fewer time-outs)
HIGHS_OPTIONS = {"presolve": False, "mip_heuristic_run_feasibility_jump": False, "mip_pool_soft_limit": 30}


def unit_bounds(food, kcal: float) -> tuple[int, int]:
    """(fewest, most) units of a food in one meal; above 2600 kcal/day foods served by weight may be up to
    1.5x larger (a big eater's second bowl), whole-unit foods keep their counts."""
    f = food.facts
    lo, hi = round(f.min_g / f.unit_g), round(f.max_g / f.unit_g)
    if f.unit.en != "g" or f.role not in SCALED_ROLES:
        return lo, hi
    return lo, int(hi * min(1.5, max(1.0, kcal / 2600)))


def per_unit(food) -> np.ndarray:
    """Per-unit kcal, protein, fat, carbohydrate, fibre, sodium, sat fat, added sugar, vegetable g, fruit g."""
    f, u = food.facts, food.facts.unit_g / 100
    return np.array([food.kcal, food.protein_g, food.fat_g, food.carb_g, food.fiber_g, f.sodium_mg, f.sat_fat_g,
                     f.added_sugar_g, f.veg_g, f.fruit_g]) * u


def _over_mass(cands, members, A) -> np.ndarray:
    """Per unit: grams minus the kcal allowance (MEAL_MASS_G); a meal's sum stays under MEAL_MASS_G[0]."""
    return np.array([cands[i][1].facts.unit_g for i in members]) - MEAL_MASS_G[1] * A[members, 0]


def day_bounds(targets: dict, rules: dict) -> list[tuple[int, tuple[float, float]]]:
    """(per_unit column, (low, high)) of each food-quality day rule at this level: fibre, sodium, saturated fat,
    added sugar, vegetables, fruit (中国居民膳食指南 2022 and WHO; a level may widen sodium, vegetables, fruit)."""
    return list(zip(range(4, 10), ((targets["fiber_min_g"], np.inf),
                                   (0, SODIUM_MAX_MG * rules.get("sodium_scale", 1.0)),
                                   (0, SAT_FAT_MAX_SHARE * targets["kcal"] / 9), (0, ADDED_SUGAR_MAX_G),
                                   (VEG_G[0], VEG_G[1] * rules.get("veg_scale", 1.0)),
                                   (FRUIT_G[0] * rules.get("fruit_floor", 1.0), FRUIT_G[1]))))


def solve_day(cands: list[tuple[int, object]], meals: list[tuple[str, str, float]], targets: dict, rules: dict,
              cost: np.ndarray, kept: np.ndarray | None = None,
              kept_supplements: int = 0) -> tuple[np.ndarray | None, bool]:
    """(units per candidate (0 = not served) or None when this level's rules cannot all be met, and whether
    HiGHS proved this sample infeasible, so that the caller stops re-sampling a level that cannot work).

    cands: (meal index, food); meals: (slot, cuisine, share of the day's energy) per meal to solve; rules: tol
    (None = best effort, minimise the summed % error), day (the food-quality day rules), band (meal energy
    shares); kept: the day's totals (as per_unit) of meals already fixed, which the rest must complete;
    kept_supplements: protein powders among those fixed meals."""
    m = len(cands)
    kcal = targets["kcal"]
    goal = np.array([targets[k] for k in NUTRIENTS], float)
    kept = np.zeros(10) if kept is None else kept
    need = goal - kept[:4]
    A = np.array([per_unit(f) for _, f in cands]).reshape(m, 10)
    lo_u, hi_u = np.array([unit_bounds(f, kcal) for _, f in cands]).reshape(m, 2).T
    pats = [(j, p) for j, (slot, cuisine, _) in enumerate(meals) for p in patterns_for(cuisine, slot)]
    n_var = 2 * m + len(pats) + 8   # n, y, pattern z, macro deviations (+/-)
    r_i, c_i, v_i, lo, hi = [], [], [], [], []

    def row(cols, vals, a, b) -> None:
        r_i.extend([len(lo)] * len(cols))
        c_i.extend(cols)
        v_i.extend(vals)
        lo.append(a)
        hi.append(b)

    idx = list(range(m))
    for k in range(4):   # sum a n - dev+ + dev- = goal; the deviations' bounds carry the tolerance
        row(idx + [2 * m + len(pats) + k, 2 * m + len(pats) + 4 + k], list(A[:, k]) + [-1, 1], need[k], need[k])
    for i in idx:        # lo y <= n <= hi y
        row([i, m + i], [1, -hi_u[i]], -np.inf, 0)
        row([i, m + i], [1, -lo_u[i]], 0, np.inf)
    for j, (slot, _, share) in enumerate(meals):
        members = [i for i in idx if cands[i][0] == j]
        mine = [(q, p) for q, (jj, p) in enumerate(pats) if jj == j]
        row([2 * m + q for q, _ in mine], [1] * len(mine), 1, 1)          # one pattern per meal
        roles = {r for _, p in mine for r in p} | {cands[i][1].facts.role for i in members}
        for role in roles:                                                 # dish counts of the chosen pattern
            ys = [m + i for i in members if cands[i][1].facts.role == role]
            zs = [2 * m + q for q, _ in mine]
            row(ys + zs, [1] * len(ys) + [-p.get(role, (0, 0))[0] for _, p in mine], 0, np.inf)
            row(ys + zs, [1] * len(ys) + [-p.get(role, (0, 0))[1] for _, p in mine], -np.inf, 0)
        if slot_kind(slot) == "snack":
            row([m + i for i in members], [1] * len(members), *SNACK_ITEMS)
        if slot_kind(slot) == "breakfast":   # an egg, milk/soy milk or another protein food at breakfast
            ys = [m + i for i in members if breakfast_protein(cands[i][1])]
            row(ys, [1] * len(ys), 1, np.inf)
        dense = [m + i for i in members if cands[i][1].facts.protein_dense]
        if dense:
            row(dense, [1] * len(dense), 0, MAX_PROTEIN_DENSE_PER_MEAL)
        for cat in {cands[i][1].category for i in members}:
            ys = [m + i for i in members if cands[i][1].category == cat]
            if len(ys) > MAX_PER_CATEGORY_PER_MEAL:
                row(ys, [1] * len(ys), 0, MAX_PER_CATEGORY_PER_MEAL)
        if rules["band"]:
            mid = kcal * share
            row(members, list(A[members, 0]), mid * SLOT_SHARE_BAND[0], mid * SLOT_SHARE_BAND[1])
        row(members, list(_over_mass(cands, members, A)), -np.inf, MEAL_MASS_G[0])   # a meal one can eat
    by_food: dict[str, list[int]] = {}
    for i, (_, f) in enumerate(cands):
        by_food.setdefault(f.id, []).append(i)
    for members in by_food.values():   # a food in one meal a day
        if len(members) > 1:
            row([m + i for i in members], [1] * len(members), 0, 1)
    powders = [m + i for i, (_, f) in enumerate(cands) if f.facts.role == "supplement"]
    if powders:                        # protein powder once a day at most (kept meals already count)
        row(powders, [1] * len(powders), 0, max(0, MAX_SUPPLEMENTS_PER_DAY - kept_supplements))
    if rules["day"]:                   # 中国居民膳食指南 2022 and WHO day rules (rules.py)
        for k, (a, b) in day_bounds(targets, rules):
            row(idx, list(A[:, k]), a - kept[k], b - kept[k])
    tol = rules["tol"]
    c = np.concatenate([np.zeros(m), cost, np.zeros(len(pats)),
                        np.tile(100 / goal, 2) if tol is None else np.zeros(8)])
    A_csr = coo_matrix((v_i, (r_i, c_i)), shape=(len(lo), n_var)).tocsr()
    # Stage 1 chooses dishes (binary) with continuous portions inside ROUNDING_MARGIN of each band, so that
    # stage 2 can round to whole units / gram steps and repair; HiGHS finds such points in a few ms.
    infeasible = False
    for margin in ((ROUNDING_MARGIN, 0.0) if tol is not None else (0.0,)):
        dev_max = np.tile(goal * tol * (1 - margin), 2) if tol is not None else np.full(8, np.inf)
        with warnings.catch_warnings():   # scipy warns that it hands HIGHS_OPTIONS to HiGHS verbatim
            warnings.simplefilter("ignore", RuntimeWarning)
            res = milp(c, integrality=np.concatenate([np.zeros(m), np.ones(m + len(pats)), np.zeros(8)]),
                       bounds=Bounds(np.zeros(n_var), np.concatenate([hi_u, np.ones(m + len(pats)), dev_max])),
                       constraints=LinearConstraint(A_csr, lo, hi),
                       options={"time_limit": SOLVER_TIME_LIMIT_S * (1 if tol is not None else 4),
                                "mip_rel_gap": 1.0 if tol is not None else 0.2, **HIGHS_OPTIONS})
        if res.x is None:
            infeasible = res.status == 2   # proven infeasible (1 would be the time limit)
            continue
        used = np.flatnonzero(res.x[m:2 * m] > 0.5)
        x = _repair(used, res.x[:m], A, lo_u, hi_u, cands, meals, targets, rules, kept)
        if x is not None:
            return x, False
    return None, infeasible


def _limits(cands, used, meals, targets: dict, rules: dict, kept: np.ndarray):
    """Row bounds the rounded day must meet: macros, day rules and meal bands over the chosen foods."""
    goal = np.array([targets[k] for k in NUTRIENTS], float)
    tol = rules["tol"] if rules["tol"] is not None else np.inf
    lo = list(goal * (1 - tol) - kept[:4])
    hi = list(goal * (1 + tol) - kept[:4])
    cols = [0, 1, 2, 3]
    if rules["day"]:
        for k, (a, b) in day_bounds(targets, rules):
            cols.append(k)
            lo.append(a - kept[k])
            hi.append(b - kept[k])
    return cols, np.array(lo), np.array(hi), goal


def _repair(used, n0, A, lo_u, hi_u, cands, meals, targets, rules, kept) -> np.ndarray | None:
    """Round the chosen foods' portions to whole units and move ±1 unit (or one unit between two foods)
    while the summed violation of every row falls; None if a violation remains."""
    if not len(used):
        return None
    cols, r_lo, r_hi, goal = _limits(cands, used, meals, targets, rules, kept)
    M = A[used][:, cols]                                   # per-unit contribution, rows = chosen foods
    scale = np.maximum(np.abs(np.where(np.isfinite(r_hi), r_hi, r_lo)), 1.0)
    band = None
    if rules["band"]:
        meal_of = np.array([cands[i][0] for i in used])
        shares = np.array([s for _, _, s in meals])
        band = ((meal_of[:, None] == np.arange(len(meals))[None, :]) * A[used][:, :1],
                targets["kcal"] * shares * SLOT_SHARE_BAND[0], targets["kcal"] * shares * SLOT_SHARE_BAND[1])
    lo_b, hi_b = lo_u[used].astype(float), hi_u[used].astype(float)
    meal_idx = np.array([cands[i][0] for i in used])
    mass = (meal_idx[:, None] == np.arange(len(meals))[None, :]) * _over_mass(cands, list(used), A)[:, None]

    def score(X: np.ndarray) -> np.ndarray:
        T = X @ M
        v = (np.clip(r_lo - T, 0, None) + np.clip(T - r_hi, 0, None)) / scale
        out = v.sum(1) + np.clip(X @ mass - MEAL_MASS_G[0], 0, None).sum(1) / MEAL_MASS_G[0]
        if band is not None:
            S = X @ band[0]
            out = out + ((np.clip(band[1] - S, 0, None) + np.clip(S - band[2], 0, None)) / targets["kcal"]).sum(1)
        err = np.abs(T[:, :4] - (goal - kept[:4])) @ (1 / goal)
        return 1000 * out + err, out

    k = len(used)
    eye = np.eye(k)
    moves = np.concatenate([eye, -eye, (eye[:, None, :] - eye[None, :, :]).reshape(k * k, k)[~np.eye(k, dtype=bool).ravel()]])
    x = np.clip(np.round(n0[used]), lo_b, hi_b)
    cur = score(x[None, :])[0][0]
    for _ in range(8 * k):
        cand = x + moves
        ok = ((cand >= lo_b) & (cand <= hi_b)).all(1)
        s = np.where(ok, score(cand)[0], np.inf)
        best = int(np.argmin(s))
        if s[best] >= cur - 1e-9:
            break
        x, cur = cand[best], s[best]
    if score(x[None, :])[1][0] > 1e-9:
        return None
    out = np.zeros(len(A), int)
    out[used] = np.round(x).astype(int)
    return out
