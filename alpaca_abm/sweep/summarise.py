"""Turn a result store into tables (CSV) and figures (PNG): `summarise_store(dir)`.

Means with 95% confidence bands across replicates for each point (and over time when the
sweep kept time series), response surfaces for two-parameter grids, Sobol' indices (S1, ST
with confidence intervals) for a Saltelli design and Morris mu*/sigma for a Morris design.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..dictionary import label
from .store import KEY_COLUMNS, REPORT_DIR, ResultStore, StoreError

CONFIDENCE = 0.95  # the bands and intervals are 95% (t-based across replicates)
SOBOL_RESAMPLES = 100  # SALib's default bootstrap resamples for the confidence intervals
# Fixed bootstrap seeds, so the same store gives the same report. Not 0 for Sobol':
# SALib's sobol.analyze treats a seed of 0 as none (`if seed:`) and draws unseeded.
SOBOL_SEED = 1
MORRIS_SEED = 0  # morris.analyze honours 0 (its reports are as they were)
MAX_SERIES_LINES = 8  # more points than this: time series are averaged per first parameter
MAX_ANNOTATED_CELLS = 144  # heatmaps up to 12 x 12 print their values in the cells
FIGURE_SIZE = (6.4, 4.4)  # inches: readable in a report at 100 dpi
FIGURE_DPI = 100  # PNG resolution: small files, sharp enough on screen
BAND_ALPHA = 0.25  # confidence bands see-through enough for overlapping lines to show
PANEL_WIDTH = 4.0  # inches per parameter panel of a scatter figure
BAR_WIDTH = 0.38  # two bars (S1, ST) per parameter with a small gap between groups

log = logging.getLogger(__name__)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name))


def outcome_columns(summary: pd.DataFrame, parameters: list[str]) -> list[str]:
    """The numeric summary-figure columns of a summary frame (not keys, not parameters)."""
    skip = set(KEY_COLUMNS) | set(parameters) | {"run_seconds"}
    return [
        c
        for c in summary.columns
        if c not in skip
        and pd.api.types.is_numeric_dtype(summary[c])
        and not pd.api.types.is_bool_dtype(summary[c])
    ]


def mean_ci(values: pd.Series) -> tuple[float, float, float, float, int]:
    """(mean, sd, ci_low, ci_high, n) of one group; the CI is t-based, NaN with n < 2."""
    from scipy import stats

    x = values.dropna().to_numpy(dtype=float)
    n = len(x)
    if n == 0:
        return (np.nan, np.nan, np.nan, np.nan, 0)
    mean = float(x.mean())
    if n < 2:
        return (mean, np.nan, np.nan, np.nan, n)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * sd / np.sqrt(n)
    return (mean, sd, mean - half, mean + half, n)


def point_statistics(
    summary: pd.DataFrame, parameters: list[str], outcomes: list[str]
) -> pd.DataFrame:
    """Per design point: its parameters and, per outcome, mean, sd, 95% CI and n.

    Columns are `point`, the parameters, then `<outcome>_mean`, `_sd`, `_ci_low`,
    `_ci_high`, `_n` for each outcome.
    """
    rows = []
    for point, group in summary.groupby("point", sort=True):
        row: dict[str, Any] = {"point": point}
        row |= {p: group[p].iloc[0] for p in parameters if p in group}
        for outcome in outcomes:
            mean, sd, low, high, n = mean_ci(group[outcome])
            row |= {
                f"{outcome}_mean": mean,
                f"{outcome}_sd": sd,
                f"{outcome}_ci_low": low,
                f"{outcome}_ci_high": high,
                f"{outcome}_n": n,
            }
        rows.append(row)
    return pd.DataFrame(rows)


def timeseries_statistics(series: pd.DataFrame, columns: list[str], by: list[str]) -> pd.DataFrame:
    """Per group in `by` (e.g. point) and step: mean and 95% CI of each column."""
    rows = []
    for keys, group in series.groupby([*by, "step"], sort=True):
        keys = keys if isinstance(keys, tuple) else (keys,)
        row = dict(zip([*by, "step"], keys, strict=True))
        for column in columns:
            mean, _, low, high, n = mean_ci(group[column])
            row |= {
                f"{column}_mean": mean,
                f"{column}_ci_low": low,
                f"{column}_ci_high": high,
                f"{column}_n": n,
            }
        rows.append(row)
    return pd.DataFrame(rows)


def _problem(manifest: dict[str, Any]) -> dict[str, Any]:
    params = manifest["spec"]["design"]["parameters"]
    names = list(params)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[params[n]["low"], params[n]["high"]] for n in names],
    }


def _point_means(stats: pd.DataFrame, outcome: str, n_points: int) -> np.ndarray | None:
    """Outcome means in design order, or None if any point has no result."""
    means = stats.set_index("point")[f"{outcome}_mean"].reindex(range(n_points))
    if means.isna().any():
        return None
    return means.to_numpy(dtype=float)


SOBOL_COLUMNS = ("S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("mu", "mu_star", "sigma", "mu_star_conf")


def _index_table(
    store: ResultStore,
    stats: pd.DataFrame,
    outcomes: list[str],
    method: str,
    analyse: Callable[[dict[str, Any], np.ndarray], Mapping[str, Any]],
    columns: tuple[str, ...],
) -> pd.DataFrame:
    """One row per (outcome, parameter) with `columns` of `analyse(problem, y)`: the loop the
    Sobol' and Morris indices share. Uses each point's mean across replicates; an outcome
    with a missing point is skipped with a warning naming `method`."""
    problem = _problem(store.manifest)
    rows = []
    for outcome in outcomes:
        y = _point_means(stats, outcome, len(store.points))
        if y is None:
            log.warning("%s indices of %s skipped: some points have no result", method, outcome)
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = analyse(problem, y)
        for i, name in enumerate(problem["names"]):
            rows.append(
                {"outcome": outcome, "parameter": name}
                | {column: float(result[column][i]) for column in columns}
            )
    return pd.DataFrame(rows, columns=["outcome", "parameter", *columns])


def sobol_indices(store: ResultStore, stats: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Sobol' S1 and ST with confidence intervals (SALib sobol.analyze) of each outcome."""
    from SALib.analyze import sobol

    second = bool(store.manifest["spec"]["design"].get("second_order", True))

    def analyse(problem: dict[str, Any], y: np.ndarray) -> Mapping[str, Any]:
        return sobol.analyze(
            problem,
            y,
            calc_second_order=second,
            num_resamples=SOBOL_RESAMPLES,
            conf_level=CONFIDENCE,
            seed=SOBOL_SEED,
        )

    return _index_table(store, stats, outcomes, "Sobol'", analyse, SOBOL_COLUMNS)


