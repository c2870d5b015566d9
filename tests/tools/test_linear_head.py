"""tools.linear_head: the refit's kept projection, the two heads and how their probabilities combine."""
from __future__ import annotations

import numpy as np
import pytest

import tools.linear_head as lh


@pytest.fixture
def small_shipped(monkeypatch):
    """A 3-axis "shipped span" in 12 dimensions instead of the default gallery's."""
    basis = np.eye(12, 3, dtype=np.float32)
    monkeypatch.setattr(lh, "shipped_basis", lambda: basis)
    return basis


def _orthonormal(b: np.ndarray) -> bool:
    return np.allclose(b.T @ b, np.eye(b.shape[1]), atol=1e-4)


def test_projection_is_reused_and_extended_when_rows_are_added_or_removed(small_shipped):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(6, 12)).astype(np.float32)
    x[:, 8:] = 0                                      # the first photos span 8 of the 12 axes
    first = lh.project(x)
    assert _orthonormal(first.basis) and first.basis.shape[1] == 8
    assert np.allclose(first.z @ first.basis.T, x, atol=1e-4)

    added = rng.normal(size=(2, 12)).astype(np.float32)   # a new photo with directions outside the basis
    grown = lh.project(np.concatenate([x, added]), first)
    assert _orthonormal(grown.basis) and grown.basis.shape[1] == 10
    assert np.allclose(grown.basis[:, :8], first.basis)                 # extended, not rebuilt
    assert np.array_equal(grown.z[:6, :8], first.z)                      # seen rows are not re-projected
    assert np.allclose(grown.z @ grown.basis.T, np.concatenate([x, added]), atol=1e-4)

    kept = np.concatenate([x[2:], added])                                  # two photos removed
    shrunk = lh.project(kept, grown)
    assert shrunk.basis.shape == grown.basis.shape
    assert np.allclose(shrunk.z @ shrunk.basis.T, kept, atol=1e-4)
    assert lh.project(rng.normal(size=(3, 5)).astype(np.float32)) is None   # another feature space


def test_projection_is_rebuilt_when_it_has_grown_too_far(small_shipped, monkeypatch):
    monkeypatch.setattr(lh, "RESIDUAL_RANK", 2)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, 12)).astype(np.float32)
    first = lh.project(x)
    assert first.basis.shape[1] == 3 + 2              # shipped + RESIDUAL_RANK (a randomized range finder)
    more = np.concatenate([x, rng.normal(size=(6, 12)).astype(np.float32)])
    grown = lh.project(more, first)                   # under the cap: extended by every new direction
    assert grown.basis.shape[1] == 5 + 6
    rebuilt = lh.project(more, grown)                 # over the cap: rebuilt from the rows
    assert rebuilt.basis.shape[1] == 3 + 2


def test_ranked_probabilities_keep_the_top_and_share_the_rest_by_the_ranking_odds():
    decide = np.array([0.5, 0.3, 0.1, 0.1])
    rank = np.array([0.1, 0.1, 0.7, 0.1])
    out = lh.ranked_probabilities(decide, rank, skip=3)
    assert out[0] == 0.5 and out[3] == 0.1                  # the top and "none" are the deciding head's
    assert np.allclose(out[1:3], [0.4 * 0.125, 0.4 * 0.875])  # the rest, reordered by the ranking head
    assert np.isclose(out.sum(), 1.0)
    assert lh.ranked_probabilities(decide, None) is decide


def test_warm_refit_after_adding_rows_predicts_like_a_cold_fit(small_shipped):
    rng = np.random.default_rng(2)
    centres = rng.normal(0, 2, (3, 12)).astype(np.float32)
    y = np.repeat(np.arange(3), 30)
    x = (centres[y] + rng.normal(0, 1, (90, 12))).astype(np.float32)
    cold = lh.fit_heads(x, y, 3)
    assert cold.rank is not None and cold.decide[0].shape == (12, 3)
    y2 = np.concatenate([y, [1] * 5])
    x2 = np.concatenate([x, (centres[1] + rng.normal(0, 1, (5, 12))).astype(np.float32)])
    warm = lh.fit_heads(x2, y2, 3, init=cold.decide, previous=cold.projection)
    again = lh.fit_heads(x2, y2, 3)
    probe = (centres[rng.integers(0, 3, 60)] + rng.normal(0, 1, (60, 12))).astype(np.float32)
    agree = ((probe @ warm.decide[0] + warm.decide[1]).argmax(1) ==
             (probe @ again.decide[0] + again.decide[1]).argmax(1)).mean()
    assert agree >= 0.95
    only_lda = lh.fit_heads(x2, y2, 3, kind="lda")
    assert only_lda.rank is None and ((x2 @ only_lda.decide[0] + only_lda.decide[1]).argmax(1) == y2).mean() > 0.8
