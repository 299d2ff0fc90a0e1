"""NumpyMLPRegressor: the scikit-learn glue around the from-scratch network."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    _check_sample_weight,
    validate_data,
)

from skquantnn._activations import (
    ACTIVATION_ALIASES,
    ACTIVATIONS,
    LOSS_FUNCTIONS,
    canonical_activation,
)
from skquantnn._combine import LinearPart, plan_fit, train_parts
from skquantnn._fit_state import Network, Settings, Start
from skquantnn._fitted import FittedNetworks
from skquantnn._network import FlatLayout, init_members
from skquantnn._panel import in_date_order
from skquantnn._refit import refit_epochs, refit_members
from skquantnn._validation import (
    SHARED_CONSTRAINTS,
    check_finite_predictions,
    check_hidden_layer_sizes,
)

_ACTIVATION_NAMES = set(ACTIVATIONS) | set(ACTIVATION_ALIASES)

#: The settings that make :class:`NumpyMLPRegressor` the network of
#: scikit-learn's ``MLPRegressor`` (and of this package's first release): one
#: network on the raw target and every input as it is, no skip connection, no
#: clipping, no shrinkage, no early stopping, no refit; the hidden layers stay
#: the tutorial's (64, 32) unless ``hidden_layer_sizes=(100,)`` is passed too.
#: ``NumpyMLPRegressor(**SKLEARN_MLP_PARAMS)``.
SKLEARN_MLP_PARAMS = {
    "n_networks": 1,
    "standardize_target": False,
    "skip_connection": False,
    "soft_clip": None,
    "embedding": None,
    "screening_level": None,
    "shrinkage": None,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "refit": False,
}


class NumpyMLPRegressor(FittedNetworks, RegressorMixin, BaseEstimator):
    """Multilayer perceptron regressor written from scratch in NumPy.

    scikit-learn's ``MLPRegressor`` parameter and attribute names, trained several
    times faster, with chronological validation, and by default a recipe for
    noisy financial series: the forecast is a ridge regression (the skip
    connection) plus the average of ``n_networks`` networks trained on what it
    leaves. The networks see only the inputs that pass a screen for non-linear
    evidence (an interaction with another input, or a shape), each encoded
    piecewise-linearly and bounded to the training range; they learn a
    standardised target, stop early on held-out rows (the last rows of a series;
    on a panel, or a series under 100 rows, cross-fitted blocks), and their
    share is shrunk by how much they helped on rows that took no part in their
    training; on a series they are then trained again on every row
    (``refit``). The
    model can do little worse than a tuned linear one, and falls back to it
    when the networks find nothing. ``NumpyMLPRegressor(**SKLEARN_MLP_PARAMS)``
    is scikit-learn's network (one network on the raw target and inputs, no
    early stopping): ``predict`` uses ``coefs_`` and ``intercepts_``, the fitted
    attributes count as scikit-learn's, and on a loss twice scikit-learn's (see
    ``alpha``) it takes scikit-learn's steps.

    .. important:: **Early stopping holds out the LAST rows, not a random sample.**
       With ``early_stopping=True`` the validation set is the last
       ``validation_fraction`` of the rows in the order given (as Keras's
       ``validation_split``), optionally after an embargo of ``validation_gap``
       rows. scikit-learn's ``MLPRegressor`` draws a shuffled sample instead,
       which on time series lets the model train on the future of its validation
       rows. Pass rows in time order.

       On a panel, ``X`` a DataFrame whose index's first level (or
       ``DatetimeIndex``) holds the dates, the held-out rows are whole dates: the
       rows are put in date order, every cut falls between two dates, and
       ``validation_gap`` counts dates. In a ``Pipeline``, call
       ``set_output(transform="pandas")`` so that the index reaches the network.
       With several networks a panel's dates are cut into blocks instead, each
       network holding out one (``cross_fit``): every network then trains on
       dates on both sides of its block, all of them before the forecasts the
       fitted model makes.

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
        full-batch loss with SciPy's L-BFGS-B and the analytic gradient, one run
        per member (its own line searches, curvature memory and ``max_fun``).
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        ``"squared_error"`` is the plain mean squared error ``mean((y_pred - y)**2)``
        (Keras's ``"mse"``; scikit-learn's MLP minimises half of it), so loss
        curves compare with :class:`KerasMLPRegressor`'s. ``"huber"`` is quadratic
        within ``huber_delta`` and linear outside, for fat-tailed targets.
    huber_delta : float, default=1.0
        Threshold of the Huber loss, in units of the target.
    alpha : float, default=1e-4
        L2 penalty: ``alpha / 2 * ||W||^2 / n_samples`` is added to the loss,
        scikit-learn's term. Intercepts are not penalised. The data term it is
        added to is the plain mean squared error, twice scikit-learn's, so the
        same ``alpha`` weighs half as much against the fit: ``alpha=2a`` here
        with ``epsilon`` and ``tol`` doubled (and SGD's ``learning_rate_init``
        halved) is scikit-learn's ``alpha=a``, step for step, on a loss twice
        its own (on one output; see the README's "Differences" for several).
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
        Learning-rate schedule of ``solver="sgd"``, as in scikit-learn;
        ``"adaptive"`` stops once the rate is at most 5e-7 (scikit-learn's 1e-6
        on a loss half ours).
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
        Start ``fit`` from the current weights (``members_coefs_``, as the
        previous fit left them or as you set them; ``coefs_`` assigned to an
        unfitted estimator starts every member). As in scikit-learn, the
        optimizer starts afresh, ``n_iter_`` counts the new fit's epochs, and
        ``t_``, ``loss_curve_``, ``best_loss_`` and the validation record carry
        on.
    momentum : float in [0, 1], default=0.9
        Momentum of ``"sgd"``.
    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``"sgd"``.
    early_stopping : bool or "auto", default="auto"
        Hold out the chronological tail (see the note above) and stop each member
        when its R^2 there has not improved by ``tol`` for ``n_iter_no_change``
        epochs; each member's best weights are restored at the end. Stochastic
        solvers only. With ``shrinkage="auto"`` the tail is cut in two halves:
        one network stops on the older half and is weighed on the newer one;
        several are cross-fitted, the even members stopping on the older half and
        the odd ones on the newer, and each half weighs the members that did not
        stop on it (see ``shrinkage``). On a panel several networks hold out
        blocks of dates instead (see ``cross_fit``), and so do the rows of a
        series too short for its tail to weigh them. ``"auto"`` stops early
        when the stopping rows number at least 20 (with blocks, 10 in each
        block), and trains on every row otherwise; ``True`` always holds them
        out (scikit-learn's default is False).
    validation_fraction : float in (0, 1), default=0.2
        Share of the rows, taken from the end, held out for early stopping and
        for weighing the hidden layers (scikit-learn's default is 0.1). With
        ``cross_fit`` blocks, the rows are cut into ``round(1 /
        validation_fraction)`` blocks and each network holds out one.
    validation_gap : int, default=0
        Rows dropped between the training part and the validation tail (an
        embargo, for targets that overlap in time); dates on a panel. A network
        that holds out a block (``cross_fit``) does not train on this many dates
        on either side of it. On a series with ``validation_gap > 0``, the skip
        connection's penalty is chosen as a panel's, on ten folds of
        consecutive rows each left out with this many rows on either side (not
        by leave-one-out, which overlapping targets flatter), and the networks'
        weight (see ``shrinkage``) counts every ``validation_gap + 1`` held-out
        rows as one observation: for a target summed over the next ``h``
        periods, set ``validation_gap=h - 1``.
    cross_fit : {"auto", "blocks", "tail"}, default="auto"
        What several networks trained by ``"adam"`` or ``"sgd"`` with early
        stopping hold out. ``"tail"``: the last rows, in two halves (see
        ``early_stopping``). ``"blocks"``: the rows are cut into ``round(1 /
        validation_fraction)`` contiguous blocks (5 by default; whole dates on a
        panel), and network ``k`` holds out block ``n_blocks - 1 - k %
        n_blocks``, the newest first: it trains on every other row, stops early
        on its block, and is weighed on it (see ``shrinkage``). Every row then
        trains most of the networks, and with ``n_networks >= n_blocks`` every
        row also judges them: on a panel of 120 months, 120 months weigh the
        networks instead of 24, and each network stops on 24 months instead of
        12. The skip connection and the screen are then fitted on every row.
        The networks still train in one vectorised pass: each batch gathers
        every network's own rows (a network with fewer rows than the others
        repeats a few to keep step). ``"auto"`` is ``"blocks"`` on a panel
        (``X`` with dates that several rows share, see the note above) and
        ``"tail"`` on a series: all rows of a date share its market and factor
        shocks, so a panel's tail of a year or two of dates is little evidence,
        while a series' tail has as many independent rows as dates; on the real
        series of the README, blocks gained nowhere more than 0.005 and lost on
        a short sample of interest-rate levels and on Mishkin's inflation data.
        A series whose tail has fewer than 20 rows (fewer than 100 rows with
        the default ``validation_fraction``) is cut into blocks too: its tail
        could not weigh the networks, and all its rows can (from 50 rows, blocks
        of 10; with ``validation_gap``, when its rows make 20 observations, see
        ``shrinkage``). Blocks of fewer than 10 rows, or whose embargo would
        leave a network fewer than 10 rows to train on (rows of weight 0 do not
        count), fall back to the tail;
        one network, ``"lbfgs"`` or no early stopping always use the tail.
    refit : "auto" or bool, default="auto"
        Once the held-out rows have stopped and weighed the networks, draw the
        networks anew and train each on every row for the epochs early stopping
        chose for it (its best epoch, ``refit_epochs_``; the epochs run when
        nothing stopped early), with its inputs screened and encoded on every
        row; the weight ``1 - shrinkage_`` is kept. With the tail
        (``cross_fit="tail"``) the newest rows otherwise train no network, and
        on a series they are the most recent past; with blocks on a short series
        each network has not trained on a fifth of it. ``"auto"`` refits on a
        series, not after a panel's blocks, where every date trains most
        networks already; True refits there too. There is no refit when the
        networks' weight is 0 (the forecast is the linear part), with
        ``"lbfgs"``, in a warm-started fit or ``partial_fit`` (they go on with
        the networks they have), or when nothing was held out. It trains the
        networks twice. ``loss_curve_``, ``n_iter_`` and the validation curves
        are those of the early-stopped training.
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Decay rates of Adam's moment estimates.
    epsilon : float, default=1e-8
        Adam's numerical-stability constant.
    n_iter_no_change : int or np.inf, default=10
        Epochs without improvement before stopping (or, with the ``"adaptive"``
        schedule, before dividing the learning rate by 5). With early stopping
        each network stops at its own count and is no longer trained; the
        others go on, exactly as they would have, until the last one stops.
    max_fun : int, default=15000
        Maximum number of loss evaluations of L-BFGS.
    predict_batch_size : int, default=65536
        Rows ``predict`` pushes through the network at a time: its working memory
        is this many rows times the widest layer, however long ``X`` is. With
        several networks each takes ``predict_batch_size // n_networks`` rows at a
        time, so the memory stays the same.
    n_networks : int, default=5
        Members trained side by side from different initial weights on the same
        batches, in one vectorised pass (stacked weights, batched matrix
        products); the forecast is their average. Averaging removes most of a
        single network's seed-to-seed noise, which on financial data is a large
        part of its error. Members are independent (each has its own loss,
        gradient, optimizer state, best epoch, patience and L-BFGS run) and
        share the mini-batches (with ``cross_fit`` blocks, each batch holds
        each member's own rows). Member 0 starts from the weights a lone network
        with the same ``random_state`` draws, and with ``shuffle=False`` trains
        as that network, step for step; member ``k`` starts from the draws that follow
        in the same stream, not from those of ``random_state=k``. Five gave the
        same out-of-sample R^2 as eight on the real series of
        ``benchmarks/bench_real_data.py``, in 40% less time.
    standardize_target : bool, default=True
        Train on each target column scaled to zero mean and unit variance over
        the training rows (RealMLP's ``normalize_output``), and map forecasts
        back. Losses (``loss_``, ``loss_curve_``, ``validation_loss_curve_``) are
        then in these standardised units, and ``huber_delta`` counts standard
        deviations.
    skip_connection : bool, default=True
        Add a linear path from the inputs to the output: a ridge regression,
        fitted first in closed form (``skip_coef_``, ``skip_alpha_``); the hidden
        layers then learn only what it leaves, and their output layer starts at
        zero, so each member starts from the linear forecast. The penalty is
        chosen by exact leave-one-out error, or on a panel (``X`` indexed by
        date and asset) on ten folds of whole, consecutive dates, since leaving
        out one row leaves its date's market shock in: there the largest
        penalty within one standard error of the best (the standard error of
        the fold-by-fold difference from the best), because ten folds of
        shared shocks reward fitting factors' realised premia by chance (on a
        series with ``validation_gap > 0``, the same on folds of consecutive
        rows with that embargo); and it is at least ``skip_prior_variance``'s
        floor. After the hidden layers
        are weighed it is refitted on every row, the held-out tail included, so
        the most recent rows shape the forecast (with ``cross_fit`` blocks it
        is fitted on every row from the start). The model nests a linear one:
        it can do little worse than a tuned ridge regression.
    skip_prior_variance : float or None, default=0.025
        The skip connection's penalty is at least ``sigma^2 / skip_prior_variance``,
        ``sigma^2`` the residual variance of the standardised target: the penalty
        of a prior ``N(0, skip_prior_variance)`` on each coefficient of a
        standardised input. With hundreds of rows per input the data outweigh it;
        on a few dozen rows it keeps a regression on trending levels from
        forecasting far outside anything seen, which cross-validation on those
        rows does not see coming (see the README's "Real data"). On a series
        (not a panel) an input that is the target's previous value, row by row
        (a correlation above 0.999 with the target one row earlier), keeps the
        cross-validated penalty: persistence makes the series' own last value
        informative, as Litterman's Minnesota prior has it. ``skip_alpha_`` is
        then the other inputs' penalty. Sample weights count as repeated rows.
        None sets no floor.
    soft_clip : float or None, default=None
        The hidden layers see each input ``x`` as ``x / sqrt(1 + (x/c)^2)``,
        ``c = soft_clip`` (RealMLP's smooth clipping), before anything else of
        their input stage. Expects standardised inputs, as after a
        ``StandardScaler``. The piecewise-linear ``embedding`` already bounds
        what the hidden layers see; ``soft_clip`` is for ``embedding=None``,
        where an input far outside the training range could push the network
        into wild extrapolation (the skip connection still sees ``x``).
    embedding : {"piecewise_linear"} or None, default="piecewise_linear"
        How the hidden layers see each chosen input ``x``: as ``n_bins + 1``
        columns, ``x`` clipped to its training range and the piecewise-linear
        encoding of Gorishniy et al. (2022), ``e_t = clip((x - b_{t-1}) / (b_t -
        b_{t-1}), 0, 1)`` with edges ``b_0 < ... < b_T`` the quantiles of the
        training rows (``embedding_edges_``). A layer on it is any
        piecewise-linear function of ``x``, so thresholds and curvature, which
        trees find easily, are one layer away; and beyond the training range the
        encoding is constant, so the network does not extrapolate. None feeds
        ``x`` as it is.
    n_bins : int, default=8
        Bins of the encoding, and of the screen's shape test.
    screening_level : float in (0, 1) or None, default=0.01
        The hidden layers see only the inputs with significant evidence of a
        non-linear effect in what the skip connection leaves on the training
        rows: the correlation of the residual with the product of two
        standardised inputs (an interaction), or its fit on an input's bins (a
        shape), significant at this family-wise level after Bonferroni's
        correction for every pair and input tested (``hidden_features_``). On
        noisy data a network with many irrelevant inputs fits noise long before
        it finds a weak signal; trees avoid it by splitting on one input at a
        time. When no input passes, the hidden layers are not trained and the
        forecast is the linear part. None gives the hidden layers every input.
    max_hidden_features : int, default=16
        At most this many inputs (the most significant) pass the screen.
    shrinkage : "auto", float in [0, 1] or None, default="auto"
        How much of the hidden layers' forecast to drop: the forecast is the
        linear part (skip connection, or the training mean without one) plus
        ``1 - shrinkage`` times the members' average. ``"auto"`` chooses it per
        output on held-out rows that played no part in training or stopping: the
        least-squares weight of the hidden layers' forecast there, shrunk like a
        James-Stein estimate by the fit that chance alone would give
        (``GAIN_PENALTY`` residual variances). With one network these are the
        newer half of the held-out tail; with several, every row of the tail,
        each forecast by the average of the members that did not stop on it
        (see ``early_stopping``), so that twice as many rows, or dates of a
        panel, decide the weight. With ``cross_fit`` blocks, every row of the
        blocks the networks hold out, each forecast by the networks that held it
        out (they stopped on it, but never trained on it). Weighing needs 20
        rows (on a series, 20 times ``validation_gap + 1``, and chance is
        counted once per ``validation_gap + 1`` rows); with fewer, the weight is
        0 and the forecast is the linear part. A series whose tail is shorter
        is weighed on blocks (see ``cross_fit``).
        A tail too short to give each half 20 rows only weighs (on every row of
        it; nothing stops early).
        None keeps the whole network forecast (no shrinkage, nothing held out).

    Attributes
    ----------
    coefs_ : list of ndarray of shape (n_in, n_out)
        Weight matrix of each layer of member 0; with one network, the network.
        Views into ``members_coefs_`` that write through: editing them in place,
        assigning a layer (``coefs_[i] = W``) or the whole list changes what
        ``predict``, ``partial_fit`` and a warm-started ``fit`` use, as in
        scikit-learn (with one network, any shapes). With several networks it
        changes member 0 only, within its shapes; set ``members_coefs_`` to
        change every member.
    intercepts_ : list of ndarray of shape (n_out,)
        Bias vector of each layer of member 0, as ``coefs_``.
    members_coefs_ : list of ndarray of shape (n_networks, n_in, n_out)
        Every member's weights, layer by layer: the estimator's one copy of them
        (``coefs_[i]`` is ``members_coefs_[i][0]``). Setting it sets every
        member; a warm start needs 1 or ``n_networks`` members (one is copied
        to each).
    members_intercepts_ : list of ndarray of shape (n_networks, n_out)
        Every member's biases, as ``members_coefs_``.
    target_mean_, target_scale_ : ndarray of shape (n_outputs,)
        What the network's output is scaled back with (the training rows' mean
        and standard deviation with ``standardize_target``; 0 and 1 with no
        standardisation and no anchor to shrink toward).
    skip_coef_ : ndarray of shape (n_features, n_outputs)
        The skip connection's weights in the target's units (zeros without one).
    skip_intercept_ : ndarray of shape (n_outputs,)
        The linear part's intercept in the target's units: the forecast when the
        hidden layers' weight is 0 and ``x = 0``.
    skip_alpha_ : float or None
        The ridge penalty the skip connection's refit chose; None without one.
    shrinkage_ : ndarray of shape (n_outputs,)
        The shrinkage applied to the hidden layers' forecast, per output (1 when
        no input passed the screen).
    hidden_features_ : ndarray of int of shape (n_hidden_features,) or None
        The columns of ``X`` the hidden layers see, most significant first
        (possibly none); None when they see every column
        (``screening_level=None``). A warm start and ``partial_fit`` keep them.
    embedding_edges_ : ndarray of shape (n_bins + 1, n_hidden_features) or None
        The piecewise-linear encoding's bin edges for each of
        ``hidden_features_``, from the training rows; None without an embedding.
        The first layer's ``coefs_[0]`` has ``n_bins + 1`` rows per hidden
        feature: the clipped value, then its bins.
    loss_ : float
        Training loss (with penalties) of the last epoch, or L-BFGS's final loss,
        averaged over the members.
    best_loss_ : float or None
        Lowest training loss since the first fit (warm starts and
        ``partial_fit`` carry it on); None with early stopping.
    loss_curve_ : list of float
        Training loss per epoch (per iteration for L-BFGS, a member that finished
        earlier counting with its final loss), penalties included, averaged over
        the members (with early stopping, those still training), and appended to
        by warm-started fits and ``partial_fit``;
        in standardised units with ``standardize_target``, and of what the
        hidden layers learn (the target less the skip connection's forecast)
        with ``skip_connection``.
    validation_loss_curve_ : list of float or None
        Loss on the stopping rows per epoch, without penalties, in the same units,
        averaged over the members still training (each on its own rows when they
        are cross-fitted, see ``early_stopping`` and ``cross_fit``); None without
        early stopping.
    validation_scores_ : list of float or None
        R^2 on the stopping rows per epoch of what the hidden layers learn,
        averaged over the members still training (each on its own rows; carried over
        warm starts); None without early stopping.
    best_validation_score_ : float or None
        Mean over the members of each one's best validation R^2.
    refit_epochs_ : ndarray of int of shape (n_networks,) or None
        Epochs each network trained on every row in the refit (see ``refit``);
        None when the last call did not refit.
    t_ : int
        Number of training rows the stochastic solvers have seen since the first
        fit (warm starts and ``partial_fit`` add to it; L-BFGS does not).
    n_iter_ : int
        Number of epochs the last call ran (1 for ``partial_fit``), as
        scikit-learn counts: with early stopping, until the last member stopped;
        for L-BFGS, the most iterations a member ran.
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
        "early_stopping": [StrOptions({"auto"}), "boolean"],
        "cross_fit": [StrOptions({"auto", "blocks", "tail"})],
        "refit": [StrOptions({"auto"}), "boolean"],
        "n_networks": [Interval(Integral, 1, None, closed="left")],
        "standardize_target": ["boolean"],
        "skip_connection": ["boolean"],
        "skip_prior_variance": [None, Interval(Real, 0, None, closed="neither")],
        "soft_clip": [None, Interval(Real, 0, None, closed="neither")],
        "embedding": [None, StrOptions({"piecewise_linear"})],
        "n_bins": [Interval(Integral, 1, None, closed="left")],
        "screening_level": [None, Interval(Real, 0, 1, closed="neither")],
        "max_hidden_features": [Interval(Integral, 1, None, closed="left")],
        "shrinkage": [None, StrOptions({"auto"}), Interval(Real, 0, 1, closed="both")],
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
        early_stopping="auto",
        validation_fraction=0.2,
        validation_gap=0,
        cross_fit="auto",
        refit="auto",
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        predict_batch_size=65_536,
        n_networks=5,
        standardize_target=True,
        skip_connection=True,
        skip_prior_variance=0.025,
        soft_clip=None,
        embedding="piecewise_linear",
        n_bins=8,
        screening_level=0.01,
        max_hidden_features=16,
        shrinkage="auto",
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
        self.cross_fit = cross_fit
        self.refit = refit
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.predict_batch_size = predict_batch_size
        self.n_networks = n_networks
        self.standardize_target = standardize_target
        self.skip_connection = skip_connection
        self.skip_prior_variance = skip_prior_variance
        self.soft_clip = soft_clip
        self.embedding = embedding
        self.n_bins = n_bins
        self.screening_level = screening_level
        self.max_hidden_features = max_hidden_features
        self.shrinkage = shrinkage

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
            weights it had before the call. Ctrl-C during the epochs of
            ``"sgd"`` or ``"adam"`` ends them with the warning "Training
            interrupted by user." and keeps what they learned, as scikit-learn's
            ``MLPRegressor`` (with ``"lbfgs"`` it raises, as scikit-learn's).
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
        Nothing is held out: ``early_stopping="auto"`` is ignored and the
        shrinkage is not re-estimated (a first call uses none). The first call
        fits the target scaling and the skip connection on its chunk; later
        calls keep them and train the hidden layers on.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : NumpyMLPRegressor
        """
        if self.early_stopping is True:
            raise ValueError(
                "partial_fit does not support early_stopping=True: hold out your "
                "own chronological validation chunk instead."
            )
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X, return_std=False):
        """Predict with the fitted model, ``predict_batch_size`` rows at a time.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return the spread of the members' forecasts: the standard
            deviation over the ``n_networks`` members of each one's forecast
            (0 with one network), scikit-learn's convention of
            ``GaussianProcessRegressor`` and ``BayesianRidge``. It measures how
            much the fit depends on the initial weights, not the noise in ``y``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``y`` was 1-D at fit time.
        y_std : ndarray of the same shape as ``y_pred``
            Only with ``return_std=True``.
        """
        if "members_coefs_" not in vars(self):  # check_is_fitted's error, sooner
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator.")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        # every member holds a block's hidden layers: fewer rows per member
        rows = max(1, self.predict_batch_size // len(self.members_coefs_[0]))
        scale, shrinkage = self.target_scale_, self.shrinkage_
        # one output: a Python float, cheaper on the one-row calls of production
        weight = (float(scale[0]) * (1.0 - float(shrinkage[0])) if len(scale) == 1
                  else self._network_weight())
        # Overflow is reported below as one clear error, not as NumPy warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            if X.shape[0] <= rows:
                y_pred, y_std = self._predict_block(X, weight, return_std)
            else:
                blocks = [self._predict_block(X[start:start + rows], weight,
                                              return_std)
                          for start in range(0, X.shape[0], rows)]
                y_pred = np.concatenate([block[0] for block in blocks])
                y_std = (np.concatenate([block[1] for block in blocks])
                         if return_std else None)
        check_finite_predictions(
            y_pred, X, "Scale the inputs the way the training data was scaled.")
        if self._y_1d:
            y_pred, y_std = y_pred.ravel(), None if y_std is None else y_std.ravel()
        return (y_pred, y_std) if return_std else y_pred

    # ------------------------------------------------------------ training
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
        fitted = "members_coefs_" in vars(self)
        first_pass = not fitted or not (self.warm_start or incremental)
        X, y, sample_weight, dates = in_date_order(X, y, sample_weight)
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True,
                             dtype=(np.float64, np.float32),
                             reset=first_pass or not hasattr(self, "n_features_in_"))
        Y = (y.reshape(-1, 1) if y.ndim == 1 else y).astype(X.dtype, copy=False)
        sw = sample_weight
        if sw is not None:
            sw = _check_sample_weight(sw, X, dtype=X.dtype, ensure_non_negative=True)
        rng = check_random_state(self.random_state)
        settings = Settings.of(self.get_params())
        # partial_fit keeps the first call's target scaling, skip and shrinkage;
        # a warm start or a partial_fit keeps what the hidden layers see
        kept = ((LinearPart.of(self), self.shrinkage_)
                if incremental and "target_mean_" in vars(self) else None)
        inputs = (self._hidden_inputs()
                  if not first_pass and "hidden_features_" in vars(self) else None)

        with np.errstate(over="ignore", invalid="ignore"):
            # A diverging loss is reported as one clear error by the loops.
            plan = plan_fit(settings, X, Y, sw, incremental, kept, inputs, dates)
            n_inputs = plan.inputs.n_columns(X.shape[1])
            net = self._network([n_inputs, *hidden, Y.shape[1]])
            if first_pass:
                start = Start(init_members(
                    net.layout, self.n_networks, net.activation, rng, X.dtype,
                    zero_output=self.skip_connection))
            else:
                start = self._continuation(net.layout, X.dtype, incremental)
            theta, optimizer, history, linear, shrinkage = train_parts(
                settings, net, start, plan, X, Y, sw, rng, incremental, kept, dates)
            inputs = plan.inputs
            epochs = refit_epochs(settings, plan, history, shrinkage, len(X),
                                  first_pass=first_pass, incremental=incremental)
            refitted = None if epochs is None else refit_members(
                settings, X, Y, sw, linear, epochs, self._network, hidden, rng,
                self.skip_connection)
            if refitted is None:
                epochs = None
            else:
                net, inputs, theta, optimizer, rows_seen = refitted
                history.t += rows_seen

        # Commit only now: an exception above leaves the previous fit untouched.
        self._commit(net, inputs, theta, optimizer, history, linear, shrinkage,
                     y.ndim == 1)
        self.refit_epochs_ = epochs
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
