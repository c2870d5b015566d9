"""The offline CPU recogniser over galleries (`tools.gallery`): which machine a photo shows, or none.

The classifier (chosen by measurement, see `bench/recognition.py`): linear heads (`tools.linear_head`)
fit on all views the recogniser sees — the shipped default gallery (`indexes.default_gallery`,
public-domain photos), the operator's shared gallery and the user's own — cached until a gallery
changes: a logistic head names the top machine, its confidence and "none"; LDA orders the other
candidates once someone has enrolled photos. Whether the photo shows gym equipment at all (open set) is
decided by a contrast: cosine to the nearest gym view minus half the cosine to the nearest image of the
negative bank (food, pets, people, text, screenshots…). ImageNet classes that are equipment (dumbbell,
barbell, horizontal bar, parallel bars, punching bag; ids from the catalog's `imagenet` field) add
candidates the galleries lack.
"""
from __future__ import annotations

import functools
import math
import threading

import numpy as np
from PIL import Image

from tools.equipment import DEFAULT_ONLY_ACCEPT, TOP_K, Prediction
from tools.gallery import Gallery, normalise_features
from tools.linear_head import LR_C, Heads, fit_heads, ranked_probabilities, softmax

# The open-set gate: score = cos(nearest gym view) − NEGATIVE_WEIGHT · cos(nearest negative-bank image).
# Calibrated with `python -m bench recognition` (dev photos, out of the box): below REJECT_SCORE about
# 1% of gym photos and about 93% of held-out non-gym images fall.
REJECT_SCORE = 0.27
NEGATIVE_WEIGHT = 0.5
SIMILARITY_WIDTH = 0.015   # softness of that gate (logistic width, cosine units)
# The logistic head has one extra class, the negative bank. When its top machine is one the user enrolled, a
# "none" probability at or above HEAD_NONE_REJECT also rejects (dev 10-fold, enrolled: held non-gym accepted
# 17 % → ~4 %, no gym photo rejected); labels known only from the shipped photos keep the similarity gate alone.
NONE_LABEL = "__none__"
# A card at this top confidence (a label the user enrolled). `python -m bench recognition`, enrolled 10-fold:
# confident answers right 92.8 % at 0.8, 98.3 % at 0.85 (30 % of photos answered confidently).
ACCEPT_CONFIDENCE = 0.85
HEAD_NONE_REJECT = 0.5
HEAD_NONE_WIDTH = 0.05
IMAGENET_MIN = 0.15        # ImageNet softmax mass for an equipment class to count as a candidate

