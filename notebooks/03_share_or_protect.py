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
# # 3. Share or protect?
#
# **What you will learn.** Inside a partnership between competitors, each side decides
# how much to show (openness), how much of its core know-how to keep back (protection),
# whether to use the shared stud beyond its quota (opportunism) and how closely to watch
# the other (control). You will see what openness wins (knowledge shared) and what it
# costs (knowledge leaked to a rival, sales lost to the partner), what opportunism does to
# trust, and what control does to opportunism.
#
# **The seed passage.** Proposition 1b: companies *"will have to protect themselves from
# their coopetitors and set the foundations for a fruitful relationship, through a
# differentiation strategy and through the establishment of control mechanisms aiming to
# inhibit damaging information leakages and enable the rational, fair and balanced
# sharing and integration of resources and capabilities."* The firms' own words: *"There
# is a certain reluctance to share this knowledge, because you are reinforcing your
# competition. There is always an element of protectionism"* (I17); *"the partners
# shouldn't use the stud for their own benefit by using it beyond the agreed measures"*
# (I28).
#
# **How it works.** Each breeder knows something of three domains (health, breeding,
# marketing). Partners close part of each other's knowledge gaps every month: the share
# they may see is the other's *openness*, less what it *protects* of its core domain.
# What a partner learns of your core domain is *leakage*: it makes the partner a
# stronger rival for your buyers. A partner tempted by *opportunism* may overuse the
# shared stud; it weighs the temptation against the chance of being caught, which it
# learns from *control* (`control_strength`, the chance an overuse is detected). A
# detected overuse (a *breach*) costs trust and may end the partnership.

# %% [markdown]
# ## Parameters
#
# `"fast"`: six industries of 10 years on 4 seeds, about **29 seconds of CPU time**.
# `"full"`: 20 years on 8 seeds, about 100 seconds.

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
import pandas as pd
from scipy import stats as scipy_stats

import alpaca_abm
from alpaca_abm.compare import paired_statistics

# The six industries: the baseline with one or two of its defaults changed
# (defaults: openness_mean 0.6, opportunism_mean 0.2, control_strength 0.5).
ARMS = {
    "closed": {"openness_mean": 0.2},
    "open": {"openness_mean": 0.9},
    "honest": {"opportunism_mean": 0.05},
    "opportunist": {"opportunism_mean": 0.8},
    "opportunist, weak control": {"opportunism_mean": 0.8, "control_strength": 0.1},
    "opportunist, strong control": {"opportunism_mean": 0.8, "control_strength": 0.9},
}

# %% [markdown]
# ## Predict
#
# 1. Breeders who show partners 90% of what they know instead of 20%: will they learn
#    more, leak more, or both?
# 2. When breeders are tempted to overuse shared studs, what happens to the trust
#    between breeders?
# 3. Opportunists who expect to be caught 9 times in 10 instead of 1 in 10: how many
#    more or fewer overuses?

# %%
my_prediction = """
1. ...
2. ...
3. ...
"""

# %% [markdown]
# ## Run the six industries on the same seeds

# %%
rows = []
for seed in SEEDS:
    for arm, values in ARMS.items():
        result = alpaca_abm.run("baseline", steps=MONTHS, rng=seed, **values)
        months = result.model_df
        rows.append(
            {
                "seed": seed,
                "arm": arm,
                "knowledge shared": months["knowledge_shared"].sum(),
                "knowledge leaked": months["leakage"].sum(),
                "sales lost to partners": result.summary["leakage_sales_lost"],
                "mean knowledge": result.summary["mean_knowledge"],
                "mean trust": result.summary["mean_trust"],
                "overuses": months["breaches"].sum(),
                "overuses detected": months["detected_breaches"].sum(),
            }
        )
