"""Stochastic optimizers over one flat parameter buffer.

Both optimizers share scikit-learn's interface: ``update_params(params, grads)``
updates ``params`` in place, ``iteration_ends(time_step)`` runs the learning-rate
schedule after each epoch and ``trigger_stopping(msg, verbose)`` decides what
happens when the loss stops improving. Working on one contiguous array instead of a
list of per-layer arrays turns each update into a handful of vectorised calls, with
no allocation per step.
"""

import math

import numpy as np

from skquantnn._kernels import adam_update, sgd_update

#: Updates between two flushes of subnormal numbers to zero.
FLUSH_EVERY = 256


def flush_subnormals(*arrays):
    """Set the subnormal entries of ``arrays`` (nonzero, smaller in magnitude
    than the dtype's smallest normal number) to zero, in place.

    A penalised weight that gets no gradient from the data (a dead ReLU unit's)
    decays geometrically, and after tens of thousands of steps it is subnormal.
    CPUs compute with subnormal numbers many times slower: a weight matrix
    holding a few dozen of them made each forward pass about 5x slower in a
    10-million-row streaming fit. Their value is below any float's resolution of
    the other terms, so zero changes nothing else.
    """
    for a in arrays:
        np.copyto(a, 0, where=np.abs(a) < np.finfo(a.dtype).tiny)


class _Optimizer:
    """What both optimizers share: the learning rate, the stopping hooks and the
    flush of subnormal numbers every ``FLUSH_EVERY`` updates."""

    def __init__(self, params, learning_rate_init):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self._step = np.empty_like(params)
        self._updates = 0

    def _count_update(self, *state):
        """Count one update; every ``FLUSH_EVERY``-th, flush ``state``'s
        subnormal numbers."""
        self._updates += 1
        if self._updates % FLUSH_EVERY == 0:
            flush_subnormals(*state)

    #: Whether a plateau ends training (SGD's ``"adaptive"`` schedule instead
    #: lowers the learning rate and goes on).
    stops_on_plateau = True

    def keep_rows(self, rows):
        """Keep only the state of the members (rows of the parameter buffer)
        selected by ``rows``, for a run that goes on with those members."""
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray) and value.ndim == 2:
                setattr(self, name, np.ascontiguousarray(value[rows]))

    def accepts(self, params):
        """Whether this optimizer's state fits ``params`` (shape and dtype)."""
        return self._step.shape == params.shape and self._step.dtype == params.dtype

    def iteration_ends(self, time_step):
        """Update the learning rate after an epoch; nothing by default."""

    def trigger_stopping(self, msg, verbose):
        """Return True to stop training when the loss stops improving."""
        if verbose:
            print(msg + " Stopping.")
        return True


#: Where SGD's ``"adaptive"`` schedule stops: scikit-learn's 1e-6, halved because
#: the loss is twice scikit-learn's (the plain mean squared error, not half of
#: it), so that a step ``lr * g`` here is scikit-learn's step at ``2 * lr``.
#: With SGD's ``learning_rate_init`` halved, the schedule then stops at the
#: plateau where scikit-learn's does.
MIN_ADAPTIVE_LEARNING_RATE = 0.5e-6


class SGDOptimizer(_Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The flat parameter buffer; used for the shape and dtype of the state.
    learning_rate_init : float
        Initial step size.
    lr_schedule : {"constant", "invscaling", "adaptive"}
        ``"invscaling"``: ``learning_rate = learning_rate_init / (t + 1) ** power_t``
        after each epoch, ``t`` the number of samples seen. ``"adaptive"``: divide
        by 5 each time the loss stops improving, stop once it is at most
        ``MIN_ADAPTIVE_LEARNING_RATE``.
    momentum : float
        Momentum ``mu`` in ``v = mu * v - lr * g``.
    nesterov : bool
        Nesterov's update ``p += mu * v - lr * g`` instead of ``p += v``.
    power_t : float
        Exponent of the ``"invscaling"`` schedule.

    Attributes
    ----------
    learning_rate : float
        The current step size.
    velocities : ndarray of shape (n_params,)
    """

    def __init__(
        self,
        params,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        super().__init__(params, learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = np.zeros_like(params)
        self.stops_on_plateau = lr_schedule != "adaptive"

    def update_params(self, params, grads):
        """Take one step: ``v = mu v - lr g``; ``p += v`` (or ``mu v - lr g``)."""
        sgd_update(params, grads, self.velocities, self.learning_rate, self.momentum,
                   self.nesterov, self._step)
        self._count_update(params, self.velocities)

    def iteration_ends(self, time_step):
        """Update the learning rate after an epoch (``"invscaling"`` only)."""
        if self.lr_schedule == "invscaling":
            self.learning_rate = (
                self.learning_rate_init / (time_step + 1) ** self.power_t)

    def trigger_stopping(self, msg, verbose):
        """Return True to stop; the ``"adaptive"`` schedule first shrinks the rate."""
        if self.lr_schedule != "adaptive":
            return super().trigger_stopping(msg, verbose)
        if self.learning_rate <= MIN_ADAPTIVE_LEARNING_RATE:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.learning_rate:f}")
        return False


class AdamOptimizer(_Optimizer):
    """Adam (Kingma & Ba, 2014) with bias correction folded into the step size.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        The flat parameter buffer; used for the shape and dtype of the state.
    learning_rate_init : float
        Step size ``lr``.
    beta_1, beta_2 : float
        Decay rates of the first and second moment estimates.
    epsilon : float
        Added to ``sqrt(v)`` for numerical stability.

    Attributes
    ----------
    learning_rate : float
        The bias-corrected step size of the last update.
    t : int
        Number of updates taken.
    ms, vs : ndarray of shape (n_params,)
        First and second moment estimates.
    """

    def __init__(
        self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        super().__init__(params, learning_rate_init)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.t = 0
        # The moments are kept divided by (1 - beta): m_ = m / (1 - b1) follows
        # m_ = b1 m_ + g, one multiplication fewer per step for each moment.
        self._m = np.zeros_like(params)
        self._v = np.zeros_like(params)

    @property
    def ms(self):
        return self._m * (1 - self.beta_1)

    @property
    def vs(self):
        return self._v * (1 - self.beta_2)

    def update_params(self, params, grads):
        """One step: ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g**2``,
        ``p -= lr_t m / (sqrt(v) + eps)``, ``lr_t = lr sqrt(1 - b2**t) / (1 - b1**t)``.
        """
        self.t += 1
        self.learning_rate = (
            self.learning_rate_init
            * math.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        # m / (sqrt(v) + eps) with m = (1 - b1) m_ and v = (1 - b2) v_
        root = math.sqrt(1 - self.beta_2)
        adam_update(params, grads, self._m, self._v, self.beta_1, self.beta_2,
                    self.epsilon / root,
                    self.learning_rate * (1 - self.beta_1) / root, self._step)
        self._count_update(params, self._m, self._v)
