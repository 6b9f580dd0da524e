"""P4 and the second seed's claims: what each is judged on, fixed before any run.

**P4** ("the market, the institutions and the competitive environment will boost or weaken
the link between coopetition management and outcomes"). A proposition that accepts either
direction cannot fail, so each shock gets one expected direction here, before the run, with
the seed passage behind it; an interaction in the other direction contradicts. The
interaction is (coopetition effect | shock) - (coopetition effect | no shock), the effect
being both arms on - the counterfactual (arms.COUNTERFACTUAL), paired by seed. "Boost" means
the coopetition effect moves further in the outcome's good direction under the shock.

**The paradox claims** (second seed, `paradox = true`): within-run contrasts
(indicators.paradox_outcomes). Each names the module's rule that writes part of it in
(docs/PARADOX.md): the contrast with that rule off is what the rest of the model gives
("beyond the rule"); the difference is the rule's own contribution (the arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .claims import Outcome
from .sesoi import HUMP, LEVEL, PROFIT, QUALITY, SHARE, SHARE_OWN, UNIT, Sesoi

BOOST, WEAKEN = +1, -1

# The seed (000) passages the directions rest on
RISK_PASSAGE = (
    '"The intensity of competitive rivalry and the increased risk levels in the industry '
    'create conditions that can make cooperation necessary and affect its outcomes" (4.3)'
)
DEMAND_PASSAGE = (
    "\"Coopetition can offer a viable solution for SMEs' limited resources and market share, "
    'and assist them mitigate risks and costs" (1); "SMEs can respond to customer demands '
    'by engaging in coopetition" (4.3)'
)
PRICE_PASSAGE = (
    '"coopetition acts as a key strategy to reduce risk and to increase performance and '
    'efficiency" (2.3.3); pressures on price-cost are named among the influences (Table 4)'
)
INSTITUTION_PASSAGE = (
    '"Opportunities and threats emerging from the external environment ... drive companies '
    'to cope by shaping and reshaping their interactions with other companies" (2.4); '
    '"I think Brexit is a challenge" (I2)'
)


@dataclass(frozen=True)
class Shock:
    key: str
    text: str
    overrides: dict[str, Any]
    direction: int  # BOOST or WEAKEN, fixed before the run
    passage: str


SHOCKS: tuple[Shock, ...] = (
    Shock("disease", "bovine TB enters two herds in January 2019 (disease_start = 12)",
          {"disease_start": 12}, BOOST, RISK_PASSAGE),
    Shock("rivalry", "rivalry doubles conflict in partnerships from January 2019",
          {"events": ({"kind": "rivalry", "start": 12, "strength": 1.0},)}, BOOST,
          RISK_PASSAGE),
    Shock("demand", "30% fewer buyers of every kind from January 2020",
          {"demand_shock_month": 24, "demand_shock_size": -0.3}, BOOST, DEMAND_PASSAGE),
    Shock("price", "buyers' budgets 30% lower from January 2020",
          {"events": ({"kind": "price", "start": 24, "strength": -0.3},)}, BOOST,
          PRICE_PASSAGE),
    Shock("brexit", "Brexit applies from January 2021 (brexit_month = 36)",
          {"brexit_month": 36}, BOOST, INSTITUTION_PASSAGE),
)  # fmt: skip

P4_OUTCOMES = (
    Outcome("profit_per_breeder", "profit per breeder, GBP/year", +1, rule=PROFIT),
    Outcome("incumbent_survival", "incumbent firms still in business", +1, rule=SHARE_OWN),
    Outcome("elite_access_share", "breeders with elite access", +1, rule=SHARE_OWN),
    Outcome("final_mean_quality", "mean herd quality", +1, rule=QUALITY),
)


@dataclass(frozen=True)
class ParadoxClaim:
    key: str
    text: str  # the seed's claim
    column: str  # indicators.paradox_outcomes, positive = as the seed expects
    label: str
    sesoi: Sesoi  # its rule, read on the module-on arm's means (sesoi.py)
    rule_off: str  # the arm with the rule that writes part of it in switched off ('' none)
    rule: str  # what that rule is
    check: str  # manipulation check column: the grouping actually varies
    check_sesoi: Sesoi = Sesoi(UNIT)


PARADOX_CLAIMS: tuple[ParadoxClaim, ...] = (
    ParadoxClaim(
        "H1",
        'Balanced relationships survive longer than unbalanced ones ("unbalancing ... '
        'eventually leading to premature dissolution")',
        "pc_survival_gap",
        "share ended early: unbalanced - balanced",
        Sesoi(SHARE, "pc_early_share"),
        "px_no_cycles",
        "a partnership in a vicious cycle ends early with chance 0.03 x (1 - active share) a "
        "month, and a fall in balance is one of the cycle's three votes",
        "pc_balance_spread",
    ),
    ParadoxClaim(
        "H2",
        'Balanced relationships create more joint value ("balancing creates both/and, '
        'virtuous dynamics that result in value creation")',
        "pc_value_gap",
        "joint value per partnership-year, GBP: balanced - unbalanced",
        Sesoi(LEVEL, "pc_value_mean"),
        "px_no_interplay",
        "the both/and share of Table 1's effects is balance x the pair's "
        "active share (more sharing and absorption)",
        "pc_balance_spread",
    ),
    ParadoxClaim(
        "H3",
        "Active owners' relationships end up virtuous more often (\"an active TMT "
        'response generates a virtuous cycle")',
        "pc_virtuous_gap",
        "share ending virtuous: active - defensive pairs",
        Sesoi(SHARE, "pc_virtuous_share"),
        "px_no_responses",
        "active owners navigate protection toward balance (a rise in balance is a vote for "
        "virtuous)",
        "pc_style_spread",
    ),
    ParadoxClaim(
        "H4",
        "Active owners' relationships dissolve early less often than defensive owners' "
        '("defensive response ... creates a vicious cycle that eventually destroys the '
        'balance")',
        "pc_dissolve_gap",
        "share ended early: defensive - active pairs",
        Sesoi(SHARE, "pc_early_share"),
        "px_no_cycles",
        "the vicious-cycle hazard is 0.03 x (1 - the pair's active share) a month",
        "pc_style_spread",
    ),
    ParadoxClaim(
        "H5",
        'Defensive owners under high tension tip to a pole ("managers may tip toward '
        'one competing demand")',
        "pc_pole_gap",
        "owners above the median tension at a pole of protection: defensive - active",
        Sesoi(SHARE, "pc_pole_share"),
        "px_no_responses",
        "tipping moves a defensive owner's protection toward a pole in "
        "proportion to (1 - active share) x performing tension",
        "pc_style_spread",
    ),
    ParadoxClaim(
        "H6",
        "Felt tension and performance form an inverted U (Raza-Ullah et al. 2014; "
        "Bengtsson et al. 2016)",
        "pc_tension_invu",
        "minus the quadratic coefficient of profit/animal (GBP) on felt tension (positive: "
        "inverted U)",
        Sesoi(HUMP),
        "",
        "no rule writes an inverted U",
        "pc_tension_halfrange",
    ),
)
