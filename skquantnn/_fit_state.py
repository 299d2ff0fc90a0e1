"""What one fit of NumpyMLPRegressor reads, where it starts, and what it records.

What the recorded attributes mean follows scikit-learn's ``MLPRegressor``:
``n_iter_`` counts the epochs of one call (a ``partial_fit`` runs one), while
``t_``, ``loss_curve_``, ``best_loss_``, ``validation_scores_`` and the stopping
rule's counter carry over warm-started fits and ``partial_fit`` calls.
"""

from dataclasses import dataclass, field, fields

import numpy as np


@dataclass(frozen=True)
class Settings:
    """The estimator's parameters that one fit reads, frozen when it starts.

    Each field has the meaning of the :class:`NumpyMLPRegressor` parameter of the
    same name; :meth:`of` takes them from ``get_params()``.
    """

    solver: str
    batch_size: object
    learning_rate: str
    learning_rate_init: float
    power_t: float
    momentum: float
    nesterovs_momentum: bool
    beta_1: float
    beta_2: float
    epsilon: float
    max_iter: int
    max_fun: int
    tol: float
    n_iter_no_change: float
    shuffle: bool
    dropout: float
    global_clipnorm: float | None
    verbose: bool
    early_stopping: object
    validation_fraction: float
    validation_gap: int
    cross_fit: str
    refit: object
    n_networks: int
    shrinkage: object
    standardize_target: bool
    skip_connection: bool
    skip_prior_variance: float | None
    soft_clip: float | None
    embedding: str | None
    n_bins: int
    screening_level: float | None
    max_hidden_features: int

    @classmethod
    def of(cls, params):
        """The settings among ``params`` (a dict with at least every field)."""
        return cls(**{f.name: params[f.name] for f in fields(cls)})


@dataclass(frozen=True)
class Network:
    """What one training run needs to know about the network and its penalty."""

    layout: object
    activation: str
    out_activation: str
    loss: str
    huber_delta: float
    alpha: float
    l1_alpha: float


@dataclass
class History:
    """Per-epoch record and stopping-rule state of the members' training.

    ``n_iter`` counts the epochs (or L-BFGS iterations) of the current call only;
    everything else carries over a warm start. Scores and counters are per member
    with early stopping (each member keeps its own best epoch), and of the
    members' average training loss without.
    """

    loss_curve: list = field(default_factory=list)
    validation_scores: list | None = None
    validation_loss_curve: list | None = None
    best_loss: float | None = np.inf
    best_validation_score: np.ndarray | None = None
    no_improvement_count: np.ndarray | int = 0
    n_iter: int = 0
    t: int = 0
    loss: float | None = None
    best_theta: np.ndarray | None = None
    best_epoch: np.ndarray | None = None
    interrupted: bool = False

    def watch(self, watching, n_networks):
        """Make the record fit the run: validation lists when early stopping
        watches held-out rows (new ones if the previous fit had none), a best
        training loss when it does not."""
        if watching and self.validation_scores is None:
            self.validation_scores, self.validation_loss_curve = [], []
            self.best_validation_score = np.full(n_networks, -np.inf)
            self.no_improvement_count = np.zeros(n_networks, dtype=int)
            self.best_loss = None
        elif not watching and self.best_loss is None:
            self.best_loss = np.inf
            self.no_improvement_count = 0
        return self


@dataclass
class Start:
    """Where a fit starts from.

    Attributes
    ----------
    theta : ndarray of shape (n_networks, n_params)
        The members' parameters; trained in place.
    history : History or None
        The record to continue (a warm start or ``partial_fit``), or None for a
        fresh one.
    optimizer : SGDOptimizer, AdamOptimizer or None
        The optimizer ``partial_fit`` continues, or None for a new one (a fit,
        warm-started or not, starts a new optimizer, as scikit-learn's does).
    """

    theta: np.ndarray
    history: History | None = None
    optimizer: object = None
