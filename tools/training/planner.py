"""Lagent adapter: the TrainingPlanner tool the agent calls."""
from __future__ import annotations

from tools.training.text import summarize_training
from tools.training.week import plan_training_week

# --- lagent adapter ----------------------------------------------------------------------------------
try:  # the agent layer is optional for the domain functions above
    from lagent.actions import BaseAction, tool_api
except ImportError:  # pragma: no cover
    BaseAction = None

if BaseAction is not None:
    class TrainingPlanner(BaseAction):
        """Build an evidence-based weekly resistance-training plan (sets, reps, rest, load) with a 4-week block."""

        def __init__(self, kb=None, **kwargs):
            super().__init__(**kwargs)
            self._kb = kb

        @tool_api
        def run(self, goal: str, days_per_week: int, minutes_per_session: int, age: int,
                experience: str = "beginner", place: str = "gym", equipment: str = "", limitations: str = "",
                lang: str = "en") -> dict:
            """Plan a training week for the user.

            Args:
                goal (str): strength, hypertrophy, fat_loss, endurance or general_health (增肌/减脂 accepted)
                days_per_week (int): training days per week, 1-7
                minutes_per_session (int): minutes available per session, 15-180
                age (int): age in years, 13-100
                experience (str): beginner, intermediate or advanced
                place (str): gym, home or bodyweight
                equipment (str): comma-separated equipment at home, e.g. "dumbbell, resistance band"; empty at a gym
                limitations (str): comma-separated injured areas, e.g. "knee, lower back"; empty if none
                lang (str): "en" or "zh", the language of the reply
            """
            from tools.profiles import ProfileError

            profile = {"goal": goal, "days_per_week": days_per_week, "minutes_per_session": minutes_per_session,
                       "age": age, "experience": experience, "place": place, "limitations": limitations or None,
                       "equipment": equipment or None}
            try:
                return summarize_training(plan_training_week(profile, self._kb), lang)
            except ProfileError as err:
                return err.to_action_return()
