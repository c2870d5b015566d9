"""The gallery's linear heads over image features, fitted in a small basis: multinomial logistic regression
and shrinkage LDA.

Why a file of its own: the recogniser refits the heads whenever a gallery changes, so their speed is the
"add a photo" latency. Fitting inside the span of the shipped photos plus the user's own directions, kept
between refits (`project`: a new photo projects only its own views), and warm-starting the logistic head
keeps a refit to a fraction of a second. The two heads have two jobs (`python -m bench recognition`,
enrolled 10-fold): the logistic head names the top machine and its confidence and holds the "none" class
(alone: top-1 67.5 %, top-3 86.0 %; non-gym accepted 3.9 %); shrinkage LDA, whose shared covariance
discounts how one machine's photos vary, ranks the alternatives better (alone: top-3 89.0 % but top-1
66.0 %, non-gym accepted 12.2 %, confidently wrong out of the box), so the logistic head's mass beyond its
top is shared out by LDA's odds (`ranked_probabilities`): top-1 68.5 %, top-3 90.0 %, top-5 95.0 %.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

# L-BFGS iterations: top-1/top-3 on dev (enrolled, 3 folds) are the same at 50, 100 and 300; 100 is ~40 % of the time
LR_MAX_ITER = 100
# A warm-started refit (a photo added or removed) starts next to the optimum: at most this many steps
# (`python -m bench recognition`, latency head refit: the warm head's candidates agree with a cold fit's)
LR_WARM_MAX_ITER = 25
LR_FTOL = 1e-6             # relative loss change that ends the fit (dev: the same results as scipy's 2.2e-9)
RESIDUAL_RANK = 256        # directions of the user's photos outside the shipped span the head keeps
LR_C = 100.0               # inverse L2 strength of the logistic-regression head (dev 10-fold: 10 → 100 +1.5 top-1)
# Shrinkage LDA: the pooled within-class covariance is blended with a scaled identity. Dev 10-fold top-3 by
# shrinkage: 0.3 87.0, 0.5 88.5, 0.6 89.0, 0.7 88.0, 0.9 87.5 % (1.0 is nearest class mean: ~82 %).
LDA_SHRINKAGE = 0.6
# LDA scores are log-likelihood ratios far sharper than real odds; dividing by this makes the softmax a usable
# confidence (dev 10-fold at accept 0.85: T 3 -> 77 % right, T 10 -> 96.3 % right on 27 % of photos, T 30 -> 1.5 %).
LDA_TEMPERATURE = 10.0


def fit_logistic(x: np.ndarray, y: np.ndarray, n_classes: int, c: float = LR_C, max_iter: int = LR_MAX_ITER,
                 init: tuple[np.ndarray, np.ndarray] | None = None,
                 basis: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression, L2 penalty ½‖W‖²/C (sklearn's convention), L-BFGS; `init`
    (W, b) warm-starts it, e.g. from the head fitted before a few photos were added. The loss runs in
    float32 (half the time of float64; the optimiser keeps float64 state). With `basis` (d × r orthonormal
    columns) the weights are fitted inside that subspace, r/d of the work, and returned in full d."""
    from scipy.optimize import minimize

    x = np.ascontiguousarray(x, dtype=np.float32)
    if basis is not None:
        init = None if init is None else (basis.T @ init[0], init[1])
        w, b = fit_logistic(x @ basis, y, n_classes, c, max_iter, init)
        return basis @ w, b
    n, d = x.shape
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    rows = np.arange(n)

    def loss(w):
        weights = w[: d * n_classes].reshape(d, n_classes).astype(np.float32)
        z = x @ weights + w[d * n_classes:].astype(np.float32)
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        grad = p - onehot
        value = -np.log(p[rows, y] + 1e-12).sum(dtype=np.float64) + 0.5 / c * float((weights * weights).sum())
        return value, np.concatenate([(x.T @ grad + weights / c).ravel(), grad.sum(0)]).astype(np.float64)

    start = np.zeros(d * n_classes + n_classes) if init is None else \
        np.concatenate([np.asarray(init[0], np.float64).ravel(), np.asarray(init[1], np.float64)])
    res = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": max_iter, "ftol": LR_FTOL})
    return res.x[: d * n_classes].reshape(d, n_classes).astype(np.float32), res.x[d * n_classes:].astype(np.float32)


