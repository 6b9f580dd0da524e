"""Figures of a run at the seed's three levels: individual, organisational and industry.

Each function takes the run's tables and returns a matplotlib Figure, so a notebook can
show it and the CLI can save it. Event months (shocks) are marked when given. Every time
axis is in calendar years (a month is a twelfth of its year), labelled by `year_axis`, the
same in these files, the comparison figure and the app.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # files, not windows: the CLI and tests run without a screen

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

COOP_COLOUR, COMP_COLOUR, EQUAL_COLOUR = "#1b9e77", "#d95f02", "#7570b3"
NO_PARTNERSHIP_TEXT = "No partnership in this run,\nso no relationship types to share out"


def _years(model_df: pd.DataFrame) -> pd.Series:
    """Decimal years for the time axis (date is 'YYYY-MM')."""
    parts = model_df["date"].str.split("-", expand=True).astype(int)
    return parts[0] + (parts[1] - 1) / 12


def step_years(model_df: pd.DataFrame) -> dict[int, float]:
    """Decimal calendar year of each step of the run (the breeder table is kept by step)."""
    return dict(zip(model_df["step"].astype(int), _years(model_df), strict=True))


def year_axis(ax, label: str = "year") -> None:
    """A time axis in decimal years labelled with whole calendar years only (2008, 2010, ...),
    few enough that they never run into each other; a view of one year shows one label, not
    the same year repeated."""
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.set_xlabel(label)


def mark_events(ax, events: Sequence[tuple[float, str]]) -> None:
    """Dashed vertical lines at event starts (decimal years), labelled along the line."""
    for year, label in events:
        ax.axvline(year, color="grey", ls="--", lw=0.8)
        ax.annotate(
            label,
            (year, 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=7,
            color="grey",
        )


def industry_figure(
    model_df: pd.DataFrame, events: Sequence[tuple[float, str]] = (), title: str = ""
) -> Figure:
    """Industry level: firms and animals, quality, prices and sales, network."""
    t = _years(model_df)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), constrained_layout=True)
    ax = axes[0, 0]
    ax.plot(t, model_df["n_breeders"], color="black")
    ax.set_ylabel("breeders")
    ax2 = ax.twinx()
    ax2.plot(t, model_df["n_alpacas"], color="tab:brown")
    ax2.set_ylabel("alpacas", color="tab:brown")
    ax.set_title("Industry size")
    ax = axes[0, 1]
    ax.plot(t, model_df["mean_quality"], color="tab:blue")
    ax.fill_between(
        t,
        model_df["mean_quality"] - model_df["quality_sd"],
        model_df["mean_quality"] + model_df["quality_sd"],
        alpha=0.2,
    )
    ax.set_ylabel("fleece-quality index (mean ± sd)")
    ax.set_title("Industry quality")
    ax = axes[0, 2]
    ax.plot(t, model_df["price_female"], color="tab:red")
    ax.set_ylabel("price of an average female (GBP)")
    ax.set_title("Livestock price")
    ax = axes[1, 0]
    yearly = model_df.assign(year=t.astype(int)).groupby("year")["sales_count"].sum()
    ax.bar(yearly.index + 0.5, yearly.values, width=0.9, color="tab:green")  # across its year
    ax.set_ylabel("breeding females sold per year")
    ax.set_title("Sales")
    ax = axes[1, 1]
    ax.plot(t, model_df["n_partnerships"], color="black", label="co-ownerships")
    ax.plot(t, model_df["n_elite_studs"], color="tab:purple", label="elite studs")
    ax.set_ylabel("count")
    ax.legend(fontsize=8)
    ax.set_title("Co-owned studs")
    ax = axes[1, 2]
    ax.stackplot(
        t,
        model_df["share_coop_dominated"],
        model_df["share_equal"],
        model_df["share_comp_dominated"],
        colors=[COOP_COLOUR, EQUAL_COLOUR, COMP_COLOUR],
        labels=["cooperation-dominated", "equal", "competition-dominated"],
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of partnerships")
    ax.set_title("Relationship types")
    if model_df["n_partnerships"].any():
        ax.legend(fontsize=7, loc="lower left")
    else:  # shares of nothing: say so rather than leave an empty box
        ax.text(
            0.5,
            0.5,
            NO_PARTNERSHIP_TEXT,
            transform=ax.transAxes,
            ha="center",
            va="center",
            wrap=True,
        )
    for ax in axes.flat:
        year_axis(ax)
        mark_events(ax, events)
    fig.suptitle(title or "Industry level")
    return fig


def organisational_figure(
    model_df: pd.DataFrame,
    agent_df: pd.DataFrame,
    title: str = "",
    events: Sequence[tuple[float, str]] = (),
) -> Figure:
    """Organisational level: profit, herd quality and elite access by size and partnering."""
    df = agent_df.reset_index()
    df["partnered"] = df["n_partners"] > 0
    df["step"] = df["step"].map(step_years(model_df))  # calendar years, as every figure
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    for (size, partnered), grp in df.groupby(["size_class", "partnered"]):
        label = f"{size}, {'co-owning' if partnered else 'alone'}"
        by = grp.groupby("step")
        style = "-" if partnered else "--"
        colour = "tab:blue" if size == "small" else "tab:orange"
        axes[0].plot(
            by["profit"].mean().index, by["profit"].mean(), style, color=colour, label=label
        )
        axes[1].plot(
            by["herd_quality"].mean().index,
            by["herd_quality"].mean(),
            style,
            color=colour,
            label=label,
        )
        axes[2].plot(
            by["elite_access"].mean().index,
            by["elite_access"].mean(),
            style,
            color=colour,
            label=label,
        )
    axes[0].set_ylabel("profit, last 12 months (GBP)")
    axes[1].set_ylabel("mean herd quality")
    axes[2].set_ylabel("share with elite genetics")
    for ax, name in zip(axes, ("Profit", "Herd quality", "Access to rare genetics"), strict=True):
        year_axis(ax)
        mark_events(ax, events)
        ax.set_title(name)
        ax.legend(fontsize=7)
    fig.suptitle(title or "Organisational level (firms by size class and co-ownership)")
    return fig


def individual_figure(
    model_df: pd.DataFrame,
    agent_df: pd.DataFrame,
    title: str = "",
    events: Sequence[tuple[float, str]] = (),
) -> Figure:
    """Individual level: knowledge, trust and ties of owners (events marked in time)."""
    t = _years(model_df)
    df = agent_df.reset_index()
    last = df[df["step"] == df["step"].max()]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    axes[0].plot(t, model_df["mean_knowledge"], label="mean knowledge")
    axes[0].plot(t, model_df["mean_trust"], label="mean trust")
    axes[0].set_ylim(0, 1)
    axes[0].legend(fontsize=8)
    axes[0].set_title("Knowledge and trust")
    cum = model_df["leakage"].cumsum()
    axes[1].plot(t, cum, color="tab:red")
    axes[1].set_ylabel("cumulative knowledge leaked (domain units)")
    axes[1].set_title("Leakage of core knowledge")
    for ax in axes[:2]:
        year_axis(ax)
        mark_events(ax, events)
    for partnered, grp in last.groupby(last["n_partners"] > 0):
        axes[2].hist(
            grp["knowledge"], bins=15, alpha=0.6, label="co-owning" if partnered else "alone"
        )
    axes[2].set_xlabel("owner knowledge (0-1), final month")
    axes[2].set_ylabel("breeders")
    axes[2].legend(fontsize=8)
    axes[2].set_title("Knowledge by partnering")
    fig.suptitle(title or "Individual level")
    return fig


_mark_events = mark_events  # the earlier private name, still used by compare.py
