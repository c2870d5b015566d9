"""Whose "my gym" photos a recognition sees, and which labels a gallery may hold.

Why: one shared, unauthenticated gallery let any visitor poison recognition for everyone (a flat black
photo under a made-up label was then "recognized" in every solid-colour image). Now each user enrolls
into their own gallery (`Services.user_gallery`), which only their recognition reads together with the
operator's shared gallery; the shared gallery takes catalog ids only, and only with the operator token.
"""
from __future__ import annotations

import numpy as np

OWN_PREFIX = "my_"   # a user's own machine that is not in the catalog: "my_" + their name


class CombinedGallery:
    """Several galleries seen as one by EmbeddedRecognizer (revision, matrix, negatives, featurizer):
    the shipped default gallery, the operator's shared gallery and one user's own photos."""

    def __init__(self, *parts):
        self.parts = [p for p in parts if p is not None]

    @property
    def featurizer(self):
        return self.parts[-1].featurizer

    @property
    def revision(self) -> tuple:
        return tuple(p.revision for p in self.parts)

    def matrix(self) -> tuple[np.ndarray, list[str]]:
        parts = [g.matrix() for g in self.parts]
        parts = [(x, labels) for x, labels in parts if len(labels)]
        if not parts:
            return np.zeros((0, 0), np.float32), []
        width = parts[-1][0].shape[1]   # the enrolled photos' feature space wins (a test featurizer, a stale file)
        parts = [(x, labels) for x, labels in parts if x.shape[1] == width]
        return np.concatenate([x for x, _ in parts]), [lab for _, labels in parts for lab in labels]

    def negatives(self) -> np.ndarray:
        banks = [p.negatives() for p in self.parts if callable(getattr(p, "negatives", None))]
        banks = [b for b in banks if len(b)]
        return np.concatenate(banks) if banks else np.zeros((0, 0), np.float32)

    def enrolled_labels(self) -> set[str]:
        """Labels someone enrolled here (operator or user), as opposed to only the shipped photos."""
        return {label for part in self.parts if not getattr(part, "shipped", False) for label in part.labels()}

    def labels(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in self.parts:
            for label, n in part.labels().items():
                out[label] = out.get(label, 0) + n
        return out


def gallery_label(label: str, kb, shared: bool) -> str:
    """The label to store: a catalog id (also given as "id · name"), or the user's own machine as
    "my_<name>" (never in the shared gallery). Raises ValueError with a reason."""
    from tools.gallery import normalise_label

    raw = str(label or "").split(" · ")[0].strip()
    norm = normalise_label(raw)
    if norm in kb.equipment:
        return norm
    if shared:
        raise ValueError(f"the shared gallery takes catalog equipment ids only, not {raw!r}")
    own = norm if norm.startswith(OWN_PREFIX) else OWN_PREFIX + norm
    return normalise_label(own)
