"""What counts as a stated amount: citation years do not answer a 'how many / 多少' question, real amounts do."""
import pytest

from indexes.quoting import asked_quantity, mask_citations, states_number, units


@pytest.mark.parametrize("text", ["Low-carb and low-fat lose the same fat (Hall & Guo 2017).",
                                  "Hall & Guo 2017 found no difference at matched calories.",
                                  "Morton et al. 2018 pooled many trials.", "The DIETFITS trial (2018) compared them.",
                                  "WHO 2020 guidelines agree.", "A 2023 meta-analysis agrees.",
                                  "2018年的一项荟萃分析（Morton等）也这样认为。", "《中国居民膳食指南(2022)》建议适量。",
                                  "The rule was dropped in 2020."])
def test_a_citation_year_is_not_the_amount_a_how_many_question_asks(text):
    for query in ("how many carbs can I eat", "碳水吃多少"):
        assert not asked_quantity(query).search(text)
    assert not states_number(text)


@pytest.mark.parametrize("text", ["Most adults need about 2000 kcal a day.", "About 2,000 calories a day suits many.",
                                  "Eat 2000 a day.", "按每天2000千卡计算。", "Walk 6000 steps.",
                                  "Aim for 225-325 g of carbs."])
def test_real_amounts_still_answer_a_how_many_question(text):
    assert asked_quantity("how many calories a day").search(text) or asked_quantity("how many").search(text)
    assert asked_quantity("多少").search(text) and states_number(text)


def test_masking_keeps_positions_and_units_after_a_year():
    text = "Hall & Guo 2017 (2018): 2000 kcal"
    masked = mask_citations(text)
    assert len(masked) == len(text) and "2017" not in masked and "2018" not in masked and "2000 kcal" in masked


def test_asked_kcal_still_finds_a_kcal_amount_beside_a_citation():
    sentence = "At matched calories (Hall & Guo 2017), a 500 kcal deficit loses about 0.5 kg a week."
    assert asked_quantity("how many calories deficit").search(sentence)
    assert not asked_quantity("how many calories deficit").search("Hall & Guo 2017 found no difference.")


def test_quotable_units_split_sentences_but_not_decimals():
    assert units("Eat 1.6 g/kg. Then rest.") == ["Eat 1.6 g/kg.", "Then rest."]


def test_a_per_kg_question_is_answered_by_a_per_kg_amount_of_any_unit():
    asked = asked_quantity("how much to drink after sweating per kg lost")
    assert asked.search("For each kilogram lost, drink about 1.25-1.5 litres over the next hours.")
    assert asked.search("Drink about 5-7 ml per kg of body weight 4 hours before.")
    assert not asked.search("Drink 500 ml with a meal.")
    assert asked_quantity("运动后每公斤要补多少水").search("每减少1公斤，在接下来几小时内补充约1.25-1.5升液体。")


def test_naming_caffeine_asks_for_milligrams_only_when_it_asks_an_amount():
    assert asked_quantity("how much caffeine before a workout").search("3-6 mg per kg")
    assert not asked_quantity("how much caffeine before a workout").search("Drink coffee 2 hours before.")
    bedtime = asked_quantity("when to stop caffeine before bed")            # a time, not a dose
    assert bedtime.search("Stop at least 6 hours before bed.") and not bedtime.search("Take 3-6 mg per kg.")


def test_a_question_about_the_most_one_may_take_asks_for_the_stated_limit():
    text = "Caffeine at 3-6 mg per kg improves alertness. Most adults should stay under about 400 mg a day in total."
    assert asked_quantity("max caffeine per day").search(text).group().startswith("under about 4")
    assert asked_quantity("咖啡因每天最多喝多少").search("大多数健康成年人每天总量应低于约400毫克。")
    assert asked_quantity("80 kg for 5 reps what is my max") is None       # a 1RM, not a limit


def test_a_steps_question_asks_for_a_step_count():
    assert asked_quantity("how many steps a day").search("about 6000 steps of walking")
    assert not asked_quantity("一天走多少步").search("每周150-300分钟")


