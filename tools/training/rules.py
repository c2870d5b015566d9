"""Training rules as data: muscle groups, splits, prescriptions, volume and time constants, each citing its SCIENCE.md row."""
from __future__ import annotations



# --- muscle groups -------------------------------------------------------------------------------
# A set counts toward the group of the exercise's first primary muscle ("direct" sets); secondary
# muscles are reported as indirect volume only. Major groups carry the volume and frequency rules.
GROUP_OF_MUSCLE = {"quadriceps": "quads", "hamstrings": "posterior", "glutes": "posterior",
                   "lower_back": "posterior", "chest": "chest", "lats": "back", "middle_back": "back",
                   "traps": "back", "shoulders": "shoulders", "triceps": "triceps", "biceps": "biceps",
                   "calves": "calves", "abdominals": "core"}


MAJOR_GROUPS = ("quads", "posterior", "back", "chest", "shoulders")


MINOR_GROUPS = ("triceps", "biceps", "calves", "core")


GROUP_LABEL = {"quads": ("Quadriceps", "股四头肌"), "posterior": ("Glutes & hamstrings", "臀部与腘绳肌"),
               "back": ("Back", "背部"), "chest": ("Chest", "胸部"), "shoulders": ("Shoulders", "肩部"),
               "triceps": ("Triceps", "肱三头肌"), "biceps": ("Biceps", "肱二头肌"), "calves": ("Calves", "小腿"),
               "core": ("Core", "核心")}


STRENGTH_PATTERNS = {"squat", "hinge", "lunge", "horizontal_push", "vertical_push", "horizontal_pull",
                     "vertical_pull", "chest_fly", "lateral_raise", "elbow_flexion", "elbow_extension",
                     "knee_extension", "knee_flexion", "calf_raise", "core_flexion", "core_stability",
                     "core_rotation", "carry"}


LOWER_BODY = {"quads", "posterior", "calves"}


# Equipment whose load can be set in small steps, so %1RM guidance makes sense; otherwise RPE only.
LOADABLE = {"barbell", "dumbbell", "kettlebells", "cable_machine", "ez_bar", "trap_bar", "landmine"}


# --- splits (SCIENCE.md "Split by days/week: 2-3 full body, 4 upper/lower, 5-6 push/pull/legs") --------
SESSION_GROUPS = {"full_body": MAJOR_GROUPS, "upper": ("back", "chest", "shoulders", "triceps", "biceps"),
                  "lower": ("quads", "posterior", "calves", "core"), "push": ("chest", "shoulders", "triceps"),
                  "pull": ("back", "biceps", "core"), "legs": ("quads", "posterior", "calves", "core")}


FULL_BODY_MINORS = (("triceps", "core"), ("biceps", "calves"), ("core", "biceps", "triceps"))


SPLITS = {1: ("full_body",), 2: ("full_body",) * 2, 3: ("full_body",) * 3, 4: ("upper", "lower") * 2,
          5: ("push", "pull", "legs", "upper", "lower"), 6: ("push", "pull", "legs") * 2}


SESSION_LABEL = {"full_body": ("Full body", "全身"), "upper": ("Upper body", "上肢"), "lower": ("Lower body", "下肢"),
                 "push": ("Push", "推"), "pull": ("Pull", "拉"), "legs": ("Legs", "腿"),
                 "cardio": ("Cardio & mobility", "有氧与灵活性")}


WEEKDAYS = (("Monday", "周一"), ("Tuesday", "周二"), ("Wednesday", "周三"), ("Thursday", "周四"),
            ("Friday", "周五"), ("Saturday", "周六"), ("Sunday", "周日"))


DAY_LAYOUT = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 4, 5), 6: (0, 1, 2, 3, 4, 5),
              7: (0, 1, 2, 3, 4, 5, 6)}


# Resistance days by experience (ACSM 2009: novice 2-3 d/wk, intermediate 3-4, advanced 4-6; SCIENCE.md
# "Frequency" summarises advanced as 4-5); by goal, days beyond these become cardio/mobility days.
MAX_RESISTANCE_DAYS = {"beginner": 3, "intermediate": 4, "advanced": 6}


GOAL_RESISTANCE_DAYS = {"fat_loss": (1, 2, 3, 3, 3, 4, 4), "endurance": (1, 2, 2, 2, 2, 3, 3),
                        "general_health": (1, 2, 3, 3, 3, 3, 3)}


