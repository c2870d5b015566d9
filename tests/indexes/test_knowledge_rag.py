"""Knowledge RAG: LlamaIndex + FAISS persisted and reloaded, stale rebuilds, hybrid hits, cited answers."""
import dataclasses

import re

import pytest

from indexes import answering, knowledge_rag
from indexes.knowledge_rag import KnowledgeIndex, make_embed_model
from knowledge.language import detect_language
from knowledge.schema import Bilingual, Section
from tests.indexes import HashEmbedder, tiny_kb


@pytest.fixture
def built(tmp_path):
    return KnowledgeIndex(tiny_kb(), HashEmbedder(), tmp_path / "k"), tmp_path / "k"


def test_index_persists_and_reloads_without_embedding(built):
    first, folder = built
    assert first.rebuilt and (folder / "manifest.json").is_file() and (folder / "docstore.json").is_file()
    emb = HashEmbedder()
    second = KnowledgeIndex(tiny_kb(), emb, folder)
    assert not second.rebuilt and emb.embedded == 0
    q = "how much protein per day"
    assert [h.doc_id for h in second.search(q)] == [h.doc_id for h in first.search(q)]


def test_changed_sources_rebuild_the_index(built):
    _, folder = built
    kb = tiny_kb()
    d = kb.docs["sleep-recovery"]
    new_en = (Section("Naps", "A short nap of twenty minutes can restore alertness."),) + d.sections.en[1:]
    kb.docs["sleep-recovery"] = dataclasses.replace(d, sections=Bilingual(new_en, d.sections.zh))
    index = KnowledgeIndex(kb, HashEmbedder(), folder)
    assert index.rebuilt
    assert index.search("short nap twenty minutes", 1, lang="en")[0].section == "Naps"
    other = KnowledgeIndex(kb, HashEmbedder(name="other-model"), folder)  # a different embedder is stale too
    assert other.rebuilt


def test_hits_carry_citation_fields_in_the_query_language(built):
    index, _ = built
    hit = index.search("how much protein do I need per day")[0]
    assert hit.doc_id == "protein-needs" and hit.lang == "en" and hit.section in ("Daily amount", "Per meal")
    assert hit.sources == ("Source for protein-needs",) and hit.title.startswith("How much protein")
    zh = index.search("每天需要多少蛋白质")[0]
    assert zh.doc_id == "protein-needs" and zh.lang == "zh" and "蛋白质" in zh.text
    assert index.search("每天需要多少蛋白质", lang="en")[0].lang == "en"   # shown in the asked language


@pytest.mark.parametrize("method", ["vector", "bm25", "hybrid", "rerank"])
def test_every_method_ranks_the_right_article_first(built, method):
    index, _ = built
    assert index.search("how many hours should adults sleep", 3, method=method)[0].doc_id == "sleep-recovery"


def test_answer_cites_numbered_sources(built):
    index, _ = built
    ans = index.answer("how many hours should I sleep for recovery")
    assert ans.found and ans.lang == "en" and "[1]" in ans.text and "Sources:" in ans.text
    assert ans.citations[0]["doc_id"] == "sleep-recovery" and ans.citations[0]["section"]
    zh = index.answer("训练前怎么热身")
    assert zh.found and zh.lang == "zh" and "来源：" in zh.text and zh.citations[0]["doc_id"] == "warm-up"


@pytest.mark.parametrize("query,lang", [("", "en"), ("   ", "en"), ("asdkjh qwe zxcv", "en"), ("量子力学是什么", "zh"),
                                        ("x" * 5000, "en")])
def test_off_topic_and_empty_questions_say_not_found(built, query, lang):
    index, _ = built
    ans = index.answer(query)
    assert not ans.found and ans.text == knowledge_rag.NOT_FOUND[lang] and ans.citations == []


def test_embedding_adapter_delegates_to_the_runtime_embedder():
    emb = HashEmbedder()
    model = make_embed_model(emb)
    assert model.model_name == "hash-test"
    assert model.get_query_embedding("squat") == pytest.approx(emb.embed_queries(["squat"])[0].tolist())
    assert len(model.get_text_embedding_batch(["a b c", "d e f"])) == 2


def test_detect_lang():
    assert detect_language("每天需要多少蛋白质") == "zh"
    assert detect_language("how much protein") == "en"
    assert detect_language("RPE 是什么意思") == "zh"


