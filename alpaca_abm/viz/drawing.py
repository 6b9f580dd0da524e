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
# Text sizes in points at the figures' 100 dpi: 12 pt is 16.7 px on the PNG, so text stays
# at 12 px or more when the browser shrinks a figure to three quarters (1280x720 screens).
TEXT_PT, TITLE_PT = 12, 14
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


def png_bytes(fig: Figure) -> bytes:
    """Draw `fig` on its Agg canvas and encode it as PNG, lightly compressed (the bytes go
    over the loopback, so speed matters more than size)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).save(
        buffer, format="PNG", compress_level=1
    )
    return buffer.getvalue()


class MapPlot:
    """The map, built once and updated in place on every redraw: the outline, axes and
    legend are made once; each update moves the markers, links and selection ring."""

    def __init__(self, mode: str = "relationship type", figsize=(4.6, 6.0)) -> None:
        self.fig = Figure(figsize=figsize)
        ax = self.ax = self.fig.add_axes((0.01, 0.01, 0.98, 0.94))
        outline = PolyCollection(gb_rings_km(), facecolors="#f3efe6", edgecolors="#8d8d8d", lw=0.6)
        ax.add_collection(outline, autolim=False)
        self.links = LineCollection([], lw=0.8, alpha=0.6)
        ax.add_collection(self.links, autolim=False)
        self.markers = ax.scatter([], [], edgecolors="white", linewidths=0.4, zorder=3)
        self.ring = ax.scatter(
            [], [], s=260, facecolors="none", edgecolors="black", linewidths=2, zorder=4
        )
        self.ring_label = ax.annotate("", (0, 0), xytext=(8, 8), textcoords="offset points")
        ax.set_aspect("equal")
        ax.set_xlim(-520, 160)
        ax.set_ylim(5520, 6760)
        ax.set_xticks([])
        ax.set_yticks([])
        self.title = ax.set_title("", fontsize=14)
        self.mode = None
        self._legend(mode)

    def _legend(self, mode: str) -> None:
        if mode == self.mode:
            return
        handles = [
            self.ax.scatter([], [], c=colour, s=30, label=label)
            for label, colour in MAP_LEGENDS[mode]
        ]
        self.ax.legend(
            handles=handles, loc="upper right", fontsize=11, title=mode, title_fontsize=11,
            framealpha=0.9,
        )  # fmt: skip
        self.mode = mode

    def update(
        self, firms: pd.DataFrame, links: pd.DataFrame, mode: str, selected: int | None,
        title: str = "",
    ) -> Figure:  # fmt: skip
        """Show this month's breeders, links and selection; return the figure."""
        self._legend(mode)
        where = firms.set_index("breeder_id")[["x_km", "y_km"]]
        ok = links["keeper"].isin(where.index) & links["partner"].isin(where.index)
        a = where.loc[links.loc[ok, "keeper"]].to_numpy()
        b = where.loc[links.loc[ok, "partner"]].to_numpy()
        self.links.set_segments(np.stack([a, b], axis=1) if len(a) else [])
        self.links.set_colors([TYPE_COLOURS[t] for t in links.loc[ok, "rtype"]] or ["k"])
        self.markers.set_offsets(
            firms[["x_km", "y_km"]].to_numpy() if len(firms) else np.zeros((0, 2))
        )
        self.markers.set_sizes(marker_sizes(firms["herd"]))
        self.markers.set_facecolors(marker_colours(firms, mode))
        if selected is not None and selected in where.index:
            x, y = where.loc[selected]
            self.ring.set_offsets([[x, y]])
            self.ring_label.xy = (x, y)
            self.ring_label.set_text(f"breeder {selected}")
        else:
            self.ring.set_offsets(np.zeros((0, 2)))
            self.ring_label.set_text("")
        self.title.set_text(title or "Breeders of Great Britain (marker size: herd)")
        return self.fig

    def breeder_at(self, px: float, py: float, firms: pd.DataFrame, within_km: float = 40.0):
        """The breeder nearest to pixel (px, py) of the map's PNG (from its top left), if
        one is within `within_km`; else None. For picking a breeder by clicking the map."""
        if len(firms) == 0:
            return None
        height = self.fig.get_size_inches()[1] * self.fig.dpi
        x, y = self.ax.transData.inverted().transform((px, height - py))
        d = np.hypot(firms["x_km"].to_numpy() - x, firms["y_km"].to_numpy() - y)
        best = int(np.argmin(d))
        return int(firms["breeder_id"].iloc[best]) if d[best] <= within_km else None


def draw_map(
    firms: pd.DataFrame,
    links: pd.DataFrame,
    mode: str = "relationship type",
    selected: int | None = None,
    title: str = "",
    figsize: tuple[float, float] = (4.6, 6.0),
) -> Figure:
    """Great Britain with every breeder at its place, co-ownership links and the selection."""
    return MapPlot(mode, figsize).update(firms, links, mode, selected, title)


