"""Names first: aliases, abbreviations, typos and Chinese homophones name the canonical exercise."""
import pytest
import yaml

from indexes.name_text import inside_word_starts, norm_en, pinyin, split_pinyin
from indexes.names import ALIASES, NameMatcher
from knowledge import load_knowledge


@pytest.fixture(scope="module")
def matcher():
    return NameMatcher(load_knowledge(validate=False))


def top(matcher, query):
    found = matcher.match(query)
    return found[0][0] if found else None


def test_every_alias_names_a_real_exercise():
    kb = load_knowledge(validate=False)
    data = yaml.safe_load(ALIASES.read_text(encoding="utf-8"))
    assert sorted(set(data["exercises"]) - set(kb.exercises)) == []


@pytest.mark.parametrize("query, expected", [
    ("硬拉", "barbell_deadlift"), ("高位下拉", "lat_pulldown"), ("腿举", "leg_press"), ("平板支撑", "plank"),
    ("RDL", "romanian_deadlift"), ("ohp怎么做", "barbell_overhead_press"), ("db bench", "dumbbell_bench_press"),
    ("bb row", "barbell_bent_over_row"), ("deadlift 怎么做", "barbell_deadlift")])
def test_aliases_and_abbreviations(matcher, query, expected):
    assert top(matcher, query) == expected


@pytest.mark.parametrize("query, expected", [
    ("how to deadlfit", "barbell_deadlift"), ("lat pulldwon", "lat_pulldown"), ("legpress form", "leg_press"),
    ("深敦怎么做", "barbell_back_squat"), ("平扳支撑", "plank"), ("杠铃推居", "barbell_overhead_press")])
def test_typos_and_homophones(matcher, query, expected):
    assert top(matcher, query) == expected


def test_canonical_first_unless_the_variant_is_named(matcher):
    assert top(matcher, "深蹲") == "barbell_back_squat"
    assert top(matcher, "front squat please") == "barbell_front_squat"
    assert top(matcher, "拿哑铃做深蹲") == "dumbbell_squat"          # a tool the request names picks the variant
    assert top(matcher, "romanian deadlift with dumbbells") == "dumbbell_romanian_deadlift"


def test_ordinary_words_name_nothing(matcher):
    for query in ("股票怎么买", "啊啊啊啊啊", "what is the weather", "how do i form a company"):
        assert matcher.match(query) == []


def test_a_name_part_shared_by_several_exercises_names_none():
    from knowledge.schema import KnowledgeBase
    from tests.indexes import exercise

    kb = KnowledgeBase(vocab={})
    for ex in (exercise("hack_squat", "Hack squat", "哈克深蹲（器械）", "squat"),
               exercise("machine_hip_abduction", "Hip abduction machine", "坐姿髋外展（器械）", "squat"),
               exercise("leg_press", "Leg press", "腿举（倒蹬）", "squat")):
        kb.exercises[ex.id] = ex
    m = NameMatcher(kb)
    assert m.match("坐着用脚蹬平台的器械") == []
    assert top(m, "倒蹬怎么做") == "leg_press"


def test_everyday_words_gain_the_words_the_steps_use(matcher):
    assert "臀部" in matcher.expand("躺着把屁股抬起来")
    assert "abdomen" in matcher.expand("pull the handle to my belly")
    assert matcher.expand("深蹲") == "深蹲"
    assert "hands knees" in matcher.expand("on all fours, arch your back")   # a phrase, on word boundaries
    assert "hands knees" not in matcher.expand("small fours")


@pytest.mark.parametrize("query, expected", [("在地板上卧推", "dumbbell_floor_press"), ("上斜凳上用哑铃卧推", "incline_dumbbell_press")])
def test_chinese_name_words_apart_still_name_it(matcher, query, expected):
    assert top(matcher, query) == expected


def test_variants_of_the_name_used(matcher):
    head, found = matcher.variants("push ups with one hand", "push_up")
    ids = dict(found)
    assert head == "push up" and ids["push_up"] and ids["one_arm_push_up"] and "pull_up" not in ids
    assert matcher.variants("hello", "push_up") == ("", [])


def test_single_characters_apart_name_nothing(matcher):
    assert matcher.match("久坐屁股疼 拉伸一下") == []  # 拉 … 下 is not 下拉


@pytest.mark.parametrize("query, expected", [
    ("spider curls", "dumbbell_spider_curl"), ("reverse nordics", "reverse_nordic"),
    ("reverse grip pushdown", "reverse_grip_pushdown"), ("上斜凳上用哑铃卧推", "incline_dumbbell_press"),
    ("curls", "dumbbell_curl"), ("新手深蹲要注意什么", "barbell_back_squat"), ("提踵练小腿", "bodyweight_calf_raise"),
    ("反握杠铃划船", "underhand_barbell_row")])