@pytest.mark.slow
def test_default_embedder_answers_from_real_articles(tmp_path):
    from knowledge import load_knowledge
    from knowledge.schema import KnowledgeBase
    from runtime.embeddings import get_embedder

    full = load_knowledge(validate=False)
    kb = KnowledgeBase(vocab=full.vocab, docs={k: full.docs[k] for k in ("protein-needs", "sleep-recovery", "warm-up")})
    index = KnowledgeIndex(kb, get_embedder(knowledge_rag.DEFAULT_EMBEDDER), tmp_path / "k")
    assert index.search("每天需要多少蛋白质", 1)[0].doc_id == "protein-needs"
    assert index.search("how long should I sleep", 1)[0].doc_id == "sleep-recovery"
    assert not index.answer("what is the capital of France").found


def test_asked_quantity_names_the_kind_of_amount():
    from indexes.knowledge_rag import asked_quantity

    assert asked_quantity("how much protein g/kg to build muscle").search("1.6-2.2 g/kg")
    assert asked_quantity("脂肪占总热量的比例是多少").search("20%-35%")
    assert asked_quantity("热身要多长时间").search("5-10分钟")
    assert not asked_quantity("热身要多长时间").search("两组")
    assert asked_quantity("stretching tips") is None
    assert asked_quantity("is stretching good").yes_no      # a yes/no question asks for yes or no, not an amount


def test_asked_mg_per_kg_is_a_per_kg_amount():
    from indexes.knowledge_rag import asked_quantity

    assert asked_quantity("caffeine dose mg/kg").search("3-6 mg/kg")
    assert asked_quantity("咖啡因每公斤多少毫克").search("每公斤体重3-6毫克")


def _cut_doc():
    from tests.indexes import doc

    return doc("safe-weight-loss", ("Losing fat safely", "安全减脂"),
               [("Lower limit", "Women should not go below 1200 kcal a day without supervision."),
                ("Cooking", "Steam or stir-fry with little oil."),
                ("Size of the deficit", "A daily deficit of 500-1000 kcal loses about 0.5-1 kg a week.")],
               [("热量下限", "没有医疗监督时，女性每天不要低于1200千卡。"),
                ("烹调", "多用蒸、少油快炒。"),
                ("缺口大小", "每天500-1000千卡的热量缺口，每周约减0.5-1公斤。")])


@pytest.mark.parametrize("query, lang, fact", [("how big should my daily calorie deficit be", "en", "500-1000 kcal"),
                                                ("每天热量缺口多少", "zh", "500-1000千卡")])
def test_the_section_stating_the_asked_amount_that_matches_the_question_answers_first(tmp_path, monkeypatch, query,
                                                                                        lang, fact):
    monkeypatch.setitem(knowledge_rag.MIN_COSINE, "hash-test", 0.0)  # the fake embedder's cosines are low
    kb = tiny_kb()
    kb.docs = {"safe-weight-loss": _cut_doc()}
    index = KnowledgeIndex(kb, HashEmbedder(), tmp_path / "k")
    ans = index.answer(query, lang=lang)
    first = ans.text.splitlines()[0]  # the answer leads: no intro line before it
    assert ans.citations[0]["section"] in ("Size of the deficit", "缺口大小") and fact in first


def test_the_stating_section_is_chosen_from_the_whole_article_not_the_first_hit(tmp_path):
    from indexes import bm25

    kb = tiny_kb()
    kb.docs = {"safe-weight-loss": _cut_doc()}
    index = KnowledgeIndex(kb, HashEmbedder(), tmp_path / "k")
    first = index.search("女性每天最少吃多少千卡", 1, gate=False, lang="zh")[0]
    assert first.section == "热量下限"  # the hit the old pool-first rule would have answered with
    query = "每天热量缺口多少"
    chosen = index.composer.stating_section([first], set(bm25.tokenize(query)), knowledge_rag.asked_quantity(query))
    assert chosen.section == "缺口大小" and "500-1000千卡" in chosen.text


def test_an_amount_the_question_gives_is_not_the_one_it_asks_for():
    from indexes.knowledge_rag import asked_quantity

    assert asked_quantity("80 kg for 5 reps what is my max") is None       # 5 reps is given
    assert asked_quantity("每天吃800大卡可以吗").yes_no                   # 800大卡 is given: yes or no is asked
    assert asked_quantity("一个肌肉一周练多少组").search("10-20组")
    assert asked_quantity("how long does soreness last").search("5-7 days")  # a duration, any unit
    assert asked_quantity("睡几个钟才够").search("7-9小时")


