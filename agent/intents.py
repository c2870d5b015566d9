"""What the message asks for, read from cue words and the facts it states — before any embedding or LLM.

Rules, not exemplars: an explicit request for a plan ("meal plan", "食谱", "训练计划"), the facts a planner needs
stated without a question ("no equipment, 5 days, 30 min"), an edit of the saved plan ("make it 3 days",
"去掉鸡蛋"), one session for today ("today, dumbbells, 30 min"), a question about what an exercise trains, a
demo request, a greeting, or a plain question (answered from the knowledge base). None = not sure: the
embedding router (when on) or the ReAct loop decides.
"""
from __future__ import annotations

import re

NUTRIENT = (r"protein|carb|fat\b|fats\b|fibre|fiber|water|salt|sodium|sugar|creatine|caffeine|vitamin|iron|calcium|"
            r"蛋白|碳水|脂肪|纤维|水|盐|糖|肌酸|咖啡因|维生素|蔬菜|水果|vegetable|fruit")
NUTRITION_PLAN = (r"meal\s*plan|diet\s*(?:plan)?\b|food\s*plan|my\s*meals|meals\s*for|calorie\s*target|calories?\s*should\s*i\s*eat|"
                  r"how\s*many\s*calories|macros?\b|what\s*should\s*i\s*eat|nutrition\s*plan|bulk\s*meal|"
                  r"饮食|食谱|餐单|减脂餐|增肌餐|营养计划|每天(?:该|应该)?吃多少(?!克|.{0,3}(?:蛋白|碳水|脂肪))|吃多少(?:热量|卡)|"
                  r"多少热量|每天需要多少热量|吃什么(?!.{0,4}(?:好|比较好))|热量")
TRAINING_PLAN = (r"workout\s*(?:plan|routine|program)|training\s*(?:plan|program)|\bprogram\b|\broutine\b|gym\s*plan|"
                 r"plan\s*(?:me|my\s*workouts?)|weekly\s*routine|训练计划|健身计划|课表|安排(?:一下)?训练|排(?:个|一个)?训练|训练安排|计划")
TODAY = r"\btoday\b|right\s*now|tonight|今天|今晚|现在"
EDIT = (r"\bswap\b|\breplace\b|instead|change\s*(?:it|the)|make\s*(?:it|each)|drop\s*it|\bremove\b|\bno\s+\w+\s*please|"
        r"\bdifferent\b|\banother\b|换(?:一个|成|掉)?|改成|改为|去掉|不吃|不要|只练|缩短|减少到")
MUSCLES = r"what\s*muscles?|which\s*muscles?|muscles?\s*(?:does|do|worked)|(?:does|do)\s*(?:an?\s*|the\s*)?.{2,30}\s*(?:work|train|target)|muscles\?|练哪|练什么(?:肌|部位)|哪些肌肉|哪块肌肉|什么肌肉|练的是哪"
DEMO = r"show\s*me|demonstrat|\bdemo\b|\bgif\b|video|animation|how\s*(?:do\s*i|to)\s*(?:do|perform)|演示|示范|动图|怎么做|标准动作"
GREETING = (r"^\s*(?:(?:hi|hey|hello|yo|thanks?|thx|thank\s*you|good\s*(?:morning|evening)|who\s*are\s*you|what\s*can\s*you\s*do)\b|"
            r"(?:你好|您好|谢谢|多谢|早上好|早安|晚上好|你是谁|你能做什么|嗨|哈喽))")
QUESTION = (r"\?|？|^\s*(?:how|what|why|when|which|should|can|could|is|are|do|does|will|would|where|whats|what's)\b|"
            r"(?:^|[,，;.]\s*|\b(?:so|and|but)\s+)(?:how|what|why|when|which|should|can|could|is\s+it|do|does|where)\b|"
            r"\b(?:how\s*(?:much|many|long|often|do|to|should)|when\s*can|can\s*i|should\s*i|is\s*it\s*(?:ok|okay|safe|bad|normal))\b|"
            r"吗|怎么|多少|为什么|是否|几|哪|要不要|能不能|可不可以|好不好|什么|如何|多久|多长|多大|多重|行不行|可以不")
