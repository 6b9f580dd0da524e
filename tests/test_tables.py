"""Growable tables and the reused buffers of the monthly tables (tables.py)."""

import numpy as np

from alpaca_abm.tables import columns_appended, reused_zeros


def test_the_markets_tables_reuse_their_own_buffers_and_only_theirs():
    """reused_zeros gives zeros of the shape asked for, in last month's buffer when it has room
    (the firm table grows a little every month), never in memory it did not make;
    columns_appended appends columns as np.concatenate does, in place when the buffer has room."""
    outside = np.arange(12.0)
    table = reused_zeros(outside[:6].reshape(2, 3), (2, 3), np.float64)
    assert table.shape == (2, 3) and not table.any() and outside.tolist() == list(range(12))
    table[:] = 7.0
    grown = reused_zeros(table, (2, 4), np.float64)  # 2 x 3 x ROOM has room for 2 x 4
    assert grown.base is table.base and grown.flags.c_contiguous and not grown.any()
    bigger = reused_zeros(grown, (2, 40), np.float64)
    assert bigger.base is not table.base and bigger.shape == (2, 40) and not bigger.any()
    rng = np.random.default_rng(0)
    decay = rng.random((3, 0))
    expected = decay
    for width in (5, 1, 2, 30, 1):
        new = rng.random((3, width))
        expected = np.concatenate([expected, new], axis=1)
        decay = columns_appended(decay, new)
        assert np.array_equal(decay, expected)