class EmbeddedRecognizer:
    """Offline CPU recogniser: the gallery's linear heads + nearest-view gate, and ImageNet equipment classes.
    `head` (`tools.linear_head.fit_heads`): "logistic+lda" (shipped: the logistic head names the top machine,
    its confidence and "none"; LDA orders the other candidates), "logistic" or "lda" alone (bench rows)."""

    name = "embedded"
    HEADS = ("logistic+lda", "logistic", "lda")

    def __init__(self, gallery: Gallery | None = None, featurizer=None, imagenet_map: dict[int, str] | None = None,
                 reject_score: float = REJECT_SCORE, accept_confidence: float = ACCEPT_CONFIDENCE,
                 imagenet_min: float = IMAGENET_MIN, c: float = LR_C, head: str = "logistic+lda"):
        if head not in self.HEADS:
            raise ValueError(f"head must be one of {self.HEADS}, not {head!r}")
        self.gallery, self._featurizer = gallery, featurizer
        self.imagenet_map = dict(imagenet_map or {})
        self.reject_score, self.accept_confidence = reject_score, accept_confidence
        self.imagenet_min, self.c, self.head = imagenet_min, c, head
        self._head, self._head_rev = None, None
        self.warm_from = None   # another recogniser whose head starts this one's fit (same feature space)
        self._bank = np.zeros((0, 0), np.float32)
        self._lock = threading.Lock()

    @classmethod
    def from_kb(cls, kb, gallery: Gallery | None = None, **kw) -> "EmbeddedRecognizer":
        """ImageNet indices of catalog items (the `imagenet` field) become zero-enrollment classes."""
        return cls(gallery, imagenet_map={i: e.id for e in kb.equipment.values() for i in e.imagenet}, **kw)

    @property
    def featurizer(self):
        if self._featurizer is None:
            self._featurizer = self.gallery.featurizer if self.gallery is not None else _default_featurizer()
        return self._featurizer

    def _fit(self):
        """(views, labels list, class names, Heads or None) for the current gallery revision; refit only
        after changes, warm-started from the last fit here or in `warm_from`."""
        rev = self.gallery.revision if self.gallery is not None else None
        with self._lock:
            if self._head is None or rev != self._head_rev:
                x, view_labels = self.gallery.matrix() if self.gallery is not None else (np.zeros((0, 0)), [])
                bank = getattr(self.gallery, "negatives", None)
                bank = bank() if callable(bank) else shipped_negatives()
                self._bank = bank if len(bank) and bank.shape[1] == (x.shape[1] if len(x) else -1) else \
                    np.zeros((0, 0), np.float32)   # another feature space (a test featurizer): no contrast
                names = sorted(set(view_labels))
                heads = None
                if len(names) >= 2:
                    # the negative bank is one more class of the head: "none of the machines" (NONE_LABEL)
                    head_x, head_labels = (np.concatenate([x, self._bank]), [*view_labels, *[NONE_LABEL] * len(self._bank)]) \
                        if len(self._bank) else (x, view_labels)
                    names = sorted(set(head_labels))
                    y = np.array([names.index(lab) for lab in head_labels])
                    last = self._last_fit()
                    heads = fit_heads(head_x, y, len(names), self._head_kind(), self.c,
                                      init=self._warm_start(last, names, x.shape[1]),
                                      previous=last[3].projection if last is not None and last[3] else None)
                self._head, self._head_rev = (x, view_labels, names, heads), rev
            return self._head

    def _head_kind(self) -> str:
        """LDA ranks only galleries someone enrolled photos in: its covariance is then the spread of real
        photos of one machine. With the shipped photos alone (two views of a few photos per machine) it
        orders the picker worse than the logistic head (`python -m bench recognition`, out of the box:
        top-3 31.5 % logistic alone vs 27.5 % with LDA ranking)."""
        labels_of = getattr(self.gallery, "enrolled_labels", None)
        if self.head == "logistic+lda" and callable(labels_of) and not labels_of():
            return "logistic"
        return self.head

    def _last_fit(self):
        """The last fit here, else the one of `warm_from` (the shared recogniser), else None."""
        return self._head if self._head is not None else getattr(self.warm_from, "_head", None)

    def _warm_start(self, head, names: list[str], dim: int):
        """The logistic head of the last fit `head` mapped onto `names`: adding a photo then refits in a
        fraction of the cold time."""
        if head is None or head[3] is None or self.head == "lda" or head[3].decide[0].shape[0] != dim:
            return None
        (old_w, old_b), old = head[3].decide, {n: i for i, n in enumerate(head[2])}
        w, b = np.zeros((dim, len(names)), np.float32), np.zeros(len(names), np.float32)
        for j, n in enumerate(names):
            if n in old:
                w[:, j], b[j] = old_w[:, old[n]], old_b[old[n]]
        return w, b

    def predict(self, image: Image.Image, k: int = TOP_K) -> Prediction:
        return self.predict_batch([image], k)[0]

    def predict_batch(self, images: list[Image.Image], k: int = TOP_K) -> list[Prediction]:
        """One network pass for several images (video frames)."""
        feats, logits = self.featurizer.features_and_logits(images)
        x, view_labels, names, heads = self._fit()
        q = normalise_features(feats)
        labels_of = getattr(self.gallery, "enrolled_labels", None)
        enrolled = labels_of() if callable(labels_of) else None   # once per batch: it reads the galleries
        return [self._one(q[i], softmax(logits[i]), x, view_labels, names, heads, k, enrolled)
                for i in range(len(images))]

    def _one(self, q, probs, x, view_labels, names, heads: Heads | None, k, enrolled: set[str] | None) -> Prediction:
        """`enrolled`: labels someone enrolled here (None: the gallery cannot tell, e.g. a bare test gallery)."""
        scores: dict[str, float] = {}
        detail: dict = {}
        names = names if len(view_labels) else []
        machine_names = [n for n in names if n != NONE_LABEL]
        gate = 0.0
        if len(view_labels):
            sims = x @ q
            best = int(np.argmax(sims))
            negative = float((self._bank @ q).max()) if len(self._bank) else 0.0
            score = float(sims[best]) - NEGATIVE_WEIGHT * negative
            detail.update(similarity=round(float(sims[best]), 4), nearest_label=view_labels[best],
                          negative_similarity=round(negative, 4), gate_score=round(score, 4))
            gate = 1.0 / (1.0 + math.exp(-(score - self.reject_score) / SIMILARITY_WIDTH))
            none_at = names.index(NONE_LABEL) if NONE_LABEL in names else None
            if heads is None:
                p = np.ones(1)
            else:
                w, b = heads.decide
                p = softmax(q @ w + b)
                if heads.rank is not None:
                    p = ranked_probabilities(p, softmax(q @ heads.rank[0] + heads.rank[1]), skip=none_at)
            none = float(p[none_at]) if none_at is not None else 0.0
            machines = {n: float(pi) / max(1.0 - none, 1e-6) for n, pi in zip(names, p) if n != NONE_LABEL}
            top = max(machines, key=machines.get) if machines else None
            if top is not None and enrolled is not None and top in enrolled:
                # the user's own photos make the head's "none" trustworthy (out of the box it is not: the
                # shipped photos look unlike phone photos), so it closes the gate too
                gate = min(gate, 1.0 / (1.0 + math.exp(-(HEAD_NONE_REJECT - none) / HEAD_NONE_WIDTH)))
            detail["head_none"] = round(none, 4)
            for name, pi in machines.items():
                scores[name] = pi * gate
        imagenet: dict[str, float] = {}
        for idx, eq_id in self.imagenet_map.items():
            imagenet[eq_id] = imagenet.get(eq_id, 0.0) + float(probs[idx])
        top_in = max(imagenet.values(), default=0.0)
        for eq_id, pi in imagenet.items():   # enrolled labels are the user's own evidence: ImageNet only adds others
            if pi >= self.imagenet_min and eq_id not in machine_names:
                scores[eq_id] = pi
        in_domain = max(gate, 1.0 if top_in >= self.imagenet_min else top_in / self.imagenet_min)
        source = "+".join(s for s, on in (("gallery", gate >= 0.5), ("imagenet", top_in >= self.imagenet_min)) if on)
        cands = sorted(scores.items(), key=lambda kv: -kv[1])[:k]
        if cands and enrolled is not None and cands[0][0] in machine_names and cands[0][0] not in enrolled:
            detail["accept_at"] = DEFAULT_ONLY_ACCEPT   # only the shipped photos know it: show the picker
        return Prediction([(i, round(c, 4)) for i, c in cands], round(1.0 - in_domain, 4), source or "none", detail)


@functools.lru_cache(maxsize=1)
def shipped_negatives() -> np.ndarray:
    """The negative bank shipped with the default gallery (empty if it is missing or stale)."""
    from indexes.default_gallery import DefaultGallery

    return DefaultGallery(featurizer=object()).negatives()


def _default_featurizer():
    from runtime.vision import get_featurizer

    return get_featurizer()
