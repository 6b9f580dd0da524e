"""Matplotlib drawing of the app's views from the adapter's plain frames (no model here).

The time axes use the run figures' own helpers (`alpaca_abm.plots.year_axis`,
`mark_events`), so the app and the files a run writes look alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure

from ..plots import COMP_COLOUR, COOP_COLOUR, EQUAL_COLOUR, mark_events, year_axis
from .outline import gb_rings_km
from .state import Panel, panel_lines

TYPE_COLOURS = (COOP_COLOUR, EQUAL_COLOUR, COMP_COLOUR)  # index = relationship type code
ALONE_COLOUR = "#9e9e9e"
SIZE_COLOURS = {"small": "tab:blue", "large": "tab:orange"}
INFECTED_COLOUR, RESTRICTED_COLOUR, HEALTHY_COLOUR = "#c62828", "#ff9800", "#66bb6a"
TWIN_STYLE = {"ls": "--", "alpha": 0.8}
MAP_LEGENDS = {
    "relationship type": (
        ("cooperation-dominated", COOP_COLOUR),
        ("equal", EQUAL_COLOUR),
        ("competition-dominated", COMP_COLOUR),
        ("no partner", ALONE_COLOUR),
    ),
    "infection": (
        ("infected", INFECTED_COLOUR),
        ("restricted", RESTRICTED_COLOUR),
        ("clear", HEALTHY_COLOUR),
    ),
    "size class": (("small (< 50 alpacas)", "tab:blue"), ("large", "tab:orange")),
}


def marker_colours(firms: pd.DataFrame, mode: str) -> list[str]:
    """Colour of each breeder's marker under the map's colour mode."""
    if mode == "infection":
        return [
            INFECTED_COLOUR if i else RESTRICTED_COLOUR if r else HEALTHY_COLOUR
            for i, r in zip(firms["infected"], firms["restricted"], strict=True)
        ]
    if mode == "size class":
        return [SIZE_COLOURS[s] for s in firms["size_class"]]
    return [TYPE_COLOURS[t] if t >= 0 else ALONE_COLOUR for t in firms["relationship"]]


def marker_sizes(herd: np.ndarray) -> np.ndarray:
    """Marker area grows with the square root of the herd (points²)."""
    return 6 + 5 * np.sqrt(np.asarray(herd, float))


def draw_map(
    firms: pd.DataFrame,
    links: pd.DataFrame,
    mode: str = "relationship type",
    selected: int | None = None,
    title: str = "",
    figsize: tuple[float, float] = (5.2, 6.8),
) -> Figure:
    """Great Britain with every breeder at its place, co-ownership links and the selection."""
    fig = Figure(figsize=figsize)
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.94))
    # one artist for the whole outline and one for all links: a redraw stays cheap
    outline = PolyCollection(gb_rings_km(), facecolors="#f3efe6", edgecolors="#8d8d8d", lw=0.6)
    ax.add_collection(outline, autolim=False)
    where = firms.set_index("breeder_id")[["x_km", "y_km"]]
    ok = links["keeper"].isin(where.index) & links["partner"].isin(where.index)
    if ok.any():
        a = where.loc[links.loc[ok, "keeper"]].to_numpy()
        b = where.loc[links.loc[ok, "partner"]].to_numpy()
        colours = [TYPE_COLOURS[t] for t in links.loc[ok, "rtype"]]
        segments = np.stack([a, b], axis=1)
        ax.add_collection(
            LineCollection(segments, colors=colours, lw=0.8, alpha=0.6), autolim=False
        )
    ax.scatter(
        firms["x_km"],
        firms["y_km"],
        s=marker_sizes(firms["herd"]),
        c=marker_colours(firms, mode),
        edgecolors="white",
        linewidths=0.4,
        zorder=3,
    )
    if selected is not None and selected in where.index:
        x, y = where.loc[selected]
        ax.scatter([x], [y], s=260, facecolors="none", edgecolors="black", linewidths=2, zorder=4)
        ax.annotate(f"breeder {selected}", (x, y), xytext=(8, 8), textcoords="offset points")
    for label, colour in MAP_LEGENDS[mode]:
        ax.scatter([], [], c=colour, s=30, label=label)
    ax.legend(loc="upper right", fontsize=7, title=mode, title_fontsize=7, framealpha=0.9)
    ax.set_aspect("equal")
    ax.set_xlim(-520, 160)
    ax.set_ylim(5520, 6760)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or "Breeders of Great Britain (marker size: herd)", fontsize=10)
    return fig


def draw_panels(
    panels: Sequence[Panel],
    live: tuple[pd.DataFrame, pd.DataFrame | None],
    twin: tuple[pd.DataFrame, pd.DataFrame | None] | None = None,
    events: Sequence[tuple[float, str]] = (),
    ncols: int = 3,
    width: float = 11.0,
) -> Figure:
    """Small time-series plots, the live run solid and its twin without coopetition dashed."""
    nrows = max(1, -(-len(panels) // ncols))
    height = 2.6 * nrows
    fig = Figure(figsize=(width, height))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    # fixed margins (inches) rather than a layout engine: a redraw lays text out once
    fig.subplots_adjust(
        left=0.7 / width,
        right=1 - 0.15 / width,
        bottom=0.45 / height,
        top=1 - 0.3 / height,
        wspace=0.28,
        hspace=0.45,
    )
    fig.twin_curves = 0  # how many dashed twin curves were drawn (the app says so)
    for ax, panel in zip(axes, panels, strict=False):
        lines = panel_lines(panel, *live)
        for i, (label, t, y) in enumerate(lines):
            ax.plot(t, y, color=f"C{i}", lw=1.4, label=label, marker="o" if len(t) < 3 else None)
        if lines and len(lines[0][1]):
            start = float(lines[0][1][0])
            ax.set_xlim(start, max(start + 1, float(lines[0][1][-1])))  # a year at least
        if twin is not None:
            for i, (label, t, y) in enumerate(panel_lines(panel, *twin)):
                ax.plot(t, y, color=f"C{i}", lw=1.2, label=f"{label}, no coopetition", **TWIN_STYLE)
                fig.twin_curves += 1
        if not lines:
            ax.text(
                0.5,
                0.5,
                "not reported by this model",
                ha="center",
                va="center",
                transform=ax.transAxes,
                fontsize=8,
                color="grey",
            )
        ax.set_title(panel.title, fontsize=10)
        ax.set_ylabel(panel.ylabel, fontsize=8)
        ax.tick_params(labelsize=8)
        year_axis(ax)
        mark_events(ax, events)
        if len(lines) > 1 or twin is not None:
            ax.legend(fontsize=7, loc="upper left")
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    return fig


def draw_network(nodes: pd.DataFrame, edges: pd.DataFrame, selected: int | None = None) -> Figure:
    """Partnerships (solid) and trust above the stranger level (grey, width by trust)."""
    fig = Figure(figsize=(7, 6))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.93))
    where = nodes.set_index("breeder_id")[["x", "y"]]
    for kind, colour, z in (("trust", "#b0b0b0", 1), ("co-ownership", COOP_COLOUR, 2)):
        these = edges[edges["kind"] == kind]
        if len(these):
            seg = np.stack([where.loc[these["a"]].to_numpy(), where.loc[these["b"]].to_numpy()], 1)
            widths = 1.6 if kind == "co-ownership" else 0.3 + 1.5 * these["trust"].to_numpy()
            ax.add_collection(LineCollection(seg, colors=colour, lw=widths, zorder=z))
    ax.scatter(nodes["x"], nodes["y"], s=marker_sizes(nodes["herd"]), c="#455a64", zorder=3)
    if selected is not None and selected in where.index:
        x, y = where.loc[selected]
        ax.scatter([x], [y], s=260, facecolors="none", edgecolors="black", linewidths=2, zorder=4)
    ax.plot([], [], color=COOP_COLOUR, lw=1.6, label="co-ownership")
    ax.plot([], [], color="#b0b0b0", lw=1.2, label="trust above strangers'")
    ax.legend(fontsize=8, loc="upper right")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"Partnerships and trust ({len(nodes)} best-connected breeders)", fontsize=10)
    return fig
