"""Settings come from FITNESSLM_* variables with documented defaults; bad values fail clearly."""
from pathlib import Path

import pytest

from config import Settings, settings_from_env


def test_defaults_are_the_offline_embedded_mode():
    s = settings_from_env({})
    assert s.llm_backend == "auto" and s.llm_url == "" and s.local_llm == "qwen2.5-coder-1.5b"
    assert s.embedder == "use-multilingual" and s.host == "127.0.0.1" and s.port == 7860


def test_environment_overrides_and_types():
    s = settings_from_env({"FITNESSLM_LLM_URL": "http://127.0.0.1:23333/v1", "FITNESSLM_PORT": "9000",
                           "FITNESSLM_LLM_TIMEOUT_S": "2.5", "FITNESSLM_CACHE_DIR": "~/x",
                           "FITNESSLM_LOCAL_LLM": "qwen2.5-coder-0.5b"})
    assert s.llm_url.endswith("/v1") and s.port == 9000 and s.llm_timeout_s == 2.5
    assert s.cache_dir == Path("~/x").expanduser() and s.local_llm == "qwen2.5-coder-0.5b"


def test_explicit_argument_beats_environment():
    assert settings_from_env({"FITNESSLM_PORT": "9000"}, port=8000).port == 8000


def test_space_binds_public_interface():
    assert settings_from_env({"SPACE_ID": "user/fitnesslm"}).host == "0.0.0.0"


def test_unknown_choice_names_the_variable():
    with pytest.raises(ValueError, match="FITNESSLM_LOCAL_LLM"):
        settings_from_env({"FITNESSLM_LOCAL_LLM": "gpt-9"})
    with pytest.raises(ValueError, match="FITNESSLM_EMBEDDER"):
        Settings(embedder="bert")
