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
                     "core_rotation", "carry", "plyometric"}


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
                 "cardio": ("Cardio & mobility", "有氧与灵活性"),
                 "own_sport": ("Your run, ride or sport session", "你自己的跑步/骑行/专项训练")}


WEEKDAYS = (("Monday", "周一"), ("Tuesday", "周二"), ("Wednesday", "周三"), ("Thursday", "周四"),
            ("Friday", "周五"), ("Saturday", "周六"), ("Sunday", "周日"))


DAY_LAYOUT = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 4, 5), 6: (0, 1, 2, 3, 4, 5),
              7: (0, 1, 2, 3, 4, 5, 6)}


# Resistance days by experience (ACSM 2009: novice 2-3 d/wk, intermediate 3-4, advanced 4-6; SCIENCE.md
# "Frequency" summarises advanced as 4-5); by goal, days beyond these become cardio/mobility days.
MAX_RESISTANCE_DAYS = {"beginner": 3, "intermediate": 4, "advanced": 6}


GOAL_RESISTANCE_DAYS = {"fat_loss": (1, 2, 3, 3, 3, 4, 4), "endurance": (1, 2, 2, 2, 2, 2, 2),
                        "sport": (1, 2, 2, 3, 3, 3, 3),
                        "general_health": (1, 2, 3, 3, 3, 3, 3)}


# --- prescriptions by exercise role (SCIENCE.md NSCA goal table; ACSM 2009 novices; ACSM 2011 health;
# "Prescription by exercise role": %1RM only for main barbell/machine compounds, effort + reps otherwise).
# Roles: main (barbell/machine compound), secondary (other compounds), isolation (single-joint and small
# muscles: raises, face pulls, curls, calves, core), power (plyometrics, before the lifts: NSCA order).
# (reps lo-hi, sets lo-hi, rest s, %1RM lo-hi or None, RPE lo-hi)
RX = {
    ("strength", "main"): ((3, 5), (3, 5), 180, (85, 88), (7, 9)),          # NSCA strength 1-6 @85-100, 2-5 min
    ("strength", "secondary"): ((6, 8), (3, 4), 120, None, (7, 9)),
    ("strength", "isolation"): ((10, 15), (2, 3), 60, None, (7, 9)),
    ("hypertrophy", "main"): ((6, 10), (3, 4), 120, (70, 80), (7, 9)),      # NSCA 6-12 @67-85
    ("hypertrophy", "secondary"): ((8, 12), (3, 4), 90, None, (7, 9)),
    ("hypertrophy", "isolation"): ((12, 15), (2, 4), 60, None, (8, 9)),     # Schoenfeld 2017: effort, not %1RM
    ("fat_loss", "main"): ((8, 10), (2, 4), 90, (70, 78), (7, 8)),
    ("fat_loss", "secondary"): ((8, 12), (2, 3), 75, None, (7, 8)),
    ("fat_loss", "isolation"): ((12, 15), (2, 3), 45, None, (7, 9)),
    ("general_health", "main"): ((8, 12), (2, 3), 90, (60, 72), (6, 8)),    # ACSM 2011: 8-12 reps, 2-4 sets
    ("general_health", "secondary"): ((8, 12), (2, 3), 75, None, (6, 8)),
    ("general_health", "isolation"): ((10, 15), (2, 3), 60, None, (6, 8)),
    # runners/cyclists: heavy low-rep compounds + plyometrics (Ronnestad & Mujika 2014; Beattie 2014)
    ("endurance", "main"): ((4, 6), (3, 4), 150, (80, 87), (7, 8)),
    ("endurance", "secondary"): ((5, 8), (2, 3), 120, None, (7, 8)),
    ("endurance", "isolation"): ((10, 15), (2, 3), 60, None, (7, 8)),
    ("endurance", "power"): ((5, 8), (2, 3), 90, None, (6, 8)),
    ("sport", "main"): ((4, 6), (3, 4), 150, (80, 85), (7, 8)),            # NSCA power/strength rows
    ("sport", "secondary"): ((6, 10), (2, 3), 90, None, (7, 8)),
    ("sport", "isolation"): ((10, 15), (2, 3), 60, None, (7, 8)),
    ("sport", "power"): ((3, 5), (3, 4), 90, None, (6, 8)),                # NSCA power 1-5 reps, full recovery
    # beginners: same roles by RPE only, lighter, technique first (ACSM 2009 novices 8-12 RM)
    ("novice", "main"): ((6, 10), (2, 3), 120, None, (6, 8)),
    ("novice", "secondary"): ((8, 12), (2, 3), 90, None, (6, 8)),
    ("novice", "isolation"): ((10, 15), (2, 3), 60, None, (6, 8)),
    ("novice", "power"): ((5, 8), (2, 3), 90, None, (5, 7)),
    # beginner runners and athletes: still heavy-ish and low-rep, by RPE while they learn the lifts
    ("athlete_novice", "main"): ((5, 8), (2, 3), 120, None, (6, 8)),
    ("athlete_novice", "secondary"): ((6, 10), (2, 3), 90, None, (6, 8)),
    ("athlete_novice", "isolation"): ((10, 15), (2, 3), 60, None, (6, 8)),
    ("athlete_novice", "power"): ((5, 8), (2, 3), 90, None, (5, 7)),
    # youth 13-17 (NSCA 2009: 1-3 x 6-15, technique first, no %1RM); children under 13: play, light bodyweight
    ("youth", "main"): ((8, 12), (2, 3), 90, None, (6, 7)),
    ("youth", "secondary"): ((8, 12), (2, 3), 90, None, (6, 7)),
    ("youth", "isolation"): ((10, 15), (2, 3), 60, None, (6, 7)),
    ("youth", "power"): ((5, 8), (2, 3), 90, None, (5, 7)),
    ("child", "main"): ((10, 15), (2, 2), 60, None, (5, 6)),
    ("child", "secondary"): ((10, 15), (2, 2), 60, None, (5, 6)),
    ("child", "isolation"): ((10, 15), (2, 2), 60, None, (5, 6)),
    ("child", "power"): ((5, 8), (2, 2), 60, None, (5, 6)),
    # 65+ (ACSM 2009 older adults: moderate 5-6 to vigorous 7-8 on 0-10, progress by RPE)
    ("older", "main"): ((8, 12), (2, 3), 120, None, (5, 7)),
    ("older", "secondary"): ((10, 15), (2, 3), 90, None, (5, 7)),
    ("older", "isolation"): ((10, 15), (2, 3), 60, None, (5, 7)),
    ("older", "power"): ((5, 8), (2, 2), 90, None, (5, 6)),
    # PAR-Q yes, acute symptoms, severe pain, pregnancy (ACOG 2020: moderate, talk test), early postpartum
    ("conservative", "main"): ((10, 15), (2, 3), 90, None, (5, 6)),
    ("conservative", "secondary"): ((10, 15), (2, 3), 90, None, (5, 6)),
    ("conservative", "isolation"): ((12, 15), (2, 3), 60, None, (5, 6)),
    ("conservative", "power"): ((5, 8), (2, 2), 90, None, (5, 6)),
}
for _k in {k for k, _ in RX}:  # goals without plyometrics still get a row (used only if a power item appears)
    RX.setdefault((_k, "power"), ((5, 8), (2, 3), 90, None, (6, 8)))
