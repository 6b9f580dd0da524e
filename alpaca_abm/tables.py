"""Growable tables: the one helper that the herd, the firm table, the contracts, the trust
ledger and the disease state share to grow their columns together.

A table is a struct of numpy arrays (one per column, rows first) and a count of rows in
use; appending past the capacity doubles it, so appends cost amortised O(1).

Also the buffers of tables made anew every month (the market's reach and sales by buyer
segment, one column a firm row): `reused_zeros` and `columns_appended` write a month's
table into last month's memory when it has room, so that a big table is not allocated,
and paged in by the kernel, twelve times a year.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def grow_columns(
    table: object,
    names: Iterable[str],
    n_used: int,
    needed: int,
    fill: Mapping[str, Any] | None = None,
) -> None:
    """Make the columns `names` of `table` hold at least `needed` rows, keeping the first
    `n_used`: the capacity doubles (or jumps to `needed`); new rows hold `fill[name]`, else 0."""
    names = tuple(names)
    capacity = len(getattr(table, names[0]))
    if needed <= capacity:
        return
    new_capacity = max(2 * capacity, needed)
    fill = fill or {}
    for name in names:
        old = getattr(table, name)
        grown = np.full((new_capacity, *old.shape[1:]), fill.get(name, 0), dtype=old.dtype)
        grown[:n_used] = old[:n_used]
        setattr(table, name, grown)


# Buffers of the monthly tables (by id), reused month after month: a new
# table of a few MB every month costs the kernel a page fault for each 4 kB of it (at 1,500
# breeders the market's tables took a fifth of the run's page faults). Only buffers made
# here are ever written over.
_BUFFERS: weakref.WeakValueDictionary[int, np.ndarray] = weakref.WeakValueDictionary()
ROOM = 1.25  # a buffer holds a quarter more than asked: the firm table grows every month


def _buffer_of(table: np.ndarray, dtype: type, size: int) -> np.ndarray | None:
    """The buffer made here (by _new_buffer) that `table` is a view of, if it has the
    dtype and at least `size` elements."""
    base = table.base
    if base is None or _BUFFERS.get(id(base)) is not base:
        return None
    return base if base.dtype == dtype and base.size >= size else None


def _new_buffer(shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A buffer for a table of `shape`, with ROOM to grow in its last axis."""
    buffer = np.zeros((*shape[:-1], int(shape[-1] * ROOM) + 1), dtype=dtype)
    _BUFFERS[id(buffer)] = buffer
    return buffer


def reused_zeros(last: np.ndarray, shape: tuple[int, int], dtype: type) -> np.ndarray:
    """A C-ordered table of zeros of `shape`, in the memory of last month's table `last`
    when that is a view of a buffer made here with room for it (the caller's previous
    table is overwritten: the market's tables are the month's only)."""
    size = shape[0] * shape[1]
    buffer = _buffer_of(last, dtype, size)
    if buffer is None or buffer.ndim != 1:
        buffer = _new_buffer((size,), dtype)
    table = buffer[:size].reshape(shape)
    table.fill(0)
    return table


def columns_appended(table: np.ndarray, new: np.ndarray) -> np.ndarray:
    """`table` with the columns `new` appended (rows x columns), written into the buffer it
    is a view of when that has room (a view of the buffer's first columns)."""
    have, n = table.shape[1], table.shape[1] + new.shape[1]
    buffer = _buffer_of(table, table.dtype.type, 0)
    first_columns = (
        buffer is not None
        and buffer.ndim == 2
        and table.strides == buffer.strides
        and table.ctypes.data == buffer.ctypes.data
    )
    if not first_columns or buffer.shape[1] < n:
        buffer = _new_buffer((table.shape[0], n), table.dtype.type)
        buffer[:, :have] = table
    buffer[:, have:n] = new
    return buffer[:, :n]
