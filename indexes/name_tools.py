"""A named exercise plus a tool the request adds: the variant of that exercise done on the tool.

Why apart from name matching: "squat with dumbbells", "拿哑铃做深蹲", "dips on the captain's chair" name
one exercise but ask for it on another tool. Which exercise that is depends on what each is done on (the
catalog's equipment, knowledge/aliases.yaml `equipment` words) and what it trains, not on names alone:
the variant whose own name holds the name and the tool first, else the one done on that tool of the same
movement pattern and main muscle (closest name on a tie). indexes.names calls `refine` on its ranking.
"""
from __future__ import annotations

from .name_text import is_zh, norm_en, zh_words


class ToolRefiner:
    """Re-ranks the exercises a request names when it also names a tool they are not done on."""

    def __init__(self, kb, data: dict, names):
        """`data`: the parsed aliases file; `names`: the indexes.names.NameMatcher it refines (names,
        own names, variants)."""
        self.names = names
        abbrev = names.abbrev
        self.equipment = {eq: ([w.lower() for w in v.get("en", [])], v.get("zh", []))
                          for eq, v in (data.get("equipment") or {}).items()}
        also = data.get("also_with") or {}  # either-tool exercises: a goblet squat with a dumbbell is still one
        self.listed = {ex.id: frozenset(ex.equipment) for ex in kb.exercises.values()}
        self.kit = {i: kit | set(also.get(i, ())) for i, kit in self.listed.items()}
        self.kind = {ex.id: (ex.pattern, ex.primary_muscles[:1]) for ex in kb.exercises.values()}  # what it trains, how
        self.tools: dict[str, set[str]] = {}  # a tool's name (en normalised, or zh) -> catalog equipment ids
        for eq in kb.equipment.values():
            for w in (eq.name.en, *eq.aliases.en, eq.name.zh, *eq.aliases.zh):
                self._add_tool(w, {eq.id}, abbrev)
        for key, v in (data.get("equipment") or {}).items():
            ids = set(v.get("ids") or ([key] if key in kb.equipment else []))
            for w in (v.get("en") or []) + (v.get("zh") or []):
                self._add_tool(w, ids, abbrev)

    def _add_tool(self, word: str, ids: set[str], abbrev: dict[str, str]) -> None:
        key = str(word).lower().strip() if is_zh(str(word)) else " ".join(norm_en(str(word), abbrev))
        if key and ids:
            self.tools.setdefault(key, set()).update(ids)

    def refine(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """`ranked` ([(id, score)], best first) with the variant done on the tool the request adds first."""
        return self._by_tool(text, self._by_equipment(text, ranked))

    def _by_equipment(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """'squat with dumbbells' / '拿哑铃做深蹲': the generic name plus a tool the request mentions ->
        the exercise whose own name has both (shortest such name), put first."""
        if not ranked:
            return ranked
        top, score = ranked[0]
        names = self.names.names
        en_list = norm_en(text, self.names.abbrev)
        en_words, en_text = set(en_list), " ".join(en_list)
        for eq, (en, zh) in self.equipment.items():
            said = [w for w in en if set(norm_en(w, {})) <= en_words] + [z for z in zh if z in text]
            if not said or any(any(s in n for s in said + en + zh) for n in names.get(top, ())):
                continue
            heads = [n for n in names.get(top, ()) if n in text or n in en_text]
            if not heads:
                continue
            head = max(heads, key=len)
            cands = [(len(n), ex_id) for ex_id, ns in names.items() for n in ns
                     if head in n and any(s in n for s in en + zh)]
            if cands:
                best = min(cands)[1]
                return [(best, score + 1.0)] + [(i, s) for i, s in ranked if i != best]
        return ranked

    def _closest_name(self, ex_id: str, cands: list[str]) -> list[str]:
        """[the one candidate whose own names share the most words with `ex_id`'s] when one alone does
        (高位下拉 + 弹力带: 跪姿弹力带下拉 shares 下拉, the band-assisted pull-up nothing), else []."""
        def words(i):
            en, zh = self.names.own[i]
            return set(en.split()) | zh_words(zh)
        mine = words(ex_id)
        shared = sorted(((len(mine & words(i)), i) for i in cands), reverse=True)
        return [shared[0][1]] if shared and shared[0][0] and (len(shared) == 1 or shared[1][0] < shared[0][0]) else []

    def _by_tool(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        """'dips on the captain's chair': a named exercise plus a catalog tool it is not done on -> the
        exercise holding that name that is done on it (shortest name) first, else the only one of the same
        pattern and main muscle done on it ('superman on a swiss ball' -> ball back extension, 'sldl with
        dumbbells'; of several, the one the request also names, else the closest name), except for a cable exercise, whose bar or rope is its handle (绳索下压用直杆). A name that is
        itself a tool's name (captain's chair) hands over to the next name the request uses."""
        en_text = self.names.en_text(text)
        for ex_id, _ in ranked[:3]:
            head, holders = self.names.variants(text, ex_id)
            if not head or head in self.tools:
                continue
            rest_en, rest_zh = en_text.replace(f" {head} ", " "), text.replace(head, " ")
            said = {i for w, ids in self.tools.items() if (w in rest_zh if is_zh(w) else f" {w} " in rest_en)
                    for i in ids} - self.kit.get(ex_id, frozenset())
            cands = [i for i, _ in holders if i != ex_id and self.kit.get(i, frozenset()) & said]
            if not cands and "cable_machine" not in self.kit.get(ex_id, ()):  # a bar beside a cable is its handle
                cands = [i for i, kit in self.kit.items() if kit & said and self.kind[i] == self.kind[ex_id]]
                named = [i for i, _ in ranked if i in cands]  # one the request also names ('bicep curls on the cable')
                cands = cands if len(cands) == 1 else named[:1] or self._closest_name(ex_id, cands)
            if not cands:
                return ranked
            best = min(cands, key=lambda i: (not self.listed[i] & said, len(self.names.own[i][0]), i))  # made for the tool first
            return [(best, ranked[0][1] + 1.0)] + [(i, s) for i, s in ranked if i != best]
        return ranked
