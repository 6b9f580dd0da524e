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
# # 1. Quick start: one run, three levels of outcomes
#
# **What you will learn.** How to run the alpaca-abm model from Python, where its results
# are (a table of months, a table of breeders, a dictionary of headline figures), and how
# to read the outcomes of coopetition at the three levels the seed study names:
# the **individual** (what a breeder knows, whom it trusts), the **organisational** (a
# farm's profit and its access to elite genetics) and the **industry** (how many breeders,
# how many alpacas, how good the national herd is, what a female sells for).
#
# **The seed passage.** Garri's study of 29 UK alpaca breeders (the first seed paper)
# proposes that *"the successful coopetition management in various coopetition stages, at
# an individual, organizational, and industry level, leads to value co-creation,
# knowledge-enhancement, and to the VRIO resources development, and thus drive positive
# outcomes for the individuals and organizations engaged and for the industry as a
# whole"* (abstract). Its Table 4 lists the outcomes level by level; the model reports
# each of them.
#
# **How it works (the rules, not the code).** Each month every breeder mates its
# females, to its own male, to a stud it co-owns with another breeder, or to a stud it
# hires; crias are born, grow, are shorn and sold. Breeders who co-own a stud share its
# cost and its matings, learn from each other (and leak some of their own know-how), pass
# on buyers they cannot serve, and build or lose trust. Newcomers enter when the trade
# looks good, and breeders who lose money for too long leave.

# %% [markdown]
# ## Parameters
#
# `PROFILE = "fast"` runs 10 years (120 months) on 4 seeds and takes about **9 seconds of
# CPU time**, kernel start included (longer by the clock on a busy machine). `"full"` runs
# the scenario's 20 years on 10 seeds (about 30 seconds of CPU time). A *seed* (`rng=` in
# Python, `--seed` on the command line: the same thing) fixes the random draws: the same
# seed gives the same run.

# %% tags=["parameters"]
PROFILE = "fast"  # "fast" or "full"

# %%
PROFILES = {
    "fast": {"months": 120, "seeds": [0, 1, 2, 3]},
    "full": {"months": 240, "seeds": list(range(10))},
}
if PROFILE not in PROFILES:
    raise ValueError(f"PROFILE = {PROFILE!r} is not allowed: use 'fast' or 'full'.")
MONTHS = PROFILES[PROFILE]["months"]
SEEDS = PROFILES[PROFILE]["seeds"]

# %matplotlib inline
import matplotlib.pyplot as plt
import pandas as pd

import alpaca_abm

# %% [markdown]
# ## One run
#
# **Predict first.** The baseline starts in January 2006 with 140 small farms holding
# about 3,000 alpacas. Write down, before you run the next cell: after 10 years, will
# there be more or fewer breeders? Will the average animal be better or worse? Will a
# breeding female sell for more or less than in 2006?

# %%
my_prediction = """
breeders: ...
quality: ...
price of a female: ...
"""

# %%
result = alpaca_abm.run("baseline", steps=MONTHS, rng=SEEDS[0])
first, last = result.model_df.iloc[0], result.model_df.iloc[-1]
print(f"{first['date']}: {first['n_breeders']:.0f} breeders, {first['n_alpacas']:,.0f} alpacas")
print(f"{last['date']}: {last['n_breeders']:.0f} breeders, {last['n_alpacas']:,.0f} alpacas")

# %% [markdown]
# `result` holds three things:
#
# - `result.model_df`: one row per month, the **industry** (and averages of the other
#   levels);
# - `result.agent_df`: one row per breeder per year (every December), indexed by `(step,
#   breeder_id)`: the **individual** and **organisational** outcomes;
# - `result.summary`: the headline figures of the run.
#
# The columns this notebook uses, level by level, with their meaning and unit from the
# project's data dictionary (`alpaca_abm.dictionary`; every column of every table is in
# docs/DATA.md and in the DATA.md written beside each run's results):

# %%
from alpaca_abm.dictionary import entry

LEVELS = {
    "industry": ("model_df", ["n_breeders", "n_alpacas", "mean_quality", "price_female"]),
    "organisational": ("agent_df", ["herd_size", "size_class", "profit", "elite_access"]),
    "individual": ("agent_df", ["n_partners", "knowledge", "trust_mean"]),
}
pd.DataFrame(
    [
        (level, table, name, entry(name).meaning, entry(name).unit)
        for level, (table, names) in LEVELS.items()
        for name in names
    ],
    columns=["level", "table", "column", "meaning", "unit"],
)

# %%
result.model_df[["date", "n_breeders", "n_alpacas", "mean_quality", "price_female"]].iloc[::24]

# %% [markdown]
# ### The industry level, month by month

# %%
df = result.model_df
years = 2006 + (df["step"] - 1) / 12  # calendar years: the run starts in January 2006
fig, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
panels = [
    ("n_breeders", "Breeders in business"),
    ("n_alpacas", "Alpacas"),
    ("mean_quality", "Mean herd quality (0-100)"),
    ("price_female", "Price of a breeding female (GBP)"),
]
for ax, (column, title) in zip(axes.flat, panels, strict=True):
    ax.plot(years, df[column])
    ax.set_title(title)