ROLES = ("power", "main", "secondary", "isolation")
# Small-muscle and single-joint patterns are always prescribed by reps and effort (SCIENCE.md, role table).
SMALL_PATTERNS = {"lateral_raise", "elbow_flexion", "elbow_extension", "calf_raise", "core_flexion", "core_stability",
                  "core_rotation", "carry", "chest_fly", "knee_extension", "knee_flexion", "hip_abduction"}
MAIN_EQUIPMENT = {"barbell", "trap_bar", "smith_machine", "leg_press_machine", "hack_squat_machine",
                  "chest_press_machine", "shoulder_press_machine", "lat_pull_down_machine", "seated_row_machine",
                  "assisted_pull_up_machine", "t_bar_row", "hip_thrust_machine"}
PCT_EQUIPMENT = {"barbell", "trap_bar", "smith_machine", "leg_press_machine", "hack_squat_machine"}  # 1RM testable
# Week-3 overload may add a set up to the top of the source row (NSCA strength/hypertrophy 6, endurance 3;
# ACSM 2011 health 4), above the planner's everyday set range.
OVERLOAD_MAX_SETS = {"strength": 6, "hypertrophy": 6, "fat_loss": 4, "endurance": 4, "sport": 5,
                     "general_health": 4, "novice": 4, "athlete_novice": 4, "youth": 3, "child": 2, "older": 3, "conservative": 3}