def test_quotable_units_keep_a_colon_line_with_its_list_and_split_sentences():
    from indexes.quoting import units as _units

    text = "China uses:\n- Normal: 18.5-23.9.\n- Overweight: 24.0-27.9.\nThese are lower. They differ.\n- Alone item."
    assert _units(text) == ["China uses: Normal: 18.5-23.9. Overweight: 24.0-27.9.", "These are lower.",
                            "They differ.", "Alone item."]


def test_the_gate_counts_single_chinese_characters_as_a_fraction_of_a_word(built):
    index, _ = built
    from indexes import bm25

    shuffled = "蛋质白"  # shares the characters of 蛋白质, not the word
    unweighted = float(index._bm25.scores(bm25.tokenize(shuffled)).max())
    assert unweighted > 0
    assert index._gate_keyword(bm25.tokenize(shuffled)) == pytest.approx(knowledge_rag.CHAR_WEIGHT * unweighted)
    assert index._gate_keyword(bm25.tokenize("蛋白质")) > 2 * index._gate_keyword(bm25.tokenize(shuffled))


def test_a_strong_keyword_match_passes_the_gate_at_a_lower_cosine(built, monkeypatch):
    index, _ = built
    name = index.embedder.name
    monkeypatch.setitem(knowledge_rag.MIN_COSINE, name, 0.9)
    monkeypatch.setitem(knowledge_rag.SOFT_COSINE, name, 0.86)
    monkeypatch.setitem(knowledge_rag.FLOOR_COSINE, name, 0.845)
    assert index._relevant(0.85, knowledge_rag.STRONG_BM25)
    assert not index._relevant(0.85, knowledge_rag.MIN_BM25)
    assert not index._relevant(0.84, 100.0)


def test_the_best_matching_sentence_leads_and_title_words_do_not_decide(built):
    index, _ = built
    text = "Creatine: take 3-5 g a day in split doses. Caffeine: 3-6 mg per kg before exercise."
    q = {"caffeine", "dose", "before"}
    assert index.composer.best_sentences(text, q)[0].startswith("Caffeine")    # best first, not text order
    assert index.composer.best_sentences("Intro:\nCaffeine before exercise.", q) == ["Intro:", "Caffeine before exercise."]
    full = index.composer.weight(q, {"caffeine"})
    assert full > 0 and index.composer.weight(q, {"caffeine"}, frozenset({"caffeine"})) == pytest.approx(
        answering.TOPIC_WEIGHT * full)


def test_the_answer_leads_with_its_best_sentence_in_bold_and_cites_only_what_it_quotes(tmp_path, monkeypatch):
    monkeypatch.setitem(knowledge_rag.MIN_COSINE, "hash-test", 0.0)
    kb = tiny_kb()
    kb.docs = {"safe-weight-loss": _cut_doc()}
    ans = KnowledgeIndex(kb, HashEmbedder(), tmp_path / "k").answer("how big should my daily calorie deficit be", lang="en")
    assert ans.text.startswith("**A daily deficit of 500-1000 kcal") and "[1]" in ans.text.splitlines()[0]
    quoted = {int(n) for n in re.findall(r"\[(\d)\]", ans.text.split("Sources:")[0])}
    assert quoted == {c["n"] for c in ans.citations}


def test_a_question_naming_its_articles_title_topic_passes_the_gate(tmp_path, monkeypatch):
    for table in (knowledge_rag.MIN_COSINE, knowledge_rag.SOFT_COSINE, knowledge_rag.FLOOR_COSINE):
        monkeypatch.setitem(table, "hash-test", 2.0)          # cosine and keyword floors out of reach
    monkeypatch.setitem(knowledge_rag.TITLE_COSINE, "hash-test", -1.0)
    kb = tiny_kb()
    kb.docs = {"safe-weight-loss": _cut_doc()}
    index = KnowledgeIndex(kb, HashEmbedder(), tmp_path / "k")
    assert index.search("losing fat?", 1) and index.search("安全减脂", 1)
    assert not index.search("fix my phone", 1)


