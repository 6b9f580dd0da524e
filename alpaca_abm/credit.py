"""Credit that costs: overdraft interest, a credit limit against the herd, the owner's
lifestyle money and the insolvency clock, as pure functions over plain arrays.

A breeder's overdraft (negative cash) carries interest at the Bank of England's Bank Rate
plus a small-firm margin, charged monthly; the bank lends against the herd as collateral,
up to `credit_ltv` of its market value. A hobby owner pays into the herd from outside
income, up to what it is willing to spend on the life alpacas bring (seed I2: "not truly
commercial, a large part of it is lifestyle"). A breeder whose equity (cash + herd at
market) stays negative, or whose overdraft passes its limit, exits (finance.enter_and_exit).
"""

from __future__ import annotations

import numpy as np

MONTHS_PER_YEAR = 12

# Bank of England Official Bank Rate, yearly means of the rate in force each month
# (public_figures.toml: bank_rate_yearly; Bank of England, "Official Bank Rate history",
# bankofengland.co.uk/monetary-policy/the-interest-rate-bank-rate), in percent.
BANK_RATE_YEARLY: dict[int, float] = {
    2000: 6.0,
    2001: 5.1,
    2002: 4.0,
    2003: 3.7,
    2004: 4.4,
    2005: 4.7,
    2006: 4.6,
    2007: 5.5,
    2008: 4.7,
    2009: 0.6,
    2010: 0.5,
    2011: 0.5,
    2012: 0.5,
    2013: 0.5,
    2014: 0.5,
    2015: 0.5,
    2016: 0.4,
    2017: 0.3,
    2018: 0.6,
    2019: 0.75,
    2020: 0.2,
    2021: 0.1,
    2022: 1.5,
    2023: 4.7,
    2024: 5.1,
    2025: 4.2,
}


def bank_rate(year: int, fixed: float | None = None) -> float:
    """Bank Rate (a share a year) in `year`: `fixed` if given, else the public series, its
    first or last value outside the years it covers."""
    if fixed is not None:
        return float(fixed)
    years = sorted(BANK_RATE_YEARLY)
    y = min(max(int(year), years[0]), years[-1])
    return BANK_RATE_YEARLY[y] / 100.0


def overdraft_interest(cash: np.ndarray, yearly_rate: float) -> np.ndarray:
    """This month's interest on each overdraft (negative cash) at `yearly_rate`; none on
    credit balances (a micro-firm's current account earns next to nothing)."""
    return np.maximum(-np.asarray(cash, dtype=float), 0.0) * yearly_rate / MONTHS_PER_YEAR


def credit_limit(stock_value: np.ndarray, loan_to_value: float) -> np.ndarray:
    """How far each breeder may overdraw: `loan_to_value` of its herd at market value (the
    herd is the bank's collateral)."""
    return np.maximum(np.asarray(stock_value, dtype=float), 0.0) * loan_to_value


def owner_contribution(
    cash: np.ndarray, small: np.ndarray, yearly_budget: float, paid_this_year: np.ndarray
) -> np.ndarray:
    """What each hobby owner pays into its herd this month from outside income: its
    overdraft, up to what is left of its yearly lifestyle budget (`small`: hobby herds;
    commercial herds get nothing from outside)."""
    left = np.maximum(yearly_budget - np.asarray(paid_this_year, dtype=float), 0.0)
    need = np.maximum(-np.asarray(cash, dtype=float), 0.0)
    return np.where(small, np.minimum(need, left), 0.0)


def insolvency_clock(months: np.ndarray, cash: np.ndarray, stock_value: np.ndarray) -> np.ndarray:
    """Consecutive months each breeder's equity (cash + herd at market) has been negative."""
    negative = np.asarray(cash, dtype=float) + np.asarray(stock_value, dtype=float) < 0
    return np.where(negative, np.asarray(months) + 1, 0)


def must_exit(
    insolvent_months: np.ndarray, max_months: int, cash: np.ndarray, limit: np.ndarray
) -> np.ndarray:
    """Breeders that leave now: equity negative for `max_months`, or an overdraft past the
    credit limit (the bank calls it in)."""
    return (np.asarray(insolvent_months) >= max_months) | (np.asarray(cash) < -np.asarray(limit))