# A bare follow-up ("and protein?", "hmm, what about rest?", "那个呢") leans on the earlier turns: the model,
# which sees them, decides what it asks.
ELLIPTIC = r"^\s*(?:and\b|hmm+|so\b|what\s*about|how\s*about|also\b|那个?|那么|还有|嗯)|^\s*\S{1,8}\s*[?？]\s*$"
# A topic without a question ("knee position in a squat", "chest day ideas") is still a question
TOPIC = r"position|form|technique|ideas?|tips?|advice|benefits?|姿势|要领|技巧|建议|好处"
EATING = r"\beat\b|\bfood|diet|calor|meal|吃|饮食|热量|食"
MEAL = r"breakfast|lunch|dinner|supper|snack|\bmeal\b|早餐|早饭|午餐|午饭|中饭|晚餐|晚饭|加餐|一餐|这顿"
TRAINING_FACTS = ("days_per_week", "minutes_per_session", "place", "equipment")
# "make me a plan" / "帮我做个计划" names neither kind: ask which, instead of guessing meals or lifting
BARE_PLAN = r"\bplans?\b|计划|方案"
TRAINING_WORDS = (r"work\s*out|workout|train|gym|exercis|lift|routine|program|split|cardio|run|"
                  r"训练|健身|锻炼|练|课表|跑|有氧")
MEAL_WORDS = EATING + "|" + NUTRITION_PLAN


def decide(text: str, stated: dict, profile: dict, has_plan: dict) -> str | None:
    """An intent name (agent/core.py handlers), or None when the rules are not sure."""
    s = text.strip()
    low = s.lower()
    question = bool(re.search(QUESTION, low))
    if re.search(GREETING, low) and len(s) < 40:
        return "small_talk"
    if has_plan.get("nutrition") and re.search(EDIT, low) and re.search(MEAL, low):
        return "edit_nutrition"
    if has_plan.get("training") and re.search(EDIT, low) and (stated.keys() & {"days_per_week", "minutes_per_session"}
                                                              or re.search(r"exercise|动作|swap|换", low)):
        return "edit_training"
    if has_plan.get("nutrition") and re.search(EDIT, low) and not stated.keys() & set(TRAINING_FACTS):
        return "edit_nutrition"
    if re.search(TODAY, low) and (stated.keys() & {"minutes_per_session", "equipment", "place"}):
        return "today"
    asks_for = bool(re.search(r"^\s*(?:can|could|would|will)\s*(?:you|u|ya)\b|please|pls|\bneed\b|\bwant\b|帮|给我|请|要", low))
    if (re.search(BARE_PLAN, low) and not stated and (asks_for or not question)
            and not re.search(TRAINING_WORDS, low) and not re.search(MEAL_WORDS, low)):
        return "which_plan"
    wants_nutrition = bool(re.search(NUTRITION_PLAN, low)) and not (question and re.search(NUTRIENT, low))
    if wants_nutrition:
        return "nutrition_plan"
    if re.search(TRAINING_PLAN, low) and not re.search(r"how\s*often|how\s*many\s*days|几次|几天", low):
        return "training_plan"
    facts = stated.keys() & set(TRAINING_FACTS)
    if len(facts) >= 2 and ("goal" in stated or len(facts) >= 3 or not question):
        return "training_plan"
    body = {"height_cm", "weight_kg"} <= stated.keys() and stated.keys() & {"sex", "age"}
    if body and (not question or re.search(EATING, low)):
        return "nutrition_plan"
    if stated.keys() & {"weight_change_kg", "target_weight_kg"} and not question:
        return "nutrition_plan"   # "lose 5 kg by summer": a nutrition goal; the plan asks for the body facts
    if re.search(MUSCLES, low):
        return "muscles"
    if re.search(DEMO, low) and not re.search(r"how\s*(?:much|many|long|often)|多少|多久", low):
        return "gif"
    if (question or re.search(TOPIC, low)) and not re.search(ELLIPTIC, low):
        return "knowledge"
    return None


def which_plan(text: str, stated: dict) -> str | None:
    """The answer to "a training plan or a meal plan?": the kind the reply names or whose facts it gives."""
    low = text.lower()
    training = bool(re.search(TRAINING_WORDS, low) or stated.keys() & set(TRAINING_FACTS))
    eating = bool(re.search(MEAL_WORDS, low) or {"height_cm", "weight_kg"} & stated.keys())
    return "training_plan" if training and not eating else "nutrition_plan" if eating and not training else None