for ax in axes[1]:
    ax.set_xlabel("year")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### The organisational and individual levels, in the last December
#
# Each row of `agent_df` is one breeder in one December. Take the last December and
# split the breeders by whether they co-own a stud with a competitor.

# %%
agents = result.agent_df
last_table = agents.xs(agents.index.get_level_values("step").max(), level="step").copy()
last_table["co-owns a stud"] = last_table["n_partners"] > 0
last_table.groupby(["size_class", "co-owns a stud"])[
    ["herd_size", "elite_access", "knowledge", "trust_mean", "profit"]
].mean().round(3)

# %% [markdown]
# ## Over several seeds
#
# One run is one possible history. A claim about the model is a claim about many runs:
# the same scenario on several seeds.

# %%
rows = []
for seed in SEEDS:
    run = alpaca_abm.run("baseline", steps=MONTHS, rng=seed)
    final = run.agent_df.xs(run.agent_df.index.get_level_values("step").max(), level="step")
    partner = final["n_partners"] > 0
    rows.append(
        {
            "seed": seed,
            "quality_gain": run.summary["quality_gain"],
            "elite_access_partners": final.loc[partner, "elite_access"].mean(),
            "elite_access_alone": final.loc[~partner, "elite_access"].mean(),
            "knowledge_partners": final.loc[partner, "knowledge"].mean(),
            "knowledge_alone": final.loc[~partner, "knowledge"].mean(),
        }
    )
seeds_table = pd.DataFrame(rows).set_index("seed")
seeds_table.round(3)

# %% [markdown]
# ## Things to notice
#
# Each statement below is checked over the seeds of the profile; the notebook fails if
# the model stops doing it (so a change to the model that makes this lesson untrue is
# caught by the project's tests).
#
# 1. **Industry: the herd gets better.** Mean herd quality at the end is above its start
#    in every seed. Breeders choose the best sire they can reach, and co-owned studs put
#    elite sires within reach of farms that could not buy one alone (Table 4: *Improved
#    quality, create a niche*, 12 of 29 firms).

# %%
assert (seeds_table["quality_gain"] > 0).all(), seeds_table["quality_gain"]

# %% [markdown]
# 2. **Organisational: co-owners reach elite genetics more often.** In the last December,
#    breeders with a co-owned stud more often mated a female to an elite sire that year
#    than breeders who bred alone, in at least all seeds but one. *"It allows us to access
#    much higher value, higher quality breeding males"* (I2); access to rare resources
#    (genetics) is the theme named most often in the study (19 of 29 firms).

# %%
higher = seeds_table["elite_access_partners"] > seeds_table["elite_access_alone"]
assert higher.sum() >= len(SEEDS) - 1, seeds_table[["elite_access_partners", "elite_access_alone"]]

# %% [markdown]
# 3. **Individual: co-owners know more.** Breeders with partners know more (health,
#    breeding, marketing) than breeders without, in at least all seeds but one. *"We
#    learn from other people and what they are doing"* (Table 4: knowledge and learning,
#    15 of 29 firms). Careful: this compares different breeders, and partners are chosen,
#    so it does not yet show that co-owning *causes* the difference. Notebook 2 runs the
#    same industry without coopetition to answer that.

# %%
higher = seeds_table["knowledge_partners"] > seeds_table["knowledge_alone"]
assert higher.sum() >= len(SEEDS) - 1, seeds_table[["knowledge_partners", "knowledge_alone"]]

# %% [markdown]
# ## The same run in the app
#
# The project's browser app (`alpaca-abm viz` on the command line) also runs inside
# Jupyter: the next cell's last expression is the app's page. Press ▶ to play the
# months, click a breeder on the map, switch on the twin run to see the industry without
# coopetition beside it. The page needs a live kernel; on a static copy of this notebook
# (or on GitHub) you see nothing below the cell, so here is what it looks like:
#
# ![The app: the map of every breeder and the industry curves](../docs/figures/app.png)

# %%
from alpaca_abm.viz.app import Page

Page()

# %% [markdown]
# After an app page, matplotlib figures may stop showing in some Jupyter versions;
# `%matplotlib inline` (as in the parameters cell) brings them back.
#
# ## Things to try
#
# 1. Change `rng=` in the one-run cell. Which numbers change a lot from seed to seed, and
#    which hardly move?
# 2. Run `alpaca_abm.run("uk_2018", steps=120, rng=0)`: the seed study's own 29 firms
#    (Table 2) in an industry of 123 breeders from 2018. Is the split of co-owners and
#    breeders alone like the baseline's?
# 3. Look at `result.summary`: which headline figure would you show a breeder who asks
#    "does co-owning pay?", and what is missing from it?
# 4. Plot `n_partnerships` over time. Why does it not keep growing with the industry?
#
# ## Extending the model
#
# The breeder table has one row per breeder; add a column to `alpaca_abm/metrics.py`'s
# `breeder_table` (for example the number of years a breeder has co-owned) and read it here.
#
# ## Related notebooks and references
#
# Notebook 2 (why cooperate with a competitor) and 3 (share or protect) take the levels
# apart. Reference: Garri, M. *Coopetition, value co-creation, and knowledge-enhancement in
# the UK alpaca industry: a multi-level mechanism* (University of Portsmouth), Tables 1-4.
