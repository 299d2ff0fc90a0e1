"""KerasMLPRegressor: the tutorial's Keras network as a scikit-learn regressor."""

import math
from collections import defaultdict
from numbers import Integral, Real

import skquantnn._keras_env  # noqa: F401  (quiets TensorFlow; before Keras)

# isort: split
import numpy as np
from scikeras.wrappers import BaseWrapper
from sklearn.base import RegressorMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    validate_data,
)

from skquantnn._keras_compiled import compiled, forget_eager_kernels
from skquantnn._keras_loop import TRAINING_LOOPS, fit_arguments, train
from skquantnn._keras_state import from_plain_state, kept_on_error, to_plain_state
from skquantnn._keras_support import (
    KERAS_ACTIVATIONS,
    KERAS_LOSSES,
    WeightPenalty,
    dense_block,
    float64_available,
    keras,
    layer_seeds,
    local_seeds,
    make_loss,
    target_scaling,
    training_batches,
)
from skquantnn._panel import in_date_order
from skquantnn._validation import (
    SCALE_HINT,
    SHARED_CONSTRAINTS,
    check_finite_predictions,
    check_hidden_layer_sizes,
    diverged,
)

_FLOATS = (np.float64, np.float32)
#: Batches of predict_batch_size rows per call of keras.Model.predict.
_BATCHES_PER_PREDICT_CALL = 256  # anything not float32 becomes float64


