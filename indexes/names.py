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
indexes.facets to pick the one the rest of the request describes.
Lookups are dictionary probes of the query's n-grams plus one jieba pass: about a millisecond.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import yaml

from .bm25 import _deletes, _edit_distance, stem

ALIASES = Path(__file__).resolve().parent.parent / "knowledge" / "aliases.yaml"
MAX_NGRAM = 6          # words (en) per name
MAX_ZH = 12            # characters per Chinese name
ZH_WEIGHT = 2.5        # a Chinese character carries about as much as 2.5 Latin letters
UNORDERED_PENALTY = 1.5  # words of a name out of order lose to the name written as one phrase (also at one letter more)
MAX_GAP = 3            # words between the two words of a two-word name found apart ('dips for chest'), at most
FUZZY_PENALTY = 0.5    # a corrected or homophone match loses to an exact one of the same length
_CJK = re.compile(r"[\u3400-\u9fff]")
_SEGMENT = re.compile(r"[\u3400-\u9fff]+|[a-z0-9']+")
# Words that requests use around a name: known, so never "corrected" into a name (form -> foam).
COMMON_EN = frozenset(
    "how what form proper properly technique tutorial demo show correct correctly hold holding doing "
    "with without my the on at in for a an to of and or is it do does i me pls please help good "
    "best way use using machine home gym video gif exercise exercises workout work train training "
    "from floor back front side one two leg legs arm arms sitting standing lying seated slow all down "
    "up bar body wall chest shoulder shoulders then lift lifting muscle muscles hamstrings glutes abs "
    "core rope cable band bench weight weights heavy light long time much many set sets rep reps".split())


def _norm_en(text: str, abbrev: dict[str, str]) -> list[str]:
    words = []
    for w in re.findall(r"[a-z0-9']+", text.lower().replace("-", " ")):
        w = w.strip("'")
        if w.endswith("'s"):
            w = w[:-2]
        for part in abbrev.get(w, w).split():
            words.append(stem(part))
    return words


def _bracketed(name: str) -> list[str]:
    """What an English name says in brackets, when that is another name: 'Negative (eccentric) pull-up' ->
    eccentric pull-up; 'Jackknife sit-up (V-up)' -> V-up; not '(45-degree)' or '(feet on ball)'."""
    m = re.match(r"^(.*?)\s*\((.+?)\)\s*(.*)$", name)
    if not m or re.search(r"\d|\b(on|to|of|with|from|for|the|a)\b", m.group(2).lower()):
        return []
    before, inside, after = m.groups()
    if after:  # mid-name: the bracket replaces the word before it
        return [" ".join(before.split()[:-1] + [inside, after])]
    return [inside] if len(re.findall(r"[a-z]+", inside.lower())) >= 2 else []


@functools.lru_cache(maxsize=1024)
def _inside_word_starts(text: str) -> frozenset[int]:
    """Offsets in the middle of a Chinese word of 2+ characters (jieba), where no name may start."""
    from .bm25 import STOP_ZH_CHAR, _jieba

    out, pos = set(), 0
    for w in _jieba().cut(text):
        lead = len(w) - len(w.lstrip("".join(STOP_ZH_CHAR)))  # 做|锤式: a function character starts no word
        if len(w) - lead >= 2 and _CJK.match(w):
            out.update(range(pos + lead + 1, pos + len(w)))
        pos += len(w)
    return frozenset(out)


def _zh_words(name: str) -> frozenset[str]:
    """jieba words of a Chinese name, runs of single characters kept together (地板|卧推, not 地板|卧|推)."""
    from .bm25 import STOP_ZH, _jieba

    words, run = [], ""
    for w in _jieba().cut(name):
        if len(w) == 1 and _CJK.match(w):
            run += w
            continue
        words += [run] if run else []
        run = ""
        if w not in STOP_ZH and _CJK.match(w):
            words.append(w)
    return frozenset(words + ([run] if run else []))


@functools.lru_cache(maxsize=4096)
def _other_word(window: str, name: str) -> bool:
    """Whether a homophone window holds a real word the name lacks (推荐 is no typo of 推肩; 深敦 is of 深蹲)."""
    from .bm25 import _jieba

    dt = _jieba().dt
    dt.check_initialized()
    freq = dt.FREQ
    return any(freq.get(window[a:b]) and window[a:b] not in name
               for a in range(len(window)) for b in range(a + 2, len(window) + 1))


