"""The knowledge tool's pure functions over a tiny index with a fake embedder."""
import pytest

from indexes.knowledge_rag import KnowledgeIndex
from tests.indexes import HashEmbedder, tiny_kb
from tools.knowledge_search import answer_question, search_knowledge


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return KnowledgeIndex(tiny_kb(), HashEmbedder(), tmp_path_factory.mktemp("k") / "index")


def test_search_returns_plain_dicts_for_citation(index):
    hits = search_knowledge("how much protein per day", k=2, index=index)
    assert hits and hits[0]["doc_id"] == "protein-needs"
    assert isinstance(hits[0]["sources"], list) and {"title", "section", "snippet", "lang"} <= set(hits[0])


def test_answer_and_not_found(index):
    ans = answer_question("每天需要多少蛋白质", index=index)
    assert ans["found"] and ans["lang"] == "zh" and ans["citations"][0]["doc_id"] == "protein-needs"
    assert not answer_question("asdkjh qwe zxcv", index=index)["found"]
