"""Exercise names first: exact, alias, typo and homophone matching before any dense search.

Why: a request usually *names* the exercise ("硬拉", "RDL", "lat pulldwon", "深敦"), and an embedding
ranks variants of a name above the name itself. So a request is matched against every exercise's
names plus knowledge/aliases.yaml (zh + en, slang, abbreviations) and the longest name it contains
wins; the generic word goes to the canonical exercise (深蹲 = barbell back squat), a variant wins
only when it is named (front squat). English words are corrected against the name vocabulary by
edit distance; Chinese is also compared by toneless pinyin (深敦 = shen dun = 深蹲), where at least
one character must be the same so ordinary words do not turn into exercises.
Words of a name apart also name it (dips for chest, 在地板上卧推), but no Chinese name starts inside a
word (胸前|深蹲 holds no 前深蹲). A word of a variant's own name beside the generic one names the variant
('spider curls'); `variants` lists the exercises whose names hold the name a request used, for
indexes.facets to pick the one the rest of the request describes; a tool the request adds picks the
variant done on it (indexes.name_tools). How requests are read (stems, jieba words, pinyin): indexes.name_text.
Lookups are dictionary probes of the query's n-grams plus one jieba pass: about a millisecond.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import yaml

from .bm25 import _deletes, _edit_distance
from .name_text import COMMON_EN, _CJK  # noqa: F401 (COMMON_EN: re-exported for facets, the library)
from .name_text import bracketed, inside_word_starts, norm_en, other_word, pinyin, split_pinyin, zh_words
from .name_tools import ToolRefiner

ALIASES = Path(__file__).resolve().parent.parent / "knowledge" / "aliases.yaml"
MAX_NGRAM = 6          # words (en) per name
MAX_ZH = 12            # characters per Chinese name
ZH_WEIGHT = 2.5        # a Chinese character carries about as much as 2.5 Latin letters
UNORDERED_PENALTY = 1.5  # words of a name out of order lose to the name written as one phrase (also at one letter more)
MAX_GAP = 3            # words between the two words of a two-word name found apart ('dips for chest'), at most
MIN_DROPPED = 4        # characters a Chinese name with one left out still has (shorter ones name too much)
FUZZY_PENALTY = 0.5    # a corrected or homophone match loses to an exact one of the same length
NEGATORS = frozenset({"anti", "no", "non", "not", "without"})
_SEGMENT = re.compile(r"[\u3400-\u9fff]+|[a-z0-9']+")


def _asked(words: list[str]) -> set[str]:
    """The words a request asks for: not one after 'anti' / 'no' / 'without' ('anti rotation' asks against it)."""
    return {w for i, w in enumerate(words) if not (i and words[i - 1] in NEGATORS)}


class NameMatcher:
    """Exercise ids named by a request, best first, with how much of the request named them."""

    def __init__(self, kb, aliases_path: Path | str = ALIASES):
        data = yaml.safe_load(Path(aliases_path).read_text(encoding="utf-8")) or {}
        self.abbrev = {k.lower(): v.lower() for k, v in (data.get("abbreviations") or {}).items()}
        self.zh_variants = data.get("zh_variants") or {}
        self.everyday = {str(k).lower(): str(v) for k, v in (data.get("everyday") or {}).items()}
        self._everyday_en = {k: v for k, v in self.everyday.items() if not _CJK.search(k)}
        self.en: dict[str, set[str]] = {}    # normalised en name ("barbell back squat") -> ids
        self.zh: dict[str, set[str]] = {}
        self.py: dict[tuple, set[tuple[str, str]]] = {}   # pinyin tuple -> {(id, zh name)}
        self.names: dict[str, list[str]] = {}  # id -> every normalised name (en and zh)
        names: dict[str, tuple[list[str], list[str]]] = {}
        explicit = {str(z) for e in (data.get("exercises") or {}).values() for z in e.get("zh", [])}
        parts = {ex.id: [p for p in re.split(r"[（）()]", ex.name.zh) if len(p) >= 2 and p not in explicit]
                 for ex in kb.exercises.values()}
        shared = Counter(p for ps in parts.values() for p in set(ps))  # "器械" in three names names none
        for ex in kb.exercises.values():
            en = [ex.name.en, re.sub(r"\s*\(.*?\)", "", ex.name.en)] + bracketed(ex.name.en)
            zh = [ex.name.zh] + [p for p in parts[ex.id] if shared[p] == 1]
            names[ex.id] = (en, zh)
        for ex_id, entry in (data.get("exercises") or {}).items():
            if ex_id in names:
                names[ex_id][0].extend(entry.get("en", []))
                names[ex_id][1].extend(str(z) for z in entry.get("zh", []))
        self.own = {ex.id: (" ".join(norm_en(ex.name.en, self.abbrev)), ex.name.zh.lower()) for ex in kb.exercises.values()}
        for ex_id, (en, zh) in names.items():
            for name in en:
                key = " ".join(norm_en(name, self.abbrev))
                if key:
                    self.en.setdefault(key, set()).add(ex_id)
                    self.en.setdefault(key.replace(" ", ""), set()).add(ex_id)
                    self.names.setdefault(ex_id, []).append(key)
            for name in zh:
                name = name.lower().strip()
                if not name:
                    continue
                self.zh.setdefault(name, set()).add(ex_id)
                self.names.setdefault(ex_id, []).append(name)
                if len(name) >= 2 and all(_CJK.match(c) for c in name):
                    self.py.setdefault(tuple(pinyin(name)), set()).add((ex_id, name))
        self._dropped = self._one_left_out()
        self._syllables = frozenset(p for key in self.py for p in key)  # those of names: 硬la can be 硬拉
        self._multiword = [(frozenset(k.split()), ids) for k, ids in self.en.items() if " " in k]
        self._glued = {k.replace(" ", ""): k for k in self.en if " " in k}  # pushup -> push up
        word_ids: dict[str, set[str]] = {}
        for k, ids in self.en.items():
            for w in k.split():
                word_ids.setdefault(w, set()).update(ids)
        self._distinct = {w for w, ids in word_ids.items() if len(ids) == 1}  # 'tate': one exercise's word
        self._zh_multiword = [(words, ids) for name, ids in self.zh.items()
                              if len(words := zh_words(name)) >= 2 and all(len(w) >= 2 for w in words)]
        self.vocab = {w for key in self.en for w in key.split()} | set(COMMON_EN)
        self._keys: dict[str, set[str]] = {}
        for w in self.vocab:
            if len(w) >= 4:
                for d in _deletes(w, 2 if len(w) >= 8 else 1):
                    self._keys.setdefault(d, set()).add(w)
        self._tools = ToolRefiner(kb, data, self)  # a named exercise plus a tool: indexes.name_tools

    def _one_left_out(self) -> dict[str, set[tuple[str, str]]]:
        """Chinese names of 5+ characters with one left out (阿诺推举 for 阿诺德推举) -> {(id, full name)}; none
        that is, or sits inside, another name (杠铃深蹲 is a name, not 杠铃前深蹲 short of 前)."""
        names = list(self.zh)
        out: dict[str, set[tuple[str, str]]] = {}
        for name, ids in self.zh.items():
            if len(name) >= MIN_DROPPED + 1 and all(_CJK.match(c) for c in name):
                for k in range(len(name)):
                    out.setdefault(name[:k] + name[k + 1:], set()).update((i, name) for i in ids)
        return {key: held for key, held in out.items() if not any(key in n for n in names)}

    def _short_of_one(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, id, full name) of each name the request writes with one character left out, starting
        and ending on word boundaries (史密斯推肩 holds 史密斯推, 史密斯卧推 short of 卧, but 推肩 is one word)."""
        inside = inside_word_starts(text)
        return [(i, j, ex_id, name) for i in range(len(text)) if i not in inside
                for j in range(i + MIN_DROPPED, min(len(text), i + MAX_ZH) + 1) if j not in inside
                for ex_id, name in self._dropped.get(text[i:j], ())]

    def en_text(self, text: str, glued: bool = False) -> str:
        """' word word ': normalised English words, glued names split (pushup -> push up) unless `glued`."""
        words = norm_en(text, self.abbrev)
        return f" {' '.join(words if glued else (self._glued.get(w, w) for w in words))} "

    # ------------------------------------------------------------ matching
    def expand(self, query: str) -> str:
        """The request plus the words the exercise steps use for its everyday words (屁股 -> 臀部)."""
        text = (query or "").lower()
        extra = [v for k, v in self.everyday.items() if _CJK.search(k) and k in text]
        extra += [v for k, v in self._everyday_en.items() if re.search(rf"\b{re.escape(k)}\b", text)]  # 'all fours' too
        return f"{query} {' '.join(extra)}" if extra else query

    def _correct(self, word: str) -> str:
        if word in self.vocab or len(word) < 4 or word.isdigit():
            return word
        depth = 2 if len(word) >= 8 else 1
        cands = {c for d in _deletes(word, depth) for c in self._keys.get(d, ())}
        ranked = sorted((_edit_distance(word, c), c) for c in cands)
        return ranked[0][1] if ranked and ranked[0][0] <= depth else word

    def _match_en(self, text: str, found: dict[str, float]) -> dict[frozenset, float]:
        """Names written as one phrase; returns the multi-word ones matched {words: score}."""
        phrases: dict[frozenset, float] = {}
        raw = norm_en(text, self.abbrev)
        fixed = [self._correct(w) for w in raw]
        for words, penalty in ((raw, 0.0), (fixed, FUZZY_PENALTY)):
            for i in range(len(words)):
                for n in range(1, min(MAX_NGRAM, len(words) - i) + 1):
                    gram = words[i:i + n]
                    for key in (" ".join(gram), "".join(gram)):
                        for ex_id in self.en.get(key, ()):
                            score = len(key.replace(" ", "")) - penalty * (gram != raw[i:i + n])
                            found[ex_id] = max(found.get(ex_id, 0.0), score)
                            if " " in key:
                                said = frozenset(key.split())
                                phrases[said] = max(phrases.get(said, 0.0), score)
        return phrases

    def _match_en_unordered(self, text: str, found: dict[str, float], phrases: dict[frozenset, float]) -> None:
        """Every word of a 2+ word name somewhere in the request ('dips for chest' = chest dip; two words at
        most MAX_GAP words apart). A two-word
        name one of whose words belongs to a name written as one phrase with a word only that exercise
        has ('tate press dumbbells': press is Tate's) ranks below that phrase."""
        seq = [self._correct(w) for w in norm_en(text, self.abbrev)]
        words = _asked(seq)
        for key, ids in self._multiword:
            if key <= words:
                if len(key) == 2:  # 'pull the handle to my belly sitting down' names no pull-down
                    a, b = ([i for i, w in enumerate(seq) if w == k] for k in key)
                    if min(abs(i - j) for i in a for j in b) > MAX_GAP + 1:
                        continue
                score = sum(map(len, key)) - UNORDERED_PENALTY
                for p, p_score in phrases.items():
                    if len(key) == 2 and len(key & p) == 1 and (p - key) & self._distinct:
                        score = min(score, p_score - UNORDERED_PENALTY)
                for ex_id in ids:
                    found[ex_id] = max(found.get(ex_id, 0.0), score)

    def _match_zh(self, text: str, found: dict[str, float]) -> None:
        for variant, right in self.zh_variants.items():
            text = text.replace(variant, right)
        inside = inside_word_starts(text)
        for i in range(len(text)):
            if i in inside:  # 胸前|深蹲 holds no 前深蹲
                continue
            for j in range(i + 1, min(len(text), i + MAX_ZH) + 1):
                for ex_id in self.zh.get(text[i:j], ()):
                    found[ex_id] = max(found.get(ex_id, 0.0), ZH_WEIGHT * (j - i))
        for i, j, ex_id, _ in self._short_of_one(text):  # a character left out: as long a name, less sure
            found[ex_id] = max(found.get(ex_id, 0.0), ZH_WEIGHT * (j - i) - FUZZY_PENALTY)
        for words, ids in self._zh_multiword:  # every word of a name, apart: 在地板上卧推 = 地板卧推
            if all(w in text for w in words):
                score = ZH_WEIGHT * (sum(map(len, words)) - UNORDERED_PENALTY)
                for ex_id in ids:
                    found[ex_id] = max(found.get(ex_id, 0.0), score)
        cjk, syll = self._sounds(text)
        if len(cjk) < 2:
            return
        for i in range(len(syll)):
            for j in range(i + 2, min(len(syll), i + MAX_ZH) + 1):
                for ex_id, name in self.py.get(tuple(syll[i:j]), ()):
                    if cjk[i:j] != name and any(a == b for a, b in zip(cjk[i:j], name)) and not other_word(cjk[i:j], name):
                        score = ZH_WEIGHT * (j - i) - FUZZY_PENALTY * (cjk[i:j] != name)
                        found[ex_id] = max(found.get(ex_id, 0.0), score)

    def _sounds(self, text: str) -> tuple[str, list[str]]:
        """The request's Chinese characters and their pinyin, with pinyin typed right beside them (硬la 怎么发力:
        ying la …, '?' standing for each typed syllable's character)."""
        chars, syll = "", []
        for m in _SEGMENT.finditer(text):
            seg = m.group()
            if _CJK.match(seg):
                chars, syll = chars + seg, syll + pinyin(seg)
                continue
            glued = (m.start() and _CJK.match(text[m.start() - 1])) or (m.end() < len(text) and _CJK.match(text[m.end()]))
            typed = split_pinyin(seg, self._syllables) if glued and seg.isalpha() else []
            chars, syll = chars + "?" * len(typed), syll + typed
        return chars, syll

    def match(self, query: str) -> list[tuple[str, float]]:
        """[(exercise id, score)] named by the request, best first; score ~ length of the name matched."""
        text = (query or "").lower()[:200]
        found: dict[str, float] = {}
        latin = " ".join(s for s in _SEGMENT.findall(text) if not _CJK.match(s))
        if latin:
            self._match_en_unordered(latin, found, self._match_en(latin, found))
        if _CJK.search(text):
            self._match_zh(text, found)
        ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
        return self._refine_by_modifier(text, self._tools.refine(text, ranked))

    def _refine_by_modifier(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """'spider curls', 'reverse nordics': the generic name plus a word of a variant's own name -> that
        variant (most such words, then the shortest name) first; 'curls' alone stays the canonical curl."""
        if not ranked:
            return ranked
        head, variants = self.variants(text, ranked[0][0])
        if not head:
            return ranked
        words = _asked(norm_en(text, self.abbrev)) - COMMON_EN - set(head.split())
        rest = text.replace(head, " ")
        best = None
        for ex_id, _ in variants:
            en, zh = self.own[ex_id]
            hits = len(words & (set(en.split()) - set(head.split()))) + sum(
                1 for w in zh_words(zh) if len(w) >= 2 and w not in head and w in rest)
            if hits and (best is None or (-hits, len(en)) < best[0]):
                best = ((-hits, len(en)), ex_id)
        if best is None or best[1] == ranked[0][0]:
            return ranked
        return [(best[1], ranked[0][1] + 1.0)] + [(i, s) for i, s in ranked if i != best[1]]

    def variants(self, query: str, ex_id: str) -> tuple[str, list[tuple[str, bool]]]:
        """(the name by which the request named `ex_id`, [(exercise id, whether its own catalog name
        contains that name)] for every exercise one of whose names does: 'push up' -> one-arm push-up,
        深蹲 -> 高脚杯深蹲 (深敦 too, and an English name by its words apart); ("", []) when none of its names is in the request."""
        text = (query or "").lower()[:200]
        en_text = f"{self.en_text(text)}|{self.en_text(text, glued=True)} "  # pushup = push up; pulldown kept
        en_text += f"| {' '.join(self._correct(w) for w in norm_en(text, self.abbrev))} "  # and typos fixed (deadlfit)
        inside = inside_word_starts(text)
        heads = [n for n in self.names.get(ex_id, ()) if (
            any(m.start() not in inside for m in re.finditer(re.escape(n), text)) if _CJK.search(n)
            else f" {n} " in en_text)]
        if not heads and _CJK.search(text):  # named by a homophone typo (深敦): the name it stands for
            syll = tuple(pinyin("".join(c for c in text if _CJK.match(c))))
            heads = [n for n in self.names.get(ex_id, ()) if _CJK.search(n) and len(n) >= 2 and any(
                syll[i:i + len(n)] == tuple(pinyin(n)) for i in range(len(syll) - len(n) + 1))]
        if not heads and _CJK.search(text):  # named with a character left out (阿诺推举): that name
            heads = [name for _, _, i, name in self._short_of_one(text) if i == ex_id]
        if not heads:  # named by its words apart ('reverse curls with a barbell': barbell … curl)
            said = _asked(en_text.split())
            heads = [n for n in self.names.get(ex_id, ()) if " " in n and not _CJK.search(n) and set(n.split()) <= said]
        if not heads:
            return "", []
        head = max(heads, key=len)
        return head, self._holding(head)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one matcher per library, names fixed)
    def _holding(self, head: str) -> list[tuple[str, bool]]:
        """[(id, own name has it)] for the exercises one of whose names holds `head` (杠铃划船: also apart)."""
        parts = zh_words(head) if _CJK.search(head) else frozenset()
        inside = ((lambda n: head in n or (len(parts) >= 2 and all(p in n for p in parts)))
                  if _CJK.search(head) else (lambda n: f" {head} " in f" {n} "))
        return [(i, inside(self.own[i][0]) or inside(self.own[i][1]))
                for i, ns in self.names.items() if any(inside(n) for n in ns)]
