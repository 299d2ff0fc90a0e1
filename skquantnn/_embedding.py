"""Piecewise-linear encoding of numerical features: the hidden layers' input stage.

Gorishniy, Rubachev and Babenko (2022, "On Embeddings for Numerical Features in
Tabular Deep Learning") give each feature ``x`` a set of bin edges
``b_0 < b_1 < ... < b_T`` (here the quantiles of the training rows) and encode
it as::

    e_t(x) = clip((x - b_{t-1}) / (b_t - b_{t-1}), 0, 1)        t = 1..T

A linear layer on ``(e_1, ..., e_T)`` is any piecewise-linear function of ``x``
with kinks at the edges, so thresholds and curvature, which trees find easily,
are one layer away. The encoding is bounded: beyond the training range every
``e_t`` is 0 or 1, and the network sees an input at the edge of what it was
trained on instead of extrapolating. Next to the bins each feature keeps itself,
clipped to the training range, ``x~ = clip(x, b_0, b_T)``, so that smooth
effects need no assembly from bins. Feature ``j`` of ``features`` becomes the
``T + 1`` columns ``(x~_j, e_1(x_j), ..., e_T(x_j))``, features one after the other.

The encoding has no trainable parameters (its edges are fixed by the training
rows); its derivative, for gradients with respect to the inputs, is::

    d x~ / dx = 1 on (b_0, b_T)     d e_t / dx = 1 / (b_t - b_{t-1}) on (b_{t-1}, b_t)

and 0 elsewhere.
"""

from dataclasses import dataclass

import numpy as np


def quantile_edges(X, n_bins, sample_weight=None):
    """Bin edges of each column: its (weighted) quantiles at ``0, 1/T, ..., 1``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    n_bins : int
        ``T``, the number of bins.
    sample_weight : ndarray of shape (n_samples,) or None
        Rows with weight 0 do not count; an integer weight counts like repeated
        rows.

    Returns
    -------
    edges : ndarray of shape (n_bins + 1, n_features)
        Non-decreasing down each column; ``edges[0]`` and ``edges[-1]`` are the
        smallest and largest value among rows of positive weight. Repeated values
        give bins of width 0, which encode as a constant 0.
    """
    if X.shape[1] == 0:
        return np.empty((n_bins + 1, 0), dtype=X.dtype)
    if sample_weight is None:
        # the inverted empirical CDF: the value at position ceil(k n / T) - 1 of
        # the sorted column (whole-number arithmetic: exact), found by partition
        n = len(X)
        positions = (np.arange(n_bins + 1) * n + n_bins - 1) // n_bins - 1
        positions[0] = 0
        return np.partition(X, positions, axis=0)[positions]
    kept = sample_weight > 0
    X, w = X[kept], sample_weight[kept].astype(np.float64)
    order = np.argsort(X, axis=0, kind="stable")
    cumulative = np.cumsum(w[order], axis=0)          # (n, n_features)
    # the inverted empirical CDF: the first value whose cumulative weight reaches
    # k / T of the total (as k * total / T, exact for whole numbers), so that
    # integer weights and repeated rows give the same edges
    targets = np.arange(1, n_bins) * cumulative[-1, 0] / n_bins
    edges = np.empty((n_bins + 1, X.shape[1]), dtype=X.dtype)
    for j in range(X.shape[1]):
        sorted_j = X[order[:, j], j]
        positions = np.searchsorted(cumulative[:, j], targets, side="left")
        edges[1:-1, j] = sorted_j[np.minimum(positions, len(sorted_j) - 1)]
        edges[0, j], edges[-1, j] = sorted_j[0], sorted_j[-1]
    return edges


def _bins(edges):
    """Lower edges and inverse widths of the bins, shape (n_bins, n_features);
    a bin of width 0 gets inverse width 0."""
    lower, width = edges[:-1], np.diff(edges, axis=0)
    with np.errstate(divide="ignore"):
        inverse = np.where(width > 0, 1.0 / width, 0.0).astype(edges.dtype)
    return lower, inverse


