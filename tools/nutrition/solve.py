"""The MILP (scipy milp / HiGHS) that picks foods and quarter-portion steps, and its integer repair."""
from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix

from .foods import _kb_slot, _units
from .rules import (ITEMS_PER_SLOT, MIN_STEPS, NUTRIENTS, ROUNDING_MARGIN, SLOT_SHARE, SLOT_SHARE_BAND,
                    SOLVER_TIME_LIMIT_S)


def _solve(cands: list[tuple[str, object]], targets: dict, slots: tuple[str, ...], cost: dict, *, tol: float | None,
           min_foods: int, categories: bool, fiber_min: float) -> tuple[np.ndarray | None, str]:
    """Choose foods and quarter-portion steps per (slot, food) within `tol` of every target.

    Stage 1 is a MILP over which foods to use (binary) with continuous portions: the binaries carry the
    hard rules (foods per slot and day, food groups, one slot per food) and the solver stops at its first
    feasible point. Stage 2 rounds portions to steps and repairs/polishes them with an integer local
    search. If that cannot restore every constraint, the MILP is re-solved with integer steps.
    """
    m = len(cands)
    goal = np.array([targets["kcal"], targets["protein_g"], targets["fat_g"], targets["carb_g"]], float)
    unit = np.array([_units(f)[0] for _, f in cands])
    per_unit = np.array([[getattr(f, k) for k in NUTRIENTS] for _, f in cands]).reshape(m, 4) * unit[:, None] / 100
    fiber = np.array([f.fiber_g for _, f in cands]) * unit / 100
    upper = np.array([_units(f, targets["kcal"])[1] for _, f in cands], float)
    slot_of = np.array([slots.index(s) for s, _ in cands])
    shares = np.array([SLOT_SHARE[_kb_slot(s)] for s in slots])
    shares = shares / shares.sum()
    limit = goal * tol if tol is not None else np.full(4, np.inf)
    slot_lo = goal[0] * shares * SLOT_SHARE_BAND[0] if tol is not None else np.zeros(len(slots))
    slot_hi = goal[0] * shares * SLOT_SHARE_BAND[1] if tol is not None else np.full(len(slots), np.inf)

    def build(margin: float):
        """Sparse constraint rows over n (m) and y (m); `margin` shrinks the bands for rounding room."""
        r_i, c_i, v_i, lo, hi = [], [], [], [], []   # sparse rows over variables n (m), y (m)

        def row(cols, vals, a, b) -> None:
            r_i.extend([len(lo)] * len(cols))
            c_i.extend(cols)
            v_i.extend(vals)
            lo.append(a)
            hi.append(b)

        idx = list(range(m))
        for k in range(4):                     # sum a n - dev+ + dev- = goal; the dev bounds carry the tolerance
            row(idx + [2 * m + k, 2 * m + 4 + k], list(per_unit[:, k]) + [-1, 1], goal[k], goal[k])
        for i in idx:                          # MIN_STEPS y <= n <= U y
            row([i, m + i], [1, -upper[i]], -np.inf, 0)
            row([i, m + i], [1, -MIN_STEPS], 0, np.inf)
        for j, s in enumerate(slots):
            members = [i for i in idx if slot_of[i] == j]
            n_lo, n_hi = ITEMS_PER_SLOT[_kb_slot(s)]
            row([m + i for i in members], [1] * len(members), min(n_lo if categories else 1, len(members)),
                n_hi + (1 if len(slots) == 2 else 0))
            if tol is not None:
                mid = goal[0] * shares[j]
                row(members, per_unit[members, 0], mid - (mid - slot_lo[j]) * (1 - margin),
                    mid + (slot_hi[j] - mid) * (1 - margin))
        by_food: dict[str, list[int]] = {}
        for i, (_, f) in enumerate(cands):
            by_food.setdefault(f.id, []).append(i)
        for members in by_food.values():       # a food in one slot a day, so distinct foods = sum of y
            if len(members) > 1:
                row([m + i for i in members], [1] * len(members), 0, 1)
        row(list(range(m, 2 * m)), [1] * m, min(min_foods, len(by_food)), np.inf)
        if fiber_min:
            row(idx, fiber, fiber_min * (1 + margin / 10), np.inf)
        if categories:                         # 中国居民膳食指南: vegetables, fruit, grains every day
            for cats, need in ((("vegetable",), 2), (("fruit",), 1), (("grain", "tuber"), 1)):
                members = [i for i, (_, f) in enumerate(cands) if f.category in cats]
                if members:
                    row([m + i for i in members], [1] * len(members),
                        min(need, len({cands[i][1].id for i in members})), np.inf)
        return coo_matrix((v_i, (r_i, c_i)), shape=(len(lo), 2 * m + 8)).tocsr(), lo, hi

    # With a tolerance any feasible point will do (costs only steer variety); without one (last resort)
    # the objective is the summed % deviation.
    c = np.concatenate([np.zeros(m), [cost.get(f.id, 0.0) for _, f in cands],
                        np.tile(100 / goal, 2) if tol is None else np.zeros(8)])
    margin = ROUNDING_MARGIN if tol is not None else 0.0
    message = ""
    # continuous portions with a margin (room to round), without it, then integer steps
    for integer_steps, band_margin in ((False, margin), (False, 0.0), (True, 0.0))[(0 if margin else 1):]:
        A, lo, hi = build(band_margin)
        dev_max = np.tile(limit * (1 - band_margin), 2)
        bounds = Bounds(np.zeros(2 * m + 8), np.concatenate([upper, np.ones(m), dev_max]))
        res = milp(c, integrality=np.concatenate([np.full(m, int(integer_steps)), np.ones(m), np.zeros(8)]),
                   bounds=bounds, constraints=LinearConstraint(A, lo, hi),
                   options={"time_limit": SOLVER_TIME_LIMIT_S,
                            "mip_rel_gap": 1.0 if tol is not None else 0.05})  # first feasible is enough
        message = res.message
        if res.x is None:
            if band_margin == 0.0 or res.status == 1:   # infeasible, or slow: the caller resamples
                return None, message
            continue
        used = np.flatnonzero(res.x[m:2 * m] > 0.5)
        x = _portion(used, res.x[:m], per_unit, fiber, upper, slot_of, len(slots), goal, limit, slot_lo, slot_hi,
                     fiber_min)
        if x is not None:
            return x, message
    return None, message


