"""What a request says about a movement without naming it: the tool, the muscle, the body position, the motion.

Why: "躺着把哑铃往上推" or "biceps with a kettlebell" name no exercise, and the embedding blurs such
descriptions; but the catalog records each exercise's equipment, muscles, pattern and force, and its first
steps say how the body starts (lie on your back / 俯卧 / 坐 / 跪). The request's words for those
(knowledge/aliases.yaml `muscles`, `positions`, `movements`, plus the catalog's own equipment and muscle
names) select the exercises that have them. Each facet counts by its rarity (IDF over the catalog), so
"kettlebell" says more than "standing"; a tool the request names that the exercise lacks costs what it
would have earned. An exercise done with either of two tools (a goblet squat with a kettlebell or a
dumbbell) has both (aliases.yaml `also_with`: the catalog's `equipment` lists what is ALL needed). Ties go to the canonical exercise: the least equipment, then the shortest name.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import yaml

from .bm25 import _deletes, _edit_distance, stem
from .names import ALIASES, COMMON_EN

SECONDARY = 0.5        # a secondary muscle earns half of what a primary one does
START_STEPS = 2        # steps that describe the starting position
STEPS_ONLY = 0.75      # a position only the steps state earns less than one the name states
UNILATERAL = ("one_arm", "one_leg")
ALSO_WITH = 0.75       # the other tool of an either-tool exercise: no penalty, but the exercise made for it wins ties
UNASKED = 0.5         # share of a position's IDF an exercise whose name states it loses when the request does not
NAMED_SHARE = 0.5      # named exercises scoring at least this share of the best name match offer variants
LEVELS = {"beginner": 0, "intermediate": 1, "advanced": 2}
LEVEL_WEIGHT = 1.0     # 'easier'/'harder': a variant one level the asked way earns about one common facet
STRETCHED = 0.5        # a stretch's muscles are what it stretches: unless the request asks to stretch, half their credit
OTHER_HITS = 2         # facet groups another exercise must match for a request named only by facet words to be about it
_CJK = re.compile(r"[\u3400-\u9fff]")
BODYWEIGHT = "bodyweight"
# Where an exercise lies generically ("lie ..."), a more specific position in the same steps wins.
_LYING_SPECIFIC = ("prone", "side")


_FILLER = re.compile(r"\b(?:a|an|the|my|your)\s+")


def _plain(text: str) -> str:
    """Lower-case text without articles and possessives, which people drop ('feet on bench' = feet on a bench)."""
    return _FILLER.sub("", text.lower())


def _find(words: list[str], text: str) -> list[tuple[int, int]]:
    """Spans of any of `words` (already `_plain`) in `text` (English on word boundaries, plural -s allowed;
    Chinese anywhere)."""
    text = _plain(text)
    spans = []
    for w in words:
        pat = re.escape(w) if _CJK.search(w) else rf"\b{re.escape(w)}(?:e?s)?\b"
        spans += [m.span() for m in re.finditer(pat, text)]
    return spans


class FacetMatcher:
    """Exercise ids whose catalog facets a request describes, best first."""

    def __init__(self, kb, aliases_path: Path | str = ALIASES):
        data = yaml.safe_load(Path(aliases_path).read_text(encoding="utf-8")) or {}
        self.kb = kb
        # (words, facet group): a group is a set of alternative facets, one word naming all of them
        self._lexicon: list[tuple[str, frozenset]] = []

        def add(words, group):
            for w in words or ():
                self._lexicon.append((str(w).lower(), frozenset(group)))

        for eq in kb.equipment.values():
            add([eq.name.en, eq.name.zh, *eq.aliases.en, *eq.aliases.zh], {("eq", eq.id)})
        by_category: dict[str, set] = {}
        for eq in kb.equipment.values():
            by_category.setdefault(eq.category, set()).add(("eq", eq.id))
        tools = list((data.get("equipment") or {}).items()) + list((data.get("equipment_everyday") or {}).items())
        for key, entry in tools:
            ids = entry.get("ids") or ([key] if key in kb.equipment else [])
            group = {("eq", i) for i in ids} | by_category.get(entry.get("category"), set())
            if group:
                add(entry.get("en", []) + entry.get("zh", []), group)
        for key, facet in (("bodyweight", ("eq", BODYWEIGHT)), ("home", ("home", True))):
            add((data.get(key) or {}).get("en", []) + (data.get(key) or {}).get("zh", []), {facet})
        for m in {m for ex in kb.exercises.values() for m in ex.primary_muscles + ex.secondary_muscles}:
            add([kb.label("muscles", m, "en"), kb.label("muscles", m, "zh")], {("mu", m)})
        for section, kind in (("muscles", "mu"), ("positions", "pos"), ("movements", "mv")):
            for key, entry in (data.get(section) or {}).items():
                targets = entry.get("means") or [key]
                add(entry.get("en", []) + entry.get("zh", []), {(kind, t) for t in targets})
        for key, step in (("easier", -1), ("harder", 1)):
            entry = (data.get("levels") or {}).get(key) or {}
            add(entry.get("en", []) + entry.get("zh", []), {("lvl", step)})
        nf = data.get("not_facets") or {}
        add(nf.get("en", []) + nf.get("zh", []), set())
        self._groups: dict[str, frozenset] = {}
        for word, group in self._lexicon:
            for w in {_plain(word), _plain(word.replace("-", " "))}:  # pull-up bar = pull up bar
                self._groups[w] = self._groups.get(w, frozenset()) | group
        words = sorted(self._groups, key=len, reverse=True)  # longest first: 臀部外侧 before 臀
        latin = [re.escape(w) for w in words if not _CJK.search(w)]
        self._latin = re.compile(rf"\b(?:{'|'.join(latin)})(?:e?s)?\b")
        self._cjk = re.compile("|".join(re.escape(w) for w in words if _CJK.search(w)))
        # typo tolerance: an English word no exercise text uses is corrected to the nearest facet word
        singles = {w for w in self._groups if w.isalpha() and len(w) >= 4}
        self._known = set(COMMON_EN) | {stem(w) for w in re.findall(r"[a-z]+", " ".join(
            [ex.name.en for ex in kb.exercises.values()] +
            [t for ex in kb.exercises.values() for t in (ex.steps.get("en") or ())]).lower())}
        self._known |= {stem(w) for phrase in self._groups if " " in phrase for w in phrase.split()}  # power (tower) is no typo of rower
        self._keys: dict[str, set[str]] = {}
        for w in singles:
            for d in _deletes(w, 2 if len(w) >= 8 else 1):
                self._keys.setdefault(d, set()).add(w)
        self._positions = {k: [_plain(str(w)) for w in v.get("en", []) + v.get("zh", [])]
                           for k, v in (data.get("positions") or {}).items()}
        self._any_step = {k for k, v in (data.get("positions") or {}).items() if v.get("all_steps")}  # not only how it starts
        self._named_pos: dict[str, set] = {}  # one arm / one leg, when an exercise's name states it
        self._also = {k: [e for e in v if e in kb.equipment] for k, v in (data.get("also_with") or {}).items()}
        self.facets = {ex.id: self._exercise_facets(ex) for ex in kb.exercises.values()}
        both = {(ex.pattern, frozenset(ex.equipment)) for ex in kb.exercises.values() if not self._named_pos[ex.id]}
        for ex in kb.exercises.values():  # only where a two-sided version of the same movement and kit exists
            if (ex.pattern, frozenset(ex.equipment)) not in both:
                self._named_pos[ex.id] = set()
        n = len(self.facets)
        df: dict = {}
        for fs in self.facets.values():
            for f in fs:
                df[f] = df.get(f, 0) + 1
        self._gidf: dict[frozenset, float] = {}
        self._stretches = {ex.id for ex in kb.exercises.values() if ex.pattern == "mobility"}
        self._canon = {ex.id: (LEVELS.get(ex.level, 1), len(ex.equipment), len(ex.name.en), ex.id)
                       for ex in kb.exercises.values()}

    def _exercise_facets(self, ex) -> dict:
        """facet -> credit: equipment, muscles (secondary at half), pattern, force, starting position."""
        out = {("eq", e): ALSO_WITH for e in self._also.get(ex.id, ())}
        out.update({("eq", e): 1.0 for e in ex.equipment})
        if not set(ex.equipment) - {"exercise_mat"}:
            out[("eq", BODYWEIGHT)] = 1.0
        for m in ex.secondary_muscles:
            out[("mu", m)] = SECONDARY
        for m in ex.primary_muscles:
            out[("mu", m)] = 1.0
        if ex.home_friendly:
            out[("home", True)] = 1.0
        out[("mv", ex.pattern)] = 1.0
        out[("mv", "force_" + ex.force)] = 1.0
        name = f"{ex.name.en} {ex.name.zh}".lower()
        start = " ".join([name] + [s for lang in ("en", "zh") for s in (ex.steps.get(lang) or ())[:START_STEPS]]).lower()
        every = " ".join(s for lang in ("en", "zh") for s in (ex.steps.get(lang) or ())).lower()
        found = {p for p, words in self._positions.items() if _find(words, every if p in self._any_step else start)}
        if "lying" in found and found & set(_LYING_SPECIFIC):
            found.discard("lying")
        for p in found:  # the name says what defines the exercise; the steps may only mention it
            out[("pos", p)] = 1.0 if _find(self._positions[p], name) else STEPS_ONLY
        self._named_pos[ex.id] = {("pos", p) for p in found if p in UNILATERAL and _find(self._positions[p], name)}
        for group in self.describe(name):  # what its own name says: 收腹跳 tucks, Suitcase carry carries
            for f in group:
                if f[0] in ("mv", "pos"):
                    out[f] = 1.0
        return out

    def describe(self, query: str) -> list[frozenset]:
        """The facet groups a request mentions; a longer word hides the shorter ones inside it."""
        text = _plain(re.sub(r"[a-z]{4,}", self._correct, (query or "").lower()[:300]))
        found = []
        for m in self._latin.finditer(text):
            w = m.group()
            found.append(self._groups.get(w) or self._groups.get(w[:-1]) or self._groups.get(w[:-2]))
        found += [self._groups[m.group()] for m in self._cjk.finditer(text)]
        found += self._positions_in_tools(m.group() for pat in (self._latin, self._cjk) for m in pat.finditer(text))
        merged = []
        for g in found:
            if g and g not in merged:
                merged.append(g)
        if any(("pos", p) in g for g in merged for p in _LYING_SPECIFIC):  # "lying on my side" is side-lying
            merged = [g for g in merged if g != frozenset({("pos", "lying")})]
        tools = [g for g in merged if all(f[0] == "eq" for f in g)]
        if any(len(g) == 1 for g in tools):  # "cable crossover machine", "史密斯上…拉杠": the named tool, not the generic word
            merged = [g for g in merged if g not in tools or len(g) == 1]
        return merged

    def _positions_in_tools(self, words) -> list[frozenset]:
        """The positions inside tool names the request uses: 'seated calf raise machine' also says seated,
        which the longer tool name would otherwise hide."""
        out = []
        for w in words:
            group = self._groups.get(w) or frozenset()
            if group and all(f[0] == "eq" for f in group):
                out += [frozenset({("pos", p)}) for p, ws in self._positions.items() if _find(ws, w)]
        return out

    def _correct(self, match: re.Match) -> str:
        word = match.group()
        if word in self._groups or stem(word) in self._known or stem(word) in self._groups:
            return word
        depth = 2 if len(word) >= 8 else 1
        cands = sorted((_edit_distance(word, c), c) for d in _deletes(word, depth) for c in self._keys.get(d, ()))
        return cands[0][1] if cands and cands[0][0] <= depth else word

    def score(self, ex_id: str, groups: list[frozenset]) -> tuple[float, int]:
        """(IDF-weighted facets matched, how many groups matched) for one exercise."""
        facets, total, hits = self.facets[ex_id], 0.0, 0
        stretch = ex_id in self._stretches and not any(("mv", "mobility") in g for g in groups)
        for group in groups:
            credit = max((facets.get(f, 0.0) for f in group), default=0.0)
            if stretch and all(f[0] == "mu" for f in group):
                credit *= STRETCHED
            if credit > 0:
                total, hits = total + credit * self._group_idf(group), hits + 1
            elif all(f[0] == "eq" for f in group):  # a tool the request names and this exercise lacks
                total -= self._group_idf(group)
        asked = {f for g in groups for f in g}
        for f in self._named_pos.get(ex_id, ()) - asked:  # a variant the request did not ask for ('single-arm')
            total -= UNASKED * self._group_idf(frozenset({f}))
        return total, hits

    def _group_idf(self, group: frozenset) -> float:
        """IDF of having any facet of the group ('back' = lats or middle or lower back: as rare as all three)."""
        if group not in self._gidf:
            n = sum(1 for fs in self.facets.values() if any(f in fs for f in group))
            self._gidf[group] = math.log(1.0 + len(self.facets) / n) if n else 0.0
        return self._gidf[group]

    def match(self, query: str, k: int = 50) -> list[tuple[str, float, int]]:
        """[(exercise id, score, groups matched)] for the facets a request describes, best first."""
        return self.rank(self.describe(query), k)

    def rank(self, groups: list[frozenset], k: int = 50) -> list[tuple[str, float, int]]:
        """`match` for facet groups already described."""
        if not groups:
            return []
        scored = [(ex_id, *self.score(ex_id, groups)) for ex_id in self.facets]
        scored = [s for s in scored if s[1] > 0]
        scored.sort(key=lambda s: (-s[1], self._canon[s[0]]))
        return scored[:k]

    def prefer_described(self, query: str, named: list[tuple[str, float]], variants) -> list[str]:
        """Named exercise ids, with the variant the rest of the request describes first: '深蹲' + 壶铃 ->
        goblet squat, 'push up with one hand' -> one-arm push-up. `named` is indexes.names' [(id, score)],
        `variants(id)` its (name used, [(variant, its own name has it)]). Facets the names themselves
        carry (坐 in 坐姿划船) do not count. Siblings (same pattern and main muscle, another name) compete
        when they hold a position the request asks and the named one lacks ('hamstring curl … sitting').
        A variant leads only when it matches more of the rest than the first named exercise (ties: a variant of the better name match, one whose own name has the name,
        one of the same movement pattern, then the canonical one)."""
        ids = [i for i, _ in named]
        if not named:
            return ids
        cands: dict[str, tuple[float, bool]] = {}
        heads, siblings = [], []
        for base, score in named:
            if score < NAMED_SHARE * named[0][1]:
                continue
            head, found = variants(base)
            heads.append(head)
            for v, own in found:
                cands[v] = max(cands.get(v, (0.0, False)), (score, own))
            tool = self._groups.get(head, frozenset()) if head else frozenset()
            if tool and all(f[0] == "eq" for f in tool):  # 'pull up bar' names a tool: whatever is done on it
                for v, fs in self.facets.items():
                    if any(f in fs for f in tool):
                        cands.setdefault(v, (score, False))
            if head:  # the best name the request uses: only its variants ('rdl … my back' stays an RDL)
                siblings = [v for v in self.facets if v not in cands and self._kind(v) == self._kind(base)]
                break
        spellings = {h[:i] + h[i + 1:] if h[i] == " " else h for h in heads if h for i in range(len(h))}  # lat pull down = lat pulldown
        said_by_names = {g for h in spellings for g in self.describe(h)}
        groups = [g for g in self.describe(query) if g not in said_by_names]
        if not groups or not cands:
            return ids
        ref = next((i for i, h in zip((i for i, sc in named if sc >= NAMED_SHARE * named[0][1]), heads) if h), ids[0])
        for v in siblings:  # same pattern and main muscle, another name: when it holds a position the named one lacks
            if any(all(f[0] == "pos" for f in g) and self._credit(v, g) and not self._credit(ref, g) for g in groups):
                cands[v] = (0.0, False)
        pattern = self.kb.exercises[ref].pattern
        scored = {v: self.score(v, groups)[0] + self._level_bonus(v, ref, groups) for v in cands if v in self.facets}
        best = min(scored, key=lambda v: (-scored[v], -cands[v][0], not cands[v][1],
                                          self.kb.exercises[v].pattern != pattern, self._canon[v]), default=None)
        if best is None or best == ids[0]:
            return ids
        first = self.score(ids[0], groups)[0] + self._level_bonus(ids[0], ref, groups)
        if best == ref:   # the contiguous name match over one matched by scattered words or by a tool
            leads = scored[best] > first
        else:
            leads = scored[best] > self.score(ref, groups)[0] and scored[best] >= first
        if not leads:
            return ids
        return [best] + [n for n in ids if n != best]

    def describes_other(self, query: str, lead: str, heads: list[str]) -> bool:
        """Whether a request that names `lead` only by words that are also facet words ('bench', 'curl',
        'push … up', 下拉) describes another exercise better: 'lying face down on a bench curling my heels
        to my butt' is a leg curl, not the bench press. True when the rest of the request (what the names do
        not say) holds a position, motion or muscle `lead` lacks, and some exercise matches at least
        OTHER_HITS of those groups and more of them than `lead`."""
        if not heads or not all(h and _plain(h) in self._groups for h in heads):
            return False
        said = {g for h in heads for g in self.describe(h)}
        groups = [g for g in self.describe(query) if g not in said]
        if not any(not self._credit(lead, g) and any(f[0] in ("pos", "mu") or (f[0] == "mv" and not f[1].startswith("force_"))
                                                     for f in g) for g in groups):
            return False
        ranked = self.rank(groups, 1)
        return bool(ranked) and ranked[0][2] >= OTHER_HITS and ranked[0][2] > self.score(lead, groups)[1]

    def _credit(self, ex_id: str, group: frozenset) -> float:
        """What an exercise earns for one facet group (0: it has none of the group's facets)."""
        return max((self.facets[ex_id].get(f, 0.0) for f in group), default=0.0)

    def _kind(self, ex_id: str) -> tuple:
        """What an exercise trains and how: movement pattern and main muscle."""
        ex = self.kb.exercises[ex_id]
        return ex.pattern, tuple(ex.primary_muscles[:1])

    def _level_bonus(self, ex_id: str, ref: str, groups: list[frozenset]) -> float:
        """LEVEL_WEIGHT for an exercise a level or more easier ('easier', 太难) or harder (进阶) than the named
        one, as the request asks; minus that for one the other way."""
        way = sum(f[1] for g in groups for f in g if f[0] == "lvl")
        if not way:
            return 0.0
        level = lambda i: LEVELS.get(self.kb.exercises[i].level, 1)  # noqa: E731
        return LEVEL_WEIGHT * max(-1, min(1, (level(ex_id) - level(ref)) * (1 if way > 0 else -1)))
