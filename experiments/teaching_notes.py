"""The numbers in docs/TEACHING.md's notes for the teacher: what the model answers to each
question of the lesson, for the app's default run (baseline, seed 0) and over seeds.

Each scene of the lesson compares two settings on the same seeds (the app's twin run does
the same for coopetition). Prints a Markdown table per scene: the value at the end of
`months` for seed 0 (what the class sees in the app at that month) and the mean and range
over the seeds. Run: `.venv/bin/python experiments/teaching_notes.py [months] [seeds]`
(default 120 months, seeds 0-4; about 90 seconds of CPU time). Scene 3 is measured twice:
the `disease_outbreak` scenario, and the app's button pressed a year into a twin run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import numpy as np

import alpaca_abm
from alpaca_abm import RunResult


def final_table(result: RunResult):
    """The breeder table of the run's last December."""
    agents = result.agent_df
    return agents.xs(agents.index.get_level_values("step").max(), level="step")


def elite_share(size: str) -> Callable[[RunResult], float]:
    """Share of breeders of one size class with elite access in the last December."""

    def measure(result: RunResult) -> float:
        final = final_table(result)
        return float(final.loc[final["size_class"] == size, "elite_access"].mean())

    return measure


def total(column: str) -> Callable[[RunResult], float]:
    """Sum of a monthly column over the run."""
    return lambda result: float(result.model_df[column].sum())


def at_end(column: str) -> Callable[[RunResult], float]:
    """A monthly column in the run's last month."""
    return lambda result: float(result.model_df[column].iloc[-1])


def yearly_price(year: int) -> Callable[[RunResult], float]:
    """Mean price of a breeding female in year `year` of the run (0 = the first)."""
    return lambda result: float(
        result.model_df["price_female"].iloc[12 * year : 12 * (year + 1)].mean()
    )


# scene: ((scenario, overrides) of A, of B or None for one setting, outcomes measured on both)
SCENES = {
    "1. Why cooperate (twin run: coopetition off)": (
        ("baseline", {"coopetition": False}),
        ("baseline", {}),
        {
            "breeders with elite access (share)": at_end("elite_access_share"),
            "small farms with elite access (share)": elite_share("small"),
            "large farms with elite access (share)": elite_share("large"),
            "mean herd quality (0-100)": at_end("mean_quality"),
            "mean knowledge (0-1)": at_end("mean_knowledge"),
            "running co-ownerships": at_end("n_partnerships"),
            "breeders in business": at_end("n_breeders"),
        },
    ),
    "2a. Openness 0.2 vs 0.9": (
        ("baseline", {"openness_mean": 0.2}),
        ("baseline", {"openness_mean": 0.9}),
        {
            "knowledge shared (sum over the run)": total("knowledge_shared"),
            "knowledge leaked (sum over the run)": total("leakage"),
            "mean knowledge (0-1)": at_end("mean_knowledge"),
        },
    ),
    "2b. Opportunism 0.05 vs 0.8": (
        ("baseline", {"opportunism_mean": 0.05}),
        ("baseline", {"opportunism_mean": 0.8}),
        {
            "mean trust (0-1)": at_end("mean_trust"),
            "overuses of shared studs": total("breaches"),
        },
    ),
    "2c. Opportunism 0.8: control 0.9 vs 0.1": (
        ("baseline", {"opportunism_mean": 0.8, "control_strength": 0.9}),
        ("baseline", {"opportunism_mean": 0.8, "control_strength": 0.1}),
        {
            "overuses of shared studs": total("breaches"),
            "overuses detected": total("detected_breaches"),
        },
    ),
    "3. Disease outbreak in January 2011": (
        ("baseline", {}),
        ("disease_outbreak", {}),
        {
            "herds infected": total("new_infected_herds"),
            "animals culled": total("culled"),
            "alpacas at the end": at_end("n_alpacas"),
        },
    ),
    "4. The price and the herd (baseline)": (
        ("baseline", {}),
        None,
        {
            "price of a female, first year (GBP)": yearly_price(0),
            "price of a female, last year (GBP)": lambda r: float(
                r.model_df["price_female"].iloc[-12:].mean()
            ),
            "alpacas in the first month": lambda r: float(r.model_df["n_alpacas"].iloc[0]),
            "alpacas at the end": at_end("n_alpacas"),
        },
    ),
}