# --- staples: what a coach picks first for each group's main and accessory slot, by level ---------------
# Deterministic; `variation` rotates among the first eligible options of a slot. Unlisted exercises come after.
STAPLES = {
    "quads": {"main": ["barbell_back_squat", "leg_press", "hack_squat", "goblet_squat", "smith_machine_squat",
                       "double_kettlebell_front_squat", "dumbbell_squat", "trap_bar_deadlift", "chair_squat",
                       "bodyweight_squat", "band_squat", "suspension_assisted_squat", "wall_sit",
                       "dumbbell_split_squat", "bodyweight_step_up"],
              "main_beginner": ["leg_press", "barbell_back_squat", "goblet_squat", "dumbbell_squat",
                                "smith_machine_squat", "trap_bar_deadlift", "chair_squat", "bodyweight_squat",
                                "band_squat", "suspension_assisted_squat", "wall_sit", "dumbbell_split_squat",
                                "bodyweight_step_up"],
              "accessory": ["bulgarian_split_squat", "dumbbell_split_squat", "leg_press", "dumbbell_step_up",
                            "leg_extension", "dumbbell_lunge", "bodyweight_reverse_lunge", "bodyweight_step_up",
                            "smith_machine_split_squat", "goblet_squat", "wall_sit", "chair_squat",
                            "band_terminal_knee_extension"]},
    "posterior": {"main": ["barbell_deadlift", "romanian_deadlift", "barbell_hip_thrust", "dumbbell_romanian_deadlift",
                           "machine_hip_thrust", "sumo_deadlift", "kettlebell_swing", "cable_pull_through",
                           "landmine_romanian_deadlift", "glute_bridge", "single_leg_glute_bridge",
                           "band_good_morning", "stability_ball_hip_bridge"],
                  "main_beginner": ["romanian_deadlift", "dumbbell_romanian_deadlift", "machine_hip_thrust",
                                    "barbell_hip_thrust", "cable_pull_through", "glute_bridge",
                                    "single_leg_glute_bridge", "band_good_morning", "stability_ball_hip_bridge"],
                  "accessory": ["seated_leg_curl", "lying_leg_curl", "barbell_hip_thrust", "machine_hip_thrust",
                                "dumbbell_romanian_deadlift", "stability_ball_leg_curl", "band_hamstring_curl",
                                "glute_bridge", "single_leg_glute_bridge", "back_extension", "cable_pull_through"]},
    "back": {"vertical_pull": ["pull_up", "chin_up", "neutral_grip_pull_up", "lat_pulldown", "weighted_pull_up",
                               "assisted_pull_up", "band_assisted_pull_up", "negative_pull_up",
                               "close_grip_lat_pulldown", "band_lat_pulldown", "single_arm_cable_pulldown"],
             "vertical_pull_beginner": ["assisted_pull_up", "band_assisted_pull_up", "lat_pulldown",
                                        "negative_pull_up", "close_grip_lat_pulldown", "band_lat_pulldown",
                                        "kneeling_high_pulley_row", "single_arm_cable_pulldown"],
             "horizontal_pull": ["barbell_bent_over_row", "chest_supported_dumbbell_row", "seated_cable_row",
                                 "one_arm_dumbbell_row", "machine_seated_row", "t_bar_row", "bent_over_dumbbell_row",
                                 "inverted_row", "kettlebell_row", "suspension_row", "band_seated_row",
                                 "table_inverted_row", "doorway_towel_row"],
             "horizontal_pull_beginner": ["seated_cable_row", "chest_supported_dumbbell_row", "machine_seated_row",
                                          "one_arm_dumbbell_row", "barbell_bent_over_row", "inverted_row",
                                          "suspension_row", "band_seated_row", "table_inverted_row",
                                          "doorway_towel_row"]},
    "chest": {"main": ["barbell_bench_press", "dumbbell_bench_press", "incline_barbell_bench_press",
                       "incline_dumbbell_press", "machine_chest_press", "push_up", "smith_machine_bench_press",
                       "neutral_grip_dumbbell_press", "dumbbell_floor_press", "band_chest_press", "knee_push_up",
                       "incline_push_up", "wall_push_up"],
              "main_beginner": ["dumbbell_bench_press", "barbell_bench_press", "machine_chest_press", "push_up",
                                "incline_dumbbell_press", "neutral_grip_dumbbell_press", "dumbbell_floor_press",
                                "band_chest_press", "knee_push_up", "incline_push_up", "wall_push_up"],
              "accessory": ["incline_dumbbell_press", "machine_chest_press", "cable_crossover", "push_up",
                            "dumbbell_fly", "machine_chest_fly", "incline_push_up", "band_chest_fly",
                            "standing_cable_chest_press", "knee_push_up"]},
    "shoulders": {"main": ["barbell_overhead_press", "seated_dumbbell_shoulder_press", "standing_dumbbell_shoulder_press",
                           "machine_shoulder_press", "landmine_press", "neutral_grip_dumbbell_shoulder_press",
                           "arnold_press", "kettlebell_overhead_press", "band_overhead_press", "pike_push_up"],
                  "main_beginner": ["seated_dumbbell_shoulder_press", "machine_shoulder_press",
                                    "barbell_overhead_press", "standing_dumbbell_shoulder_press", "landmine_press",
                                    "neutral_grip_dumbbell_shoulder_press", "band_overhead_press"],
                  "accessory": ["dumbbell_lateral_raise", "face_pull", "cable_lateral_raise", "machine_lateral_raise",
                                "reverse_pec_deck", "band_face_pull", "band_lateral_raise", "band_pull_apart",
                                "cable_rear_delt_fly", "seated_rear_delt_raise", "landmine_press"]},
    "triceps": {"accessory": ["triceps_pushdown", "rope_pushdown", "overhead_cable_triceps_extension",
                              "ez_bar_skull_crusher", "dumbbell_skull_crusher", "overhead_dumbbell_extension",
                              "close_grip_bench_press", "band_pushdown", "bench_dip", "diamond_push_up"]},
    "biceps": {"accessory": ["dumbbell_curl", "barbell_curl", "ez_bar_curl", "cable_curl", "hammer_curl",
                             "incline_dumbbell_curl", "machine_biceps_curl", "band_curl", "kettlebell_curl"]},
    "calves": {"accessory": ["machine_standing_calf_raise", "seated_calf_raise", "leg_press_calf_raise",
                             "smith_machine_calf_raise", "dumbbell_single_leg_calf_raise", "bodyweight_calf_raise",
                             "seated_band_calf_press"]},
    "core": {"accessory": ["plank", "dead_bug", "side_plank", "cable_pallof_press", "band_pallof_press",
                           "bird_dog", "farmers_carry", "suitcase_carry", "hanging_leg_raise", "ab_wheel_rollout",
                           "cable_crunch", "reverse_crunch", "captains_chair_knee_raise"]},
    "power": {"accessory": ["box_jump", "jump_squat", "broad_jump", "split_jump", "skater_jump", "pogo_hops",
                            "medicine_ball_slam", "medicine_ball_chest_pass"]},
}
# For the back, the first exercise of a session alternates vertical and horizontal pulls across the week.
BACK_PATTERNS = ("vertical_pull", "horizontal_pull")

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