# --- prescriptions (SCIENCE.md NSCA goal table; ACSM 2009 novices; ACSM 2011 for general health) -----
# (reps lo-hi, sets lo-hi, rest s, %1RM lo-hi, RPE lo-hi)
RX = {
    ("strength", "compound"): ((3, 5), (3, 5), 180, (85, 88), (8, 9)),           # NSCA strength 1-6 @85-100, 2-5 min
    ("strength", "isolation"): ((8, 12), (2, 3), 90, (67, 75), (7, 8)),          # accessories: hypertrophy row
    ("strength_novice", "compound"): ((6, 8), (3, 4), 150, (72, 80), (7, 8)),    # ACSM novice bridge to NSCA row
    ("strength_novice", "isolation"): ((10, 12), (2, 3), 60, (60, 70), (7, 8)),
    ("hypertrophy", "compound"): ((6, 10), (3, 4), 90, (70, 80), (7, 9)),        # NSCA 6-12 @67-85, 30-90 s
    ("hypertrophy", "isolation"): ((10, 12), (3, 4), 60, (67, 75), (8, 9)),
    ("hypertrophy_novice", "compound"): ((8, 12), (2, 3), 90, (67, 75), (7, 8)),  # ACSM novice 8-12 RM, 1-3 sets
    ("hypertrophy_novice", "isolation"): ((10, 12), (2, 3), 60, (67, 72), (7, 8)),
    ("fat_loss", "compound"): ((8, 12), (2, 4), 75, (65, 75), (7, 8)),           # ACSM 2009 + hypertrophy row
    ("fat_loss", "isolation"): ((10, 15), (2, 3), 45, (60, 70), (7, 8)),
    ("endurance", "compound"): ((12, 20), (2, 3), 30, (50, 65), (6, 7)),         # NSCA endurance <=67 %, <=30 s
    ("endurance", "isolation"): ((15, 20), (2, 3), 30, (50, 60), (6, 7)),
    ("general_health", "compound"): ((8, 12), (2, 3), 90, (60, 70), (6, 7)),     # ACSM 2011: 8-12 reps, 2-4 sets
    ("general_health", "isolation"): ((10, 15), (2, 3), 60, (55, 65), (6, 7)),
    ("older", "compound"): ((10, 15), (2, 3), 90, (50, 65), (5, 6)),             # ACSM 2011 older adults 10-15
    ("older", "isolation"): ((10, 15), (2, 3), 60, (50, 60), (5, 6)),
    ("conservative", "compound"): ((10, 15), (2, 3), 90, (40, 60), (5, 6)),      # PAR-Q yes, minors, pregnancy
    ("conservative", "isolation"): ((12, 15), (2, 3), 60, (40, 55), (5, 6)),
}


# Week-3 overload may add a set up to the top of the source row (NSCA strength/hypertrophy 6, endurance 3;
# ACSM 2011 health 4), above the planner's everyday set range.
OVERLOAD_MAX_SETS = {"strength": 6, "strength_novice": 4, "hypertrophy": 6, "hypertrophy_novice": 4, "fat_loss": 4,
                     "endurance": 3, "general_health": 4, "older": 3, "conservative": 3}


BODYWEIGHT_REPS = {"endurance": (12, 20), "default": (8, 15)}  # unloaded: to RPE 7-9 in 6-20 reps


HOLD_S = (20, 40)                     # isometric holds and carries, seconds per set


HOLD_REST_S = 45


# Weekly direct sets per major group (SCIENCE.md "Weekly volume": beginners 6-12, intermediates 10-20,
# over ~22 junk; ACSM 2011 general health 2-4 sets x 2-3 d = 4-12). Target is what the planner aims for.
VOLUME_RANGE = {"beginner": (6, 12), "intermediate": (10, 20), "advanced": (10, 22)}


VOLUME_RANGE_HEALTH = (4, 12)         # general_health, endurance, conservative plans


VOLUME_TARGET = {"beginner": 9, "intermediate": 13, "advanced": 15}


VOLUME_TARGET_HEALTH = 6


MINOR_TARGET = {"beginner": 3, "intermediate": 5, "advanced": 6}


MAX_SETS_PER_SESSION = 10             # SCIENCE.md: at most ~10 per muscle per session


EXERCISES_PER_SESSION = (4, 8)        # SCIENCE.md: 4-8 exercises per session


SET_INCREASE_MAX = 0.20               # SCIENCE.md: raise weekly sets by at most 20% per block


DELOAD_MAX_RATIO = 0.70               # deload week keeps at most 70% of week-1 sets


LOAD_STEP_PCT = {"lower": (5, 10), "upper": (2, 5)}  # ACSM 2009: +2-10% once the target is beaten by 1-2


# Session time model: time = warm-up + per exercise (setup + sets x (work + rest)) + cardio finisher.
REP_S = 3.0                           # s per rep at a 2-0-1 tempo


SETUP_S = {"compound": 60, "isolation": 30}


# WHO 2020: 150-300 min/week moderate aerobic activity.
CARDIO_TARGET_MIN = {"general_health": 150, "fat_loss": 225, "endurance": 300}


CARDIO_GOALS = tuple(CARDIO_TARGET_MIN)


WHO_RANGE_MIN = (150, 300)


SOURCES = ["ACSM (2009) Progression models in resistance training for healthy adults. MSSE 41:687-708",
           "ACSM (2011) Quantity and quality of exercise... Garber et al. MSSE 43:1334-1359",
           "NSCA Essentials of Strength Training and Conditioning, 4th ed. (goal table, secondary)",
           "IUSCA (2021) Resistance training prescription for muscle function, hypertrophy... (weekly sets)",
           "WHO (2020) Guidelines on physical activity and sedentary behaviour",
           "Tanaka H. et al. (2001) Age-predicted maximal heart rate revisited. JACC 37:153-156",
           "PAR-Q (2002) Physical Activity Readiness Questionnaire, CSEP"]


DISCLAIMER = {"en": "General fitness information, not medical advice. Stop if you feel pain, chest discomfort or "
                    "dizziness, and see a doctor before starting if you have a medical condition or injury.",
              "zh": "本计划为一般健身信息，不构成医疗建议。如出现疼痛、胸部不适或头晕请立即停止；"
                    "如有疾病或伤病，开始前请先咨询医生。"}


def _bi(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


def _note(code: str, en: str, zh: str) -> dict:
    """A bilingual note with a code, so the validator can check the plan said what it must."""
    return {"code": code, "en": en, "zh": zh}