class KerasMLPRegressor(RegressorMixin, BaseWrapper):
    """The Keras tutorial's multilayer perceptron as a scikit-learn regressor.

    Dense layers with ``activation`` -> a linear output layer, compiled with Adam
    and mean squared error and trained for 50 epochs of batch 32: the defaults
    reproduce the tutorial's network. Built on SciKeras's wrapper machinery
    (``model__``, ``optimizer__``, ``fit__``, ``callbacks__`` routing, ``history_``,
    pickling of the Keras model), on any Keras 3 backend.

    Training is reproducible: with an int ``random_state`` two fits give
    bit-identical models on the CPU, on TensorFlow and on JAX, and no global seed
    or determinism switch of the process is changed.

    Validation is chronological, as Keras's ``validation_split``: the last
    ``validation_split`` of the rows, after dropping ``validation_gap`` rows. On a
    panel, ``X`` a DataFrame whose index's first level (or ``DatetimeIndex``)
    holds the dates, the rows are put in date order, the validation rows are
    whole dates and ``validation_gap`` counts dates; in a ``Pipeline``, call
    ``set_output(transform="pandas")`` so that the index reaches the network.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 32)
        Units of each hidden ``Dense`` layer.
    activation : str, default="relu"
        Hidden-layer activation: ``"relu"``, ``"tanh"``, ``"sigmoid"``,
        ``"linear"``, ``"leaky_relu"`` (slope 0.01), or scikit-learn's names
        ``"logistic"`` and ``"identity"``.
    output_activation : str, default="linear"
        Output-layer activation, from the same names. Keep it linear for returns.
    model : keras.Model, callable or None, default=None
        Another architecture: a compiled Keras model or a function returning one
        (it may take ``meta`` and ``compile_kwargs``). None builds the network
        described here with :meth:`build_model`.
    optimizer : str or keras optimizer, default="adam"
        Passed to ``compile``; its other settings route with ``optimizer__``.
    learning_rate : float, default=1e-3
        Learning rate of the optimizer.
    loss : {"mse", "mae", "huber"} or keras loss, default="mse"
        Mean squared error (NumpyMLPRegressor's ``"squared_error"``), mean
        absolute error, or Huber with ``huber_delta``.
    huber_delta : float, default=1.0
        Threshold of the Huber loss.
    metrics : tuple of str, default=("mae",)
        Metrics recorded in ``history_``.
    epochs : int, default=50
    batch_size : int, default=32
    predict_batch_size : int, default=1024
        Batch size of ``predict`` and of the validation pass. ``predict`` hands
        Keras 256 such batches at a time, so its working memory stays bounded
        however long ``X`` is.
    validation_split : float in [0, 1), default=0.0
        Share of the rows, from the end, held out to report ``val_loss``.
    validation_gap : int, default=0
        Rows dropped between the training rows and the validation tail; dates on
        a panel.
    early_stopping : bool, default=False
        Stop when ``val_loss`` has not improved by ``tol`` for ``n_iter_no_change``
        epochs and restore the best weights. Needs ``validation_split > 0``.
    n_iter_no_change : int, default=10
        Keras's ``patience``.
    tol : float, default=1e-4
        Keras's ``min_delta``.
    dropout : float in [0, 1), default=0.0
        Dropout after each hidden layer.
    alpha : float, default=0.0
        L2 penalty, as NumpyMLPRegressor's: ``alpha / 2 * ||W||^2`` divided by the
        batch size is added to each batch's loss.
    l1_alpha : float, default=0.0
        L1 penalty: ``l1_alpha * |W|_1`` divided by the batch size.
    shuffle : bool, default=True
        Reshuffle the training rows every epoch.
    warm_start : bool, default=False
        Keep training the current model on the next ``fit``.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and shuffling.
    verbose : int, default=0
        Keras's progress bar: 0 none, 1 a bar, 2 a line per epoch (the compiled
        loop moves the bar once per epoch).
    steps_per_execution : int, default=1
        Batches per compiled call of Keras's own loop and of ``predict``
        (``compile``'s setting). The compiled loop runs a whole epoch per call.
    jit_compile : bool or "auto", default="auto"
        ``compile``'s XLA setting. The compiled loop XLA-compiles each batch's step
        when it is true; on JAX, ``False`` (eager steps) trains with Keras's loop.
    dtype : {"float32", "float64"} or None, default=None
        Precision of the network's weights and arithmetic. None follows ``X``:
        float32 input trains in float32, anything else in float64, as
        NumpyMLPRegressor does, except on JAX outside its x64 mode
        (``JAX_ENABLE_X64=1``), which has no float64. ``"float32"`` is Keras's
        (and the tutorial's) default and the fastest. Keras always sums the loss
        in float32 and rounds inputs to float32 on their way into ``predict``.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Called with Keras's logs. The compiled loop calls the epoch, train and
        test hooks as Keras's loop does, but the batch hooks once per epoch:
        ``on_train_batch_begin(0)``, then ``on_train_batch_end(n_batches - 1,
        logs)`` with the epoch's metrics (as Keras's loop does when
        ``steps_per_execution`` is the number of batches in an epoch). Callbacks
        that need every batch need ``training_loop="keras"``.
    standardize_target : bool, default=False
        Train on each target column standardised to zero mean and unit standard
        deviation over the training rows (not the validation tail; weighted by
        ``sample_weight``; a constant column keeps scale 1) and map ``predict``
        back to the original units. The statistics come from the first fit: a
        fresh ``fit`` recomputes them, ``partial_fit`` and a ``warm_start`` fit
        reuse them. The losses in ``history_`` (and those early stopping
        compares) are then in standardised units.
    training_loop : {"auto", "keras"}, default="auto"
        ``"auto"`` trains each epoch in one compiled call, on TensorFlow and JAX:
        the training rows are kept as tensors and a loop inside the call runs the
        model's own ``train_step`` over the epoch's batches (the batches, results
        and ``history_`` of Keras's loop, about ten times faster on the
        tutorial's network). It falls back to ``keras.Model.fit`` for a model
        whose class defines its own ``train_step`` or ``test_step``, a model
        compiled with ``run_eagerly=True``, a distribution strategy, ``fit__``
        arguments other than ``validation_freq``, and ``jit_compile=False`` on
        JAX. ``"keras"`` always
        trains with ``keras.Model.fit``. Either way Ctrl-C stops training with
        a warning, keeping the weights and history trained so far.

    Attributes
    ----------
    model_ : keras.Model
        The trained Keras model.
    history_ : dict of str to list of float
        Per-epoch ``loss``, ``val_loss`` and metrics.
    training_loop_ : {"compiled", "keras"}
        The loop that trained last: the compiled one or ``keras.Model.fit``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` had string column names.
    n_outputs_ : int
        Number of targets.
    target_mean_ : ndarray of shape (`n_outputs_`,)
        Mean subtracted from each target column before training: zeros unless
        ``standardize_target``.
    target_scale_ : ndarray of shape (`n_outputs_`,)
        Standard deviation each centred target column is divided by: ones unless
        ``standardize_target``.

    See Also
    --------
    NumpyMLPRegressor : The same network in NumPy, several times faster on CPU.
    """

    _parameter_constraints: dict = {
        **SHARED_CONSTRAINTS,
        "activation": [StrOptions(set(KERAS_ACTIVATIONS))],
        "output_activation": [StrOptions(set(KERAS_ACTIVATIONS))],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "loss": [StrOptions(KERAS_LOSSES), keras.losses.Loss, callable],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "predict_batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "steps_per_execution": [Interval(Integral, 1, None, closed="left")],
        "jit_compile": ["boolean", StrOptions({"auto"})],
        "dtype": [None, StrOptions({"float32", "float64"})],
        "standardize_target": ["boolean"],
        "training_loop": [StrOptions(TRAINING_LOOPS)],
    }
    # BaseWrapper reads these; they are not parameters of this estimator.
    build_fn = None
    run_eagerly = False

    def __init__(
        self,
        hidden_layer_sizes=(64, 32),
        activation="relu",
        output_activation="linear",
        *,
        model=None,
        optimizer="adam",
        learning_rate=1e-3,
        loss="mse",
        huber_delta=1.0,
        metrics=("mae",),
        epochs=50,
        batch_size=32,
        predict_batch_size=1024,
        validation_split=0.0,
        validation_gap=0,
        early_stopping=False,
        n_iter_no_change=10,
        tol=1e-4,
        dropout=0.0,
        alpha=0.0,
        l1_alpha=0.0,
        shuffle=True,
        warm_start=False,
        random_state=None,
        verbose=0,
        steps_per_execution=1,
        jit_compile="auto",
        dtype=None,
        callbacks=None,
        standardize_target=False,
        training_loop="auto",
        **kwargs,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output_activation = output_activation
        self.model = model
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.loss = loss
        self.huber_delta = huber_delta
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.predict_batch_size = predict_batch_size
        self.validation_split = validation_split
        self.validation_gap = validation_gap
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.dropout = dropout
        self.alpha = alpha
        self.l1_alpha = l1_alpha
        self.shuffle = shuffle
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.steps_per_execution = steps_per_execution
        self.jit_compile = jit_compile
        self.dtype = dtype
        self.callbacks = callbacks
        self.standardize_target = standardize_target
        self.training_loop = training_loop
        # routed parameters: model__*, optimizer__*, fit__*, callbacks__*, ...
        vars(self).update(**kwargs)
        if kwargs:
            self._user_params = set(kwargs)

    # ------------------------------------------------------------------ model
    def build_model(self, meta, compile_kwargs):
        """Build and compile the network; override it for another architecture.

        Parameters
        ----------
        meta : dict
            Fitted metadata, among which ``n_features_in_``, ``n_outputs_`` and
            ``X_dtype_``.
        compile_kwargs : dict
            Arguments for ``keras.Model.compile`` (optimizer, loss, metrics...).

        Returns
        -------
        keras.Model
            A compiled model mapping ``(n_samples, n_features_in_)`` inputs to
            ``(n_samples, n_outputs_)`` outputs.
        """
        regularizer = self._regularizer()
        dtype = self._dtype()
        seeds = layer_seeds(self._seed("build"))
        layers = [keras.Input(shape=(meta["n_features_in_"],), dtype=dtype)]
        for units in check_hidden_layer_sizes(self.hidden_layer_sizes):
            layers += dense_block(units, self.activation, regularizer, dtype,
                                  next(seeds))
            if self.dropout:
                layers.append(keras.layers.Dropout(self.dropout, dtype=dtype,
                                                   seed=next(seeds)))
        layers += dense_block(meta["n_outputs_"], self.output_activation, regularizer,
                              dtype, next(seeds))
        model = keras.Sequential(layers, name="mlp")
        model.compile(**compile_kwargs)
        return model

    def _keras_build_fn(self, meta, compile_kwargs):
        return self.build_model(meta, compile_kwargs)

    def _check_model_param(self):
        # BaseWrapper refuses a `model` argument when the class has a builder;
        # here a given `model` simply takes precedence over build_model.
        if self.model is None:
            return self._keras_build_fn
        if isinstance(self.model, keras.Model):
            return lambda: self.model
        if callable(self.model):
            return self.model
        raise TypeError(
            "model must be a keras.Model, a callable returning one, or None; got "
            f"{type(self.model).__name__}.")

    def _dtype(self):
        """The network's float dtype: ``dtype``, or the training data's if the
        backend has it (JAX has float64 only in its x64 mode)."""
        if self.dtype:
            return self.dtype
        if self.X_dtype_ == np.float64 and not float64_available():
            return "float32"
        return self.X_dtype_.name

    def _regularizer(self):
        if not (self.alpha or self.l1_alpha):
            return None
        return WeightPenalty(l1=self.l1_alpha / self.batch_size,
                             l2=self.alpha / (2 * self.batch_size))

    def _get_compile_kwargs(self):
        kwargs = super()._get_compile_kwargs()
        optimizer = kwargs["optimizer"]
        if not isinstance(self.optimizer, keras.optimizers.Optimizer) and \
                "optimizer__learning_rate" not in self.get_params():
            optimizer.learning_rate = self.learning_rate
        if isinstance(self.loss, str):
            kwargs["loss"] = make_loss(self.loss, self.huber_delta, self._dtype())
        kwargs["metrics"] = None if self.metrics is None else list(self.metrics)
        kwargs["steps_per_execution"] = self.steps_per_execution
        kwargs["jit_compile"] = self.jit_compile
        return kwargs

    # ------------------------------------------------------------- data checks
    def _initialize(self, X, y=None):
        # BaseWrapper's version also seeds TensorFlow globally; ours seeds only
        # Python's and NumPy's generators, and restores them (see local_seeds).
        self._random_state = None  # keeps BaseWrapper from seeding anything
        X, y = self._validate_data(X, y, reset=True)
        self.target_encoder_ = self.target_encoder.fit(y)
        self.feature_encoder_ = self.feature_encoder.fit(X)
        with local_seeds(self._seed("build")):
            self.model_ = self._build_keras_model()
        forget_eager_kernels()
        self._initialize_callbacks()
        # a new model: the identity until _fit_keras_model sees this first fit
        self.target_mean_ = np.zeros(self.n_outputs_)
        self.target_scale_ = np.ones(self.n_outputs_)
        self._new_target_scaling = True
        return X, y

    def _seed(self, purpose):
        """An int seed per purpose drawn from ``random_state``, or None."""
        if self.random_state is None:
            return None
        rng = check_random_state(self.random_state)
        if isinstance(self.random_state, np.random.RandomState):
            rng = np.random.RandomState()  # do not advance the user's generator
            rng.set_state(self.random_state.get_state())
        seeds = dict(zip(("build", "fit"), rng.randint(np.iinfo(np.int32).max, size=2),
                         strict=True))
        return int(seeds[purpose])

    def _validate_sample_weight(self, X, y, sample_weight):
        # BaseWrapper's version accepts negative weights; drop zero-weight rows
        # as it does, after scikit-learn's full check.
        sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype,
                                             ensure_non_negative=True)
        keep = sample_weight != 0
        if getattr(self, "_fit_dates", None) is not None:
            self._fit_dates = self._fit_dates[keep]
        return X[keep], y[keep], sample_weight[keep]

    def _validate_data(self, X=None, y=None, reset=False, y_numeric=False):
        """scikit-learn's checks: dtype, finiteness, feature count and names."""
        if X is None:  # BaseWrapper.score validates y alone
            return None, check_array(y, ensure_2d=False, dtype=_FLOATS)
        if y is None:
            return validate_data(self, X, reset=reset, dtype=_FLOATS), None
        X, y = validate_data(self, X, y, reset=reset, multi_output=True,
                             y_numeric=True, dtype=_FLOATS)
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if reset:
            self.X_dtype_ = X.dtype
            self.y_ndim_ = y.ndim
            self.n_outputs_ = n_outputs
        elif n_outputs != self.n_outputs_:
            raise ValueError(
                f"y has {n_outputs} output(s), but this {type(self).__name__} was "
                f"fitted with {self.n_outputs_}.")
        return X, y

    # ---------------------------------------------------------------- training
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build the network (unless ``warm_start``) and train it on ``X``, ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, rows in time order.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights, rescaled to mean 1 over the training rows
            and over the validation rows apart: ``val_loss`` in ``history_`` is
            the weighted mean over the validation rows, and the training loss
            over the training rows (per batch, Keras divides by the batch's
            rows). Multiplying every weight by a constant changes nothing.
        **kwargs
            ``keras.Model.fit`` arguments (see ``training_loop``).

        Returns
        -------
        self : KerasMLPRegressor
        """
        self._validate_params()
        _require_y(self, y)
        if self.early_stopping and not self.validation_split:
            raise ValueError(
                "early_stopping=True needs a validation set: set validation_split "
                "(for example 0.1) as well.")
        with kept_on_error(self):
            # a panel's dates, for _fit_keras_model's validation rows
            X, y, sample_weight, self._fit_dates = in_date_order(X, y, sample_weight)
            return super().fit(X, y, sample_weight=sample_weight, **kwargs)

    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train for one more epoch on ``X``, ``y``, keeping the current model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None
        **kwargs
            ``keras.Model.fit`` arguments (see ``training_loop``).

        Returns
        -------
        self : KerasMLPRegressor
        """
        self._validate_params()
        _require_y(self, y)
        with kept_on_error(self):
            X, y, sample_weight, self._fit_dates = in_date_order(X, y, sample_weight)
            return super().partial_fit(X, y, sample_weight=sample_weight, **kwargs)

    def _fit_keras_model(self, X, y, sample_weight, warm_start, epochs,
                         initial_epoch, **kwargs):
        seed = self._seed("fit")
        dates = vars(self).pop("_fit_dates", None)
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if vars(self).pop("_new_target_scaling", False) and self.standardize_target:
            self.target_mean_, self.target_scale_ = target_scaling(
                y, sample_weight, self.validation_split, self.validation_gap, dates)
        if _rescales(self):
            y = ((y - self.target_mean_) / self.target_scale_).astype(
                np.result_type(y.dtype, np.float32), copy=False)
        batches, validation = training_batches(
            X, y, sample_weight,
            self.validation_split, self.validation_gap, self.batch_size, self.shuffle,
            seed, dates)
        stopping = (self.n_iter_no_change, self.tol) if self.early_stopping else None
        with local_seeds(seed), compiled(self.model_, train=True) as model:
            history, self.training_loop_ = train(
                model, batches, validation, epochs=epochs,
                initial_epoch=initial_epoch, callbacks=self._fit_callbacks,
                stopping=stopping, verbose=self.verbose,
                validation_batch_size=self.predict_batch_size,
                fit_args={**fit_arguments(self.get_params()), **kwargs},
                training_loop=self.training_loop)
        if not warm_start or not hasattr(self, "history_") or initial_epoch == 0:
            self.history_ = defaultdict(list)
        for key, values in history.items():
            self.history_[key] += values
        losses = history.get("loss", [])
        if losses and not all(math.isfinite(v) for v in losses):
            raise diverged(losses[-1], len(losses),
                           f"Lower 'learning_rate', {SCALE_HINT}, or add a penalty "
                           "('alpha').")

    # --------------------------------------------------------------- inference
    def predict(self, X):
        """Predict with the trained network, in batches of ``predict_batch_size``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``y`` was 1-D at fit time; in ``X``'s dtype.
        """
        if not self.initialized_:
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call "
                "'fit' with appropriate arguments before using this estimator.")
        X, _ = self._validate_data(X, reset=False)
        # Keras converts whatever it is given at once; hand it bounded blocks.
        block = self.predict_batch_size * _BATCHES_PER_PREDICT_CALL
        with compiled(self.model_, train=False) as model:
            y_pred = np.concatenate([
                model.predict(X[start:start + block],
                              batch_size=self.predict_batch_size, verbose=0,
                              callbacks=self._predict_callbacks)
                for start in range(0, len(X), block)])
        if _rescales(self):
            y_pred = y_pred * self.target_scale_ + self.target_mean_
        # JAX without its x64 mode computes in float32 whatever the layers ask for
        y_pred = y_pred.astype(X.dtype, copy=False)
        check_finite_predictions(
            y_pred, X, f"Keras computes in float32 by default: {SCALE_HINT}.")
        return y_pred.ravel() if self.y_ndim_ == 1 else y_pred

    # ------------------------------------------------------------- persistence
    def __getstate__(self):
        """The estimator's state as plain data, the Keras model as ``.keras``
        bytes (see ``_keras_state.to_plain_state``)."""
        return to_plain_state(super().__getstate__())  # may be our own __dict__

    def __setstate__(self, state):
        super().__setstate__(from_plain_state(state))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.allow_nan = False
        return tags


def _rescales(estimator):
    """Whether the fitted target scaling is other than the identity."""
    # models saved before standardize_target existed have no scaling
    return bool(np.any(getattr(estimator, "target_mean_", 0) != 0)
                or np.any(getattr(estimator, "target_scale_", 1) != 1))


def _require_y(estimator, y):
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but "
                         "the target y is None.")
