"""Requested calorie figures: a safe one is used as asked; an unsafe one is refused with the same reason and
the nearest safe target in both languages (SCIENCE.md "Weight change and safety"), never silently changed."""
from __future__ import annotations

from tools.profiles import NutritionProfile, ProfileError
from .rules import (ABSOLUTE_FLOOR_KCAL, DEFICIT_MAX_KCAL, FLOOR_KCAL, KCAL_PER_KG, LOSS_KG_WEEK,
                    LOSS_MAX_BW_FRACTION, SURPLUS_MAX_KCAL)
from .text import _BLOCKER_TEXT, _bi


class UnsafeNutritionRequest(ProfileError):
    """A calorie request outside the safe range; `safe_kcal` is the nearest safe target, `safe_plan` its plan
    (set by plan_nutrition), `message` the same refusal in en and zh."""

    def __init__(self, requested_kcal: float, safe_kcal: int, reason: dict, message: dict):
        self.requested_kcal, self.safe_kcal, self.reason, self.message = requested_kcal, safe_kcal, reason, message
        self.safe_plan: dict | None = None
        super().__init__({"requested_kcal": message})

    def to_dict(self) -> dict:
        return {"error": "unsafe_request", "fields": self.errors, "requested_kcal": self.requested_kcal,
                "safe_kcal": self.safe_kcal, "reason": self.reason, "message": self.message}


def safe_kcal_range(p: NutritionProfile, tdee: float, extra: float, blockers: list[str]) -> tuple[int, int, dict, dict]:
    """(lowest, highest) safe daily target and the reason for each bound, bilingual."""
    if blockers:
        names = _bi(", ".join(_BLOCKER_TEXT[b][0] for b in blockers), "、".join(_BLOCKER_TEXT[b][1] for b in blockers))
        low = tdee + extra
        low_why = _bi(f"no calorie deficit with {names['en']}; your needs are about {low:.0f} kcal/day",
                      f"{names['zh']}时不安排热量缺口；你的需要约为每天 {low:.0f} 千卡")
    else:
        floor = ABSOLUTE_FLOOR_KCAL if p.supervised else FLOOR_KCAL[p.sex]
        max_deficit = min(DEFICIT_MAX_KCAL, min(LOSS_KG_WEEK[1], LOSS_MAX_BW_FRACTION * p.weight_kg) * KCAL_PER_KG / 7)
        low = min(tdee, max(floor, tdee - max_deficit))
        low_why = _bi(f"no target under {floor} kcal/day without medical supervision (never under "
                      f"{ABSOLUTE_FLOOR_KCAL}), and a deficit of at most {max_deficit:.0f} kcal/day (1% of body weight, "
                      "at most 1 kg a week)",
                      f"无医学监护时每日不低于 {floor} 千卡（任何情况下不低于 {ABSOLUTE_FLOOR_KCAL}），且每日缺口不超过 "
                      f"{max_deficit:.0f} 千卡（每周不超过体重的 1%、最多 1 公斤）")
    surplus = 0 if p.eating_disorder else SURPLUS_MAX_KCAL
    high = tdee + extra + surplus
    high_why = _bi(f"a surplus over {surplus} kcal/day above your needs ({tdee + extra:.0f}) mostly adds fat",
                   f"比你的需要（{tdee + extra:.0f} 千卡）多出 {surplus} 千卡以上的盈余主要增加脂肪")
    return int(-(-low // 10) * 10), int(high // 10 * 10), low_why, high_why


def check_requested_kcal(p: NutritionProfile, tdee: float, extra: float, blockers: list[str]) -> tuple[int, dict] | None:
    """The requested target and its line when safe; raises UnsafeNutritionRequest when not; None if none asked."""
    if p.requested_kcal is None:
        return None
    asked = round(p.requested_kcal)
    low, high, low_why, high_why = safe_kcal_range(p, tdee, extra, blockers)
    if low <= asked <= high:
        return asked, _bi(f"You asked for {asked} kcal/day: inside the safe range {low}-{high} kcal, used as asked.",
                          f"你要求每天 {asked} 千卡：在安全范围 {low}-{high} 千卡内，按你的要求执行。")
    safe, why = (low, low_why) if asked < low else (high, high_why)
    tail = _bi(" Please see a doctor or registered dietitian if you need a lower-calorie diet.",
               "如确需更低热量的饮食，请在医生或注册营养师指导下进行。") if asked < low else _bi("", "")
    message = _bi(f"{asked} kcal a day is not a safe target for you: {why['en']}. The nearest safe target is "
                  f"{safe} kcal/day; here is a plan at that level." + tail["en"],
                  f"每天 {asked} 千卡对你来说不是安全的目标：{why['zh']}。最接近的安全目标是每天 {safe} 千卡，"
                  "下面是按这个热量制定的计划。" + tail["zh"])
    raise UnsafeNutritionRequest(asked, safe, why, message)
