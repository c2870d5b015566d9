"""BM25 keyword ranking for mixed Chinese / English text, in numpy + scipy.sparse.

Why: vector search blurs exact terms (exercise names, "RPE", "1RM", 肌酸); BM25 catches them, and the
two fused by reciprocal rank beat either alone (`python -m bench retrieval`). Chinese has no spaces,
so jieba segments it in search mode (long words also yield the shorter words inside them) and each
CJK character is added as a token too, so a one-character typo (握推 for 卧推) still half-matches.
English is lower-cased and lightly stemmed; `correct` maps misspelt words to the nearest corpus word
(edit distance 1, or 2 for long words) before searching. No rank_bm25 dependency.
"""
from __future__ import annotations

import logging
import re
from collections import Counter

import numpy as np
from scipy import sparse

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:\.[0-9]+)?")
_IS_CJK = re.compile(rf"[{_CJK}]")
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
_HYPHENATED = re.compile(r"\b([a-z]+)-([a-z]+)\b")  # pull-up → also "pullup", as people type it
_GLUED = re.compile(r"[a-z]{2,}(?=\d)|(?<=[a-z]{2})\d+")  # "rpe8" → also "rpe", "8", as typed without a space
STOP_EN = frozenset(
    "a an and are as at be by can do does for from how i in is it me my of on or should the this to "
    "what when which who why will with you your show please about many much".split())
# Shorthand and gym slang as people type them, written out before spelling correction: "mins" is no typo of
# "pins" (the corrector's nearest corpus word), and "b4" / "hrs" / "gains" share no token with the text they mean.
SHORTHAND = {"mins": "minutes", "secs": "seconds", "hrs": "hours", "wk": "week", "wks": "weeks",
             "b4": "before", "cals": "calories", "kcals": "kcal", "yr": "year", "yrs": "years", "lbs": "pounds",
             "gains": "muscle gains"}
_SHORTHAND = re.compile(r"(?<![a-z])(?:" + "|".join(SHORTHAND) + r")\b", re.I)
# ...and Chinese gym talk for the words the articles use (组间歇 would otherwise match 间歇训练, HIIT; 减几斤 减量周)
SHORTHAND_ZH = {"组间歇": "组间休息", "歇多久": "休息多久", "歇几分钟": "休息几分钟",
                **{f"{verb}{much}斤": f"减重{much}斤" for verb in ("掉", "减", "瘦") for much in ("几", "多少")}}
_SHORTHAND_ZH = re.compile("|".join(SHORTHAND_ZH))
STOP_ZH = frozenset("的 了 是 我 你 吗 呢 吧 啊 在 和 与 及 有 要 就 都 也 怎么 如何 什么 怎样 一个 一下 可以 应该 请 给 看看".split())
# Function characters: as single-character tokens they match almost every Chinese text ("躺着把屁股抬起来"
# matched any step with 把/着/来); the words that contain them (把手, 起来) are still tokens.
STOP_ZH_CHAR = STOP_ZH | frozenset("着 把 来 到 从 用 得 被 让 将 过 个 这 那 么 会 能 想 做 呀 哦 吗 嘛".split())


def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # the one-time "Building prefix dict" lines are noise
    return jieba


def stem(word: str) -> str:
    """Crude English suffix stripping: curls→curl, pressing→press, raises→raise."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba words + single characters for Chinese, stemmed words for English."""
    out: list[str] = []
    text = text.lower()
    out.extend(stem(a + b) for a, b in _HYPHENATED.findall(text))
    for match in _TOKEN.finditer(text):
        tok = match.group()
        if _IS_CJK.match(tok):
            words = [w for w in _jieba().cut_for_search(tok) if w not in STOP_ZH]
            out.extend(words)
            out.extend(ch for ch in tok if len(tok) > 1 and ch not in STOP_ZH_CHAR)
        elif tok not in STOP_EN:
            out.append(stem(tok))
            out.extend(stem(part) for part in _GLUED.findall(tok) if part not in STOP_EN)
    return out