def _two_article_index(tmp_path):
    from tests.indexes import doc

    kb = tiny_kb()
    kb.docs = {"exercise-order": doc("exercise-order", ("Exercise order", "动作顺序"),
                                     [("Rules", "Warm up first, then do the big lifts before small ones.")],
                                     [("规则", "先热身，再先大后小地安排动作。")]),
               "warm-up": doc("warm-up", ("Warming up", "热身"),
                              [("General", "Start with 5-10 minutes of easy cardio to warm up.")],
                              [("一般热身", "先做5-10分钟轻松有氧来热身。")])}
    return KnowledgeIndex(kb, HashEmbedder(), tmp_path / "k")


@pytest.mark.parametrize("query, lang, fact", [("how many minutes to warm up", "en", "5-10 minutes"),
                                                ("热身几分钟", "zh", "5-10分钟")])
def test_the_asked_amount_leads_from_the_next_article_when_the_top_one_states_none(tmp_path, query, lang, fact):
    from indexes import bm25

    index = _two_article_index(tmp_path)
    hits = sorted(index.search(query, 4, gate=False, lang=lang), key=lambda h: h.doc_id != "exercise-order")
    assert hits[0].doc_id == "exercise-order"              # ranked first, states no minutes
    chosen = index.composer.stating_section(hits, set(bm25.tokenize(query)), knowledge_rag.asked_quantity(query))
    assert chosen.doc_id == "warm-up" and fact in chosen.text
    ans = index.composer.compose(query, hits, lang)
    assert ans.citations[0]["doc_id"] == "warm-up" and fact in ans.text.splitlines()[0]


def test_the_top_articles_own_statement_of_the_amount_keeps_the_lead(tmp_path):
    from indexes import bm25

    index = _two_article_index(tmp_path)
    query = "how many minutes to warm up"
    hits = index.search(query, 4, gate=False, lang="en")
    hits = [h for h in hits if h.doc_id == "warm-up"] + [h for h in hits if h.doc_id != "warm-up"]
    chosen = index.composer.stating_section(hits, set(bm25.tokenize(query)), knowledge_rag.asked_quantity("hours"))
    assert chosen is None                                  # nobody states hours: the ranking stands
    chosen = index.composer.stating_section(hits, set(bm25.tokenize(query)), knowledge_rag.asked_quantity(query))
    assert chosen.doc_id == "warm-up"


def test_a_lead_sentence_that_leans_on_the_one_before_is_quoted_with_it(built):
    index, _ = built
    text = "Rest days matter. DOMS is the ache after hard exercise. It peaks 24-72 hours after the session."
    q, hours = {"peak", "doms"}, knowledge_rag.asked_quantity("how many hours")
    assert index.composer.best_sentences(text, q, hours)[0] == ("DOMS is the ache after hard exercise. It peaks "
                                                                "24-72 hours after the session.")
    zh = "训练者需要更多。这些蛋白质分几餐吃。"
    assert index.composer.best_sentences(zh, {"蛋白质"}, n=1) == ["训练者需要更多。这些蛋白质分几餐吃。"]
    assert index.composer.best_sentences("It takes 10-14 days to adapt.", {"adapt"}) == ["It takes 10-14 days to adapt."]


def test_the_advice_leads_before_the_study_that_backs_it(built):
    index, _ = built
    grams = knowledge_rag.asked_quantity("how many grams of protein")
    text = ("A 2018 meta-analysis (Morton et al.) found gains stopped at about 1.6 g per kg of protein. "
            "To gain muscle, eat 1.6-2.2 g of protein per kg a day.")
    assert index.composer.best_sentences(text, {"protein", "muscle"}, grams)[0].startswith("To gain muscle")
    zh = "2018年的一项荟萃分析发现，蛋白质每公斤约1.6克后不再增肌。想增肌，每天每公斤吃1.6-2.2克蛋白质。"
    assert index.composer.best_sentences(zh, {"蛋白质"}, grams)[0].startswith("想增肌")
    only = "A 2018 review found 1.6 g per kg of protein enough. Sleep well."
    assert index.composer.best_sentences(only, {"protein"}, grams)[0].startswith("A 2018 review")   # still the amount


