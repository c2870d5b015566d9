"""How exercise names and requests are read for name matching: English words, Chinese words, toneless pinyin.

Why a module of its own: indexes.names (which exercise a request names) and indexes.name_tools (the
variant done on the tool a request adds) must read a request the same way: abbreviations expanded and
words stemmed in English, jieba words in Chinese, and pinyin with the tones and the usual typing
confusions dropped (zh/z, -ng/-n), so 深敦 reads like 深蹲.
"""
from __future__ import annotations

import functools
import re

from .bm25 import stem

_CJK = re.compile(r"[\u3400-\u9fff]")
# Words that requests use around a name: known, so never "corrected" into a name (form -> foam).
COMMON_EN = frozenset(
    "how what form proper properly technique tutorial demo show correct correctly hold holding doing "
    "with without my the on at in for a an to of and or is it do does i me pls please help good "
    "best way use using machine home gym video gif exercise exercises workout work train training "
    "from floor back front side one two leg legs arm arms sitting standing lying seated slow all down "
    "up bar body wall chest shoulder shoulders then lift lifting muscle muscles hamstrings glutes abs "
    "core rope cable band bench weight weights heavy light long time much many set sets rep reps".split())


def is_zh(text: str) -> bool:
    """Whether the text holds a Chinese character."""
    return bool(_CJK.search(text))


def norm_en(text: str, abbrev: dict[str, str]) -> list[str]:
    """Lower-case English words of the text, abbreviations expanded (db -> dumbbell), each stemmed."""
    words = []
    for w in re.findall(r"[a-z0-9']+", text.lower().replace("-", " ")):
        w = w.strip("'")
        if w.endswith("'s"):
            w = w[:-2]
        for part in abbrev.get(w, w).split():
            words.append(stem(part))
    return words


def bracketed(name: str) -> list[str]:
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
def inside_word_starts(text: str) -> frozenset[int]:
    """Offsets in the middle of a Chinese word of 2+ characters (jieba), where no name may start."""
    from .bm25 import STOP_ZH_CHAR, _jieba

    out, pos = set(), 0
    for w in _jieba().cut(text):
        lead = len(w) - len(w.lstrip("".join(STOP_ZH_CHAR)))  # 做|锤式: a function character starts no word
        if len(w) - lead >= 2 and _CJK.match(w):
            out.update(range(pos + lead + 1, pos + len(w)))
        pos += len(w)
    return frozenset(out)


def zh_words(name: str) -> frozenset[str]:
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
def other_word(window: str, name: str) -> bool:
    """Whether a homophone window holds a real word the name lacks (推荐 is no typo of 推肩; 深敦 is of 深蹲)."""
    from .bm25 import _jieba

    dt = _jieba().dt
    dt.check_initialized()
    freq = dt.FREQ
    return any(freq.get(window[a:b]) and window[a:b] not in name
               for a in range(len(window)) for b in range(a + 2, len(window) + 1))


def pinyin(chars: str) -> list[str]:
    """Toneless pinyin syllables, zh/ch/sh folded to z/c/s and -ng to -n (挺生 = 挺身)."""
    from pypinyin import Style, lazy_pinyin

    return [fold(p) for p in lazy_pinyin(chars, style=Style.NORMAL, errors=lambda x: list(x))]


def fold(syllable: str) -> str:
    """A pinyin syllable as `pinyin` writes it: zh/ch/sh typed as z/c/s and back, -ng / -n confusions (挺生 = 挺身)."""
    p = re.sub(r"^([zcs])h", r"\1", syllable.lower())
    return p[:-1] if p.endswith("ng") else p


def split_pinyin(word: str, known: frozenset[str] | set[str], most: int = 3) -> list[str]:
    """A Latin word typed as pinyin inside Chinese (硬la, 深dun) as folded syllables from `known`, longest
    first; [] when it is not a run of at most `most` such syllables."""
    def split(rest: str, left: int) -> list[str] | None:
        if not rest:
            return []
        for n in range(min(6, len(rest)), 0, -1):
            tail = split(rest[n:], left - 1) if left > 1 or n == len(rest) else None
            if fold(rest[:n]) in known and tail is not None:
                return [fold(rest[:n])] + tail
        return None

    return split(word.lower(), most) or []
