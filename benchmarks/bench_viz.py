"""Browser-app benchmark: milliseconds per model step and per redraw of the main tab.

Run: `.venv/bin/python benchmarks/bench_viz.py` (about a minute). For `uk_2018` and for a
1,500-breeder industry (the baseline with `n_breeders=1500`, as in bench_scale.py) it
times, after a year of warm-up, the month (`TwinRun.step`, live run alone and with the
twin) and one redraw of what the app shows while playing: the map and the industry plots
drawn and encoded as PNG, as `solara.FigureMatplotlib` does. It then prints the rendered
updates a second while playing, 1 / (N x step + redraw), for a render interval N of 1 and
the smallest N that reaches the target. Excludes the websocket transfer and the
browser's own drawing (a few ms for two PNGs on this machine's loopback).
"""

from __future__ import annotations

import io
import statistics
import time

from alpaca_abm.viz import state
from alpaca_abm.viz.drawing import draw_map, draw_panels
from alpaca_abm.viz.twin import TwinRun

CASES = (
    ("uk_2018", "uk_2018", {}, 2.0),  # name, scenario, overrides, target updates a second
    ("1,500 breeders", "baseline", {"n_breeders": 1500}, 1.0),
)
WARM_UP, STEPS, REDRAWS = 12, 24, 8


def _png(fig) -> int:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches=None)
    return len(buffer.getvalue())


def redraw(run: TwinRun) -> int:
    """Draw the app's main tab once (map + industry plots), as PNG; return its bytes."""
    live = run.live
    twin = (run.twin.model_df, None) if run.twin is not None else None
    firms = state.firm_frame(live)
    size = _png(draw_map(firms, state.partnership_links(live), "relationship type", None))
    panels = draw_panels(
        state.SERIES["industry"], (live.model_df, None), twin, state.marks(live), ncols=2
    )
    return size + _png(panels)


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
            redraw_ms = ms(lambda run=run: redraw(run), REDRAWS)
            wall_ms = ms(run.step, 6, time.perf_counter) + ms(
                lambda run=run: redraw(run), 3, time.perf_counter
            )
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
