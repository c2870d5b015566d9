"""Questions about someone or something other than the user's own body: pets, house plants, cars, phones.

Why: the knowledge gate measures how close a question is to the articles, and "how much should I feed my
cat" or "我家狗狗一天吃几顿" is close: feeding, amounts, meals per day are the nutrition articles' words. What
makes such a question off-topic is its subject, so the gate also asks whether the question is about a pet's
(or a plant's, a car's) feeding, sleep or training. The patterns need the subject in that role, not only its
name: exercises named after animals (bird dog, cat-cow, 鸟狗式, 猫式伸展, downward dog), foods (hot dog,
fish oil, chicken) and a human doing the exercise with a dog ("does walking my dog count as cardio", 遛狗)
stay questions for the knowledge base.
"""
from __future__ import annotations

import re

# English pet words, not the exercise or food named after one (bird dog, cat-cow, downward dog, hot dog)
_PET = (r"(?<!bird )(?<!bird-)(?<!downward )(?<!downward-)(?<!hot )(?<!corn )"
        r"\b(?:pets?|cats?|kitt(?:y|ies|ens?)|dogs?|dogg(?:y|ies|o)|pupp(?:y|ies)|pups?|hamsters?|guinea pigs?"
        r"|rabbits?|bunn(?:y|ies)|parrots?|budgies?|goldfish|tortoises?|turtles?|horses?|ponies|pony)\b"
        r"(?![- ]?(?:cow|camel|pose|stretch|walk(?:s|ing)? (?:as|for|count)|exercise))")
_OWNED = r"(?:my|our|your|his|her|their|a|the|the family)"
_EN = [
    rf"\bfeed(?:ing|s)?\s+(?:{_OWNED}\s+)?(?:\w+\s+)?{_PET}",                    # how much should I feed my cat
    rf"{_PET}\s*(?:food|treats?|kibble|chow|litter|vet)",                        # best dog food, cat treats
    rf"{_PET}\s+(?:\w+\s+)?(?:eat|eats|drink|drinks|sleep|sleeps|need|needs|weigh|weighs|get|gets|be fed)\b",
    rf"\b(?:can|should|do|does|will|is|are)\s+(?:{_OWNED}\s+)?{_PET}\s+(?:\w+\s+)?(?:eat|drink|have|sleep)",
    rf"\b(?:house\s*|potty\s*|crate\s*|leash\s*)?train(?:ing)?\s+(?:{_OWNED}\s+)?(?:new\s+)?{_PET}",
    rf"\b(?:for|to|give)\s+{_OWNED}\s+(?:\w+\s+)?{_PET}",                        # protein for my dog
    rf"\b{_OWNED}\s+(?:\w+\s+)?{_PET}\s+(?:is|has|keeps|won'?t|doesn'?t|isn'?t|seems)\b",   # my kitten won't sleep
    r"\bwater(?:ing)?\s+(?:my|our|the|your)?\s*(?:house\s*)?(?:plants?|flowers?|garden|lawn|succulents?|tomato(?:es)?"
    r"|cactus|cacti|orchids?|trees?)\b",                                          # how often to water succulents
    r"\b(?:my|our)\s+(?:\w+\s+)?(?:house\s*)?(?:plants?|flowers?|succulents?|orchids?)\b(?![- ]?based)",  # my tomato plants
    r"\b(?:my|our|the)\s+(?:car|truck|motorbike|motorcycle|scooter|engine|phone|laptop)(?:'?s)?\s+"
    r"(?:\w+\s+)?(?:oil|tyres?|tires?|battery|charge|fuel|petrol|gas|engine)\b",  # how much oil does my car take
    r"\b(?:charge|charging)\s+(?:my|the|a)\s+(?:phone|laptop|battery|car)\b",
]
# Chinese: pet words not in an exercise name (鸟狗式, 猫式, 猫牛式, 下犬式)
_PET_ZH = r"(?<!鸟)(?:宠物|猫咪|小猫|猫猫|狗狗|小狗|狗子|猫|狗|仓鼠|兔子|鹦鹉|金鱼|乌龟|小鸟)(?![式牛])"
_ZH = [
    rf"(?:我家|我的|家里的?|养的|家养的?)(?:\w{{0,2}}?){_PET_ZH}",                  # 我家狗狗, 我养的猫
    rf"(?:给|喂|帮)(?:我家的?)?{_PET_ZH}",                                          # 给小狗喂多少
    rf"{_PET_ZH}(?:粮|食|零食|罐头|砂)",                                            # 猫粮, 狗粮
    rf"{_PET_ZH}(?:一天|每天|每顿|一顿|晚上|能|可以|要|该|应该)?(?:吃|喝|睡|几顿|喂)",     # 猫咪一天喝多少水
    rf"(?:训练|训|教)(?:我家的?)?{_PET_ZH}",                                        # 怎么训练狗坐下
    r"(?:浇水|浇花|养花|花草|盆栽|多肉)",                                             # 多肉多久浇一次水
    r"(?:车|汽车|电动车|摩托)(?:\w{0,6}?)(?:机油|油耗|轮胎|保养|充电)",           # 我的车多久换一次机油
    r"(?:手机|电脑|笔记本)(?:\w{0,4}?)(?:充电|电池|电量)",
]
_OTHER = re.compile("|".join(f"(?:{p})" for p in _EN + _ZH), re.I)


def names_other_subject(query: str) -> bool:
    """Whether the question asks about a pet's, a plant's or a machine's care rather than the user's own."""
    return bool(_OTHER.search(query or ""))
