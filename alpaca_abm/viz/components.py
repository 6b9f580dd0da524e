"""The app's Solara components: map, plots, network, shocks, inspector, controls, About.

Each view reads the running `TwinRun` through the adapter (`state.py`), inside
`run.reading()` so that no month runs while it reads (the controller steps in a thread of
its own), and redraws when the controls (controls.py) say the model moved
(`mesa.visualization.utils.update_counter`). Figures are drawn after the lock is let go.
"""

from __future__ import annotations

from collections.abc import Callable

import solara
import solara.lab
from mesa.visualization.utils import force_update, update_counter

from ..runner import DEFAULT_STEPS
from . import state
from .drawing import MapPlot, PanelsPlot, draw_network, png_bytes
from .twin import SHOCK_BUTTONS, TwinRun


@solara.component
def Prose(text: str, style: str = ""):
    """Markdown rendered on the server. solara.Markdown would make the browser fetch KaTeX
    (maths typesetting), which solara-assets does not ship: the server then tries the
    internet for it."""
    import markdown

    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(text), style=style)


def _twin_tables(run: TwinRun):
    if run.twin is None:
        return None
    return run.twin.model_df, run.twin.agent_df


@solara.component
def SeriesView(run: TwinRun, level: str, ncols: int = 3, width: float = 10.0):
    """The time series of one level (state.SERIES), twin dashed beside the live run."""
    update_counter.get()
    with run.reading():
        live = run.live
        model_df = live.model_df
        breeders = any(p.source == "breeders" for p in state.SERIES[level])
        agent_df = live.agent_df if breeders else None
        twin = _twin_tables(run)
        marks, date = state.marks(live), live.date
    started = len(model_df) > 0
    # the figure is made once per run and updated in place on each redraw
    plot = solara.use_memo(
        lambda: (
            PanelsPlot(state.SERIES[level], (model_df, agent_df), ncols=ncols, width=width)
            if started
            else None
        ),
        [id(run), level, ncols, width, started],
    )
    if not started:  # month 0: no month has run, so there is nothing to draw
        solara.Info(
            f"Month 0, {date}: no month has run yet. Press Step to run one month, or ▶ "
            "to play; the curves start with the first month."
        )
        return
    fig = plot.update((model_df, agent_df), twin, marks)
    solara.Image(png_bytes(fig), format="png", width="100%")
    caption = "Solid: this run."
    if twin is not None:
        caption += f" Dashed ({fig.twin_curves} curves): the twin without coopetition."
    solara.Text(caption, style={"font-size": "0.9em", "color": "grey"})
    if level == "relationships" and not model_df["n_partnerships"].any():
        solara.Info(
            "No partnership has run so far in this run, so there are no relationship types to "
            "share out: the shares read 0 until the first co-ownership."
        )


@solara.component
def MapView(run: TwinRun, selected: solara.Reactive[int | None]):
    """Great Britain with every breeder; colour switchable; the selected breeder ringed."""
    update_counter.get()
    mode, set_mode = solara.use_state(state.COLOUR_MODES[0])
    plot = solara.use_memo(MapPlot, [id(run)])
    with solara.Column():
        solara.Select(  # a list, not buttons: three buttons did not fit the column
            label="Colour breeders by",
            value=mode,
            on_value=set_mode,
            values=list(state.COLOUR_MODES),
        )
        with run.reading():
            firms, links = state.firm_frame(run.live), state.partnership_links(run.live)
            date = run.live.date
        fig = plot.update(
            firms, links, mode, selected.value, title=f"{date}: {len(firms)} breeders"
        )
        size = tuple(int(v) for v in fig.get_size_inches() * fig.dpi)
        ClickableImage(png_bytes(fig), size, lambda x, y: pick(plot.breeder_at(x, y, firms)))
        solara.Text(
            f"Map: {len(firms)} breeders, {len(links)} co-ownerships (lines). Click a breeder "
            "to select it. Outline of Great Britain: Natural Earth, public domain.",
            style={"font-size": "0.8em", "color": "grey"},
        )
        if selected.value is not None:
            solara.Text(f"Selected: breeder {selected.value} (see the Inspector tab)")

    def pick(breeder: int | None) -> None:
        if breeder is not None:
            selected.set(breeder)


@solara.component_vue("data/clickable_image.vue")
def _ClickableImage(src: str, width: int, event_pick: Callable[[dict], None]):
    """The browser side: an <img> that fits its column and reports clicks in PNG pixels."""


