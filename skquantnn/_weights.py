"""The fitted weights as a user sees them, kept once.

``members_coefs_`` and ``members_intercepts_`` hold every member's layers, with a
leading member axis; they are what ``predict`` and the next warm-started ``fit`` or
``partial_fit`` use. ``coefs_`` and ``intercepts_`` are member 0's layers, derived
from them and writing through to them:

- with one network they are the network, as scikit-learn's ``MLPRegressor``'s:
  editing an array in place, assigning a layer (``coefs_[0] = W``) or the whole
  list (``coefs_ = [...]``, any shapes) changes what ``predict`` uses;
- with several networks they are member 0: the same edits change member 0 only
  (arrays of the shapes it has); set ``members_coefs_`` to change every member.
"""

from itertools import pairwise

import numpy as np


class MemberZeroLayers(list):
    """Member 0's layers: views into the stacked arrays, and assigning an item
    writes member 0's layer.

    Parameters
    ----------
    stacked : list of ndarray of shape (n_networks, ...)
        The estimator's ``members_coefs_`` or ``members_intercepts_``, changed in
        place by item assignment.
    name : str
        The public name (``"coefs_"`` or ``"intercepts_"``), for error messages.
    """

    def __init__(self, stacked, name):
        super().__init__(layer[0] for layer in stacked)
        self._stacked, self._name = stacked, name

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            raise TypeError(f"assign the layers of {self._name} one at a time, or "
                            "the whole list")
        value = np.asarray(value)
        if len(self._stacked[index]) == 1:
            self._stacked[index] = value[None]      # a view: any shape, as sklearn
        else:
            _check_shape(value, self._stacked[index], self._name)
            self._stacked[index][0] = value
        super().__setitem__(index, self._stacked[index][0])


def _check_shape(value, layer, name):
    if value.shape != layer.shape[1:]:
        raise ValueError(
            f"With {len(layer)} networks, {name} is member 0 of members_{name} and "
            f"keeps its shape {layer.shape[1:]}, got {value.shape}. Set "
            f"members_{name} to change every member's layers.")


def with_member_zero(stacked, layers, name):
    """The stacked layers once member 0's are set to ``layers``.

    Parameters
    ----------
    stacked : list of ndarray of shape (n_networks, ...) or None
        The current ``members_coefs_`` (or intercepts); None before any fit.
    layers : list of array-like
    name : str

    Returns
    -------
    list of ndarray of shape (n_networks, ...)
        With one network (or none yet), views of the given arrays with a member
        axis, whatever their shapes; with several, ``stacked`` with member 0
        overwritten.
    """
    layers = [np.asarray(layer) for layer in layers]
    if stacked is None or len(stacked[0]) == 1:
        return [layer[None] for layer in layers]
    if len(layers) != len(stacked):
        raise ValueError(
            f"With {len(stacked[0])} networks, {name} is member 0 of members_{name}: "
            f"it has {len(stacked)} layers, got {len(layers)}. Set members_{name} "
            "to change every member's layers.")
    for layer, current in zip(layers, stacked, strict=True):
        _check_shape(layer, current, name)
    for layer, current in zip(layers, stacked, strict=True):
        current[0] = layer
    return stacked


def stacked_start(coefs, intercepts, layout, n_networks, dtype):
    """The flat start of a warm-started fit or ``partial_fit`` from the stored
    layers: every stored member, or the one stored network copied to each.

    Parameters
    ----------
    coefs, intercepts : list of ndarray
        ``members_coefs_`` and ``members_intercepts_``.
    layout : FlatLayout
    n_networks : int
    dtype : numpy dtype

    Returns
    -------
    ndarray of shape (n_networks, n_params)

    Raises
    ------
    ValueError
        Layers of other shapes than the data and ``hidden_layer_sizes`` ask for,
        or a number of stored members that is neither 1 nor ``n_networks``.
    """
    shapes = list(pairwise(layout.layer_units))
    got = [np.shape(c)[1:] for c in coefs]
    if got != shapes or [np.shape(b)[1:] for b in intercepts] != [
            (n_out,) for _, n_out in shapes]:
        raise ValueError(
            "warm_start/partial_fit cannot continue: the fitted network has "
            f"layers {got} but the data and hidden_layer_sizes ask for {shapes}. "
            "Refit with warm_start=False.")
    stored = {len(layer) for layer in coefs + intercepts}
    if stored == {n_networks}:
        return layout.pack(coefs, intercepts, dtype)
    if stored == {1}:
        return np.tile(layout.pack(coefs, intercepts, dtype), (n_networks, 1))
    raise ValueError(
        f"warm_start/partial_fit cannot continue {max(stored)} fitted networks with "
        f"n_networks={n_networks}: set n_networks={max(stored)}, or refit with "
        "warm_start=False.")
