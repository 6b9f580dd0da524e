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
# # 5. Shocks: disease, Brexit, a fibre boom
#
# **What you will learn.** How forces outside the breeders' control move the industry,
# and how to measure a shock: run the industry with and without it on the same seeds and
# compare the pairs. Three shocks the seed firms named: a disease outbreak (bovine TB)
# that travels along the trade and stud network, Brexit, and a boom in natural fibre.
#
# **The seed passage.** Proposition 4: *"the structure and nature of the market in terms
# of demand conditions, product specifications and price-related pressures, the
# institutional environment in terms of stability, legislation and government support and
# the competitive environment in relation to [...] risk surge [...] will boost or weaken
# the outcome of the link between coopetition management and outcomes."* In Table 4,
# disease risk is named by 8 of the 29 firms (*"the price decline is apparent even with
# co-owning and improving our quality because of factors such as disease scares"*, I28),
# Brexit by 2 (*"I think Brexit is a challenge"*, I2), the demand for natural fibre by 2
# (*"there has been a real resurgence in the sale of natural fibers"*, I9) and for
# coloured animals by 1 (*"there is a demand in coloured alpacas"*, I29).
#
# **How it works.** *Disease* (scenario `disease_outbreak`): TB enters seven herds in
# January 2011 and travels only along real contacts: an animal sold carries its
# infection, a dam visiting another breeder's stud meets the stud and the host herd. A
# tested herd found infected is put under movement restrictions and its reactors are
# culled; news of found herds scares buyers. *Brexit* (`brexit`): most EU buyers of live
# animals fall away, imported genetics cost more and investment falters for two years.
# *Fibre boom* (`fibre_boom`): from 2012 fleece sells for half as much again, coloured
# animals are sought after and more hobby buyers come.

# %% [markdown]
# ## Parameters
#
# `"fast"`: 10 years from 2006 on 5 seeds, with Brexit brought forward to January 2010
# (month 48) so that its aftermath falls inside the run; about **23 seconds of CPU time**.
# `"full"`: the scenarios' 20 years with Brexit in January 2021 (month 180) as shipped, on
# 8 seeds; about 70 seconds.

# %% tags=["parameters"]
PROFILE = "fast"  # "fast" or "full"

# %%
PROFILES = {
    "fast": {"months": 120, "seeds": [0, 1, 2, 3, 4], "brexit_month": 48},
    "full": {"months": 240, "seeds": list(range(8)), "brexit_month": 180},
}
if PROFILE not in PROFILES:
    raise ValueError(f"PROFILE = {PROFILE!r} is not allowed: use 'fast' or 'full'.")
MONTHS = PROFILES[PROFILE]["months"]
SEEDS = PROFILES[PROFILE]["seeds"]
BREXIT_MONTH = PROFILES[PROFILE]["brexit_month"]
DISEASE_MONTH = 60  # the disease_outbreak scenario's start: January 2011
FIBRE_MONTH = 72  # the fibre_boom scenario's events start in January 2012

# %matplotlib inline
import matplotlib.pyplot as plt
import pandas as pd

import alpaca_abm
from alpaca_abm.compare import paired_statistics

# %% [markdown]
# ## Predict
#
# 1. TB enters seven of 140 herds. Will it stay there? Which breeders are most at risk:
#    those who trade and share studs, or those who keep to themselves?
# 2. After Brexit, what happens to sales abroad, and to the size of the national herd?
# 3. In a fibre boom, which animals sell better?

# %%
my_prediction = """
1. ...
2. ...
3. ...
"""

# %% [markdown]
# ## Run the baseline and the three shocks on the same seeds

# %%
rows, series = [], []
for seed in SEEDS:
    runs = {
        "baseline": alpaca_abm.run("baseline", steps=MONTHS, rng=seed),
        "disease": alpaca_abm.run("disease_outbreak", steps=MONTHS, rng=seed, keep_model=True),
        "brexit": alpaca_abm.run("brexit", steps=MONTHS, rng=seed, brexit_month=BREXIT_MONTH),
        "fibre boom": alpaca_abm.run("fibre_boom", steps=MONTHS, rng=seed),
    }
    routes = runs["disease"].model.disease.routes  # herds infected, by route
    for label, result in runs.items():
        months = result.model_df
        rows.append(
            {
                "seed": seed,
                "scenario": label,
                "alpacas at the end": months["n_alpacas"].iloc[-1],
                "animals culled": months["culled"].sum(),
                "outside buyers, 2 years after outbreak": months["outside_buyers"]
                .iloc[DISEASE_MONTH : DISEASE_MONTH + 24]
                .sum(),
                "herds infected by sale": routes["sale"] if label == "disease" else 0,
                "herds infected at a stud": (
                    routes["coowned"] + routes["service"] if label == "disease" else 0
                ),
                "exports after Brexit month": months["export_sales"].iloc[BREXIT_MONTH:].sum(),
                "investment mood, 2 years after Brexit month": months["investment_mood"]
                .iloc[BREXIT_MONTH : BREXIT_MONTH + 24]
                .mean(),
                "coloured sales after 2012": months["coloured_sales"].iloc[FIBRE_MONTH:].sum(),
                "fibre price after 2012": months["fibre_price"].iloc[FIBRE_MONTH:].mean(),
            }
        )
        series.append(months.assign(seed=seed, scenario=label))