def _portion(used: np.ndarray, n0: np.ndarray, per_unit, fiber, upper, slot_of, n_slots: int, goal, limit,
             slot_lo, slot_hi, fiber_min: float) -> np.ndarray | None:
    """Integer steps for the chosen foods: from the rounded MILP portions and from an LP that minimises the
    summed % error, run the local search; return the best point meeting every constraint, or None."""
    if not len(used):
        return None
    pu, fb, up = per_unit[used], fiber[used], upper[used]
    rows = (slot_of[used][None, :] == np.arange(n_slots)[:, None]).astype(float) * pu[:, 0]  # slot kcal per step
    k = len(used)
    starts = [n0[used]]
    lp = linprog(np.concatenate([np.zeros(k), np.tile(100 / goal, 2)]),
                 A_ub=np.vstack([np.hstack([rows, np.zeros((n_slots, 8))]), np.hstack([-rows, np.zeros((n_slots, 8))]),
                                 np.concatenate([-fb, np.zeros(8)])[None, :]]),
                 b_ub=np.concatenate([np.minimum(slot_hi, 1e12), -slot_lo, [-fiber_min]]),
                 A_eq=np.hstack([pu.T, -np.eye(4), np.eye(4)]), b_eq=goal,
                 bounds=[(MIN_STEPS, u) for u in up] + [(0, None)] * 8, method="highs")
    if lp.status == 0:
        starts.append(lp.x[:k])
    best, best_err = None, np.inf
    for x0 in starts:
        x = _local_search(np.clip(np.round(x0), MIN_STEPS, up), pu, fb, up, rows, goal, limit, slot_lo, slot_hi,
                          fiber_min)
        err = np.abs(pu.T @ x - goal) @ (1 / goal)
        if _violation(x, pu, fb, rows, goal, limit, slot_lo, slot_hi, fiber_min) == 0 and err < best_err:
            best, best_err = x, err
    if best is None:
        return None
    out = np.zeros(len(per_unit), int)
    out[used] = np.round(best).astype(int)
    return out


def _violation(x, pu, fb, rows, goal, limit, slot_lo, slot_hi, fiber_min) -> float:
    """How far x is outside the tolerance, slot bands and fibre floor (0 = feasible), in relative units."""
    x = np.atleast_2d(x)
    over = np.clip(np.abs(x @ pu - goal) - limit, 0, None) @ (1 / goal)
    s_kcal = x @ rows.T
    band = (np.clip(slot_lo - s_kcal, 0, None) + np.clip(s_kcal - slot_hi, 0, None)).sum(1) / goal[0]
    fib = np.clip(fiber_min - x @ fb, 0, None) / max(fiber_min, 1.0)
    v = over + band + fib
    v[v < 1e-9] = 0.0
    return v if len(v) > 1 else float(v[0])


def _local_search(x, pu, fb, up, rows, goal, limit, slot_lo, slot_hi, fiber_min) -> np.ndarray:
    """Best ±1-step or one-step swap while (violation x 1000 + summed % error) falls. Vectorised, ~1 ms."""
    k = len(x)
    eye = np.eye(k)
    pairs = (eye[:, None, :] - eye[None, :, :]).reshape(k * k, k)[~np.eye(k, dtype=bool).ravel()]
    moves = np.concatenate([eye, -eye, pairs])

    def score(pts: np.ndarray) -> np.ndarray:
        return 1000 * np.atleast_1d(_violation(pts, pu, fb, rows, goal, limit, slot_lo, slot_hi, fiber_min)) + \
            np.abs(pts @ pu - goal) @ (1 / goal)

    current = score(x[None, :])[0]
    for _ in range(6 * k):
        cand = x + moves
        s = np.where(((cand >= MIN_STEPS) & (cand <= up)).all(1), score(cand), np.inf)
        best = int(np.argmin(s))
        if s[best] >= current - 1e-9:
            break
        x, current = cand[best], s[best]
    return x
