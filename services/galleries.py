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
    """The shared gallery and one user's, seen as one by EmbeddedRecognizer (revision, matrix, featurizer)."""

    def __init__(self, shared, mine):
        self.shared, self.mine = shared, mine

    @property
    def featurizer(self):
        return self.shared.featurizer

    @property
    def revision(self) -> tuple:
        return (self.shared.revision, self.mine.revision)

    def matrix(self) -> tuple[np.ndarray, list[str]]:
        parts = [g.matrix() for g in (self.shared, self.mine)]
        parts = [(x, labels) for x, labels in parts if len(labels)]
        if not parts:
            return np.zeros((0, 0), np.float32), []
        return np.concatenate([x for x, _ in parts]), [lab for _, labels in parts for lab in labels]

    def labels(self) -> dict[str, int]:
        out = dict(self.shared.labels())
        for label, n in self.mine.labels().items():
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