runs_table = pd.DataFrame(rows)
series = pd.concat(series, ignore_index=True)
runs_table.groupby("scenario", sort=False).mean(numeric_only=True).drop(columns="seed").round(1)

# %% [markdown]
# Each shock beside the baseline (mean over seeds; the dotted line marks the shock):

# %%
panels = [
    ("disease", "infected_herds", "Herds infected", DISEASE_MONTH),
    ("disease", "outside_buyers", "Buyers from outside the industry a month", DISEASE_MONTH),
    ("brexit", "investment_mood", "Investment mood (1 = normal)", BREXIT_MONTH),
    ("brexit", "n_alpacas", "Alpacas", BREXIT_MONTH),
    ("fibre boom", "fibre_price", "Fibre price (GBP/kg)", FIBRE_MONTH),
    ("fibre boom", "coloured_sales", "Coloured animals sold a month", FIBRE_MONTH),
]
fig, axes = plt.subplots(3, 2, figsize=(11, 9))
for ax, (shock, column, title, month) in zip(axes.flat, panels, strict=True):
    for label in ("baseline", shock):
        mean = series[series["scenario"] == label].groupby("step")[column].mean()
        ax.plot(2006 + (mean.index - 1) / 12, mean, label=label)
    ax.axvline(2006 + month / 12, color="grey", linestyle=":")
    ax.set_title(f"{shock}: {title}")
    ax.legend(fontsize="small")
for ax in axes[-1]:
    ax.set_xlabel("year")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Things to notice
#
# Paired comparisons of each shock with the baseline on the same seeds; *holds* means the
# 95% confidence interval (t) of the mean paired difference lies on the stated side of
# zero, unless said otherwise.
#
# 1. **The outbreak travels along the network.** In most seeds (a majority) the disease
#    reaches herds beyond the seven it entered, carried by sales and by visits to studs:
#    co-owning and hiring studs carries risk as well as value. Found herds are culled, and
#    news of them scares buyers: in the two years after the outbreak fewer buyers come from
#    outside the industry than without it (*"the price decline is apparent even with
#    co-owning and improving our quality because of factors such as disease scares"*,
#    I28).


# %%
def paired(outcome, shock):
    """paired_statistics of the shock minus the baseline for one outcome, seeds paired."""
    wide = runs_table.pivot(index="seed", columns="scenario", values=outcome)
    return paired_statistics(wide["baseline"].to_numpy(), wide[shock].to_numpy())


disease = runs_table[runs_table["scenario"] == "disease"].set_index("seed")
spread = (disease["herds infected by sale"] + disease["herds infected at a stud"]) > 0
print(disease[["herds infected by sale", "herds infected at a stud", "animals culled"]])
assert spread.sum() > len(SEEDS) / 2, spread
assert (disease["animals culled"] > 0).all(), disease["animals culled"]
stats = paired("outside buyers, 2 years after outbreak", "disease")
assert stats["ci95_high"] < 0, stats

# %% [markdown]
# 2. **Brexit closes a market and chills investment.** After Brexit no seed sells more
#    animals abroad than without it, and fewer in total over the seeds; and for two years
#    the industry's investment mood (education days, awareness) is lower than without it
#    (that is the shock's second half, *"institutional stability"* in Proposition 4).
#    What it does to the national herd depends on how long you look: compare the herd a
#    year or two after Brexit with the herd at the end of the run (things to try).

# %%
wide = runs_table.pivot(index="seed", columns="scenario", values="exports after Brexit month")
print(wide[["baseline", "brexit"]])
assert (wide["brexit"] <= wide["baseline"]).all(), wide
assert wide["brexit"].sum() < wide["baseline"].sum(), wide
stats = paired("investment mood, 2 years after Brexit month", "brexit")
assert stats["ci95_high"] < 0, stats

# %% [markdown]
# 3. **A fibre boom changes what sells.** The fibre price rises (that is the shock), and
#    breeders sell more coloured animals than without it: a market force that breeders
#    answer with what they breed and sell (Table 4: demand in product specifications).

# %%
stats = paired("fibre price after 2012", "fibre boom")
assert stats["ci95_low"] > 0, stats
stats = paired("coloured sales after 2012", "fibre boom")
assert stats["ci95_low"] > 0, stats

# %% [markdown]
# ## Things to try
#
# 1. Does coopetition make the industry more or less exposed to the outbreak? Run
#    `disease_outbreak` with `coopetition=False` on the same seeds and compare the herds
#    infected (`result.model_df["new_infected_herds"].sum()`) and the routes. What else
#    differs between the two industries that could explain what you see?
# 2. Plot `n_alpacas` of the Brexit runs against the baseline's, and take the difference
#    at one, two, five and ten years after Brexit. Does the herd catch up? Why could it?
# 3. Make testing better: `disease_detection=0.6` (default 0.3 a month). Fewer herds
#    infected, or more herds restricted?
# 4. Fire a shock in the running app: start `alpaca-abm viz`, switch on the twin run
#    (the industry without coopetition beside it) and press *Disease outbreak*.
# 5. Any shock at any month, from the command line:
#    `alpaca-abm compare baseline baseline --event disease:60:0.8 --seeds 5`.
#
# ## Related notebooks and references
#
# Notebook 6 explains the price a shock moves. docs/SHOCKS.md describes every kind of
# event and its parameters. Garri, Proposition 4 and Table 4 (Influences).
