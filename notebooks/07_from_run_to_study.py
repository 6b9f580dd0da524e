# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 7. From one run to a study
#
# **What you will learn.** How to turn "I ran it and saw X" into a claim about the model:
# a *sweep* runs a design of parameter values, each point several times on different
# seeds (*replicates*); the result is a table of runs you can average with confidence
# intervals. Then a *sensitivity analysis* (Morris' elementary effects) asks which of
# several parameters an outcome depends on most. Both through `alpaca_abm.sweep`, the same
# code the command line's `alpaca-abm sweep` runs.
#
# **The seed passage.** Proposition 3: *"We expect that the management practices and
# decisions made at an individual, organizational, and industry level, will relate to the
# coopetition outcomes at an individual, organizational, and industry level."* A
# qualitative study finds that practices and outcomes go together; a model lets you vary
# one practice at a time, many times over, and measure how far each outcome follows.
#
# **How it works.** A sweep is three steps that know nothing of each other's insides:
# the *design* (which points: a grid, a Latin hypercube, a Morris or Saltelli sample), the
# *execution* (every point x replicate is one `alpaca_abm.run`, serially, on local
# processes or on a Dask cluster, into a resumable store on disk) and the *analysis*
# (tables and figures from the store).

# %% [markdown]
# ## Parameters
#
# `"fast"`: 5-year runs (60 months); a grid of 3 points x 4 replicates and a Morris
# design of 4 trajectories x 2 replicates (52 runs); about **29 seconds of CPU time**.
# `"full"`: 10-year runs, 6 replicates and 10 trajectories (118 runs); about 2 minutes.

# %% tags=["parameters"]
PROFILE = "fast"  # "fast" or "full"

# %%
PROFILES = {
    "fast": {"months": 60, "replicates": 4, "trajectories": 4, "morris_replicates": 2},
    "full": {"months": 120, "replicates": 6, "trajectories": 10, "morris_replicates": 2},
}
if PROFILE not in PROFILES:
    raise ValueError(f"PROFILE = {PROFILE!r} is not allowed: use 'fast' or 'full'.")
SETTINGS = PROFILES[PROFILE]

# %matplotlib inline
import tempfile

import matplotlib.pyplot as plt
from scipy import stats as scipy_stats

from alpaca_abm.sweep import Sweep, design
from alpaca_abm.sweep.summarise import morris_indices, point_statistics

# Sweeps write a store of results on disk; this notebook keeps it in a temporary folder.
workdir = tempfile.TemporaryDirectory(prefix="alpaca-abm-notebook-")

# %% [markdown]
# ## A sweep with replicates
#
# **Predict.** Notebook 3 compared two industries (breeders' mean openness 0.2 and 0.9).
# Over 0.2, 0.5 and 0.8, how will the knowledge leaked to partners change: in a straight
# line, levelling off, or not at all after 0.5?

# %%
my_prediction = """
...
"""

# %%
grid_sweep = Sweep(
    design.grid(openness_mean=[0.2, 0.5, 0.8]),
    scenario="baseline",
    steps=SETTINGS["months"],
    replicates=SETTINGS["replicates"],
    name="openness",
)
print(f"{grid_sweep.n_points} points x {grid_sweep.replicates} replicates")
grid_store = grid_sweep.run(f"{workdir.name}/openness", backend="serial", progress=False)
runs = grid_store.summary_frame()
runs[["point", "replicate", "seed", "openness_mean", "knowledge_leakage", "mean_knowledge"]]

# %% [markdown]
# Each replicate has its own seed (the store records it), so any run can be repeated
# alone with `alpaca_abm.run("baseline", steps=..., rng=seed, openness_mean=...)`. The
# analysis averages the replicates of each point with a 95% confidence interval:

# %%
outcomes = ["knowledge_leakage", "mean_knowledge"]
points = point_statistics(runs, ["openness_mean"], outcomes)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
for ax, outcome in zip(axes, outcomes, strict=True):
    mean = points[f"{outcome}_mean"]
    low = mean - points[f"{outcome}_ci_low"]
    high = points[f"{outcome}_ci_high"] - mean
    ax.errorbar(points["openness_mean"], mean, yerr=[low, high], marker="o", capsize=4)
    ax.set_xlabel("mean openness of breeders (share shown to partners)")
    ax.set_title(f"{outcome} (mean, 95% CI)")
fig.tight_layout()
plt.show()
points.round(3)

# %% [markdown]
# ## A sensitivity analysis
#
# Four parameters, each over a range: openness (`openness_mean` 0.2-0.9), temptation to
# overuse shared studs (`opportunism_mean` 0.05-0.8), the chance an overuse is detected
# (`control_strength` 0.1-0.9) and the outside buyers (`hobby_demand` 0.05-0.2). A Morris
# design moves one parameter at a time along random paths through that box; the mean
# absolute change of an outcome per step of a parameter (mu\*) ranks the parameters by
# influence, and sigma says how much the effect depends on the others.
#
# **Predict.** Which parameter matters most for the knowledge a partnership leaks? For
# the trust between breeders? For the price of a female?

