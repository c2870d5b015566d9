"""Shared fixtures: settings pointing at a per-session cache, the shared/ folder when present."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout (dev photos, SCIENCE.md); tests using it skip when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def model_cache_dir() -> Path:
    """Where assembled models live across test runs (the user cache, as the app uses)."""
    from config import get_settings

    return get_settings().cache_dir


@pytest.fixture(scope="session")
def kb():
    """The shipped knowledge base (validated; cached by load_knowledge)."""
    from knowledge import load_knowledge

    return load_knowledge()
