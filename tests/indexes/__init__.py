"""Shared test helpers for indexes/ and the retrieval tools: a fast fake embedder and a tiny knowledge base."""
from __future__ import annotations

import hashlib

import numpy as np

from indexes import bm25
from knowledge.schema import Bilingual, Doc, Exercise, KnowledgeBase, Section


class HashEmbedder:
    """Deterministic bag-of-tokens + character-trigram hashing; counts what it embeds."""

    def __init__(self, name: str = "hash-test", dim: int = 96):
        self.name, self.dim = name, dim
        self.doc_calls: list[int] = []
        self.query_calls = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        low = text.lower()
        feats = bm25.tokenize(text) + [low[i:i + 3] for i in range(max(len(low) - 2, 0))]
        for f in feats:
            v[int(hashlib.md5(f.encode()).hexdigest(), 16) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_documents(self, texts):
        self.doc_calls.append(len(texts))
        return np.array([self._vec(t) for t in texts], np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts):
        self.query_calls += 1
        return np.array([self._vec(t) for t in texts], np.float32).reshape(len(texts), self.dim)

    @property
    def embedded(self) -> int:
        return sum(self.doc_calls)


VOCAB = {"patterns": {"squat": {"en": "Squat", "zh": "蹲"}, "hinge": {"en": "Hip hinge", "zh": "髋铰链"},
                      "vertical_pull": {"en": "Vertical pull", "zh": "垂直拉"},
                      "elbow_flexion": {"en": "Elbow flexion (curl)", "zh": "屈肘（弯举）"}},
         "muscles": {"quadriceps": {"en": "Quadriceps", "zh": "股四头肌"}, "glutes": {"en": "Glutes", "zh": "臀肌"},
                     "lats": {"en": "Lats", "zh": "背阔肌"}, "biceps": {"en": "Biceps", "zh": "肱二头肌"},
                     "hamstrings": {"en": "Hamstrings", "zh": "腘绳肌"}}}


def exercise(ex_id: str, en: str, zh: str, pattern: str, equipment=(), muscles=("quadriceps",)) -> Exercise:
    steps = Bilingual(("Step.",), ("步骤。",))
    return Exercise(id=ex_id, name=Bilingual(en, zh), equipment=tuple(equipment), primary_muscles=tuple(muscles),
                    secondary_muscles=(), pattern=pattern, mechanic="compound", level="beginner", force="push",
                    steps=steps, cues=steps, mistakes=steps, contraindications=(), home_friendly=True, source="test")


def doc(doc_id: str, title: tuple[str, str], sections_en: list[tuple[str, str]], sections_zh: list[tuple[str, str]]) -> Doc:
    return Doc(id=doc_id, title=Bilingual(*title), tags=("test",), sources=(f"Source for {doc_id}",),
               sections=Bilingual(tuple(Section(h, t) for h, t in sections_en), tuple(Section(h, t) for h, t in sections_zh)))


def tiny_kb() -> KnowledgeBase:
    kb = KnowledgeBase(vocab=VOCAB)
    for ex in (exercise("barbell_back_squat", "Barbell back squat", "杠铃颈后深蹲", "squat", ("barbell", "squat_rack"), ("quadriceps", "glutes")),
               exercise("goblet_squat", "Goblet squat", "高脚杯深蹲", "squat", ("kettlebells",)),
               exercise("romanian_deadlift", "Barbell Romanian deadlift", "杠铃罗马尼亚硬拉", "hinge", ("barbell",), ("hamstrings",)),
               exercise("pull_up", "Pull-up", "引体向上", "vertical_pull", ("pull_up_bar",), ("lats",)),
               exercise("hammer_curl", "Dumbbell hammer curl", "哑铃锤式弯举", "elbow_flexion", ("dumbbell",), ("biceps",))):
        kb.exercises[ex.id] = ex
    kb.docs = {d.id: d for d in (
        doc("protein-needs", ("How much protein do you need?", "你需要多少蛋白质？"),
            [("Daily amount", "Most people who train need 1.4 to 2.0 g of protein per kg of body weight per day."),
             ("Per meal", "Spread it over meals: 20 to 40 g of protein per meal works well.")],
            [("每日摄入量", "大多数训练者每天每公斤体重需要1.4到2.0克蛋白质。"),
             ("每餐摄入", "分散到各餐：每餐20到40克蛋白质效果较好。")]),
        doc("sleep-recovery", ("Sleep and recovery", "睡眠与恢复"),
            [("How much", "Adults should sleep seven to nine hours a night for recovery."),
             ("Sleeping better", "Keep a regular bedtime, a dark cool room and no caffeine late in the day.")],
            [("睡多久", "成年人每晚应睡七到九小时以利于恢复。"),
             ("睡得更好", "作息规律，卧室黑暗凉爽，下午以后不喝咖啡。")]),
        doc("warm-up", ("How to warm up before training", "训练前如何热身"),
            [("Why warm up", "A warm-up raises body temperature and prepares joints for heavy lifting."),
             ("Specific sets", "Do two or three lighter sets of your first exercise before the working sets.")],
            [("为什么热身", "热身能提高体温，让关节为大重量训练做好准备。"),
             ("专项热身组", "正式组之前，先用较轻重量做两到三组第一个动作。")]),
    )}
    return kb
