"""What each proposition of the first seed's Table 1 is judged on, fixed before any run.

Every contrast names its arms (arms.py), the channel it isolates and its outcomes. Every
outcome has a role, an expected sign, a smallest effect of interest (SESOI) and an
arithmetic baseline (baselines.py). Roles:

- `primary`: the verdict rests on it; chosen at least one causal step downstream of the
  manipulated formula (survival, value created, elite access, profit, quality, market size);
- `check`: a manipulation check: did the intervention change what it was meant to change, by
  at least its SESOI? Outcomes that are the manipulated formula's direct output are checks,
  never evidence. A failed check makes the contrast uninformative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import baselines as bl
from .sesoi import LEVEL, LEVEL_OWN, PROFIT, QUALITY, SHARE_OWN, Sesoi

PRIMARY, CHECK = "primary", "check"


@dataclass(frozen=True)
class Outcome:
    """One outcome of a contrast; its SESOI comes from a rule (sesoi.py) applied to the
    reference arm's means, in the outcome's unit."""

    column: str
    label: str
    sign: int  # +1 the proposition expects a rise, -1 a fall
    role: str = PRIMARY
    rule: Sesoi = LEVEL_OWN
    baseline: bl.Baseline = bl.ZERO

    def sesoi(self, reference: Mapping[str, float]) -> float:
        """The SESOI given the reference arm's means (column -> mean)."""
        return self.rule(self.column, reference)


@dataclass(frozen=True)
class Contrast:
    label: str
    arm: str  # effect = arm - reference
    reference: str
    channel: str  # the channel the contrast isolates
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class Proposition:
    key: str
    level: str
    text: str  # the seed's claim, one line
    manipulated: str  # what the model changes to test it
    contrasts: tuple[Contrast, ...]
    short: str = ""  # the manipulation in a few words, for the verdict tables


# Smallest effects of interest: each outcome names its rule (sesoi.py): SHARE_OWN for shares,
# LEVEL_OWN (the default) for levels, PROFIT and QUALITY for the two scaled by another column.


INCUMBENT_SURVIVAL = Outcome(
    "incumbent_survival", "incumbent firms still in business", +1, PRIMARY, rule=SHARE_OWN
)
PROFIT_PER_BREEDER = Outcome(
    "profit_per_breeder", "profit per breeder, GBP/year", +1, PRIMARY, rule=PROFIT
)
SALES_PER_BREEDER = Outcome(
    "sales_per_breeder", "animals sold per breeder, last year", +1, PRIMARY, rule=LEVEL_OWN
)
COOWNING_CHECK = Outcome("coowning_share", "breeders co-owning a stud", +1, CHECK, rule=SHARE_OWN)


def dyadic_contrast(*outcomes: Outcome) -> Contrast:
    """The dyadic arm alone: partners' cooperation on against off, industry investment on in
    both (P2a-P2c)."""
    return Contrast(
        "dyadic cooperation on - off (industry investment on)",
        "both_on",
        "industry_only",
        "dyadic",
        outcomes,
    )


def downstream(survival_baseline: bl.Baseline = bl.ZERO) -> tuple[Outcome, ...]:
    """The primary outcomes most contrasts share: partnerships and firms surviving, elite
    access, profit, value created."""
    return (
        Outcome("partnership_survival", "partnerships not dissolved early", +1, PRIMARY,
                baseline=survival_baseline, rule=SHARE_OWN),
        INCUMBENT_SURVIVAL,
        Outcome("elite_access_share", "breeders with elite access", +1, PRIMARY, rule=SHARE_OWN),
        PROFIT_PER_BREEDER,
        Outcome("joint_value_per_breeder", "joint value created per breeder-year, GBP", +1,
                PRIMARY, rule=LEVEL_OWN),
    )  # fmt: skip


INDUSTRY_OUTCOMES = (
    Outcome("sales_last_year", "animals sold in the last year (market size)", +1, PRIMARY,
            baseline=bl.MARKET_FROM_AWARENESS, rule=LEVEL_OWN),
    Outcome("final_n_breeders", "breeders in business (industry growth)", +1, PRIMARY,
            baseline=bl.ENTRY_FROM_AWARENESS, rule=LEVEL_OWN),
    Outcome("final_mean_quality", "mean herd quality", +1, PRIMARY, rule=QUALITY),
)  # fmt: skip

