"""What a fit leaves on a :class:`NumpyMLPRegressor`, and the forecast made
from it.

``_commit`` writes the fitted attributes at the end of a fit, and only then, so
that a fit that raises leaves the previous ones; ``_continuation`` reads them
back where a warm-started ``fit`` or a ``partial_fit`` starts. The forecast is
the linear part plus the members' outputs times the networks' weight
(``target_scale_ * (1 - shrinkage_)``), the hidden layers seeing the screened,
encoded inputs (``HiddenInputs``). The weights are kept once, in
``members_coefs_`` and ``members_intercepts_``; ``coefs_`` and ``intercepts_``
are member 0's views (``_weights.py``).
"""

import copy

import numpy as np

from skquantnn._activations import canonical_activation
from skquantnn._embedding import HiddenInputs
from skquantnn._fit_state import History, Start
from skquantnn._network import forward
from skquantnn._weights import MemberZeroLayers, stacked_start, with_member_zero


class FittedNetworks:
    """The fitted state of :class:`NumpyMLPRegressor` and the forecast from it
    (a mixin: the estimator's parameters and ``fit`` are in ``_numpy_mlp.py``)."""

    # ------------------------------------------------------------ forecast
    def _predict_block(self, X, weight, return_std):
        """The forecast of a block of rows, and the members' spread or None."""
        members = self._member_forecasts(X, weight)
        if len(members) == 1:
            y_pred = self._linear_part(X) + members[0]
            return y_pred, np.zeros_like(y_pred) if return_std else None
        y_pred = self._linear_part(X) + members.mean(axis=0)
        return y_pred, members.std(axis=0) if return_std else None

    def _hidden_inputs(self):
        """What the fitted hidden layers see of ``X`` (a HiddenInputs)."""
        return HiddenInputs(self.hidden_features_, self.embedding_edges_,
                            self.soft_clip)

    def _hidden_input(self, X):
        return self._hidden_inputs().transform(X)

    def _network_weight(self):
        """What multiplies each member's output: the target scale times the
        hidden layers' weight, shape (n_outputs,)."""
        return self.target_scale_ * (1.0 - self.shrinkage_)

    def _member_forecasts(self, X, weight=None):
        """Each member's contribution to the forecast, (n_networks, n, n_outputs):
        its output times ``weight`` (``_network_weight()`` when None)."""
        coefs, intercepts = self.members_coefs_, self.members_intercepts_
        if len(coefs[0]) == 1:      # plain 2-D products, as scikit-learn's
            coefs, intercepts = [W[0] for W in coefs], [b[0] for b in intercepts]
        H, _ = forward(self._hidden_input(X), coefs, intercepts,
                       canonical_activation(self.activation), self.out_activation_)
        out = H[-1] if H[-1].ndim == 3 else H[-1][None]
        weight = self._network_weight() if weight is None else weight
        if isinstance(weight, float):
            if weight != 1.0:
                out *= weight    # H[-1] is this call's own array
        else:
            out *= weight.astype(out.dtype, copy=False)
        return out

    def _linear_part(self, X):
        if not self.skip_connection:
            return self.skip_intercept_     # 0 for scikit-learn's network, exactly
        return X @ self.skip_coef_ + self.skip_intercept_

    # -------------------------------------------------- weights, kept once
    @property
    def coefs_(self):
        """Member 0's weight matrices, views into ``members_coefs_`` (see
        ``_weights.py``): with one network, the network's."""
        if "members_coefs_" not in vars(self):
            raise AttributeError("coefs_")
        return MemberZeroLayers(self.members_coefs_, "coefs_")

    @coefs_.setter
    def coefs_(self, layers):
        self.members_coefs_ = with_member_zero(
            vars(self).get("members_coefs_"), layers, "coefs_")

    @property
    def intercepts_(self):
        """Member 0's bias vectors, views into ``members_intercepts_``."""
        if "members_intercepts_" not in vars(self):
            raise AttributeError("intercepts_")
        return MemberZeroLayers(self.members_intercepts_, "intercepts_")

    @intercepts_.setter
    def intercepts_(self, layers):
        self.members_intercepts_ = with_member_zero(
            vars(self).get("members_intercepts_"), layers, "intercepts_")

    # ------------------------------------------- written by fit, read back
    def _continuation(self, layout, dtype, incremental):
        """Where a warm-started fit or a partial_fit starts: the stored members,
        copies of the training record (weights set by hand on an unfitted
        estimator have none), and for partial_fit the optimizer's state."""
        theta = stacked_start(self.members_coefs_, self.members_intercepts_,
                              layout, self.n_networks, dtype)
        if "t_" not in vars(self):
            return Start(theta)
        history = History(
            loss_curve=list(self.loss_curve_),
            validation_scores=_copy_list(self.validation_scores_),
            validation_loss_curve=_copy_list(self.validation_loss_curve_),
            best_loss=self.best_loss_,
            best_validation_score=(None if self._member_best_scores is None
                                   else np.array(self._member_best_scores)),
            no_improvement_count=copy.copy(self._no_improvement_count),
            t=self.t_, loss=self.loss_)
        previous = self._optimizer
        optimizer = (copy.deepcopy(previous) if incremental and previous is not None
                     and previous.accepts(theta) else None)
        return Start(theta, history, optimizer)

    def _commit(self, net, inputs, theta, optimizer, history, linear, shrinkage,
                y_1d):
        n_outputs = len(linear.mean)
        self.hidden_features_ = inputs.features
        self.embedding_edges_ = inputs.edges
        self.target_mean_, self.target_scale_ = linear.mean, linear.scale
        self.skip_coef_ = (
            np.zeros((self.n_features_in_, n_outputs), linear.mean.dtype)
            if linear.coef is None else linear.coef * linear.scale)
        self.skip_intercept_ = linear.mean + linear.scale * linear.intercept
        self.skip_alpha_ = linear.alpha
        self.shrinkage_ = shrinkage
        # views into one buffer: the only copy of the weights
        self.members_coefs_, self.members_intercepts_ = net.layout.unpack(theta)
        self._optimizer = optimizer
        self._y_1d = y_1d
        self.n_layers_ = len(net.layout.layer_units)
        self.n_outputs_ = n_outputs
        self.out_activation_ = net.out_activation
        self.loss_curve_ = history.loss_curve
        self.loss_ = history.loss
        self.best_loss_ = history.best_loss
        self.validation_scores_ = history.validation_scores
        self.validation_loss_curve_ = history.validation_loss_curve
        best = history.best_validation_score
        self._member_best_scores = best
        self.best_validation_score_ = None if best is None else float(np.mean(best))
        self._no_improvement_count = history.no_improvement_count
        self.n_iter_ = history.n_iter
        self.t_ = history.t


def _copy_list(values):
    return None if values is None else list(values)