def test_a_bare_target_or_intake_question_asks_for_a_number():
    assert asked_quantity("daily fibre target").search("Aim for 25-30 g of fibre a day.")
    assert not asked_quantity("daily fibre target").search("Fibre keeps you full.")
    assert asked_quantity("膳食纤维推荐量").search("每天25-30克")
    assert asked_quantity("is stretching good for runners").yes_no          # yes or no, no amount
    assert asked_quantity("stretching for runners") is None


def test_a_rate_per_hour_asks_for_the_amount_not_for_hours():
    asked = asked_quantity("how many grams of carbs per hour in a long run")
    assert asked.search("take 30-60 g of carbohydrate per hour")
    assert not asked.search("A meal 1-4 hours before training tops up energy.")
    assert asked_quantity("how many hours of sleep").search("Sleep 7-9 hours.")


def test_an_amount_is_a_bound_only_when_every_statement_of_it_is_one():
    sets = asked_quantity("how many sets a week")
    assert sets.only_as_bound("Beyond about 22 sets a week it is junk volume.")
    assert sets.only_as_bound("单次训练中每个肌群不超过约10个有效组。")
    assert not sets.only_as_bound("Do 10-20 sets, and no more than 22 sets.")
    assert not asked_quantity("at most how many sets a week").only_as_bound("Beyond about 22 sets a week.")


@pytest.mark.parametrize("query, stated, other", [
    ("how often should older adults lift", "The NSCA suggests 2-3 sessions a week.", "Adults in their 70s gain strength."),
    ("老人一周练几次力量", "每个主要肌群每周至少练两次。", "70岁以上的人也能长力量。"),
    ("多久减载一次", "每4-8周安排一次。", "减量周的组数减少40-50%。"),
    ("how many days a week should a beginner lift", "Train 2-3 non-consecutive days a week.",
     "Add about 1000 steps a day each week."),
    ("how fast can i increase my weekly sets", "Raise weekly sets by no more than about 20%.",
     "For example, 12 weekly sets for the back."),
    ("训练量每周加多少", "每周总组数增幅不超过约20%。", "中级训练者通常以10-20组效果最佳。"),
    ("一次训练做几个动作", "每次安排4-8个动作。", "辅助动作做6-12次。"),
    ("how many exercises per workout", "Plan 4-8 exercises per workout.", "Do 3 sets of 8-12 reps."),
])
def test_how_often_how_much_to_add_and_how_many_exercises_are_their_own_kinds_of_amount(query, stated, other):
    asked = asked_quantity(query)
    assert asked.search(stated) and not asked.search(other)


def test_a_yes_no_question_asks_for_the_sentence_that_says_yes_or_no():
    for query in ("pregnant, can i still lift weights", "can kids lift weights", "喝酒影响增肌吗", "孕期能不能练力量"):
        asked = asked_quantity(query)
        assert asked is not None and asked.yes_no and asked.articles == 1, query
    asked = asked_quantity("can i lift while pregnant")
    assert asked.search("Yes: in an uncomplicated pregnancy, keep exercising.") and asked.search("可以。在有人指导下…")
    assert not asked.search("Moderate means you can still talk but not sing.")
    assert asked_quantity("how much protein per meal").yes_no is False   # an amount asked first


def test_a_question_in_the_text_stays_with_its_answer():
    assert units("Intro. How much to add? About 2-10%. Then rest.") == [
        "Intro.", "How much to add? About 2-10%.", "Then rest."]
    assert units("每次加重加多少？ACSM建议约2-10%。") == ["每次加重加多少？ACSM建议约2-10%。"]


def test_an_either_or_question_is_no_yes_no_question():
    assert asked_quantity("should i do cardio before or after weights") is None
    assert asked_quantity("先做卧推还是先练三头") is None
    assert asked_quantity("should i do cardio after weights").yes_no


def test_sets_and_reps_are_asked_apart_and_too_many_asks_for_the_bound():
    sets = asked_quantity("how many sets per muscle per week")
    assert sets.search("Intermediate lifters do best with 10-20 sets.") and sets.search("每周约10个有效组")
    assert not sets.search("working sets taken to within about 0-4 repetitions of failure")
    assert asked_quantity("how many reps for strength").search("1-6 reps")
    assert asked_quantity("too many sets per week junk volume").limit
    assert sets.only_as_bound("Keep it to about 10 hard sets per muscle in any single session.")