# %%
morris_sweep = Sweep(
    design.morris(
        SETTINGS["trajectories"],
        openness_mean=(0.2, 0.9),
        opportunism_mean=(0.05, 0.8),
        control_strength=(0.1, 0.9),
        hobby_demand=(0.05, 0.2),
    ),
    scenario="baseline",
    steps=SETTINGS["months"],
    replicates=SETTINGS["morris_replicates"],
    name="four practices",
)
print(f"{morris_sweep.n_points} points x {morris_sweep.replicates} replicates")
morris_store = morris_sweep.run(f"{workdir.name}/morris", backend="serial", progress=False)
parameters = ["openness_mean", "opportunism_mean", "control_strength", "hobby_demand"]
morris_runs = morris_store.summary_frame()
# The leakage summed over the run grows with the industry (more partnerships, more
# leakage), and outside buyers grow the industry: per contract signed, it measures what
# each partnership leaks.
morris_runs["leakage_per_contract"] = (
    morris_runs["knowledge_leakage"] / morris_runs["contracts_made"]
)
outcomes = ["leakage_per_contract", "mean_trust", "final_price_female"]
morris_points = point_statistics(morris_runs, parameters, outcomes)
indices = morris_indices(morris_store, morris_points, outcomes)
indices.round(4)

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
for ax, (outcome, group) in zip(axes, indices.groupby("outcome", sort=False), strict=True):
    ax.barh(group["parameter"], group["mu_star"], xerr=group["mu_star_conf"], capsize=3)
    ax.set_title(f"{outcome}: mu* (95% CI)")
    ax.invert_yaxis()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Things to notice
#
# 1. **Leakage grows with openness.** Over the grid's runs, the knowledge leaked rises
#    with breeders' openness: the least-squares slope is positive and its 95% confidence
#    interval lies above zero.

# %%
fit = scipy_stats.linregress(runs["openness_mean"], runs["knowledge_leakage"])
half = scipy_stats.t.ppf(0.975, len(runs) - 2) * fit.stderr
low, high = fit.slope - half, fit.slope + half
print(f"slope {fit.slope:.3f} per unit of openness, 95% CI [{low:.3f}, {high:.3f}]")
assert fit.slope - half > 0, fit

# %% [markdown]
# 2. **Each outcome has its own lever.** Of the four parameters, openness is the one the
#    leakage per partnership depends on most, and opportunism the one trust depends on
#    most: the lower end
#    of the leading parameter's mu\* interval lies above the upper end of every other
#    parameter's. What a breeder shows decides what it loses; how partners behave decides
#    whom it trusts (Propositions 1b and 1a).


# %%
def leader(outcome):
    """The parameter with the largest mu*, and whether its interval clears all others'."""
    group = indices[indices["outcome"] == outcome].set_index("parameter")
    top = group["mu_star"].idxmax()
    others = group.drop(index=top)
    clear = (
        group.loc[top, "mu_star"] - group.loc[top, "mu_star_conf"]
        > (others["mu_star"] + others["mu_star_conf"]).max()
    )
    return top, bool(clear)


assert leader("leakage_per_contract") == ("openness_mean", True), indices
assert leader("mean_trust") == ("opportunism_mean", True), indices

# %%
workdir.cleanup()  # the stores were read into the tables above

# %% [markdown]
# ## Things to try
#
# 1. Which parameter does the price of a female depend on most? Is the answer clear with
#    this few trajectories? Raise `trajectories` (or use `PROFILE = "full"`) and see
#    whether the intervals separate.
# 2. Rank the parameters for the leakage summed over the run (`knowledge_leakage`)
#    instead of per contract, with `PROFILE = "full"`. Which lever leads now, and why?
# 3. Add `fairness` (0.3-0.7) to the Morris design. Where does it rank for elite access
#    (`elite_access_share`)?
# 4. A sweep is also a file: `experiments/control_openness.toml` is a grid with
#    replicates. From the command line: `alpaca-abm sweep experiments/control_openness.toml
#    --out sweeps/co`, then `alpaca-abm sweep --summarise sweeps/co` for the tables and
#    figures; in Python, `Sweep.from_toml("../experiments/control_openness.toml")`.
# 5. Run the grid on two processes: `backend="local", workers=2`. The results are
#    identical to the serial run's (the store records each run's seed); only the time
#    differs.
#
# ## Related notebooks and references
#
# docs/SWEEPS.md (designs, backends, the store); docs/VALIDATION.md (the seed's
# propositions tested with replicates and power). Morris (1991) on elementary effects;
# SALib (Herman and Usher 2017). Garri, Proposition 3.