@solara.component
def ClickableImage(png: bytes, size: tuple[int, int], on_click):
    """A PNG that fits its column (at most its own pixel size), reporting clicks in the
    PNG's pixels from the top left: the browser scales the click by the shown size."""
    import base64

    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def clicked(where: dict) -> None:
        on_click(float(where.get("x", -1)), float(where.get("y", -1)))

    return _ClickableImage(src=src, width=size[0], event_pick=clicked)


@solara.component
def NetworkView(run: TwinRun, selected: solara.Reactive[int | None]):
    """Partnerships and trust; positions cached per breeder (state.NetworkLayout)."""
    update_counter.get()
    layout = solara.use_memo(lambda: state.NetworkLayout(seed=run.seed), [id(run)])
    with run.reading():
        nodes, edges = state.network_frame(run.live, layout)
    if len(nodes) == 0:
        solara.Info("No partnerships or trusted ties yet: press Step or Play.")
        return
    solara.Image(png_bytes(draw_network(nodes, edges, selected.value)), format="png", width="100%")


@solara.component
def BreederPicker(run: TwinRun, selected: solara.Reactive[int | None]):
    """A list of active breeders (id, place, herd) that selects one for the map and inspector."""
    update_counter.get()
    with run.reading():
        choices = state.breeder_choices(run.live)
    by_id = {int(c.split(" · ")[0]): c for c in choices}
    current = by_id.get(selected.value) if selected.value is not None else None

    def choose(text: str | None) -> None:
        selected.set(int(text.split(" · ")[0]) if text else None)

    solara.Select(label="Breeder", values=choices, value=current, on_value=choose)


@solara.component
def InspectorView(run: TwinRun, selected: solara.Reactive[int | None]):
    """One breeder: herd, partners with trust, knowledge by domain, accounts, history."""
    update_counter.get()
    BreederPicker(run, selected)
    if selected.value is None:
        solara.Info("Choose a breeder from the list (or on the Map tab) to see inside its firm.")
        return
    try:
        with run.reading():
            d = state.breeder_detail(run.live, selected.value)
    except ValueError as err:
        solara.Warning(str(err))
        return
    status = "active" if d["active"] else "left the industry"
    flags = [s for s, on in (("infected", d["infected"]), ("restricted", d["restricted"])) if on]
    Prose(
        f"### Breeder {d['breeder']}, {d['place']}\n{status}"
        + (f" · **{', '.join(flags)}**" if flags else "")
    )
    with solara.Columns([1, 1]):
        with solara.Column():
            Prose("**Herd**")
            solara.DataFrame(d["herd"].rename_axis("animals of").reset_index(), items_per_page=5)
            Prose("**Partners (co-owners) and trust in them (0-1)**")
            if len(d["partners"]):
                solara.DataFrame(d["partners"], items_per_page=10)
            else:
                solara.Text("no running co-ownership")
        with solara.Column():
            Prose("**Knowledge by domain (0-1)**")
            solara.DataFrame(d["knowledge"].rename("knowledge").rename_axis("domain").reset_index())
            Prose("**Accounts (GBP)**")
            solara.DataFrame(d["accounts"].rename("GBP").rename_axis("item").reset_index())
    Prose("**History in this run** (one row per report period)")
    if len(d["history"]):
        solara.DataFrame(d["history"].round(2).reset_index(), items_per_page=10)


@solara.component
def ShockButtons(run: TwinRun):
    """Buttons that fire events in the running model (and its twin) from the next month."""
    message, set_message = solara.use_state("")

    def fire(label: str) -> None:
        try:
            event = run.fire(label)
        except ValueError as err:
            set_message(f"{label}: {err}")
            return
        with run.reading():
            last = run.live.date
        set_message(f"{label} starts in month {event['start']} ({last} was the last).")
        force_update()

    with solara.Column(gap="4px"):
        for label in SHOCK_BUTTONS:
            solara.Button(
                label,
                on_click=lambda label=label: fire(label),
                outlined=True,
                color="error" if label == "Disease outbreak" else "primary",
            )
        if message:
            solara.Text(message, style={"font-size": "0.8em"})


@solara.component
def TwinSwitch(run: TwinRun, params: solara.Reactive[dict]):
    """The counterfactual industry (coopetition off, same scenario and seed) in lockstep."""
    update_counter.get()

    def switch(on: bool) -> None:
        run.set_twin(on)
        params.set({**params.value, "twin": on})
        force_update()

    solara.Switch(
        label="Twin: the same industry without coopetition",
        value=run.twin is not None,
        on_value=switch,
    )
    solara.Text(
        "Dashed curves: the twin. It gets the same shocks in the same months.",
        style={"font-size": "0.8em", "color": "grey"},
    )