runs = pd.DataFrame(rows)
table = runs.groupby("arm", sort=False).mean(numeric_only=True).drop(columns="seed")
table.round(3)

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
table.loc[["closed", "open"], ["knowledge shared", "knowledge leaked"]].plot.bar(
    ax=axes[0], rot=0, title="Openness: shared and leaked (sum over the run)"
)
table.loc[["honest", "opportunist"], ["mean trust"]].plot.bar(
    ax=axes[1], rot=0, legend=False, title="Opportunism: mean trust at the end"
)
table.loc[["opportunist, weak control", "opportunist, strong control"], ["overuses"]].plot.bar(
    ax=axes[2], rot=0, legend=False, title="Control: overuses of shared studs"
)
axes[2].set_xticklabels(["weak control", "strong control"])
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Things to notice
#
# Paired comparisons over the seeds (the same seed in both industries): *holds* means the
# 95% confidence interval (t) of the mean paired difference lies on the stated side of
# zero, unless said otherwise.
#
# 1. **Sharing wins knowledge.** Open breeders pass on more knowledge to their partners
#    (the knowledge shared is what the partners learn: Proposition 2a, knowledge
#    enhancement). The industry's *mean* knowledge moves much less, and not reliably over
#    this few seeds: at any time most breeders have no partner, and newcomers keep
#    arriving knowing little (see things to try).


# %%
def paired(outcome, a, b):
    """paired_statistics of arm b minus arm a for one outcome, seeds paired."""
    wide = runs.pivot(index="seed", columns="arm", values=outcome)
    return paired_statistics(wide[a].to_numpy(), wide[b].to_numpy())


stats = paired("knowledge shared", "closed", "open")
assert stats["ci95_low"] > 0, stats

# %% [markdown]
# 2. **...and openness leaks.** Open breeders also leak more of their core know-how to
#    partners who are their rivals, and lose more sales to them: the *"damaging
#    information leakages"* control mechanisms are meant to inhibit.

# %%
stats = paired("knowledge leaked", "closed", "open")
assert stats["ci95_low"] > 0, stats
stats = paired("sales lost to partners", "closed", "open")
assert stats["ci95_low"] > 0, stats

# %% [markdown]
# 3. **Opportunism erodes trust.** In an industry of opportunists, breeders trust each
#    other less (trust is learnt from what partners do; *"when an opportunistic mind-set
#    is adopted, hostility emerges between partners"*, Garri citing Bengtsson and Kock).

# %%
stats = paired("mean trust", "honest", "opportunist")
assert stats["ci95_high"] < 0, stats

# %% [markdown]
# 4. **Control deters.** Opportunists who know overuse is likely to be detected overuse
#    shared studs less. Overuses are counts, rare in some settings (a handful in a run)
#    and common in others, so the test is on the counts summed over seeds: of all
#    overuses in the two industries together, more than half happen under weak control
#    (one-sided exact binomial test, p < 0.05).

# %%
weak = int(runs.loc[runs["arm"] == "opportunist, weak control", "overuses"].sum())
strong = int(runs.loc[runs["arm"] == "opportunist, strong control", "overuses"].sum())
test = scipy_stats.binomtest(weak, weak + strong, 0.5, alternative="greater")
print(f"overuses: {weak} under weak control, {strong} under strong; p = {test.pvalue:.2g}")
assert test.pvalue < 0.05, (weak, strong, test.pvalue)

# %% [markdown]
# ## Things to try
#
# 1. Raise `protection` (the share of its core domain a breeder keeps back; default 0.7)
#    to 0.95 in the open industry. Does it stop the leakage? What does it cost in
#    knowledge shared?
# 2. Switch off `strategy_learning`: breeders then keep their starting openness and
#    protection instead of adjusting them each January from the year's payoffs. Compare
#    `mean_openness` and `mean_protection` in `result.model_df` with and without it.
# 3. `breach_dissolution` is the chance a detected overuse ends the partnership
#    (default 0.5). Set it to 0 and to 1 in the opportunist industry: which gives more
#    overuses, and which fewer partnerships?
# 4. Compare the knowledge of breeders who co-own with that of breeders alone (the
#    `knowledge` and `n_partners` columns of `result.agent_df`) in the closed and the open
#    industry. Where does openness make the difference?
# 5. Notebook 7 turns one of these comparisons into a sweep with replicates.
#
# ## Related notebooks and references
#
# Notebook 2 (why cooperate at all); the coopetition paradox (the balance of cooperation
# and competition, tensions and the owners' responses) has its own notebook when the
# paradox module lands. Garri, Proposition 1b and Table 4 (Control; Resources sharing;
# Strategic positioning).
