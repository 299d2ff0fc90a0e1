"""NumpyMLPRegressor: the scikit-learn glue around the from-scratch network."""

from itertools import pairwise
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skquantnn._activations import (
    ACTIVATION_ALIASES,
    ACTIVATIONS,
    LOSS_FUNCTIONS,
    canonical_activation,
)
from skquantnn._network import FlatLayout, forward, glorot_uniform_init
from skquantnn._training import Network, train
from skquantnn._validation import (
    SHARED_CONSTRAINTS,
    check_finite_predictions,
    check_hidden_layer_sizes,
)

_ACTIVATION_NAMES = set(ACTIVATIONS) | set(ACTIVATION_ALIASES)


class NumpyMLPRegressor(RegressorMixin, BaseEstimator):
    """Multilayer perceptron regressor written from scratch in NumPy.

    A drop-in for :class:`sklearn.neural_network.MLPRegressor` (same parameter and
    attribute names) that trains several times faster, reports the loss Keras
    reports, and validates chronologically.

    .. important:: **Early stopping holds out the LAST rows, not a random sample.**
       With ``early_stopping=True`` the validation set is the last
       ``validation_fraction`` of the rows in the order given (as Keras's
       ``validation_split``), optionally after an embargo of ``validation_gap``
       rows. scikit-learn's ``MLPRegressor`` draws a shuffled sample instead,
       which on time series lets the model train on the future of its validation
       rows. Pass rows in time order.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(64, 32)
        Units of each hidden layer; the default is the tutorial network's.
    activation : {"relu", "tanh", "logistic", "identity", "leaky_relu"}, \
            default="relu"
        Hidden-layer activation. Keras's names ``"sigmoid"`` and ``"linear"`` are
        accepted as aliases. ``leaky_relu`` has slope 0.01 below zero.
    output_activation : str, default="identity"
        Activation of the output layer, from the same set. Keep ``"identity"``
        for returns: a ``"logistic"`` output can only predict values in (0, 1).
    solver : {"adam", "sgd", "lbfgs"}, default="adam"
        ``"sgd"`` and ``"adam"`` train on mini-batches; ``"lbfgs"`` minimises the
        full-batch loss with SciPy's L-BFGS-B and the analytic gradient.
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        ``"squared_error"`` is the plain mean squared error ``mean((y_pred - y)**2)``
        (Keras's ``"mse"``; scikit-learn's MLP minimises half of it), so loss
        curves compare with :class:`KerasMLPRegressor`'s. ``"huber"`` is quadratic
        within ``huber_delta`` and linear outside, for fat-tailed targets.
    huber_delta : float, default=1.0
        Threshold of the Huber loss, in units of the target.
    alpha : float, default=1e-4
        L2 penalty: ``alpha / 2 * ||W||^2 / n_samples`` is added to the loss, as
        in scikit-learn. Intercepts are not penalised.
    l1_alpha : float, default=0.0
        L1 penalty: ``l1_alpha * |W|_1 / n_samples`` is added to the loss.
    dropout : float in [0, 1), default=0.0
        Fraction of each hidden layer's units dropped at each training step
        (inverted dropout: kept units are scaled by ``1 / (1 - dropout)``;
        prediction uses the whole network). Stochastic solvers only.
    global_clipnorm : float or None, default=None
        When set, the gradient of all parameters together is rescaled to this
        L2 norm whenever it is longer (Keras's ``global_clipnorm``).
    batch_size : int or "auto", default="auto"
        Rows per mini-batch; ``"auto"`` is ``min(200, n_samples)``.
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of ``solver="sgd"``, as in scikit-learn.
    learning_rate_init : float, default=1e-3
        Initial step size of ``"sgd"`` and ``"adam"``.
    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.
    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (L-BFGS).
    shuffle : bool, default=True
        Shuffle the training rows every epoch (stochastic solvers). Batches then
        mix dates, which is harmless for fitting; the validation split itself is
        never shuffled.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout. An int gives
        bit-identical refits.
    tol : float, default=1e-4
        Improvement below which an epoch counts as "no change" (see
        ``n_iter_no_change``); the gradient tolerance of L-BFGS.
    verbose : bool, default=False
        Print one line per epoch: loss, validation loss and R^2, elapsed time.
    warm_start : bool, default=False
        Start ``fit`` from the current ``coefs_`` and ``intercepts_``: those of
        the previous fit, or weights you assigned to an unfitted estimator.
    momentum : float in [0, 1], default=0.9
        Momentum of ``"sgd"``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``"sgd"``.
    early_stopping : bool, default=False
        Hold out the chronological tail (see the note above) and stop when its
        R^2 has not improved by ``tol`` for ``n_iter_no_change`` epochs; the best
        weights are restored at the end. Stochastic solvers only.
    validation_fraction : float in (0, 1), default=0.1
        Share of the rows, taken from the end, held out for early stopping.
    validation_gap : int, default=0
        Rows dropped between the training part and the validation tail (an
        embargo, for targets that overlap in time).
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Decay rates of Adam's moment estimates.
    epsilon : float, default=1e-8
        Adam's numerical-stability constant.
    n_iter_no_change : int or np.inf, default=10
        Epochs without improvement before stopping (or, with the ``"adaptive"``
        schedule, before dividing the learning rate by 5).
    max_fun : int, default=15000
        Maximum number of loss evaluations of L-BFGS.
    predict_batch_size : int, default=65536
        Rows ``predict`` pushes through the network at a time: its working memory
        is this many rows times the widest layer, however long ``X`` is.

    Attributes
    ----------
    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each layer.
    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer.
    loss_ : float
        Training loss (with penalties) of the last epoch, or L-BFGS's final loss.
    best_loss_ : float or None
        Lowest training loss; None with early stopping.
    loss_curve_ : list of float
        Training loss per epoch (per iteration for L-BFGS), penalties included.
    validation_loss_curve_ : list of float or None
        Loss on the validation tail per epoch, without penalties; None without
        early stopping.
    validation_scores_ : list of float or None
        R^2 on the validation tail per epoch; None without early stopping.
    best_validation_score_ : float or None
        Best of ``validation_scores_``.
    t_ : int
        Number of training rows seen by the optimizer.
    n_iter_ : int
        Number of epochs (iterations for L-BFGS) run.
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Number of targets.
    out_activation_ : str
        scikit-learn's name of the output activation.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` had string column names.

    See Also
    --------
    KerasMLPRegressor : The same network in Keras.
    sklearn.neural_network.MLPRegressor : The reference implementation.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skquantnn import NumpyMLPRegressor
    >>> from skquantnn.datasets import make_economic_regression
    >>> X, y = make_economic_regression(n_samples=500, random_state=0)
    >>> model = make_pipeline(
    ...     StandardScaler(), NumpyMLPRegressor(early_stopping=True, random_state=0))
    >>> model.fit(X[:400], y[:400]).predict(X[400:]).shape
    (100,)
    """

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
        "activation": [StrOptions(_ACTIVATION_NAMES)],
        "output_activation": [StrOptions(_ACTIVATION_NAMES)],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "loss": [StrOptions(set(LOSS_FUNCTIONS))],
        "global_clipnorm": [None, Interval(Real, 0, None, closed="neither")],
        "batch_size": [
            StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "predict_batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(64, 32),
        activation="relu",
        output_activation="identity",
        *,
        solver="adam",
        loss="squared_error",
        huber_delta=1.0,
        alpha=0.0001,
        l1_alpha=0.0,
        dropout=0.0,
        global_clipnorm=None,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        validation_gap=0,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        predict_batch_size=65_536,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.solver = solver
        self.loss = loss
        self.huber_delta = huber_delta
        self.alpha = alpha
        self.l1_alpha = l1_alpha
        self.dropout = dropout
        self.global_clipnorm = global_clipnorm
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.validation_gap = validation_gap
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.predict_batch_size = predict_batch_size

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to ``X`` and ``y``, rows in time order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features. float32 input trains in float32; anything else in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; ``predict`` returns the same number of dimensions.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights; the loss is their weighted mean.

        Returns
        -------
        self : NumpyMLPRegressor
            The fitted estimator. If fitting raises, the estimator keeps the
            weights it had before the call.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _check_solver(self):
        if self.solver not in ("sgd", "adam"):
            raise AttributeError(
                f"partial_fit is only available for stochastic optimizers; "
                f"solver={self.solver!r} is not stochastic."
            )
        return True

    @available_if(_check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over ``X`` and ``y``, continuing the previous state.

        Use it to stream data that does not fit in memory, one chunk per call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : NumpyMLPRegressor
        """
        if self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: hold out your "
                "own chronological validation chunk instead."
            )
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict with the fitted network, ``predict_batch_size`` rows at a time.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``y`` was 1-D at fit time.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        dtype = np.result_type(X.dtype, self.coefs_[0].dtype)
        y_pred = np.empty((X.shape[0], self.n_outputs_), dtype=dtype)
        # Overflow is reported below as one clear error, not as NumPy warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, X.shape[0], self.predict_batch_size):
                block = slice(start, start + self.predict_batch_size)
                H, _ = forward(X[block], self.coefs_, self.intercepts_,
                               canonical_activation(self.activation),
                               self.out_activation_)
                y_pred[block] = H[-1]
        check_finite_predictions(
            y_pred, X, "Scale the inputs the way the training data was scaled.")
        return y_pred.ravel() if self._y_1d else y_pred

    def _network(self, layer_units):
        return Network(
            layout=FlatLayout(layer_units),
            activation=canonical_activation(self.activation),
            out_activation=canonical_activation(self.output_activation),
            loss=self.loss,
            huber_delta=self.huber_delta,
            alpha=self.alpha,
            l1_alpha=self.l1_alpha,
        )

    def _fit(self, X, y, sample_weight, incremental):
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes)
        first_pass = not hasattr(self, "coefs_") or not (self.warm_start or incremental)
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True,
                             dtype=(np.float64, np.float32),
                             reset=first_pass or not hasattr(self, "n_features_in_"))
        Y = (y.reshape(-1, 1) if y.ndim == 1 else y).astype(X.dtype, copy=False)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
        rng = check_random_state(self.random_state)
        net = self._network([X.shape[1], *hidden, Y.shape[1]])
        if first_pass:
            coefs, intercepts = glorot_uniform_init(
                net.layout.layer_units, net.activation, rng, X.dtype)
        else:
            coefs, intercepts = self._current_weights(net.layout)
        theta = net.layout.pack(coefs, intercepts, X.dtype)

        with np.errstate(over="ignore", invalid="ignore"):
            # A diverging loss is reported as one clear error by the loops.
            theta, optimizer, history = train(
                self, theta, net, X, Y, sample_weight, rng, first_pass, incremental)

        # Commit only now: an exception above leaves the previous fit untouched.
        self.coefs_, self.intercepts_ = net.layout.unpack(theta)
        self._optimizer = optimizer
        self._y_1d = y.ndim == 1
        self.n_layers_ = len(net.layout.layer_units)
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = net.out_activation
        self.loss_curve_ = history.loss_curve
        self.loss_ = history.loss_curve[-1] if history.loss_curve else history.best_loss
        self.best_loss_ = history.best_loss
        self.validation_scores_ = history.validation_scores
        self.validation_loss_curve_ = history.validation_loss_curve
        self.best_validation_score_ = history.best_validation_score
        self._no_improvement_count = history.no_improvement_count
        self.n_iter_ = history.n_iter
        self.t_ = history.t
        return self

    def _current_weights(self, layout):
        shapes = list(pairwise(layout.layer_units))
        if [c.shape for c in self.coefs_] != shapes:
            raise ValueError(
                "warm_start/partial_fit cannot continue: the fitted network has "
                f"layers {[c.shape for c in self.coefs_]} but the data and "
                f"hidden_layer_sizes ask for {shapes}. Refit with warm_start=False."
            )
        return self.coefs_, self.intercepts_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