@solara.component
def ParameterControls(params: solara.Reactive[dict], scenarios: list[str]):
    """Scenario, seed, the main parameters and the mechanism switches (taken on Reset)."""

    def put(name, value):
        params.set({**params.value, name: value})

    values = params.value
    bad_seed, set_bad_seed = solara.use_state("")

    def put_seed(text: str) -> None:
        if text.strip().isdigit():  # a field gives text: a seed is a whole number >= 0
            set_bad_seed("")
            put("seed", int(text))
        else:
            set_bad_seed(f"The seed must be a whole number (0, 1, 2, ...), not '{text}'.")

    solara.Select(
        label="Scenario",
        values=scenarios,
        value=values["scenario_name"],
        on_value=lambda v: put("scenario_name", v),
    )
    solara.InputText(
        label="Seed", value=str(values["seed"]), on_value=put_seed, continuous_update=True
    )
    if bad_seed:
        solara.Error(bad_seed)
    for name in state.SLIDERS:
        spec = state.slider_spec(name)
        value = values.get(name, spec.default)
        widget = solara.SliderInt if spec.kind is int else solara.SliderFloat
        widget(
            spec.label,
            value=value,
            min=spec.low,
            max=spec.high,
            step=spec.step,
            on_value=lambda v, name=name: put(name, v),
        )
        solara.Text(spec.help, style={"font-size": "0.75em", "color": "grey"})
    solara.SliderInt(
        f"Run length: {values.get('months', DEFAULT_STEPS)} months",
        value=values.get("months", DEFAULT_STEPS),
        min=12,
        max=600,
        step=12,
        on_value=lambda v: put("months", v),
    )
    for name in state.SWITCHES:
        solara.Checkbox(
            label=state.switch_label(name),
            value=values.get(name, state.switch_default(name)),
            on_value=lambda v, name=name: put(name, v),
        )
    solara.Text(
        "Sliders and switches take effect when you press Reset.",
        style={"font-size": "0.8em", "font-weight": "bold"},
    )


@solara.component
def Downloads(run: TwinRun):
    """The current run's model table and breeder table as CSV files."""
    update_counter.get()
    stem = f"{run.scenario_name}-seed{run.seed}-month{run.live.steps}".replace("/", "_")

    def table(write) -> str:
        with run.reading():  # the file is made when clicked, maybe while Play runs
            return write(run.live)

    solara.FileDownload(
        lambda: table(state.model_csv),
        filename=f"{stem}-model.csv",
        label="Model table (CSV)",
        mime_type="text/csv",
    )
    solara.FileDownload(
        lambda: table(state.breeder_csv),
        filename=f"{stem}-breeders.csv",
        label="Breeder table (CSV)",
        mime_type="text/csv",
    )


@solara.component
def RunInfo(run: TwinRun):
    """Month, date and size of the live run (and of the twin)."""
    update_counter.get()
    with run.reading():
        live, twin = run.live, run.twin
        month, date, finished = live.steps, live.date, run.finished
        breeders, infected = int(live.firms.active.sum()), state.infected_herds(live)
        if twin is not None:
            twin_text = (
                f"Twin: {int(twin.firms.active.sum())} breeders, infected herds: "
                f"{state.infected_herds(twin)}"
            )
    solara.Text(f"Month {month} · {date} · {breeders} breeders")
    solara.Text(f"Infected herds: {infected}")
    if finished:
        solara.Warning(
            f"End of the run: {run.months} months, to {date}. Press Reset to start again "
            "(a longer run length, under Scenario and parameters, runs further)."
        )
    if twin is not None:
        solara.Text(twin_text, style={"color": "grey"})


@solara.component
def RunParameters(run: TwinRun):
    """The values this run uses (read from its model), beside the sliders that set them."""
    update_counter.get()
    Prose("**This run uses**")
    with solara.Column(gap="0px"):
        with run.reading():
            values = state.run_parameters(run.live)
        for label, value in values:
            solara.Text(f"{label}: {value}", style={"font-size": "0.8em"})


@solara.component
def About(run: TwinRun):
    """The NetLogo Info-tab order, written for a student about the running scenario."""
    update_counter.get()
    with run.reading():
        text = state.about_text(run.live, run.months)
    Prose(text)
