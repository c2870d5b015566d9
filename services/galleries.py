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


# -- photos users share into the shared gallery (the operator switches it on) --------------------------
class SharingRefused(ValueError):
    """Why a photo cannot be shared or deleted: an HTTP-like status, a stable code and zh/en messages."""

    def __init__(self, status: int, code: str, en: str, zh: str):
        super().__init__(en)
        self.status, self.code, self.en, self.zh = status, code, en, zh


def share_photos(shared, label: str, images: list, owner: str, settings) -> dict:
    """Add a user's photos of a catalog machine to the shared gallery, owned by them; refused when the
    operator has not switched sharing on or when the gallery is at its cap (nothing is half-added)."""
    if not settings.shared_contributions:
        raise SharingRefused(403, "sharing_off", "Sharing photos with everyone is switched off on this server.",
                             "此服务器未开启照片共享。")
    if shared.count() + len(images) > settings.shared_max_photos:
        raise SharingRefused(409, "shared_gallery_full",
                             f"The shared gallery is full ({settings.shared_max_photos} photos); the photo stays in "
                             "your own gym.", f"共享图库已满（{settings.shared_max_photos} 张）；照片仍保存在你自己的健身房。")
    return shared.enroll(label, images, source="shared", owner=owner)


def shared_photos(shared, user_id: str | None) -> list[dict]:
    """Every shared photo: id, label, when, and whether this user shared it (owners are not disclosed)."""
    return [{"id": it["id"], "label": it["label"], "created": it["created"],
             "mine": bool(user_id) and it["owner"] == user_id} for it in shared.items()]


def delete_shared_photo(shared, item_id: int, user_id: str | None, operator: bool) -> str:
    """Whoever shared a photo (or the operator) may delete it; returns its label."""
    item = next((it for it in shared.items() if it["id"] == item_id), None)
    if item is None:
        raise SharingRefused(404, "no_such_photo", f"No shared photo has id {item_id}.", f"没有 id 为 {item_id} 的共享照片。")
    if not operator and (not user_id or item["owner"] != user_id):
        raise SharingRefused(403, "not_your_photo", "Only whoever shared this photo (or the operator) may delete it.",
                             "只有共享这张照片的人（或运营方）可以删除它。")
    shared.remove([item_id])
    return item["label"]
