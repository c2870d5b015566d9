"""Each packaged embedding model loads for real and ranks a paraphrase above an unrelated text."""
import numpy as np
import pytest

from runtime.embeddings import get_embedder

PAIRS_MULTILINGUAL = [
    ("怎样安全地做深蹲", "How do I squat safely?", "巧克力蛋糕的烘焙温度"),
    ("每天需要多少蛋白质", "How much protein should I eat per day?", "The train leaves at nine"),
]
PAIRS_ENGLISH = [("How do I squat safely?", "Safe squatting technique for beginners", "Chocolate cake recipe")]


@pytest.mark.parametrize("name", ["use-multilingual", "e5-small"])
def test_multilingual_paraphrase_beats_unrelated(name):
    emb = get_embedder(name)
    for zh, en, unrelated in PAIRS_MULTILINGUAL:
        q = emb.embed_queries([zh])[0]
        docs = emb.embed_documents([en, unrelated])
        assert docs.shape == (2, emb.dim)
        assert q @ docs[0] > q @ docs[1], (name, zh)


def test_minilm_english_paraphrase_beats_unrelated():
    emb = get_embedder("minilm")
    for a, b, c in PAIRS_ENGLISH:
        q = emb.embed_queries([a])[0]
        d = emb.embed_documents([b, c])
        assert q @ d[0] > q @ d[1]


def test_vectors_are_normalised_and_empty_input_is_fine():
    emb = get_embedder("use-multilingual")
    v = emb.embed_documents(["leg press", "腿举"])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert emb.embed_queries([]).shape == (0, emb.dim)


def test_unknown_embedder_lists_known_ones():
    with pytest.raises(ValueError, match="use-multilingual"):
        get_embedder("word2vec")
