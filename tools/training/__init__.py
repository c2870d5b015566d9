"""Weekly resistance-training plans and today's workout, plus the validator that states the rules every plan meets.

Pure and deterministic: the same profile gives the same plan, `variation=n` gives a different valid plan.
Numbers come from ../shared/docs/SCIENCE.md; each constant names the row it follows. Output is plain
JSON-serialisable data so the agent, UI and API share it. Modules: rules (data), timing, selection,
prescription, session, week, assemble, validation, text, today, swap (the agent's tool is agent/toolbox.py).
"""
from tools.training.rules import (DISCLAIMER, GROUP_LABEL, MAJOR_GROUPS, MINOR_GROUPS, SOURCES, SPLITS,
                                  STRENGTH_PATTERNS)
from tools.training.timing import estimate_session_s
from tools.training.selection import eligible_exercises, is_loadable, muscle_group, user_equipment
from tools.training.prescription import resistance_days, set_range, volume_range
from tools.training.week import plan_training_week
from tools.training.validation import TRAINING_RULES, validate_training_plan
from tools.training.text import summarize_training
from tools.training.today import plan_today
from tools.training.swap import swap_exercise

__all__ = ["DISCLAIMER", "GROUP_LABEL", "MAJOR_GROUPS", "MINOR_GROUPS", "SOURCES", "SPLITS", "STRENGTH_PATTERNS",
           "TRAINING_RULES", "eligible_exercises", "estimate_session_s", "is_loadable",
           "muscle_group", "plan_today", "plan_training_week", "swap_exercise", "resistance_days", "set_range", "summarize_training",
           "user_equipment", "validate_training_plan", "volume_range"]