def morris_indices(store: ResultStore, stats: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """Morris mu, mu*, sigma and mu* confidence (SALib morris.analyze) of each outcome."""
    from SALib.analyze import morris

    levels = int(store.manifest["spec"]["design"].get("levels", 4))
    points = pd.DataFrame(store.points)

    def analyse(problem: dict[str, Any], y: np.ndarray) -> Mapping[str, Any]:
        x = points[problem["names"]].to_numpy(dtype=float)
        return morris.analyze(
            problem,
            x,
            y,
            num_levels=levels,
            conf_level=CONFIDENCE,
            num_resamples=SOBOL_RESAMPLES,
            seed=MORRIS_SEED,
        )

    return _index_table(store, stats, outcomes, "Morris", analyse, MORRIS_COLUMNS)


# --- figures -------------------------------------------------------------------------------------


def _figure(size: tuple[float, float] = FIGURE_SIZE) -> Figure:
    """A figure drawn off-screen (matplotlib's Agg canvas): no display, no pyplot state."""
    return Figure(figsize=size)


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=FIGURE_DPI)
    return path


def _axis_values(values: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """Numeric x positions for a parameter; categorical (e.g. true/false) ones get labels."""
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        labels = [str(v) for v in values]
        order = list(dict.fromkeys(labels))
        return np.array([order.index(v) for v in labels], dtype=float), order
    return values.to_numpy(dtype=float), None


def line_axes(stats: pd.DataFrame, pair: list[str]) -> tuple[str, str]:
    """(x, group) of a two-parameter plot: the numeric parameter with more values goes on x."""

    def score(name: str) -> tuple[bool, int]:
        column = stats[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        return (numeric, column.nunique())

    first, second = pair
    return (second, first) if score(second) > score(first) else (first, second)


def plot_line(
    stats: pd.DataFrame, x: str, outcome: str, path: Path, group: str | None = None
) -> Path:
    """Outcome mean against one parameter with its 95% band; one line per `group` value."""
    fig = _figure()
    ax = fig.subplots()
    groups = [(None, stats)] if group is None else list(stats.groupby(group, sort=True))
    labels = None
    for value, part in groups:
        part = part.sort_values(x)
        xs, labels = _axis_values(part[x])
        text = None if group is None else f"{label(group)} = {value}"
        ax.plot(xs, part[f"{outcome}_mean"], marker="o", label=text)
        ax.fill_between(xs, part[f"{outcome}_ci_low"], part[f"{outcome}_ci_high"], alpha=BAND_ALPHA)
    if labels is not None:
        ax.set_xticks(range(len(labels)), labels)
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(outcome))
    ax.set_title(f"{outcome}: mean and {CONFIDENCE:.0%} band across replicates")
    if group is not None:
        ax.legend(fontsize="small")
    return _save(fig, path)


def plot_surface(stats: pd.DataFrame, x: str, y: str, outcome: str, path: Path) -> Path:
    """Heatmap of the outcome mean over a two-parameter grid (a response surface)."""
    table = stats.pivot_table(index=y, columns=x, values=f"{outcome}_mean", aggfunc="mean")
    table = table.sort_index(ascending=False)
    fig = _figure()
    ax = fig.subplots()
    image = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="viridis")
    ax.set_xticks(
        range(table.shape[1]), [f"{v:g}" if isinstance(v, float) else str(v) for v in table.columns]
    )
    ax.set_yticks(
        range(table.shape[0]), [f"{v:g}" if isinstance(v, float) else str(v) for v in table.index]
    )
    if table.size <= MAX_ANNOTATED_CELLS:
        finite = table.to_numpy(dtype=float)
        middle = np.nanmean(finite) if np.isfinite(finite).any() else 0
        for (i, j), value in np.ndenumerate(finite):
            if np.isfinite(value):
                ax.text(
                    j,
                    i,
                    f"{value:.3g}",
                    ha="center",
                    va="center",
                    fontsize="x-small",
                    color="white" if value < middle else "black",
                )
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(y))
    ax.set_title(f"{outcome}: mean across replicates")
    fig.colorbar(image, ax=ax, label=label(outcome))
    return _save(fig, path)