def test_a_word_of_a_variants_own_name_names_the_variant(matcher, query, expected):
    assert top(matcher, query) == expected


def test_a_bracketed_other_name_names_the_exercise(matcher):
    assert top(matcher, "v ups for abs") == "jackknife_sit_up"
    assert top(matcher, "eccentric pull ups") == "negative_pull_up"
    assert top(matcher, "high to low") is None  # a bracketed description is no name


def test_no_name_starts_inside_a_word(matcher):
    assert "barbell_front_squat" not in dict(matcher.match("抱着一个壶铃在胸前深蹲"))  # 胸前|深蹲, not 前深蹲
    assert top(matcher, "用绳子做锤式弯举") == "hammer_curl"                          # 做 starts no word


def test_a_real_word_is_no_homophone_typo(matcher):
    # 推荐 (recommend) sounds like 推肩 and 推荐几 like 推肩机, but they are words; 深敦 is not one
    assert matcher.match("推荐一部好看的电影") == [] and matcher.match("推荐几本小说") == []
    assert top(matcher, "深敦怎么做") == "barbell_back_squat"


def test_a_scattered_name_does_not_take_a_word_of_a_phrase(matcher):
    # 'press' belongs to 'tate press'; 'dumbbell ... press' is not the dumbbell bench press
    assert top(matcher, "tate press dumbbells") == "tate_press"
    assert top(matcher, "incline bench press with dumbbells") == "incline_dumbbell_press"


def test_a_glued_name_offers_the_variants_of_the_spaced_one(matcher):
    head, found = matcher.variants("harder pushup, one hand", "push_up")
    assert head == "push up" and "one_arm_push_up" in {i for i, _ in found}


def test_two_words_of_a_name_far_apart_name_nothing(matcher):
    assert "lat_pulldown" not in dict(matcher.match("pull the handle to my belly sitting down"))
    assert top(matcher, "dips for chest") == "chest_dip"


def test_a_name_written_as_one_phrase_wins_a_tie_with_scattered_words(matcher):
    # 'elbow … plank' (the forearm plank) is as long as 'side plank', but only the latter is written as one
    assert top(matcher, "side planks on my elbow") == "side_plank"


def test_requests_are_read_by_stems_and_toneless_pinyin():
    assert norm_en("DB curls", {"db": "dumbbell"}) == ["dumbbell", "curl"]
    assert pinyin("深敦") == pinyin("深蹲") and pinyin("挺生") == pinyin("挺身")  # tones, sh/s and -ng/-n dropped
    assert pinyin("深蹲") != pinyin("卧推")
    assert inside_word_starts("胸前深蹲") == frozenset({1})  # 胸|前 is one word: no name starts at 前


def test_a_name_by_its_words_apart_offers_its_variants(matcher):
    assert matcher.variants("reverse curls with a barbell", "barbell_curl")[0] == "barbell curl"
    assert top(matcher, "reverse curls with a barbell") == "reverse_barbell_curl"
    assert top(matcher, "curls with a barbell") == "barbell_curl"


def test_a_word_asked_against_names_nothing(matcher):
    # 'anti rotation' is the Pallof press itself, not its rotating variant
    assert top(matcher, "pallof press anti rotation with a cable") == "cable_pallof_press"
    assert top(matcher, "pallof press with rotation") == "cable_pallof_press_rotation"


def test_pinyin_typed_beside_chinese_reads_as_its_characters(matcher):
    assert top(matcher, "硬la 怎么发力") == "barbell_deadlift"
    assert top(matcher, "shen蹲") == "barbell_back_squat"
    assert matcher.match("la力器") == []                  # not beside a name's other character
    assert matcher.match("硬 la") == []                   # apart: an English word, not pinyin
    assert split_pinyin("dun", {"dun"}) == ["dun"] and split_pinyin("shenla", {"sen", "la"}) == ["sen", "la"]
    assert split_pinyin("xyz", {"dun"}) == []


def test_a_long_chinese_name_with_one_character_left_out_still_names_it(matcher):
    assert top(matcher, "阿诺推举怎么做") == "arnold_press"
    assert dict(matcher.match("阿诺推举"))["arnold_press"] < dict(matcher.match("阿诺德推举"))["arnold_press"]
    assert top(matcher, "杠铃深蹲") == "barbell_back_squat"  # a name itself, not the front squat short of 前
    assert matcher.match("哑铃推") == []                      # too short, and inside other names
    assert top(matcher, "史密斯推肩") != "smith_machine_bench_press"  # 史密斯推|肩 ends inside the word 推肩
    assert matcher.variants("阿诺推举 坐着做", "arnold_press")[0] == "阿诺德推举"  # the name it stands for