class PanelsPlot:
    """Small time-series plots built once and updated in place: each update sets the lines'
    data, rescales and re-marks events, without making a figure or axes again."""

    def __init__(
        self, panels: Sequence[Panel], live: tuple[pd.DataFrame, pd.DataFrame | None],
        ncols: int = 3, width: float = 11.0,
    ) -> None:  # fmt: skip
        shown = [p for p in panels if panel_lines(p, *live)]
        self.panels = shown or list(panels)[:1]  # plots the model has columns for (one at least)
        nrows = max(1, -(-len(self.panels) // ncols))
        height = 3.3 * nrows
        self.fig = Figure(figsize=(width, height))
        axes = self.fig.subplots(nrows, ncols, squeeze=False).ravel()
        # fixed margins (inches) rather than a layout engine: a redraw lays text out once;
        # between columns room for the next plot's tick labels (six digits) and axis label
        gap = 1.35  # inches
        panel_w = (width - 1.25 - 0.2 - gap * (ncols - 1)) / ncols
        self.fig.subplots_adjust(
            left=1.25 / width, right=1 - 0.2 / width, bottom=0.6 / (height / nrows) / nrows,
            top=1 - 0.4 / height, wspace=gap / panel_w, hspace=0.6,
        )  # fmt: skip
        for ax in axes[len(self.panels) :]:
            ax.set_visible(False)
        self.axes = axes[: len(self.panels)]
        for ax, panel in zip(self.axes, self.panels, strict=True):
            ax.set_title(panel.title, fontsize=TITLE_PT)
            ax.set_ylabel(panel.ylabel, fontsize=TEXT_PT)
            ax.tick_params(labelsize=TEXT_PT)
            year_axis(ax)
            ax.xaxis.label.set_fontsize(TEXT_PT)
        self.lines: dict[tuple[int, str, bool], object] = {}
        self.marks: list = []
        self.legends: dict[int, tuple] = {}
        self.fig.twin_curves = 0

    def _line(self, i: int, label: str, k: int, twin: bool):
        key = (i, label, twin)
        if key not in self.lines:
            style = TWIN_STYLE if twin else {}
            text = f"{label}, no coopetition" if twin else label
            (self.lines[key],) = self.axes[i].plot(
                [], [], color=f"C{k}", lw=1.2 if twin else 1.4, label=text, **style
            )
        return self.lines[key]

    def update(
        self, live: tuple[pd.DataFrame, pd.DataFrame | None],
        twin: tuple[pd.DataFrame, pd.DataFrame | None] | None = None,
        events: Sequence[tuple[float, str]] = (),
    ) -> Figure:  # fmt: skip
        """Show the tables' lines (the twin's dashed); return the figure."""
        for artist in self.marks:
            artist.remove()
        self.marks = []
        for line in self.lines.values():
            line.set_visible(False)  # shown again below if still drawn
        used = set()
        self.fig.twin_curves = 0
        for i, (ax, panel) in enumerate(zip(self.axes, self.panels, strict=True)):
            lines = panel_lines(panel, *live)
            for k, (label, t, y) in enumerate(lines):
                line = self._line(i, label, k, False)
                line.set_data(t, y)
                line.set_visible(True)
                line.set_marker("o" if len(t) < 3 else "None")
                used.add((i, label, False))
            if twin is not None:
                colour = {label: k for k, (label, _, _) in enumerate(lines)}  # as the live line
                for k, (label, t, y) in enumerate(panel_lines(panel, *twin)):
                    twin_line = self._line(i, label, colour.get(label, k), True)
                    twin_line.set_data(t, y)
                    twin_line.set_visible(True)
                    used.add((i, label, True))
                    self.fig.twin_curves += 1
            ax.relim(visible_only=True)
            ax.autoscale_view()
            if tuple(ax.dataLim.intervaly) == (0.0, 0.0):  # all zero (no disease yet): 0 to 1,
                ax.set_ylim(0.0, 1.0, auto=True)  # not -0.04..0.04; the next update rescales
            if lines and len(lines[0][1]):
                start = float(lines[0][1][0])
                ax.set_xlim(start, max(start + 1, float(lines[0][1][-1])))  # a year at least
            before = set(ax.lines) | set(ax.texts)
            mark_events(ax, events)
            self.marks += [a for a in (*ax.lines, *ax.texts) if a not in before]
            # the legend names the quantities (solid lines); the caption under the figure
            # says that dashed is the twin, so the legend stays small inside its plot
            labels = tuple(k for k in used if k[0] == i and not k[2])
            if self.legends.get(i) != labels:
                self.legends[i] = labels
                legend = ax.get_legend()
                if legend is not None:
                    legend.remove()
                if len(labels) > 1:
                    handles = [self.lines[k] for k in sorted(labels, key=lambda k: k[1])]
                    ax.legend(handles=handles, fontsize=TEXT_PT - 1, loc="best", framealpha=0.8)
        return self.fig


def draw_panels(
    panels: Sequence[Panel],
    live: tuple[pd.DataFrame, pd.DataFrame | None],
    twin: tuple[pd.DataFrame, pd.DataFrame | None] | None = None,
    events: Sequence[tuple[float, str]] = (),
    ncols: int = 3,
    width: float = 11.0,
) -> Figure:
    """Small time-series plots, the live run solid and its twin without coopetition dashed."""
    return PanelsPlot(panels, live, ncols, width).update(live, twin, events)


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
    ax.legend(fontsize=TEXT_PT, loc="upper right")
    ax.set_xticks([])
    ax.set_yticks([])
    title = f"Partnerships and trust ({len(nodes)} best-connected breeders)"
    ax.set_title(title, fontsize=TITLE_PT)
    return fig
