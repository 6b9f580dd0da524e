"""Browser-app benchmark: milliseconds per model step and per redraw of the main tab.

Run: `.venv/bin/python benchmarks/bench_viz.py` (about a minute). For `uk_2018` and for a
1,500-breeder industry (the baseline with `n_breeders=1500`, as in bench_scale.py) it
times, after a year of warm-up, the month (`TwinRun.step`, live run alone and with the
twin) and one redraw of what the app shows while playing: the map and the industry plots
updated in place and encoded as PNG, as the app's MapView and SeriesView do. Times are CPU
time (medians), so that other programs on shared cores do not count; the wall-clock sum is
printed beside. Rendered updates a second while playing = 1000 / (step ms + redraw ms).
Rendering every N steps does not raise that rate (each update then costs N steps and a
redraw); it raises the months simulated a second, N / (N x step + redraw), printed for
N = 12. Excludes the websocket transfer and the browser's own drawing of two PNGs.
"""

from __future__ import annotations

import statistics
import time

from alpaca_abm.viz import state
from alpaca_abm.viz.drawing import MapPlot, PanelsPlot, png_bytes
from alpaca_abm.viz.twin import TwinRun

CASES = (
    ("uk_2018", "uk_2018", {}, 2.0),  # name, scenario, overrides, target updates a second
    ("1,500 breeders", "baseline", {"n_breeders": 1500}, 1.0),
)
WARM_UP, STEPS, REDRAWS = 12, 24, 8


def redrawer(run: TwinRun):
    """What the app does on each redraw of its main tab: update the map and the industry
    plots (made once, as the app makes them once per run) and encode both as PNG."""
    live = run.live
    map_plot = MapPlot()
    panels = PanelsPlot(state.SERIES["industry"], (live.model_df, None), ncols=2)

    def redraw() -> int:
        twin = (run.twin.model_df, None) if run.twin is not None else None
        firms = state.firm_frame(live)
        fig = map_plot.update(firms, state.partnership_links(live), "relationship type", None)
        size = len(png_bytes(fig))
        return size + len(png_bytes(panels.update((live.model_df, None), twin, state.marks(live))))

    return redraw


def ms(fn, repeats: int, clock=time.process_time) -> float:
    """Median milliseconds of `fn` on `clock`: CPU time by default, so that other programs
    sharing the machine's cores do not count (wall-clock figures are printed beside)."""
    times = []
    for _ in range(repeats):
        t = clock()
        fn()
        times.append((clock() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    print(
        f"{'industry':<16}{'twin':>6}{'breeders':>10}{'step ms':>10}{'redraw ms':>11}"
        f"{'updates/s':>11}{'target':>8}{'months/s N=12':>15}{'wall ms':>9}"
    )
    for name, scenario, overrides, target in CASES:
        for twin in (False, True):
            run = TwinRun(scenario, 0, twin=twin, **overrides)
            for _ in range(WARM_UP):
                run.step()
            step_ms = ms(run.step, STEPS)
            redraw = redrawer(run)
            redraw()  # the first draw lays out the text once
            redraw_ms = ms(redraw, REDRAWS)
            wall_ms = ms(run.step, 6, time.perf_counter) + ms(redraw, 3, time.perf_counter)
            rate = 1000 / (step_ms + redraw_ms)
            yearly = 12 * 1000 / (12 * step_ms + redraw_ms)
            print(
                f"{name:<16}{'on' if twin else 'off':>6}{int(run.live.firms.active.sum()):>10}"
                f"{step_ms:>10.1f}{redraw_ms:>11.1f}{rate:>11.2f}{target:>8.0f}{yearly:>15.1f}"
                f"{wall_ms:>9.0f}"
            )
    print(
        "ms are CPU time (medians); updates/s = 1000 / (step ms + redraw ms), rendering every "
        "step; targets: 2 a second for uk_2018, 1 at 1,500 breeders. wall ms = step + redraw "
        "by the clock, which also counts time lost to other programs on shared cores."
    )


if __name__ == "__main__":
    main()
