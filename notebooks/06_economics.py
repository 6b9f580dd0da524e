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
# # 6. The economics of a breeding industry
#
# **What you will learn.** Three ideas from livestock economics that every alpaca
# breeder lives with: a breeding female is *capital* (she is held for the crias, fleece
# and services she will bring, and her price is the value of that future); the price
# falls as the national herd grows, unless buyers grow as fast; and because a female
# bred today gives her first cria more than two years later, breeders who all respond to
# today's price can overshoot together (the *cobweb*).
#
# **The seed passage.** *"Price declined as the number of alpacas increased. That is
# overloaded by the fact of security and disease that affect the industry"* (I9); *"Large
# changes in the amount of alpacas available affects sales [...] the price decline is
# apparent even with co-owning and improving our quality"* (I28); *"it's not truly
# commercial, a large part of it is lifestyle"* (I2). Table 4 lists *pressures on
# price-cost* (3 firms) among the market influences, and Proposition 4 expects *"demand
# conditions [...] and price-related pressures"* to moderate what coopetition achieves.
#
# **How it works.** Each month breeders with females above their planned herd offer
# them, breeders below their plan and outside buyers (hobby keepers, newcomers, pet
# buyers, export) bid, and the market clears at a price. A breeder plans its herd from
# what a female is worth to it (the crias, fleece and services she brings) against the
# price it expects, and the expectation follows past prices. Accounts value the herd at
# the market price, so the *accounting profit* is the cash flow plus the change in the
# herd's value. docs/ECONOMY.md gives every rule and its sources.

# %% [markdown]
# ## Parameters
#
# `"fast"`: four industries of 10 years on 4 seeds, about **21 seconds of CPU time**.
# `"full"`: 20 years on 8 seeds, about 60 seconds.

# %% tags=["parameters"]
PROFILE = "fast"  # "fast" or "full"

# %%
PROFILES = {
    "fast": {"months": 120, "seeds": [0, 1, 2, 3]},
    "full": {"months": 240, "seeds": list(range(8))},
}
if PROFILE not in PROFILES:
    raise ValueError(f"PROFILE = {PROFILE!r} is not allowed: use 'fast' or 'full'.")
MONTHS = PROFILES[PROFILE]["months"]
SEEDS = PROFILES[PROFILE]["seeds"]

# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import alpaca_abm
from alpaca_abm.compare import paired_statistics

BASE = alpaca_abm.load_scenario("baseline")
ARMS = {
    "baseline": {},
    "half the outside buyers": {"hobby_demand": BASE.hobby_demand / 2},
    "twice the outside buyers": {"hobby_demand": BASE.hobby_demand * 2},
    # naive expectations and a strong, fast herd response (docs/ECONOMY.md, the cobweb)
    "strong, fast herd response": {
        "expectation_weight": 1.0,
        "herd_response": 4.0,
        "herd_adjustment": 1.0,
    },
}
print(f"outside buyers (hobby_demand) in the baseline: {BASE.hobby_demand}")
print(
    f"herd response {BASE.herd_response}, adjustment {BASE.herd_adjustment}, "
    f"expectation weight {BASE.expectation_weight}"
)

# %% [markdown]
# ## Predict
#
# 1. The herd doubles in ten years. What happens to the price of a breeding
#    female?
# 2. Half as many outside buyers, or twice as many: how much does the price move?
# 3. If every breeder expands as soon as the price is high, and expands hard, what does
#    the price path look like?
# 4. The price of females falls by a fifth in a year while a farm's sales and costs stay
#    the same. What happens to its profit?

# %%
my_prediction = """
1. ...
2. ...
3. ...
4. ...
"""

# %% [markdown]
# ## Run the four industries on the same seeds


# %%
def yearly(months):
    """Calendar-year table of a run: mean price, December herd, accounting profit, cash flow."""
    year = 2006 + (months["step"] - 1) // 12
    table = months.groupby(year).agg(
        price=("price_female", "mean"),
        alpacas=("n_alpacas", "last"),
        profit=("total_profit", "sum"),
        cash_flow=("cash_flow", "sum"),
        herd_value=("stock_value", "last"),
    )
    return table


