"""Fixtures shared by the tool tests."""
import pytest


@pytest.fixture(scope="module")
def kb():
    """The shipped knowledge base (validated)."""
    from knowledge import load_knowledge

    return load_knowledge()