PROPOSITIONS: tuple[Proposition, ...] = (
    Proposition(
        "P1a",
        "individual",
        "Partners chosen on personal connection, prior association and chemistry lay the "
        "foundations of trust; relational capabilities build real trust.",
        "partner scores weighted on the individual criteria (trust, chemistry, prior ventures) "
        "as by default, against the same total weight on the organisational criteria only",
        (
            Contrast(
                "default weights - organisational criteria only",
                "both_on",
                "organisational_only",
                "partner choice",
                (
                    Outcome(
                        "chosen_chemistry",
                        "chemistry of the pairs formed",
                        +1,
                        CHECK,
                        rule=LEVEL_OWN,
                    ),
                    Outcome(
                        "conflicts_per_contract_month",
                        "conflicts per contract-month",
                        -1,
                        CHECK,
                        baseline=bl.CONFLICTS_FROM_CHEMISTRY,
                        rule=LEVEL_OWN,
                    ),
                    *downstream(bl.SURVIVAL_FROM_CHEMISTRY),
                ),
            ),
        ),
        short="individual partner criteria on vs organisational only",
    ),
    Proposition(
        "P1b",
        "organisational",
        "Firms choose partners on profile, contribution and trustworthiness, and protect "
        "themselves through control mechanisms against damaging leakage and misuse.",
        "partner scores weighted on the organisational criteria as by default, against the "
        "same total weight on the individual criteria only; and control_strength (the chance "
        "a partner's overuse of the shared stud is caught) 0.9 against 0.1; and protection (the "
        "share of its core knowledge a breeder keeps from partners) 0.9 against 0.1, every "
        "breeder's strategy held fixed in both arms (strategy_learning off)",
        (
            Contrast(
                "default weights - individual criteria only",
                "both_on",
                "individual_only",
                "partner choice",
                (
                    Outcome(
                        "chosen_chemistry",
                        "chemistry of the pairs formed (falls)",
                        -1,
                        CHECK,
                        rule=LEVEL_OWN,
                    ),
                    *downstream(),
                ),
            ),
            Contrast(
                "control_strength 0.9 - 0.1",
                "control_high",
                "control_low",
                "control",
                (
                    Outcome(
                        "believed_detection",
                        "breeders' believed chance of being caught",
                        +1,
                        CHECK,
                        rule=SHARE_OWN,
                    ),
                    *downstream(),
                ),
            ),
            Contrast(
                "protection 0.9 - 0.1 (strategies fixed)",
                "protect_high",
                "protect_low",
                "protection",
                (
                    Outcome(
                        "knowledge_leakage",
                        "core knowledge leaked to partners",
                        -1,
                        CHECK,
                        rule=LEVEL_OWN,
                    ),
                    Outcome(
                        "leakage_sales_lost_per_breeder",
                        "sales lost to leakage per breeder-year",
                        -1,
                        CHECK,
                        rule=Sesoi(LEVEL, "sales_per_breeder"),
                    ),
                    SALES_PER_BREEDER,
                    PROFIT_PER_BREEDER,
                    INCUMBENT_SURVIVAL,
                ),
            ),
        ),
        short="organisational partner criteria on vs individual only; control 0.9 vs 0.1; "
        "protection 0.9 vs 0.1",
    ),
    Proposition(
        "P1c",
        "industry",
        "In a new industry of micro-firms, firms invest in the industry (education, interest "
        "and awareness), raising average quality and promoting growth.",
        "industry investment on against off, the dyadic arm on in both (its own channel)",
        (
            Contrast(
                "industry investment on - off (dyadic cooperation on)",
                "both_on",
                "dyadic_only",
                "industry",
                (
                    Outcome(
                        "demand_index",
                        "outside demand (awareness) at the end",
                        +1,
                        CHECK,
                        rule=LEVEL_OWN,
                    ),
                    *INDUSTRY_OUTCOMES,
                    Outcome(
                        "profit_per_breeder",
                        "profit per breeder, GBP/year",
                        +1,
                        PRIMARY,
                        baseline=bl.PROFIT_FROM_EDUCATION_COST,
                        rule=PROFIT,
                    ),
                    INCUMBENT_SURVIVAL,
                ),
            ),
        ),
        short="industry investment on vs off",
    ),
    Proposition(
        "P2a",
        "individual",
        "Coopetition managers gain knowledge and skills from what partners share and build "
        "a social network, which feeds their firms' performance.",
        "dyadic cooperation (co-owned studs, knowledge sharing, referrals) on against off, "
        "industry investment on in both",
        (
            dyadic_contrast(
                Outcome(
                    "incumbent_knowledge_gain",
                    "knowledge gain of incumbents",
                    +1,
                    CHECK,
                    rule=LEVEL_OWN,
                ),
                Outcome("mean_ties", "acquaintances per breeder", +1, CHECK, rule=LEVEL_OWN),
                INCUMBENT_SURVIVAL,
                Outcome("final_mean_quality", "mean herd quality", +1, PRIMARY, rule=QUALITY),
                PROFIT_PER_BREEDER,
            ),
        ),
        short="dyadic cooperation on vs off",
    ),
    Proposition(
        "P2b",
        "organisational",
        "Coopetition improves micro-firms' financial performance (sales, profit, cost), "
        "access to rare resources and overall performance.",
        "dyadic cooperation on against off, industry investment on in both: what partners "
        "do, not what the industry does",
        (
            dyadic_contrast(
                COOWNING_CHECK,
                PROFIT_PER_BREEDER,
                SALES_PER_BREEDER,
                Outcome(
                    "cost_per_animal", "cost per animal, GBP/year", -1, PRIMARY, rule=LEVEL_OWN
                ),
                Outcome(
                    "elite_access_small", "elite access, small firms", +1, PRIMARY, rule=SHARE_OWN
                ),
                Outcome(
                    "elite_access_large", "elite access, large firms", +1, PRIMARY, rule=SHARE_OWN
                ),
                INCUMBENT_SURVIVAL,
            ),
        ),
        short="dyadic cooperation on vs off",
    ),
    Proposition(
        "P2c",
        "industry",
        "Cooperation between micro-firms improves quality and its standardisation and "
        "increases the size of the market.",
        "dyadic cooperation on against off, industry investment on in both (cooperation "
        "between firms); the industry arm is shown beside it as a channel",
        (
            dyadic_contrast(
                COOWNING_CHECK,
                Outcome("final_mean_quality", "mean herd quality", +1, PRIMARY, rule=QUALITY),
                Outcome(
                    "final_quality_sd",
                    "sd of herd quality (standardisation)",
                    -1,
                    PRIMARY,
                    rule=LEVEL_OWN,
                ),
                Outcome(
                    "sales_last_year",
                    "animals sold in the last year (market size)",
                    +1,
                    PRIMARY,
                    rule=LEVEL_OWN,
                ),
            ),
        ),
        short="dyadic cooperation on vs off",
    ),
)

# The 2 x 2 of the channel decomposition: each arm alone, both, and their interaction, read
# on these outcomes (reported for every proposition of the coopetition switch).
CHANNEL_OUTCOMES = (
    "profit_per_breeder",
    "elite_access_share",
    "final_mean_quality",
    "sales_last_year",
    "final_n_breeders",
    "incumbent_survival",
    "joint_value_per_breeder",
)
CHANNEL_CELLS = {  # (arm, reference): what the difference measures
    "dyadic, industry on": ("both_on", "industry_only"),
    "dyadic, industry off": ("dyadic_only", "both_off"),
    "industry, dyadic on": ("both_on", "dyadic_only"),
    "industry, dyadic off": ("industry_only", "both_off"),
    "both (the counterfactual)": ("both_on", "both_off"),
}


def outcome_index() -> dict[str, Outcome]:
    """The first definition of every outcome column used by a contrast (its SESOI rule)."""
    out: dict[str, Outcome] = {}
    for p in PROPOSITIONS:
        for c in p.contrasts:
            for o in c.outcomes:
                out.setdefault(o.column, o)
    return out