def encode(X, features, edges):
    """The hidden layers' input: each chosen feature clipped, then its bins.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    features : ndarray of int of shape (n_encoded,)
        The columns of ``X`` to encode.
    edges : ndarray of shape (n_bins + 1, n_encoded)
        As made by :func:`quantile_edges` on ``X[:, features]``.

    Returns
    -------
    ndarray of shape (n_samples, n_encoded * (n_bins + 1))
        Column ``j * (n_bins + 1)`` holds ``clip(x_j, b_0, b_T)``, the next
        ``n_bins`` columns ``e_1(x_j) .. e_T(x_j)``.
    """
    Xf = X[:, features]
    lower, inverse = _bins(edges)
    n, k = Xf.shape
    out = np.empty((n, k, len(edges)), dtype=X.dtype)
    np.clip(Xf, edges[0], edges[-1], out=out[:, :, 0])
    bins = out[:, :, 1:]
    np.subtract(Xf[:, :, None], lower.T, out=bins)
    bins *= inverse.T
    np.clip(bins, 0.0, 1.0, out=bins)
    return out.reshape(n, -1)


def encode_derivative(X, features, edges):
    """``d encode(X) / d x`` of each column with respect to its own feature.

    Returns
    -------
    ndarray of shape (n_samples, n_encoded * (n_bins + 1))
        Laid out as :func:`encode`'s columns; the chain rule multiplies a
        gradient with respect to the encoding by it, then sums each feature's
        ``n_bins + 1`` columns.
    """
    Xf = X[:, features]
    lower, inverse = _bins(edges)
    n, k = Xf.shape
    out = np.empty((n, k, len(edges)), dtype=X.dtype)
    out[:, :, 0] = (Xf > edges[0]) & (Xf < edges[-1])
    inside = (Xf[:, :, None] > lower.T) & (Xf[:, :, None] < edges[1:].T)
    out[:, :, 1:] = inside * inverse.T
    return out.reshape(n, -1)


def soft_clip(X, limit):
    """RealMLP's smooth clipping of standardised inputs, ``x / sqrt(1 + (x/c)^2)``.

    Close to the identity for ``|x| << c`` and bounded by ``c``, so a network never
    sees inputs far outside the range it was trained on.
    """
    return X / np.hypot(1.0, X / limit)     # hypot: no overflow for huge x


def soft_clip_derivative(X, limit):
    """``d soft_clip / dx = (1 + (x/c)^2) ** -1.5``."""
    return np.hypot(1.0, X / limit) ** -3


@dataclass(frozen=True)
class HiddenInputs:
    """What the hidden layers see of the inputs ``x``, in three optional steps::

        x -> soft_clip(x, c) -> the chosen features -> encode (clipped x, bins)

    Attributes
    ----------
    features : ndarray of int of shape (n_chosen,) or None
        The columns the hidden layers see; None for every column.
    edges : ndarray of shape (n_bins + 1, n_chosen) or None
        The encoding's bin edges; None feeds the chosen columns as they are.
    soft_clip : float or None
        ``c`` of :func:`soft_clip`, applied first; None skips it.
    """

    features: np.ndarray | None = None
    edges: np.ndarray | None = None
    soft_clip: float | None = None

    def n_columns(self, n_features):
        """Width of :meth:`transform`'s output for ``n_features`` inputs."""
        chosen = n_features if self.features is None else len(self.features)
        return chosen if self.edges is None else chosen * len(self.edges)

    def clipped(self, X):
        """``X`` after the soft clipping (itself without one)."""
        return X if self.soft_clip is None else soft_clip(X, self.soft_clip)

    def transform(self, X):
        """The hidden layers' input.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_columns)
        """
        X = self.clipped(X)
        features = (np.arange(X.shape[1]) if self.features is None
                    else self.features)
        if self.edges is not None:
            return encode(X, features, self.edges)
        return X if self.features is None else X[:, features]

    def input_gradient(self, X, dH):
        """The chain rule back through :meth:`transform`.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        dH : ndarray of shape (n_samples, n_columns)
            A gradient with respect to the hidden layers' input.

        Returns
        -------
        ndarray of shape (n_samples, n_features)
            The gradient with respect to ``X``.
        """
        Xc = self.clipped(X)
        features = (np.arange(X.shape[1]) if self.features is None
                    else self.features)
        if self.edges is not None:
            per_column = dH * encode_derivative(Xc, features, self.edges)
            dH = per_column.reshape(len(X), len(features), -1).sum(axis=2)
        dX = np.zeros(X.shape, dtype=np.result_type(X, dH))
        dX[:, features] = dH
        if self.soft_clip is not None:
            dX *= soft_clip_derivative(X, self.soft_clip)
        return dX