def fit_lda(x: np.ndarray, y: np.ndarray, n_classes: int, shrinkage: float = LDA_SHRINKAGE,
            temperature: float = LDA_TEMPERATURE, basis: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Linear discriminant analysis with one shared, shrunk covariance and equal class priors, as (W, b)
    for softmax(x @ W + b) like `fit_logistic`: the covariance lets the head discount the directions in
    which one machine's photos vary (light, framing) from the few photos a user enrolls. Closed form: one
    r × r covariance and solve, inside `basis` (d × r orthonormal columns) when given."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    z = x @ basis if basis is not None else x
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    if (counts == 0).any():
        raise ValueError("every class needs at least one row")
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    mu = (onehot.T @ z).astype(np.float64) / counts[:, None]   # class means (np.add.at is ~10x slower)
    r = z - mu[y].astype(np.float32)
    cov = (r.T @ r).astype(np.float64) / len(z)
    cov = (1.0 - shrinkage) * cov + shrinkage * np.trace(cov) / len(cov) * np.eye(len(cov))
    w = np.linalg.solve(cov, mu.T)                        # r × K
    b = -0.5 * np.einsum("kr,rk->k", mu, w)
    w, b = w / temperature, b / temperature
    if basis is not None:
        w = basis @ w.astype(np.float32)
    return np.ascontiguousarray(w, dtype=np.float32), b.astype(np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


@functools.lru_cache(maxsize=1)
def shipped_basis() -> np.ndarray:
    """An orthonormal basis (d × r) of the shipped gym views and negative bank: the head is fitted in this
    ~500-d span of public-domain gym photos instead of all feature dimensions (dev, enrolled: same top-1/top-3,
    ~5× less work per refit). Empty when the default gallery is missing or stale."""
    from indexes.default_gallery import DefaultGallery

    shipped = DefaultGallery(featurizer=object())
    x, _ = shipped.matrix()
    bank = shipped.negatives()
    if not len(x) or not len(bank) or bank.shape[1] != x.shape[1]:
        return np.zeros((0, 0), np.float32)
    _, sv, vt = np.linalg.svd(np.concatenate([x, bank]).astype(np.float32), full_matrices=False)
    return np.ascontiguousarray(vt[sv > sv[0] * 1e-4].T)


def head_basis(x: np.ndarray) -> np.ndarray | None:
    """Where the head's weights live: the shipped span plus up to RESIDUAL_RANK directions of the gallery's
    own photos outside it (what makes a user's re-shot machine confident), or None (another feature space)."""
    shipped = shipped_basis()
    if not shipped.size or shipped.shape[0] != x.shape[1]:
        return None
    residual = x - (x @ shipped) @ shipped.T
    residual = residual[np.linalg.norm(residual, axis=1) > 1e-3]       # the shipped rows themselves: ~0
    if not len(residual):
        return shipped
    if len(residual) > RESIDUAL_RANK:   # a randomized range finder: the residual's main directions
        residual = (residual.T @ np.random.default_rng(0).standard_normal((len(residual), RESIDUAL_RANK),
                                                                          dtype=np.float32)).T
    return np.ascontiguousarray(np.hstack([shipped, _directions(residual.T)]))


def _directions(columns: np.ndarray) -> np.ndarray:
    """Orthonormal columns spanning `columns` (dependent ones dropped: QR alone would return stray unit
    vectors for them)."""
    q, r = np.linalg.qr(columns)
    return q[:, np.abs(np.diag(r)) > 1e-3].astype(np.float32)


@dataclass
class Projection:
    """Rows (features) in the heads' basis, kept for the next refit: a gallery that gained a photo projects
    only that photo's views and extends the basis by their new directions instead of re-projecting all."""
    basis: np.ndarray          # d × r orthonormal columns
    z: np.ndarray              # rows × r
    index: dict[int, int]      # hash of a row's bytes → its row in z


def project(x: np.ndarray, previous: Projection | None = None) -> Projection | None:
    """`x` in `head_basis` coordinates, reusing `previous` for rows it has seen (None: another feature space).
    The basis grows by the new rows' directions outside it; past 2 × RESIDUAL_RANK extra directions it is
    rebuilt from scratch, which also drops directions of removed photos."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    shipped = shipped_basis()
    if not shipped.size or shipped.shape[0] != x.shape[1]:
        return None
    keys = [hash(row.tobytes()) for row in x]
    if previous is None or previous.basis.shape[0] != x.shape[1] or \
            previous.basis.shape[1] > shipped.shape[1] + 2 * RESIDUAL_RANK:
        basis = head_basis(x)
        return Projection(basis, x @ basis, dict(zip(keys, range(len(x)))))
    seen = [previous.index.get(k) for k in keys]
    old = [i for i, j in enumerate(seen) if j is not None]
    new = [i for i, j in enumerate(seen) if j is None]
    basis, r0 = previous.basis, previous.basis.shape[1]
    if new:
        residual = x[new] - (x[new] @ basis) @ basis.T
        residual = residual[np.linalg.norm(residual, axis=1) > 1e-3]
        if len(residual):
            q = _directions(residual.T)
            basis = np.hstack([basis, _directions(q - basis @ (basis.T @ q))])   # again: float32 drift
    z = np.empty((len(x), basis.shape[1]), np.float32)
    if old:
        z[old, :r0] = previous.z[[seen[i] for i in old]]
        if basis.shape[1] > r0:
            z[old, r0:] = x[old] @ basis[:, r0:]
    if new:
        z[new] = x[new] @ basis
    return Projection(np.ascontiguousarray(basis), z, dict(zip(keys, range(len(x)))))


@dataclass
class Heads:
    """What a refit leaves: `decide` (W, b) gives the probabilities (its top, confidence and "none"),
    `rank` (W, b) orders the other candidates (None: `decide` orders them), in full feature dimensions."""
    decide: tuple[np.ndarray, np.ndarray]
    rank: tuple[np.ndarray, np.ndarray] | None
    projection: Projection | None


def fit_heads(x: np.ndarray, y: np.ndarray, n_classes: int, kind: str = "logistic+lda", c: float = LR_C,
              init: tuple[np.ndarray, np.ndarray] | None = None, previous: Projection | None = None) -> Heads:
    """Fit the recogniser's heads: "logistic" alone, "lda" alone, or "logistic+lda" (logistic decides, LDA
    ranks). `init` warm-starts the logistic head (then at most LR_WARM_MAX_ITER steps); `previous`
    is the last refit's projection."""
    proj = project(x, previous)
    z, lift = (x, lambda w: w) if proj is None else (proj.z, lambda w: np.ascontiguousarray(proj.basis @ w))
    lda = None
    if kind in ("lda", "logistic+lda"):
        w, b = fit_lda(z, y, n_classes)
        lda = lift(w), b
    if kind == "lda":
        return Heads(lda, None, proj)
    if init is not None and proj is not None:
        init = (proj.basis.T @ init[0], init[1])
    w, b = fit_logistic(z, y, n_classes, c, LR_MAX_ITER if init is None else LR_WARM_MAX_ITER, init)
    return Heads((lift(w), b), lda, proj)


def ranked_probabilities(decide: np.ndarray, rank: np.ndarray | None, skip: int | None = None) -> np.ndarray:
    """One probability per class: the deciding head's top keeps its probability, the rest of its mass is
    shared among the other classes by the ranking head's odds. `skip` (the "none" class) is left as the
    deciding head has it and is not redistributed."""
    if rank is None:
        return decide
    keep = np.ones(len(decide), bool)
    if skip is not None:
        keep[skip] = False
    top = int(np.argmax(np.where(keep, decide, -1.0)))
    others = keep.copy()
    others[top] = False
    out = decide.copy()
    odds = np.where(others, rank, 0.0)
    if odds.sum() > 0:
        out[others] = (decide[others].sum()) * odds[others] / odds.sum()
    return out