def test_a_recommended_amount_leads_over_one_stated_only_as_a_bound(built):
    index, _ = built
    sets = knowledge_rag.asked_quantity("how many sets per muscle per week")
    text = ("Beyond about 22 sets per muscle per week, extra work adds fatigue. "
            "Most lifters do best with 10-20 sets per muscle.")
    assert index.composer.best_sentences(text, {"muscle", "week"}, sets, n=1)[0].startswith("Most lifters")
    zh = "每个肌群每周不超过约22组。中级训练者通常以10-20组效果最佳。"
    assert index.composer.best_sentences(zh, {"肌群"}, knowledge_rag.asked_quantity("一周练多少组"), n=1)[0] \
        .startswith("中级")
    # ...but a question asking for the limit (at most / at least) is answered by the bound
    most = knowledge_rag.asked_quantity("what's the max number of sets per week")
    assert index.composer.best_sentences(text, {"muscle", "week"}, most, n=1)[0].startswith("Beyond")
    floor = knowledge_rag.asked_quantity("女生每天最少吃多少热量")
    kcal = "女性每天摄入不低于1200千卡。每天约需2000千卡。"
    assert index.composer.best_sentences(kcal, {"女性"}, floor, n=1)[0].startswith("女性每天摄入不低于")


def test_a_worked_example_does_not_lead_unless_the_question_gives_its_own_numbers(built):
    index, _ = built
    text = "For example, 70 kg at 1.75 m gives 22.9. A healthy BMI is 18.5-23.9."
    healthy = knowledge_rag.asked_quantity("whats a healthy bmi")
    assert index.composer.best_sentences(text, {"bmi"}, healthy, n=1) == ["A healthy BMI is 18.5-23.9."]
    example = "Example: you squat 80 kg for 5 reps, about 93 kg."
    given = knowledge_rag.asked_quantity("80 kg for 5 reps, how much is my 1rm")
    assert answering.stated_score(example, given) == answering.stated_score("1RM is about 93 kg.", given)
    assert answering.stated_score(example, healthy) < answering.stated_score("1RM is about 93 kg.", healthy)


def test_a_how_to_answer_quotes_the_method_in_order(built):
    index, _ = built
    text = ("Double progression is the simplest method. Pick a rep range such as 8-12. Add a rep each session. "
            "Then raise the load. Unrelated closing line.")
    assert index.composer.method_sentences(text, {"double", "progression"}) == [
        "Double progression is the simplest method.", "Pick a rep range such as 8-12.", "Add a rep each session."]


def _stating_section_for(tmp_path, article, query, lang):
    """The section a one-article index chooses to state what `query` asks (None when none states it)."""
    from indexes import bm25
    from indexes.quoting import split_asked

    kb = tiny_kb()
    kb.docs = {article.id: article}
    index = KnowledgeIndex(kb, HashEmbedder(), tmp_path / "k")
    quantity, content = split_asked(query)
    found = index.composer.stating_section(index.search(query, 4, gate=False, lang=lang),
                                           set(bm25.tokenize(content)), quantity)
    return found.section if found else None


def test_a_stating_sentence_is_read_under_its_heading(tmp_path):
    from tests.indexes import doc

    article = doc("supplements", ("Supplements", "补剂"),
                  [("Beta-alanine", "Take 4-6 g a day in split doses."), ("Creatine", "Take 3-5 g a day at any time.")],
                  [("β-丙氨酸", "每天4-6克，分次服用。"), ("肌酸", "每天3-5克，什么时间吃都可以。")])
    assert _stating_section_for(tmp_path, article, "creatine how many grams a day", "en") == "Creatine"
    assert _stating_section_for(tmp_path, article, "肌酸每天吃几克", "zh") == "肌酸"


def test_a_yes_or_no_answers_only_the_question_its_heading_asks(tmp_path):
    from tests.indexes import doc

    article = doc("doms", ("Muscle soreness", "肌肉酸痛"),
                  [("What it is", "Soreness peaks 24-72 hours after training."),
                   ("Is soreness a good sign?", "Not necessarily. Soreness fades as you adapt.")],
                  [("是什么", "酸痛在训练后24-72小时达到高峰。"), ("酸痛是好信号吗？", "不一定。适应后酸痛会减轻。")])
    assert _stating_section_for(tmp_path, article, "is soreness a good sign", "en") == "Is soreness a good sign?"
    assert _stating_section_for(tmp_path, article, "is it normal that my legs hurt more on day three", "en") is None


def test_a_yes_or_no_goes_on_with_the_sentence_after_it(built):
    index, _ = built
    text = "No, not at normal amounts. Moderate cardio does not reduce muscle growth. To keep it small, rest 6 hours."
    assert index.composer.method_sentences(text, {"cardio", "rest"}, n=2, start="No, not at normal amounts.") == [
        "No, not at normal amounts.", "Moderate cardio does not reduce muscle growth."]
