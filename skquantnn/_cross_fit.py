"""Cross-fitting: which held-out rows each of several networks stops on, and which
networks judge each held-out row when their share of the forecast is weighed.

Two schemes (the ``cross_fit`` parameter). **Tail**: the chronological tail is
halved, the even members stop on the older half and the odd ones on the newer
(:func:`cross_fit_rows`), and each row is judged by the members that did not stop
on it. **Blocks**: every row trains, the rows are cut into blocks, and member
``k`` holds out block ``n_blocks - 1 - k % n_blocks`` (:func:`cross_fit_blocks`):
it trains on the other rows only (:class:`skquantnn._training.MemberRows`), stops
early on its block, and judges it. Either
way each held-out row's forecast, :func:`held_out_forecast`, comes from members
that never trained on it.
"""

import numpy as np

from skquantnn._training import KEPT, MemberRows
from skquantnn._validation import embargo


def cross_fit_rows(n_networks, stop_rows, weigh_rows):
    """Which held-out rows each member watches for early stopping: the even
    members the older part, the odd ones the newer.

    Each held-out row is then unseen by the members that do not watch it, so the
    members can be weighed on every held-out row (:func:`held_out_forecast`)
    instead of only the newer part: twice the evidence, for the same training.

    Parameters
    ----------
    n_networks : int
        At least 2.
    stop_rows, weigh_rows : slice
        The older and the newer part of the held-out tail, contiguous.

    Returns
    -------
    watched : ndarray of bool of shape (n_networks, n_held_out)
    """
    n_stop = stop_rows.stop - stop_rows.start
    n_held_out = weigh_rows.stop - stop_rows.start
    watched = np.zeros((n_networks, n_held_out), dtype=bool)
    watched[0::2, :n_stop] = True
    watched[1::2, n_stop:] = True
    return watched


def held_out_forecast(preds, judges):
    """The members' average forecast of each held-out row, over the members that
    judge it (see :func:`cross_fit_rows` and :func:`cross_fit_blocks`).

    Parameters
    ----------
    preds : ndarray of shape (n_networks, n_held_out, n_outputs)
    judges : ndarray of bool of shape (n_networks, n_held_out)
        Which members forecast each row: members that never trained on it.

    Returns
    -------
    ndarray of shape (n_held_out, n_outputs)
    """
    weights = judges.astype(preds.dtype)
    return np.einsum("kn,kno->no", weights, preds) / weights.sum(axis=0)[:, None]


def cross_fit_blocks(n_networks, blocks):
    """Which block each member holds out, newest first: member ``k`` holds out
    block ``n_blocks - 1 - k % n_blocks``; it trains on the other blocks, stops
    early on its own, and judges it (:func:`held_out_forecast`).

    Parameters
    ----------
    n_networks : int
    blocks : list of slice
        Contiguous blocks of rows, oldest first
        (:func:`skquantnn._validation.block_rows`).

    Returns
    -------
    held : ndarray of int of shape (n_networks,)
        The block of each member.
    judges : ndarray of bool of shape (n_networks, n_held_out)
        Rows from the start of the oldest block held out to the end: the
        members that hold out each row.
    """
    n_blocks = len(blocks)
    held = n_blocks - 1 - np.arange(n_networks) % n_blocks
    start = blocks[held.min()].start
    judges = np.zeros((n_networks, blocks[-1].stop - start), dtype=bool)
    for k, j in enumerate(held):
        judges[k, blocks[j].start - start:blocks[j].stop - start] = True
    return held, judges


def tail_parts(plan, rows, n_networks):
    """With the tail: the rows early stopping watches (see
    :func:`skquantnn._training.validation_scores`) and the rows that weigh the
    members, as ``(X, T, sample_weight)``, or None; and which members judge each
    weighing row (None unless cross-fitted: several members, both parts held
    out)."""
    stopping, weighing = rows(plan.stop_rows), rows(plan.weigh_rows)
    if stopping is None or weighing is None or n_networks == 1:
        return stopping, weighing, None
    watched = cross_fit_rows(n_networks, plan.stop_rows, plan.weigh_rows)
    # the members that watch the first (older) and the last (newer) held-out row
    stopping = [(np.flatnonzero(watched[:, 0]), stopping),
                (np.flatnonzero(watched[:, -1]), weighing)]
    held_out = rows(slice(plan.stop_rows.start, plan.weigh_rows.stop))
    return stopping, held_out, ~watched


def block_parts(plan, rows, n_networks, gap, dates):
    """With cross-fitted blocks: each member's training rows (all but the block it
    holds out and ``gap`` rows or dates around it), the blocks early stopping
    watches, the held-out rows that weigh the members, and which members judge
    each of them (:func:`cross_fit_blocks`)."""
    X, T, sw = rows(plan.train_rows)
    held, judges = cross_fit_blocks(n_networks, plan.blocks)
    member_rows = []
    for j in held:
        out = embargo(dates, plan.blocks[j], gap, len(X))
        member_rows.append(np.r_[0:out.start, out.stop:len(X)])
    stopping = [(np.flatnonzero(held == j), rows(plan.blocks[j]))
                for j in np.unique(held)]
    weighing = rows(slice(plan.blocks[held.min()].start, len(X)))
    return MemberRows(X, T, sw, member_rows), stopping, weighing, judges


def check_watched_weights(stopping):
    """Raise a ValueError naming ``sample_weight`` when rows early stopping watches
    weigh 0 in all: no network could be judged on them.

    Parameters
    ----------
    stopping : tuple ``(X, T, sample_weight)``, list of ``(members, rows)`` or None
        The watched rows, as :func:`tail_parts` and :func:`block_parts` give them.
    """
    parts = stopping if isinstance(stopping, list) else [(None, stopping)]
    for _, part in parts:
        if part is None or part[2] is None:
            continue
        if not part[2].sum() > 0:
            raise ValueError(
                f"sample_weight: the {len(part[2])} rows held out to stop networks "
                "early (the last rows of a series, or one of the blocks, see "
                "cross_fit) all weigh 0, so no network can be judged on them. Give "
                f"some of them weight, or set early_stopping=False. {KEPT}")