def _pinyin(chars: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    out = []
    for p in lazy_pinyin(chars, style=Style.NORMAL, errors=lambda x: list(x)):
        p = p.lower()
        p = re.sub(r"^([zcs])h", r"\1", p)          # zh/ch/sh typed as z/c/s and back
        out.append(p[:-1] if p.endswith("ng") else p)  # -ng / -n confusions (挺生 = 挺身)
    return out


class NameMatcher:
    """Exercise ids named by a request, best first, with how much of the request named them."""

    def __init__(self, kb, aliases_path: Path | str = ALIASES):
        data = yaml.safe_load(Path(aliases_path).read_text(encoding="utf-8")) or {}
        self.abbrev = {k.lower(): v.lower() for k, v in (data.get("abbreviations") or {}).items()}
        self.zh_variants = data.get("zh_variants") or {}
        self.everyday = {str(k).lower(): str(v) for k, v in (data.get("everyday") or {}).items()}
        self._everyday_en = {k: v for k, v in self.everyday.items() if not _CJK.search(k)}
        self.equipment = {eq: ([w.lower() for w in v.get("en", [])], v.get("zh", []))
                          for eq, v in (data.get("equipment") or {}).items()}
        self.kit = {ex.id: frozenset(ex.equipment) for ex in kb.exercises.values()}
        self.kind = {ex.id: (ex.pattern, ex.primary_muscles[:1]) for ex in kb.exercises.values()}  # what it trains, how
        self.tools: dict[str, set[str]] = {}  # a tool's name (en normalised, or zh) -> catalog equipment ids
        for eq in kb.equipment.values():
            for w in (eq.name.en, *eq.aliases.en, eq.name.zh, *eq.aliases.zh):
                self._add_tool(w, {eq.id})
        for key, v in (data.get("equipment") or {}).items():
            ids = set(v.get("ids") or ([key] if key in kb.equipment else []))
            for w in (v.get("en") or []) + (v.get("zh") or []):
                self._add_tool(w, ids)
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
            en = [ex.name.en, re.sub(r"\s*\(.*?\)", "", ex.name.en)] + _bracketed(ex.name.en)
            zh = [ex.name.zh] + [p for p in parts[ex.id] if shared[p] == 1]
            names[ex.id] = (en, zh)
        for ex_id, entry in (data.get("exercises") or {}).items():
            if ex_id in names:
                names[ex_id][0].extend(entry.get("en", []))
                names[ex_id][1].extend(str(z) for z in entry.get("zh", []))
        self.own = {ex.id: (" ".join(_norm_en(ex.name.en, self.abbrev)), ex.name.zh.lower()) for ex in kb.exercises.values()}
        for ex_id, (en, zh) in names.items():
            for name in en:
                key = " ".join(_norm_en(name, self.abbrev))
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
                    self.py.setdefault(tuple(_pinyin(name)), set()).add((ex_id, name))
        self._multiword = [(frozenset(k.split()), ids) for k, ids in self.en.items() if " " in k]
        self._glued = {k.replace(" ", ""): k for k in self.en if " " in k}  # pushup -> push up
        word_ids: dict[str, set[str]] = {}
        for k, ids in self.en.items():
            for w in k.split():
                word_ids.setdefault(w, set()).update(ids)
        self._distinct = {w for w, ids in word_ids.items() if len(ids) == 1}  # 'tate': one exercise's word
        self._zh_multiword = [(words, ids) for name, ids in self.zh.items()
                              if len(words := _zh_words(name)) >= 2 and all(len(w) >= 2 for w in words)]
        self.vocab = {w for key in self.en for w in key.split()} | set(COMMON_EN)
        self._keys: dict[str, set[str]] = {}
        for w in self.vocab:
            if len(w) >= 4:
                for d in _deletes(w, 2 if len(w) >= 8 else 1):
                    self._keys.setdefault(d, set()).add(w)

    def _add_tool(self, word: str, ids: set[str]) -> None:
        key = str(word).lower().strip() if _CJK.search(str(word)) else " ".join(_norm_en(str(word), self.abbrev))
        if key and ids:
            self.tools.setdefault(key, set()).update(ids)

    def _en_text(self, text: str, glued: bool = False) -> str:
        """' word word ': normalised English words, glued names split (pushup -> push up) unless `glued`."""
        words = _norm_en(text, self.abbrev)
        return f" {' '.join(words if glued else (self._glued.get(w, w) for w in words))} "

    # ------------------------------------------------------------ matching
    def expand(self, query: str) -> str:
        """The request plus the words the exercise steps use for its everyday words (屁股 -> 臀部)."""
        text = (query or "").lower()
        extra = [v for k, v in self.everyday.items() if _CJK.search(k) and k in text]
        extra += [self._everyday_en[w] for w in re.findall(r"[a-z]+", text) if w in self._everyday_en]
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
        raw = _norm_en(text, self.abbrev)
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
        seq = [self._correct(w) for w in _norm_en(text, self.abbrev)]
        words = set(seq)
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
        inside = _inside_word_starts(text)
        for i in range(len(text)):
            if i in inside:  # 胸前|深蹲 holds no 前深蹲
                continue
            for j in range(i + 1, min(len(text), i + MAX_ZH) + 1):
                for ex_id in self.zh.get(text[i:j], ()):
                    found[ex_id] = max(found.get(ex_id, 0.0), ZH_WEIGHT * (j - i))
        for words, ids in self._zh_multiword:  # every word of a name, apart: 在地板上卧推 = 地板卧推
            if all(w in text for w in words):
                score = ZH_WEIGHT * (sum(map(len, words)) - UNORDERED_PENALTY)
                for ex_id in ids:
                    found[ex_id] = max(found.get(ex_id, 0.0), score)
        cjk = "".join(c for c in text if _CJK.match(c))
        if len(cjk) < 2:
            return
        syll = _pinyin(cjk)
        for i in range(len(syll)):
            for j in range(i + 2, min(len(syll), i + MAX_ZH) + 1):
                for ex_id, name in self.py.get(tuple(syll[i:j]), ()):
                    if cjk[i:j] != name and any(a == b for a, b in zip(cjk[i:j], name)) and not _other_word(cjk[i:j], name):
                        score = ZH_WEIGHT * (j - i) - FUZZY_PENALTY * (cjk[i:j] != name)
                        found[ex_id] = max(found.get(ex_id, 0.0), score)

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
        return self._refine_by_modifier(text, self._refine_by_tool(text, self._refine_by_equipment(text, ranked)))

    def _refine_by_modifier(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """'spider curls', 'reverse nordics': the generic name plus a word of a variant's own name -> that
        variant (most such words, then the shortest name) first; 'curls' alone stays the canonical curl."""
        if not ranked:
            return ranked
        head, variants = self.variants(text, ranked[0][0])
        if not head:
            return ranked
        words = set(_norm_en(text, self.abbrev)) - COMMON_EN - set(head.split())
        rest = text.replace(head, " ")
        best = None
        for ex_id, _ in variants:
            en, zh = self.own[ex_id]
            hits = len(words & (set(en.split()) - set(head.split()))) + sum(
                1 for w in _zh_words(zh) if len(w) >= 2 and w not in head and w in rest)
            if hits and (best is None or (-hits, len(en)) < best[0]):
                best = ((-hits, len(en)), ex_id)
        if best is None or best[1] == ranked[0][0]:
            return ranked
        return [(best[1], ranked[0][1] + 1.0)] + [(i, s) for i, s in ranked if i != best[1]]

    def variants(self, query: str, ex_id: str) -> tuple[str, list[tuple[str, bool]]]:
        """(the name by which the request named `ex_id`, [(exercise id, whether its own catalog name
        contains that name)] for every exercise one of whose names does: 'push up' -> one-arm push-up,
        深蹲 -> 高脚杯深蹲 (深敦 too); ("", []) when none of its names is in the request."""
        text = (query or "").lower()[:200]
        en_text = f"{self._en_text(text)}|{self._en_text(text, glued=True)} "  # pushup = push up; pulldown kept
        inside = _inside_word_starts(text)
        heads = [n for n in self.names.get(ex_id, ()) if (
            any(m.start() not in inside for m in re.finditer(re.escape(n), text)) if _CJK.search(n)
            else f" {n} " in en_text)]
        if not heads and _CJK.search(text):  # named by a homophone typo (深敦): the name it stands for
            syll = tuple(_pinyin("".join(c for c in text if _CJK.match(c))))
            heads = [n for n in self.names.get(ex_id, ()) if _CJK.search(n) and len(n) >= 2 and any(
                syll[i:i + len(n)] == tuple(_pinyin(n)) for i in range(len(syll) - len(n) + 1))]
        if not heads:
            return "", []
        head = max(heads, key=len)
        return head, self._holding(head)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one matcher per library, names fixed)
    def _holding(self, head: str) -> list[tuple[str, bool]]:
        """[(id, own name has it)] for the exercises one of whose names holds `head` (杠铃划船: also apart)."""
        parts = _zh_words(head) if _CJK.search(head) else frozenset()
        inside = ((lambda n: head in n or (len(parts) >= 2 and all(p in n for p in parts)))
                  if _CJK.search(head) else (lambda n: f" {head} " in f" {n} "))
        return [(i, inside(self.own[i][0]) or inside(self.own[i][1]))
                for i, ns in self.names.items() if any(inside(n) for n in ns)]

    def _refine_by_equipment(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """'squat with dumbbells' / '拿哑铃做深蹲': the generic name plus a tool the request mentions ->
        the exercise whose own name has both (shortest such name), put first."""
        if not ranked:
            return ranked
        top, score = ranked[0]
        en_list = _norm_en(text, self.abbrev)
        en_words, en_text = set(en_list), " ".join(en_list)
        for eq, (en, zh) in self.equipment.items():
            said = [w for w in en if set(_norm_en(w, {})) <= en_words] + [z for z in zh if z in text]
            if not said or any(any(s in n for s in said + en + zh) for n in self.names.get(top, ())):
                continue
            heads = [n for n in self.names.get(top, ()) if n in text or n in en_text]
            if not heads:
                continue
            head = max(heads, key=len)
            cands = [(len(n), ex_id) for ex_id, ns in self.names.items() for n in ns
                     if head in n and any(s in n for s in en + zh)]
            if cands:
                best = min(cands)[1]
                return [(best, score + 1.0)] + [(i, s) for i, s in ranked if i != best]
        return ranked

    def _closest_name(self, ex_id: str, cands: list[str]) -> list[str]:
        """[the one candidate whose own names share the most words with `ex_id`'s] when one alone does
        (高位下拉 + 弹力带: 跪姿弹力带下拉 shares 下拉, the band-assisted pull-up nothing), else []."""
        def words(i):
            en, zh = self.own[i]
            return set(en.split()) | _zh_words(zh)
        mine = words(ex_id)
        shared = sorted(((len(mine & words(i)), i) for i in cands), reverse=True)
        return [shared[0][1]] if shared and shared[0][0] and (len(shared) == 1 or shared[1][0] < shared[0][0]) else []

    def _refine_by_tool(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """'dips on the captain's chair': a named exercise plus a catalog tool it is not done on -> the
        exercise holding that name that is done on it (shortest name) first, else the only one of the same
        pattern and main muscle done on it ('superman on a swiss ball' -> ball back extension, 'sldl with
        dumbbells'), except for a cable exercise, whose bar or rope is its handle (绳索下压用直杆). A name that is
        itself a tool's name (captain's chair) hands over to the next name the request uses."""
        en_text = self._en_text(text)
        for ex_id, _ in ranked[:3]:
            head, holders = self.variants(text, ex_id)
            if not head or head in self.tools:
                continue
            rest_en, rest_zh = en_text.replace(f" {head} ", " "), text.replace(head, " ")
            said = {i for w, ids in self.tools.items() if (w in rest_zh if _CJK.search(w) else f" {w} " in rest_en)
                    for i in ids} - self.kit.get(ex_id, frozenset())
            cands = [i for i, _ in holders if i != ex_id and self.kit.get(i, frozenset()) & said]
            if not cands and "cable_machine" not in self.kit.get(ex_id, ()):  # a bar beside a cable is its handle
                cands = [i for i, kit in self.kit.items() if kit & said and self.kind[i] == self.kind[ex_id]]
                cands = cands if len(cands) == 1 else self._closest_name(ex_id, cands)
            if not cands:
                return ranked
            best = min(cands, key=lambda i: (len(self.own[i][0]), i))
            return [(best, ranked[0][1] + 1.0)] + [(i, s) for i, s in ranked if i != best]
        return ranked