SETUP_S = {"main": 90, "secondary": 60, "isolation": 30, "power": 60}  # s, incl. loading the bar


# WHO 2020: 150-300 min/week moderate aerobic activity.
CARDIO_TARGET_MIN = {"general_health": 150, "fat_loss": 225}
# Runners/cyclists keep their own running or riding volume; the plan adds no walking on top.
OWN_SPORT_GOALS = ("endurance", "sport")


CARDIO_GOALS = tuple(CARDIO_TARGET_MIN)


WHO_RANGE_MIN = (150, 300)


SOURCES = ["ACSM (2009) Progression models in resistance training for healthy adults. MSSE 41:687-708",
           "ACSM (2011) Quantity and quality of exercise... Garber et al. MSSE 43:1334-1359",
           "NSCA Essentials of Strength Training and Conditioning, 4th ed. (goal table, secondary)",
           "IUSCA (2021) Resistance training prescription for muscle function, hypertrophy... (weekly sets)",
           "WHO (2020) Guidelines on physical activity and sedentary behaviour",
           "Tanaka H. et al. (2001) Age-predicted maximal heart rate revisited. JACC 37:153-156",
           "PAR-Q (2002) Physical Activity Readiness Questionnaire, CSEP",
           "Schoenfeld BJ et al. (2017) Strength and hypertrophy adaptations between low- vs. high-load resistance "
           "training. JSCR 31:3508-3523 (effort, not %1RM, for small muscles)",
           "Ronnestad BR, Mujika I (2014) Optimizing strength training for running and cycling endurance "
           "performance. Scand J Med Sci Sports 24:603-612"]


DISCLAIMER = {"en": "General fitness information, not medical advice. Stop if you feel pain, chest discomfort or "
                    "dizziness, and see a doctor before starting if you have a medical condition or injury.",
              "zh": "本计划为一般健身信息，不构成医疗建议。如出现疼痛、胸部不适或头晕请立即停止；"
                    "如有疾病或伤病，开始前请先咨询医生。"}


def _bi(en: str, zh: str) -> dict:
    return {"en": en, "zh": zh}


def _note(code: str, en: str, zh: str) -> dict:
    """A bilingual note with a code, so the validator can check the plan said what it must."""
    return {"code": code, "en": en, "zh": zh}