def plot_scatter(stats: pd.DataFrame, parameters: list[str], outcome: str, path: Path) -> Path:
    """Outcome mean at each point against each parameter (LHS, tables, larger grids)."""
    n = max(1, len(parameters))
    fig = _figure((PANEL_WIDTH * n + 1, FIGURE_SIZE[1]))
    axes = fig.subplots(1, n, squeeze=False, sharey=True)
    for ax, name in zip(axes[0], parameters, strict=False):
        xs, labels = _axis_values(stats[name])
        low = stats[f"{outcome}_mean"] - stats[f"{outcome}_ci_low"]
        high = stats[f"{outcome}_ci_high"] - stats[f"{outcome}_mean"]
        err = None if low.isna().all() else np.vstack([low.fillna(0), high.fillna(0)])
        ax.errorbar(
            xs, stats[f"{outcome}_mean"], yerr=err, fmt="o", markersize=3, alpha=0.7, elinewidth=0.8
        )
        if labels is not None:
            ax.set_xticks(range(len(labels)), labels)
        ax.set_xlabel(label(name))
    axes[0][0].set_ylabel(label(outcome))
    fig.suptitle(f"{outcome}: point means with {CONFIDENCE:.0%} intervals")
    return _save(fig, path)


def plot_sobol(indices: pd.DataFrame, outcome: str, path: Path) -> Path:
    """First-order (S1) and total (ST) Sobol' indices of one outcome, with confidence bars."""
    part = indices[indices["outcome"] == outcome]
    xs = np.arange(len(part))
    width = BAR_WIDTH
    fig = _figure()
    ax = fig.subplots()
    ax.bar(
        xs - width / 2, part["S1"], width, yerr=part["S1_conf"], label="S1 (first order)", capsize=3
    )
    ax.bar(xs + width / 2, part["ST"], width, yerr=part["ST_conf"], label="ST (total)", capsize=3)
    ax.set_xticks(xs, [label(p) for p in part["parameter"]], rotation=30, ha="right")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set_ylabel("Sobol' index")
    ax.set_title(f"{outcome}: Sobol' indices ({CONFIDENCE:.0%} intervals)")
    ax.legend(fontsize="small")
    return _save(fig, path)


def plot_morris(indices: pd.DataFrame, outcome: str, path: Path) -> Path:
    """Morris mu* against sigma of one outcome, each parameter labelled."""
    part = indices[indices["outcome"] == outcome]
    fig = _figure()
    ax = fig.subplots()
    ax.errorbar(part["mu_star"], part["sigma"], xerr=part["mu_star_conf"], fmt="o", capsize=3)
    for _, row in part.iterrows():
        ax.annotate(
            label(row["parameter"]),
            (row["mu_star"], row["sigma"]),
            fontsize="small",
            xytext=(4, 4),
            textcoords="offset points",
        )
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (interaction / non-linearity)")
    ax.set_title(f"{outcome}: Morris screening")
    return _save(fig, path)