def _deletes(word: str, depth: int) -> set[str]:
    """All strings reachable by deleting up to `depth` characters (SymSpell's candidate keys)."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (a swap of neighbours counts as one edit)."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


class BM25:
    """Okapi BM25 over pre-tokenised documents; scores are one sparse matrix-vector product."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75, surface: list[str] = ()):
        self.vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        for i, tokens in enumerate(docs):
            for tok, count in Counter(tokens).items():
                rows.append(i)
                cols.append(self.vocab.setdefault(tok, len(self.vocab)))
                vals.append(count)
        n, v = len(docs), max(len(self.vocab), 1)
        tf = np.asarray(vals, np.float32)
        rows_a, cols_a = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
        lengths = np.bincount(rows_a, weights=tf, minlength=n) if n else np.zeros(0)
        avg = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        df = np.bincount(cols_a, minlength=v)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        norm = k1 * (1 - b + b * lengths[rows_a] / avg) if n else np.zeros(0)
        weights = idf[cols_a] * tf * (k1 + 1) / (tf + norm)
        self._w = sparse.csr_matrix((weights, (rows_a, cols_a)), shape=(n, v), dtype=np.float32)
        self._idf = idf
        self.n_docs = n
        # Latin words as written in the corpus, for spelling correction of queries.
        self._words = Counter(w.lower() for text in surface for w in _LATIN_WORD.findall(text))
        self._words.update(a + b for text in surface for a, b in _HYPHENATED.findall(text.lower()))
        self._stems = {stem(w) for w in self._words}
        self._keys: dict[str, set[str]] = {}
        for word in self._words:
            for key in _deletes(word, 2 if len(word) >= 8 else 1):
                self._keys.setdefault(key, set()).add(word)

    def scores(self, tokens: list[str], weights: list[float] | None = None) -> np.ndarray:
        """BM25 score of every document for these query tokens (zeros when none is known); `weights`
        scales each token's contribution (default 1), e.g. to count single characters as half-matches."""
        q = np.zeros(self._w.shape[1], np.float32)
        for i, tok in enumerate(tokens):
            if tok in self.vocab:
                q[self.vocab[tok]] += 1.0 if weights is None else weights[i]
        return self._w @ q if self.n_docs else np.zeros(0, np.float32)

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token (0 for tokens not in the corpus)."""
        return float(self._idf[self.vocab[token]]) if token in self.vocab else 0.0

    def search(self, tokens: list[str], k: int) -> list[tuple[int, float]]:
        """Top-k (document index, score) with a positive score, best first."""
        s = self.scores(tokens)
        if not s.size or k <= 0:
            return []
        top = np.argsort(-s, kind="stable")[:k]
        return [(int(i), float(s[i])) for i in top if s[i] > 0]

    def correct(self, text: str) -> str:
        """`text` with shorthand written out (SHORTHAND, SHORTHAND_ZH) and unknown English words (4+ letters) replaced by
        the closest corpus word. Stop words stay as typed: they are never searched, and a corrected one
        would be ("your" -> "four")."""
        def fix(match: re.Match) -> str:
            word = match.group().lower()
            if word in STOP_EN or word in self._words or stem(word) in self._stems or not self._keys:
                return match.group()
            depth = 2 if len(word) >= 8 else 1
            cands = {c for key in _deletes(word, depth) for c in self._keys.get(key, ())}
            ranked = sorted(cands, key=lambda c: (_edit_distance(word, c), -self._words[c], c))  # then most common
            best = ranked[0] if ranked else ""
            return best if best and _edit_distance(word, best) <= depth else match.group()

        text = _SHORTHAND.sub(lambda m: SHORTHAND[m.group().lower()], text)
        text = _SHORTHAND_ZH.sub(lambda m: SHORTHAND_ZH[m.group()], text)
        return _LATIN_WORD.sub(fix, text)


def rrf(rankings: list[list], k: int = 60) -> dict:
    """Reciprocal rank fusion: key -> sum over rankings of 1 / (k + rank), rank from 1."""
    fused: dict = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, 1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused

