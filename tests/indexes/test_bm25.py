"""BM25 for mixed Chinese / English text: tokens, the Okapi formula, spelling correction, fusion."""
import math

import pytest

from indexes import bm25


def test_tokenize_mixes_jieba_words_characters_and_stemmed_english():
    toks = bm25.tokenize("How do I do Pull-ups? 单臂哑铃划船")
    assert "pullup" in toks and "pull" in toks and "up" in toks   # hyphen joined and split, plural stemmed
    assert "how" not in toks and "do" not in toks                   # stop words dropped
    assert "哑铃" in toks and "划船" in toks and "铃" in toks       # jieba words plus characters


def test_tokenize_empty_and_symbols():
    assert bm25.tokenize("") == []
    assert bm25.tokenize("?!… —") == []


def test_scores_match_okapi_formula():
    docs = [["squat", "squat", "bar"], ["curl", "bar"], ["plank"]]
    index = bm25.BM25(docs, k1=1.2, b=0.75)
    n, avg = 3, (3 + 2 + 1) / 3
    idf = math.log(1 + (n - 1 + 0.5) / (1 + 0.5))
    expected = idf * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / avg))
    assert index.scores(["squat"])[0] == pytest.approx(expected, rel=1e-5)
    assert index.search(["squat"], 3) == [(0, pytest.approx(expected, rel=1e-5))]


def test_search_unknown_or_empty_query_finds_nothing():
    index = bm25.BM25([["squat"], ["curl"]])
    assert index.search([], 5) == []
    assert index.search(["zzz"], 5) == []
    assert bm25.BM25([]).search(["squat"], 5) == []


def test_correct_fixes_typos_against_the_corpus_words():
    texts = ["Barbell Romanian deadlift", "Chin-up", "Jumping jacks", "Kettlebell swing"]
    index = bm25.BM25([bm25.tokenize(t) for t in texts], surface=texts)
    assert index.correct("romanain deadlfit") == "romanian deadlift"
    assert index.correct("kettlebel swings") == "kettlebell swings"   # known stem kept as typed
    assert index.correct("chinups") == "chinups" and "chinup" in bm25.tokenize("chinups")
    assert index.correct("jumping jack") == "jumping jack"             # 'jack' stems to a corpus word
    assert index.correct("how to do it") == "how to do it"             # short words untouched


def test_correct_leaves_stop_words_alone():
    # 'your' is one edit from 'four' (figure-four stretch); a stop word is never searched, so no fix
    texts = ["Figure-four stretch", "Leg extension", "Machine hip abduction"]
    index = bm25.BM25([bm25.tokenize(t) for t in texts], surface=texts)
    assert index.correct("push the pad with your shins") == "push the pad with your shins"
    assert index.correct("fuor stretch") == "four stretch"   # a content word one edit away still is


def test_rrf_rewards_agreement():
    fused = bm25.rrf([["a", "b", "c"], ["b", "a"]], k=60)
    assert max(fused, key=fused.get) in ("a", "b")
    assert fused["c"] < fused["a"] and fused["a"] == pytest.approx(fused["b"])


def test_letters_glued_to_a_number_also_yield_the_word_and_the_number():
    toks = bm25.tokenize("rpe8是什么意思")
    assert "rpe8" in toks and "rpe" in toks and "8" in toks
    assert "rm" not in bm25.tokenize("1rm") and "x" not in bm25.tokenize("4x4")  # only 2+ letters before digits


def test_token_weights_scale_each_contribution():
    index = bm25.BM25([bm25.tokenize("红烧肉"), bm25.tokenize("鸡胸肉")])
    full = index.scores(["肉"])
    assert index.scores(["肉"], [0.2]) == pytest.approx(0.2 * full)
    assert index.scores(["肉", "红烧"], [0.5, 1.0])[0] > index.scores(["肉"])[0]


def test_correct_writes_out_shorthand_instead_of_correcting_it():
    texts = ["Warm up for 5-10 minutes", "Safety pins", "Rest days each week"]
    index = bm25.BM25([bm25.tokenize(t) for t in texts], surface=texts)
    assert index.correct("warmup how many mins b4 lifting") == "warmup how many minutes before lifting"  # not 'pins'
    assert index.correct("30mins, 3 days a wk, max hr") == "30minutes, 3 days a week, max hr"   # hr: heart rate
    zh = bm25.BM25([bm25.tokenize(t) for t in ["组间休息2-3分钟", "间歇训练"]], surface=["组间休息2-3分钟", "间歇训练"])
    assert zh.correct("深蹲组间歇多长时间") == "深蹲组间休息多长时间"   # not HIIT's 间歇


def test_colloquial_weight_loss_words_become_the_articles_word():
    index = bm25.BM25([bm25.tokenize("每周减重约0.5-1公斤")], surface=["每周减重约0.5-1公斤"])
    assert index.correct("减脂期一周掉几斤算正常") == "减脂期一周减重几斤算正常"   # not 减量周 (deload)