def scene_table(a, b, outcomes, months: int, seeds: list[int]) -> list[dict[str, str]]:
    """Per outcome: seed 0's value under each setting, and mean [min-max] over seeds."""
    arms = {"A": a} if b is None else {"A": a, "B": b}
    values = {name: {arm: [] for arm in arms} for name in outcomes}
    for seed in seeds:
        for arm, (scenario, overrides) in arms.items():
            result = alpaca_abm.run(scenario, steps=months, rng=seed, **overrides)
            for name, measure in outcomes.items():
                values[name][arm].append(measure(result))
    return summary_rows(values, seeds[0])


def summary_rows(
    values: dict[str, dict[str, list[float]]], first_seed: int
) -> list[dict[str, str]]:
    """Per outcome (values[outcome][arm], one per seed): the first seed's value under each
    arm, and mean [min to max] over the seeds."""
    rows = []
    for name, by_arm in values.items():
        row = {"outcome": name}
        for arm, x in by_arm.items():
            x = np.array(x)
            row[f"{arm}, seed {first_seed}"] = shown(x[0])
            spread = f"{shown(x.min())} to {shown(x.max())}"
            row[f"{arm}, mean [range]"] = f"{shown(x.mean())} [{spread}]"
        rows.append(row)
    return rows


BUTTON_MONTHS = (12, 36)  # scene 3 in the app: ▶ a year, press the button, ▶ three years


def button_scene_table(seeds: list[int]) -> list[dict[str, str]]:
    """Scene 3 as the class runs it in the app (the app's own TwinRun): the default run
    (baseline) with its twin without coopetition, a year, the *Disease outbreak* button,
    three years; per outcome, the twin (A) and the live run (B) as `scene_table` shows them."""
    from alpaca_abm.viz.twin import TwinRun

    outcomes = {
        "herds infected": lambda df: float(df["new_infected_herds"].sum()),
        "animals culled": lambda df: float(df["culled"].sum()),
        "alpacas at the end": lambda df: float(df["n_alpacas"].iloc[-1]),
    }
    values = {name: {"A": [], "B": []} for name in outcomes}
    before, after = BUTTON_MONTHS
    for seed in seeds:
        run = TwinRun("baseline", seed=seed, twin=True)
        for _ in range(before):
            run.step()
        run.fire("Disease outbreak")
        for _ in range(after):
            run.step()
        frames = {
            "A": run.twin.datacollector.get_model_vars_dataframe(),
            "B": run.live.datacollector.get_model_vars_dataframe(),
        }
        for name, measure in outcomes.items():
            for arm, frame in frames.items():
                values[name][arm].append(measure(frame))
    return summary_rows(values, seeds[0])


def shown(value: float) -> str:
    """A number as the notes print it: whole units from 100 up, else three figures."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def markdown(rows: list[dict[str, str]]) -> str:
    """A Markdown table of rows with the same keys."""
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row[k] for k in head) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    months = int(argv[0]) if argv else 120
    seeds = list(range(int(argv[1]) if len(argv) > 1 else 5))
    print(f"alpaca-abm {alpaca_abm.__version__}, {months} months, seeds {seeds[0]}-{seeds[-1]}")
    for title, (a, b, outcomes) in SCENES.items():
        setting = f"A = {a[0]} {a[1]}" + ("" if b is None else f", B = {b[0]} {b[1]}")
        print(f"\n### {title}\n\n{setting}\n")
        print(markdown(scene_table(a, b, outcomes, months, seeds)))
    before, after = BUTTON_MONTHS
    print(f"\n### 3b. The app's Disease outbreak button after {before} months, then {after}\n")
    print("A = the twin (coopetition off), B = the live run (baseline), as the app runs them\n")
    print(markdown(button_scene_table(seeds)))


if __name__ == "__main__":
    main(sys.argv[1:])
