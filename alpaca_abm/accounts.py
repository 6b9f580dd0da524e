"""Money: every payment a breeder makes or receives, booked on the firm table.

The ledger is the firm table's cash and this month's revenue and cost columns; mechanisms
book through these three functions and need nothing else of the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .breeder import FirmTable


def pay(firms: FirmTable, rows: np.ndarray, amounts: np.ndarray | float) -> None:
    """Breeders pay money out of the industry (costs)."""
    rows = np.asarray(rows, dtype=np.int64)
    amounts = np.asarray(amounts, dtype=float)  # (ufunc.at broadcasts it over the rows)
    np.subtract.at(firms.cash, rows, amounts)
    np.add.at(firms.costs, rows, amounts)


def receive(firms: FirmTable, rows: np.ndarray, amounts: np.ndarray | float) -> None:
    """Breeders receive money from outside the industry (revenue)."""
    rows = np.asarray(rows, dtype=np.int64)
    amounts = np.asarray(amounts, dtype=float)  # (ufunc.at broadcasts it over the rows)
    np.add.at(firms.cash, rows, amounts)
    np.add.at(firms.revenue, rows, amounts)


def transfer(
    firms: FirmTable, payers: np.ndarray, payees: np.ndarray, amounts: np.ndarray | float
) -> None:
    """Money from one breeder to another: what one pays, the other receives."""
    pay(firms, payers, amounts)
    receive(firms, payees, amounts)


def inject(firms: FirmTable, rows: np.ndarray, amounts: np.ndarray | float) -> None:
    """Owners pay money into their herds from outside income (equity, not revenue): cash
    rises, `owner_in` (this month) and `owner_paid` (this year) record it."""
    rows = np.asarray(rows, dtype=np.int64)
    amounts = np.asarray(amounts, dtype=float)  # (ufunc.at broadcasts it over the rows)
    np.add.at(firms.cash, rows, amounts)
    np.add.at(firms.owner_in, rows, amounts)
    np.add.at(firms.owner_paid, rows, amounts)