def plot_timeseries(
    stats: pd.DataFrame,
    by: str,
    column: str,
    path: Path,
    labels: dict[Any, str] | None = None,
    years: Mapping[int, float] | None = None,
) -> Path:
    """One column over time: a mean line with its 95% band per value of `by`; time in
    calendar years when `years` gives each step's (as every run figure), else in steps."""
    from ..plots import year_axis

    fig = _figure()
    ax = fig.subplots()
    labels = labels or {}
    for value, part in stats.groupby(by, sort=True):
        t = part["step"].map(years) if years else part["step"]
        ax.plot(t, part[f"{column}_mean"], label=labels.get(value, f"{by} = {value}"))
        ax.fill_between(t, part[f"{column}_ci_low"], part[f"{column}_ci_high"], alpha=BAND_ALPHA)
    if years:
        year_axis(ax)
    else:
        ax.set_xlabel("step (month)")
    ax.set_ylabel(label(column))
    ax.set_title(f"{column}: mean and {CONFIDENCE:.0%} band across runs")
    ax.legend(fontsize="x-small")
    return _save(fig, path)


# --- the report ----------------------------------------------------------------------------------


def summarise_store(directory: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Write the tables and figures of a store to `out_dir` (default DIR/report); list them.

    Example: `summarise_store("sweeps/control_openness")` -> [.../points.csv, ...png, ...].
    """
    store = ResultStore.open(directory)
    out = Path(out_dir) if out_dir is not None else store.directory / REPORT_DIR
    out.mkdir(parents=True, exist_ok=True)
    summary = store.summary_frame()
    written: list[Path] = []
    failures = store.failures()
    if not failures.empty:
        written.append(_csv(failures, out / "failures.csv"))
    if summary.empty:
        raise StoreError(f"{store.directory}: no finished runs to summarise yet.")
    design = store.manifest["design"]
    varied = [p for p in design["parameters"] if p in summary.columns]
    outcomes = outcome_columns(summary, varied + list(store.manifest["spec"]["fixed"]))
    written.append(_csv(summary, out / "runs.csv"))
    stats = point_statistics(summary, varied, outcomes)
    written.append(_csv(stats, out / "points.csv"))
    kind = design["kind"]
    for outcome in outcomes:
        name = _safe(outcome)
        if kind == "grid" and len(varied) == 1:
            written.append(plot_line(stats, varied[0], outcome, out / f"{name}.png"))
        elif kind == "grid" and len(varied) == 2:
            x, y = line_axes(stats, varied)
            written.append(plot_surface(stats, x, y, outcome, out / f"{name}_surface.png"))
            written.append(plot_line(stats, x, outcome, out / f"{name}.png", group=y))
        else:
            written.append(plot_scatter(stats, varied, outcome, out / f"{name}.png"))
    if kind == "saltelli":
        indices = sobol_indices(store, stats, outcomes)
        written.append(_csv(indices, out / "sobol_indices.csv"))
        for outcome in indices["outcome"].unique():
            written.append(plot_sobol(indices, outcome, out / f"sobol_{_safe(outcome)}.png"))
    if kind == "morris":
        indices = morris_indices(store, stats, outcomes)
        written.append(_csv(indices, out / "morris_indices.csv"))
        for outcome in indices["outcome"].unique():
            written.append(plot_morris(indices, outcome, out / f"morris_{_safe(outcome)}.png"))
    if store.manifest["spec"]["keep"] == "timeseries":
        written.extend(_timeseries_report(store, varied, out))
    return written


def step_years(series: pd.DataFrame) -> dict[int, float] | None:
    """Each step's calendar year (decimal) from the kept 'date' column, when every run
    agrees on it; None when the series has no dates or the runs start in different years."""
    if "date" not in series.columns:
        return None
    dates = series[["step", "date"]].drop_duplicates()
    if dates["step"].duplicated().any():
        return None
    parts = dates["date"].astype(str).str.split("-", expand=True).astype(int)
    return dict(zip(dates["step"].astype(int), parts[0] + (parts[1] - 1) / 12, strict=True))


def _timeseries_report(store: ResultStore, varied: list[str], out: Path) -> list[Path]:
    series = store.timeseries_frame()
    if series.empty or "step" not in series.columns:
        return []
    columns = [
        c
        for c in series.columns
        if c not in (*KEY_COLUMNS, "step")
        and pd.api.types.is_numeric_dtype(series[c])
        and not pd.api.types.is_bool_dtype(series[c])
    ]
    n_points = series["point"].nunique()
    labels: dict[Any, str] = {}
    if n_points <= MAX_SERIES_LINES or not varied:
        by = "point"
        labels = {
            i: ", ".join(f"{k} = {v}" for k, v in point.items() if k in varied)
            for i, point in enumerate(store.points)
        }
    else:  # too many lines: average over the other parameters, one line per first parameter
        name = varied[0]
        by = name if name not in series.columns else f"{name}_parameter"
        points = store.points_frame()[[name]].rename(columns={name: by})
        series = series.join(points, on="point")
    stats = timeseries_statistics(series, columns, [by])
    years = step_years(series)
    written = [_csv(stats, out / "timeseries.csv")]
    for column in columns:
        written.append(
            plot_timeseries(
                stats, by, column, out / f"timeseries_{_safe(column)}.png", labels, years
            )
        )
    return written


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path