rows, years = [], []
for seed in SEEDS:
    for arm, values in ARMS.items():
        result = alpaca_abm.run("baseline", steps=MONTHS, rng=seed, **values)
        table = yearly(result.model_df)
        change = np.diff(np.log(table["price"].to_numpy()))  # yearly changes (log)
        rows.append(
            {
                "seed": seed,
                "arm": arm,
                "first-year price": table["price"].iloc[0],
                "last-year price": table["price"].iloc[-1],
                "first-year herd": table["alpacas"].iloc[0],
                "last-year herd": table["alpacas"].iloc[-1],
                "mean price, second half": result.model_df["price_female"]
                .iloc[MONTHS // 2 :]
                .mean(),
                "largest yearly price change (log)": np.abs(change).max(),
                "revaluation follows price": np.corrcoef(
                    table["price"].diff().iloc[1:], (table["profit"] - table["cash_flow"]).iloc[1:]
                )[0, 1],
            }
        )
        years.append(table.assign(seed=seed, arm=arm))
runs = pd.DataFrame(rows)
years = pd.concat(years).rename_axis("year").reset_index()
runs.groupby("arm", sort=False).mean(numeric_only=True).drop(columns="seed").round(2)

# %% [markdown]
# ### The price and the herd

# %%
base_years = years[years["arm"] == "baseline"]
fig, ax = plt.subplots(1, 2, figsize=(12, 4))
for seed, group in base_years.groupby("seed"):
    ax[0].plot(group["alpacas"], group["price"], marker="o", markersize=3, label=f"seed {seed}")
ax[0].set_xlabel("alpacas in December")
ax[0].set_ylabel("mean price of a breeding female (GBP)")
ax[0].set_title("Baseline: the price against the herd, year by year")
ax[0].legend(fontsize="small")
for arm in ARMS:
    mean = years[years["arm"] == arm].groupby("year")["price"].mean()
    ax[1].plot(mean.index, mean, label=arm)
ax[1].set_xlabel("year")
ax[1].set_ylabel("GBP")
ax[1].set_title("Mean price of a breeding female (mean over seeds)")
ax[1].legend(fontsize="small")
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Breeding stock is capital
#
# The herd at market value is the breeders' main asset; the accounting profit of a year
# is its cash flow (sales and fees in, costs and purchases out) plus the change in the
# herd's value.

# %%
mean = base_years.groupby("year")[["profit", "cash_flow", "herd_value"]].mean() / 1e6
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(mean.index, mean["herd_value"], label="herd at market value (December)")
ax.plot(mean.index, mean["profit"], label="accounting profit (year)")
ax.plot(mean.index, mean["cash_flow"], label="cash flow (year)")
ax.axhline(0, color="black", linewidth=0.8)
ax.set_ylabel("million GBP, the whole industry")
ax.set_title("Baseline (mean over seeds)")
ax.legend(fontsize="small")
plt.show()

# %% [markdown]
# ## Things to notice
#
# 1. **The price falls as the herd grows.** In the baseline, in every seed, the herd in
#    the last year is larger than in the first and the price of a breeding female lower:
#    more females come to market each year than new buyers want at the old price (I9:
#    *"Price declined as the number of alpacas increased"*).

# %%
base = runs[runs["arm"] == "baseline"].set_index("seed")
assert (base["last-year herd"] > base["first-year herd"]).all(), base
assert (base["last-year price"] < base["first-year price"]).all(), base

# %% [markdown]
# 2. **Buyers set the price.** With twice as many outside buyers the mean price over the
#    second half of the run is higher than with half as many (paired by seed; the 95%
#    confidence interval of the difference lies above zero). Demand conditions are one
#    of Proposition 4's moderators.

# %%
wide = runs.pivot(index="seed", columns="arm", values="mean price, second half")
stats = paired_statistics(
    wide["half the outside buyers"].to_numpy(), wide["twice the outside buyers"].to_numpy()
)
assert stats["ci95_low"] > 0, stats

# %% [markdown]
# 3. **Profit moves with the price of the stock.** Year by year, the gap between
#    accounting profit and cash flow rises and falls with the price of females (their
#    correlation over the years is positive in every seed): a falling price makes every
#    breeder poorer on paper, whatever it sold. This is why a breeder who *"gets a better
#    selling price"* (I27) still feels a falling market.

# %%
assert (base["revaluation follows price"] > 0).all(), base["revaluation follows price"]

# %% [markdown]
# 4. **Everyone responding hard to today's price makes the price swing.** With naive
#    expectations and a strong, fast herd response, the largest change of the yearly
#    price from one year to the next is larger than in the baseline in most seeds and
#    over the seeds (the median). Breeders who all act at once on the same signal
#    overshoot together: they sell down together and the price crashes, then buy back
#    together and it jumps (the cobweb: Ezekiel 1938, Nerlove 1958; docs/ECONOMY.md gives
#    the condition under which such swings damp out). The baseline's price moves too, by
#    20-35% in its largest year, as it falls from the dear 2006 start; in a seed where
#    that fall is steep the two are close. Look at that industry's price path in the
#    figure above: what happens after the first swings?

# %%
wide = runs.pivot(index="seed", columns="arm", values="largest yearly price change (log)")
larger = wide["strong, fast herd response"] > wide["baseline"]
assert larger.mean() > 0.5, wide
assert wide["strong, fast herd response"].median() > wide["baseline"].median(), wide

# %% [markdown]
# ## Things to try
#
# 1. `buyer_wtp_median` is what the median outside buyer would pay for a female (GBP,
#    calibrated). Lower it by a third: what happens to the price, the herd and the number
#    of breeders?
# 2. Slow expectations: `expectation_weight=0.2` (breeders believe last year's price
#    only slowly). Does the price swing less or more than in the baseline? Why?
# 3. Double the entry of newcomers (`entry_rate`) and plot the price against the herd as
#    above. Is the relation the same line?
# 4. Find the year with the largest accounting loss in a run and read the cash flow of
#    that year. What would you tell a breeder who says "we lost money that year"?
#
# ## Related notebooks and references
#
# Notebook 5 (shocks move the price); docs/ECONOMY.md (every rule, the cobweb condition,
# figures). Jarvis (1974) and Rosen, Murphy and Scheinkman (1994) on cattle as capital;
# Ezekiel (1938) and Nerlove (1958) on the cobweb. Garri, Proposition 4 and Table 4
# (pressures on price-cost).
