"""The parameter set: one table of every parameter, its range, unit and provenance.

`PARAMETERS` is the single source of truth. `AlpacaScenario` (a Mesa `Scenario`) takes its
defaults from it, validates every value against it, and `docs/PARAMETERS.md` is generated
from it. Sources are named by the short keys of `SOURCES`.

Layout: the table is Python, one `Param` per parameter, grouped by the mechanism that reads
it (`GROUP_TITLES`, in table order). Each row's first line holds its numbers in keyword
fields (name, default, kind, range, unit, source), so a changed default or range is a
one-line diff; the words (doc, note) follow, wrapped. The formatter leaves the table alone
(`# fmt: off`), and the table alone may run past the line length. Python rather than a data
file, because the table keeps Python's own literals (types, `None`, tuples of choices) with
no second parser, and `Param`'s keyword-only fields refuse a misplaced or misspelled field
at import.

A mechanism can take its own group rather than the whole scenario:
`scenario.group("market")` is a frozen dataclass holding that group's values (one class per
group, made from the table, so there is no second list of names to keep in step).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import weakref
from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass
from typing import Any

from mesa.experimental.scenarios import Scenario

SOURCES: dict[str, str] = {
    "seed-T2": "Seed paper Table 2: profile of the 29 interviewed UK breeders",
    "seed-T4": "Seed paper Table 4: themes and how many of the 29 firms (sources) named each",
    "seed-3.3": "Seed paper section 3.3: directory of 123 UK breeders, 68 with < 50 alpacas",
    "seed-4": "Seed paper section 4: quotes of the interviewed breeders",
    "public": "Public UK figure, see alpaca_abm/data/public_figures.toml for the citation",
    "biology": "Camelid reproductive biology as given in husbandry guidance",
    "assumption": "Assumption: no figure found; the note gives the reason for the value",
    "calibrated": "Calibrated to the public herd, herd-count and price series by "
    "experiments/calibrate.py (history matching): see docs/CALIBRATION.md",
}


@dataclass(frozen=True)
class Param:
    """One model parameter: its type, default, allowed range, unit, group and provenance.

    Every field but the name is keyword-only, so a row of the table names what each value is.
    `optional` parameters take None ("none" in TOML and --set) as a value, meaning off.
    """

    name: str
    _: KW_ONLY
    default: Any
    kind: type
    low: float | None = None
    high: float | None = None
    unit: str = ""
    doc: str = ""
    source: str = "assumption"
    note: str = ""
    choices: tuple[str, ...] | None = None
    optional: bool = False
    group: str = ""

    def allowed(self) -> str:
        """Say in words what values are allowed."""
        if self.kind is bool:
            return "true or false"
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = {int: "an integer", float: "a number", str: "a string"}[self.kind]
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        text = f"{kind} in [{lo}, {hi}]"
        return text + (" or none" if self.optional else "")


def _group(group: str, rows: Iterable[Param]) -> tuple[Param, ...]:
    """The rows of one mechanism's group, each stamped with the group's name."""
    if group not in GROUP_TITLES:
        raise ValueError(f"parameter group '{group}' is not in GROUP_TITLES.")
    return tuple(dataclasses.replace(p, group=group) for p in rows)


# The mechanism groups, in table order: the name a mechanism asks for, and its title.
GROUP_TITLES: dict[str, str] = {
    "start": "The industry at the start: who, how many, when, how large (world.py)",
    "herd": "The herd: alpaca biology, ages, seasons and deaths (breeding.py, model.py)",
    "genetics": "Genetics: fleece fineness in microns, its inheritance and the world's elite studs (fleece.py, breeding.py)",
    "costs": "Costs of keeping and breeding alpacas (finance.py, breeding.py)",
    "market": "The market: prices, outside buyers and stud services (market.py, trading.py)",
    "fleece": "Fleece: shearing and the fibre sold (fleece.py)",
    "finance": "The firm's plans: returns, herd size and matings (finance.py; docs/ECONOMY.md)",
    "switches": "Coopetition: which cooperative mechanisms run",
    "partnering": "Partner choice: search and the criteria weights, which follow how many of the 29 firms named each (partnering.py)",
    "contracts": "Contracts, control and trust between partners (partnering.py, breeding.py)",
    "knowledge": "Knowledge: openness, learning and what knowledge is worth (knowledge.py)",
    "rivalry": "Competition inside coopetition: strategies, cheating and expertise (rivalry.py)",
    "industry": "Industry investment, entry and exit (finance.py)",
    "shocks": "Shocks and the environment, off unless set: disease, Brexit, demand (shocks.py, disease.py; docs/SHOCKS.md)",
    "collection": "Collection: how often the tables are written (model.py, metrics.py)",
    "paradox": "The coopetition paradox, off unless set: balance, Table 1's interplay, tensions, responses, cycles (paradox.py; docs/PARADOX.md)",
}

# How to add a parameter: (1) add one `Param(...)` row to the group of the mechanism that
# reads it (a new group: a `NAME = _group("name", (...))` block, its title in GROUP_TITLES
# and `*NAME` in PARAMETERS); (2) first line: name, default, kind, low/high or choices, unit,
# source (a key of SOURCES); then doc= (what it means) and note= (why this value); (3) run
# `python -m alpaca_abm.paramdoc` to regenerate docs/PARAMETERS.md and docs/ODD.md's table.
# fmt: off
START = _group("start", (
    Param("population", default="synthetic", kind=str, choices=("synthetic", "uk_2018", "uk_national"), source="seed-T2",
          doc="Who the industry starts with: 'synthetic' breeders drawn from the distributions "
              "below; 'uk_2018': the seed's 29 firms (Tables 2 and 3) plus synthetic firms making "
              "up the directory to n_breeders with its size classes; or 'uk_national': the whole "
              "UK industry, the 123-firm directory as its commercial tier (seed firms at their "
              "counties, entering in their founding year) and small hobby herds up to n_breeders "
              "herds.",
          note="The seed's firms are transcribed in alpaca_abm/data/uk_2018_firms.csv."),
    Param("n_breeders", default=140, kind=int, low=1, high=2_000_000, unit="breeders", source="assumption",
          doc="Breeders at the start of the run.",
          note="Derived from a public figure: a one-in-five sample of the UK industry of c. 2006, "
               "700 British Alpaca Society members (public_figures.toml: bas_members_c2006) / 5, "
               "so that the default run is the national market at a fifth of its size "
               "(uk_national is the whole)."),
    Param("start_year", default=2006, kind=int, low=1990, high=2100, unit="year", source="assumption",
          doc="Calendar year of the first month.",
          note="Mid-2000s: the industry's growth years, so a 20-year run passes 2018 and January "
               "2021 (end of the Brexit transition)."),
    Param("start_month", default=1, kind=int, low=1, high=12, unit="month", source="assumption",
          doc="Calendar month of the first step.",
          note="January: the run starts at the beginning of a calendar year."),
    Param("national_herd_start", default=None, kind=float, low=0, high=1e7, optional=True, unit="alpacas", source="assumption",
          doc="Alpacas in the whole industry at the start (uk_national): the hobby herds' median "
              "is set so that all herds hold this many; none = hobby herds of herd_size_median.",
          note="Off by default; the uk_national scenario sets 15,000, the public figure "
               "national_herd_2006 (c. 2006)."),
    Param("directory_scale_at_start", default=0.2727, kind=float, low=0.01, high=1, unit="ratio", source="public",
          doc="Herd of a directory firm at the start as a share of its 2018 herd (uk_national).",
          note="The national herd grew from 15,000 (2006) to 55,000 (2018): see "
               "public_figures.toml: national_herd_ratio_2006_to_2018."),
    Param("herd_size_median", default=13.0, kind=float, low=2, high=5000, unit="alpacas", source="assumption",
          doc="Median herd size at the start (log-normal).",
          note="Derived from public figures: 15,000 alpacas in 700 herds c. 2006 "
               "(national_herd_2006, bas_members_c2006), a mean of 21.4, which a log-normal of "
               "spread herd_size_sigma = 1 has at a median of about 13."),
    Param("herd_size_sigma", default=1.0, kind=float, low=0, high=3, unit="log-units", source="seed-T2",
          doc="Spread of the log-normal herd-size distribution.",
          note="Table 2 herds range 20 to 1000 alpacas: a wide, right-skewed spread."),
    Param("max_herd_size", default=1000, kind=int, low=2, high=100_000, unit="alpacas", source="seed-T2",
          doc="Largest herd a breeder starts with or aims for.",
          note="The largest herds in Table 2 hold 1000 alpacas."),
    Param("initial_cash_per_alpaca", default=800.0, kind=float, low=0, high=1e6, unit="GBP/alpaca", source="assumption",
          doc="Working capital a breeder starts with, per animal held.",
          note="Micro-firms hold a few months of keep and one stud purchase in reserve."),
))

HERD = _group("herd", (
    Param("gestation_months", default=11.5, kind=float, low=10, high=13, unit="months", source="biology",
          doc="Alpaca gestation.",
          note="Alpaca gestation is about 11.5 months (335-350 days)."),
    Param("female_breeding_age", default=18, kind=int, low=12, high=48, unit="months", source="biology",
          doc="Age at which a female is first mated.",
          note="Females are usually first mated at 18 months or when they reach about 60% of "
               "adult weight."),
    Param("stud_age", default=30, kind=int, low=18, high=60, unit="months", source="biology",
          doc="Age from which a male works as a stud.",
          note="Males are used from about 2.5 years when fully mature."),
    Param("conception_rate", default=0.8, kind=float, low=0.01, high=1, unit="probability", source="public",
          doc="Chance that one month's mating leaves a female pregnant.",
          note="See public_figures.toml: conception_rate."),
    Param("mating_start_month", default=4, kind=int, low=1, high=12, unit="month", source="biology",
          doc="First month of the mating season.",
          note="UK breeders mate in spring and summer so that crias are born in warm months."),
    Param("mating_end_month", default=9, kind=int, low=1, high=12, unit="month", source="biology",
          doc="Last month of the mating season.",
          note="Matings stop by autumn so that no cria is born in late-autumn weather."),
    Param("adult_mortality", default=0.03, kind=float, low=0, high=0.5, unit="per year", source="assumption",
          doc="Yearly death rate of adults with no health knowledge.",
          note="Typical livestock adult losses of a few per cent a year."),
    Param("cria_mortality", default=0.08, kind=float, low=0, high=0.8, unit="per year", source="assumption",
          doc="Yearly death rate in the first year of life.",
          note="Neonatal losses in camelids are higher than adult losses."),
    Param("max_age", default=240, kind=int, low=60, high=360, unit="months", source="biology",
          doc="Oldest age an alpaca reaches.",
          note="Alpacas live 15 to 20 years."),
    Param("female_retire_age", default=180, kind=int, low=48, high=360, unit="months", source="assumption",
          doc="Age from which a breeder stops mating a female and sells her as a pet.",
          note="Breeding females are usually retired at about 15 years."),
    Param("stud_capacity", default=60, kind=int, low=1, high=500, unit="matings/season", source="assumption",
          doc="Matings one stud can serve in a season.",
          note="A working stud covers one or two females a day over a season; breeders limit use."),
))

GENETICS = _group("genetics", (
    Param("micron_mean", default=27.0, kind=float, low=15, high=40, unit="µm", source="assumption",
          doc="Mean genetic fibre diameter (MFD at two years) of the starting national herd; "
              "quality = 50 + 4 × (27 − micron).",
          note="No UK figure was found. Adult fleeces then average about 29 µm with the age "
               "effect, as the Australian herd of McGregor & Butler (public_figures.toml: "
               "alpaca_mfd_australia, 29.1 µm), from which, with Chile and Peru, the UK "
               "foundation stock came."),
    Param("micron_sd", default=2.4, kind=float, low=0.1, high=10, unit="µm", source="assumption",
          doc="Additive genetic sd of fibre diameter in the starting herd.",
          note="sqrt(h2) × a phenotypic sd of about 4 µm between animals (McGregor & Butler's 100 "
               "alpacas range 17.7-46.6 µm over all ages and farms): sqrt(0.35) × 4 = 2.4."),
    Param("fd_heritability", default=0.35, kind=float, low=0.01, high=0.99, unit="share", source="public",
          doc="Heritability of fibre diameter: sizes the environmental part of what a breeder "
              "sees and the fleece sold.",
          note="See public_figures.toml: fibre_diameter_heritability."),
    Param("fd_selection_share", default=0.5, kind=float, low=0.05, high=1, unit="share", source="assumption",
          doc="Share of what breeders select on that is the fleece's fineness; the rest is other "
              "traits they judge (conformation, density, colour, presence), not inherited here.",
          note="Breeders select on fineness with colour, staple length, density, medullation, "
               "lustre and lack of coarse fibre (britishalpacatextiles.com/british-alpaca.html) "
               "and on conformation and teeth (fowberry-alpacas.com buying guide): half for "
               "fineness."),
    Param("micron_floor", default=14.5, kind=float, low=5, high=20, unit="µm", source="public",
          doc="Biological floor of genetic fibre diameter: quality can approach but never pass "
              "quality_from_micron(floor) (100 points at 14.5).",
          note="See public_figures.toml: finest_alpaca_mfd."),
    Param("fleece_coarsening", default=0.8, kind=float, low=0, high=5, unit="µm/year", source="assumption",
          doc="How much coarser a fleece grows each year of age from two years to 7.5 (finer as a "
              "yearling).",
          note="McGregor & Butler: MFD rises with age until about 7.5 years (public_figures.toml: "
               "alpaca_mfd_australia); the yearly rate was not in the stored text: 0.8 µm a year "
               "puts a 7.5-year-old about 4.4 µm above its two-year test."),
    Param("world_elite_micron", default=19.0, kind=float, low=10, high=35, unit="µm", source="assumption",
          doc="Genetic fibre diameter of the elite studs on the world (import) market in 2006.",
          note="Elite studs sold from Peru and Australia are finer than the Peruvian population "
               "means of 19.6 µm (Apurímac males) and 22.7 µm (Huancavelica) "
               "(public_figures.toml: alpaca_mfd_peru_apurimac); 19 µm at two years."),
    Param("world_elite_gain", default=0.04, kind=float, low=0, high=0.2, unit="share/year", source="assumption",
          doc="Share of its distance to the micron floor the world elite closes each year (its "
              "own trend).",
          note="Selected herds such as Pacomarca keep improving under BLUP selection "
               "(public_figures.toml: finest_alpaca_mfd); 4% a year takes the elite from 19 µm "
               "(2006) to about 16.7 µm (2024), so imports stay elite while the UK herd improves "
               "(with 1% a year the UK herd overtook them by about 2020 and elite access "
               "vanished)."),
    Param("elite_margin", default=1.0, kind=float, low=0, high=5, unit="sd", source="assumption",
          doc="How far above the current herd mean (in starting genetic sds) a stud must be to "
              "count as elite.",
          note="Rare genetics are relative: the top sixth of the day's animals."),
))

COSTS = _group("costs", (
    Param("travel_cost_per_km", default=0.6, kind=float, low=0, high=100, unit="GBP/km", source="assumption",
          doc="Cost of driving with a trailer, per km travelled.",
          note="A car and livestock trailer costs a little above HMRC's 45p/mile car rate."),
    Param("max_travel_km", default=350.0, kind=float, low=1, high=2000, unit="km", source="seed-4",
          doc="Longest single trip a breeder makes to a stud.",
          note="'the travelling distance is challenging' (I4): trips beyond a day's return drive "
               "are not made."),
    Param("keep_cost", default=15.0, kind=float, low=0, high=1e4, unit="GBP/alpaca/month", source="public",
          doc="Feed, bedding, land and husbandry per alpaca.",
          note="See public_figures.toml: annual_keep_cost (divided by 12)."),
    Param("vet_cost", default=5.0, kind=float, low=0, high=1e4, unit="GBP/alpaca/month", source="assumption",
          doc="Vet and medicine per alpaca with no health knowledge.",
          note="Routine vaccination, worming and call-outs; health knowledge lowers it."),
    Param("shearing_cost", default=20.0, kind=float, low=0, high=1e3, unit="GBP/alpaca/year", source="public",
          doc="Shearing one alpaca.",
          note="See public_figures.toml: shearing_cost."),
    Param("stud_keep_cost", default=40.0, kind=float, low=0, high=1e4, unit="GBP/stud/month", source="assumption",
          doc="Extra keep, insurance and fertility checks of a working stud.",
          note="Studs need separate paddocks and insurance."),
    Param("marketing_cost", default=60.0, kind=float, low=0, high=1e5, unit="GBP/breeder/month", source="assumption",
          doc="Advertising, shows and website of one breeder.",
          note="A few shows and adverts a year."),
))

MARKET = _group("market", (
    Param("elite_stud_price", default=15750.0, kind=float, low=0, high=1e6, unit="GBP", source="public",
          doc="Price of an elite stud male.",
          note="See public_figures.toml: elite_stud_price."),
    Param("stud_fee", default=450.0, kind=float, low=0, high=1e5, unit="GBP/mating", source="public",
          doc="Fee for one mating by an average stud of another breeder (better studs charge the "
              "quality premium).",
          note="See public_figures.toml: stud_service_fee."),
    Param("price_female", default=5000.0, kind=float, low=1, high=1e6, unit="GBP", source="public",
          doc="Price of an average breeding female in the month before the run: where breeders' "
              "price expectations start (the market then clears every month from bids and offers).",
          note="See public_figures.toml: breeding_female_price_2006."),
    Param("quality_premium", default=0.03, kind=float, low=0, high=1, unit="log-price/point", source="assumption",
          doc="Extra log-price per index point above the industry mean.",
          note="One standard deviation (10 points) is worth about 35% more."),
    Param("pet_price", default=400.0, kind=float, low=0, high=1e5, unit="GBP", source="public",
          doc="Price of a male sold as a pet or fleece animal.",
          note="See public_figures.toml: pet_male_price."),
    Param("hobby_demand", default=3.45, kind=float, low=0, high=10, unit="females/alpaca/year", source="calibrated",
          doc="Outside households (hobby, smallholder, trekking and experience businesses) who "
              "look for a breeding female a year at the start, per alpaca in the industry; the "
              "finite pool they come from is sized so (market.starting_pool). Every one bids "
              "its willingness to pay; only the upper tail buys at the going price.",
          note="Calibrated (docs/CALIBRATION.md, history matching on uk_national 2006-2024 "
               "with buyer_wtp_median, buyer_wtp_sigma, entry_rate, pool_adopted_start, "
               "lifestyle_value and herd_response): non-implausible range 1.9-4.32; set by hand "
               "to 3.45 inside it, with buyer_wtp_median, buyer_wtp_sigma, entry_rate and "
               "ask_dispersion, so that every seed of uk_national meets issue #20's item-4 "
               "bands (2.9 before). It counts the households who look, not those who buy: at "
               "3.45, a median of 757 GBP and a spread of 0.435 about 1.3% of them would pay "
               "2,000 GBP (0.04 a year per alpaca). 0.106 on the economy before issue #20, when "
               "an offer met at most three bids."),
    Param("pet_demand", default=0.15, kind=float, low=0, high=10, unit="males/alpaca/year", source="assumption",
          doc="Males pet and fleece buyers take a year, per alpaca in the industry.",
          note="Most males that are not kept as studs find pet homes."),
    Param("export_demand", default=0.006, kind=float, low=0, high=1, unit="females/alpaca/year", source="seed-T2",
          doc="EU orders for UK breeding females a year, per alpaca in the UK industry: a "
              "channel of its own, filled from the listed females before the month's auction "
              "at the going price, by breeders who trade in Europe and through agents by the "
              "rest (pricing.export_buyers_per_month, trading.export_orders, "
              "trading.EXPORT_AGENT_REACH).",
          note="Five of the 29 seed firms earn about half their turnover in Europe (Table 2): in "
               "uk_2018 those five hold about a fifth of the 123 firms' alpacas and sell at about "
               "the industry's rate (some 6% of the herd a year), so EU buyers take about "
               "0.5 x 0.2 x 6% = 0.6% of the UK herd a year (some 300 animals in 2018): the "
               "documented volume. No export statistic for live alpacas was found (PUBLIC-FACTS "
               "section 2 has only the 2021 collapse to a handful). EU buyers order rather than "
               "bid against UK households: they come for UK stock at the UK price (scarcer and "
               "dearer on the continent, the reason the trade existed), so their volume is the "
               "documented one until Brexit's access and costs cut it; while they bid in the "
               "common auction, most were outbid and exports were about 0.13% of the herd."),
    Param("outbreak_avoidance", default=0.5, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="How much less buyers pay for a female from the region with the most news of "
              "bovine TB (herds found or restricted in the last year) than for one from a clean "
              "area; other regions in proportion to their news (pricing.outbreak_avoidance, "
              "trading.outbreak_weights). Its sellers' offers count as that much dearer in the "
              "auction, so fewer of them sell and those that do fetch less; buyers also look at "
              "them less, and EU orders too.",
          note="Buyers of a pet or a foundation herd avoid a TB area (risk concentrated in the "
               "South West, Midlands and Wales: PUBLIC-FACTS section 3) and price the risk of "
               "buying in infection and the tests it brings; a female from the worst area "
               "worth half of a clean one is an assumption. While it only made buyers look "
               "elsewhere, the buyers of the area's restricted herds turned to their clean "
               "neighbours and the area's clean herds sold no less than herds elsewhere."),
    Param("buyer_wtp_median", default=757.0, kind=float, low=1, high=1e6, unit="GBP", source="calibrated",
          doc="Median willingness to pay of an outside household for a reference breeding "
              "female (before price shocks).",
          note="Mid-2000s sales of 3,000-10,000 GBP for pregnant females and 1,000-2,000 in "
               "2012-2015 (PUBLIC-FACTS section 2) are paid by the upper tail of the households "
               "who look; calibrated (docs/CALIBRATION.md): non-implausible range 567-776, set "
               "by hand to 757 inside it toward issue #20's item-4 bands in every seed (695 "
               "before; 1390 on the economy before issue #20): with the narrower spread below, "
               "the 2015-2018 buyers keep their number and fewer pay the 2008-2012 prices."),
    Param("buyer_wtp_sigma", default=0.435, kind=float, low=0, high=3, unit="log-units", source="calibrated",
          doc="Spread of outside buyers' willingness to pay (log-normal).",
          note="Buyers range from pet-price smallholders to show-herd founders; how far the "
               "upper tail reaches sets who pays the 2006-2015 prices: calibrated "
               "(docs/CALIBRATION.md, searched 0.3-0.9): non-implausible range 0.385-0.652, set "
               "by hand to 0.435 inside it toward issue #20's item-4 bands in every seed (0.5 "
               "before; 0.6, an assumption, until the calibration)."),
    Param("ask_dispersion", default=0.25, kind=float, low=0, high=2, unit="log-units", source="calibrated",
          doc="Spread of sellers' asks around what waiting for a later buyer is worth "
              "(pricing.waiting_reservation) and of breeders' bids around a female's value to "
              "them (log-normal).",
          note="Sellers differ in keep costs, space and patience, so supply slopes upward. No "
               "figure measures the spread: set by hand within its plausible range 0.05-0.3 "
               "(docs/ECONOMY.md's stability map) to 0.25 (0.15, an assumption, before), toward "
               "issue #20's item-4 bands in every seed of uk_national, chiefly the 2008 price: a "
               "wider spread sells more females early below the expected price "
               "(docs/CALIBRATION.md, fitted by hand)."),
    Param("expectation_weight", default=0.8, kind=float, low=0.01, high=1, unit="share/year", source="assumption",
          doc="Share of the gap between the seen price (and chance of a sale) and the expected "
              "one that expectations close in a year (adaptive expectations, Nerlove 1958).",
          note="Breeders judge the market by the last year or so of sales; 1 = naive (the cobweb "
               "of Ezekiel 1938); not fitted by docs/CALIBRATION.md (held at this value there)."),
    Param("bass_innovation", default=0.03, kind=float, low=0, high=1, unit="per year", source="assumption",
          doc="Bass coefficient of innovation of outside buyers (adoption from outside influence).",
          note="Average of the Bass diffusion meta-analysis of Sultan, Farley and Lehmann (1990): "
               "p = 0.03."),
    Param("bass_imitation", default=0.38, kind=float, low=0, high=5, unit="per year", source="assumption",
          doc="Bass coefficient of imitation of outside buyers (adoption by word of mouth).",
          note="Average of the Bass diffusion meta-analysis of Sultan, Farley and Lehmann (1990): "
               "q = 0.38."),
    Param("pool_adopted_start", default=0.28, kind=float, low=0, high=0.99, unit="share", source="calibrated",
          doc="Share of the outside pool already taken up at the start.",
          note="The UK herd grew from 150 (1989) to about 15,000 (2006): about half way through "
               "diffusion; calibrated (docs/CALIBRATION.md): 0.28, non-implausible range "
               "0.205-0.489."),
    Param("replacement_rate", default=0.07, kind=float, low=0, high=1, unit="per year", source="assumption",
          doc="Share of the animals in outside homes replaced each year (deaths, homes passed on).",
          note="Alpacas live 15-20 years and are bought at 1-3 years: about one in fourteen a "
               "year."),
    Param("awareness_pool_gain", default=0.5, kind=float, low=0, high=20, unit="share", source="assumption",
          doc="How much full awareness enlarges the outside pool (at most 1 + this times its "
              "base).",
          note="Investment widens the circle of potential owners by at most half; it cannot make "
               "demand keep pace with any herd (the old demand index tripled it)."),
    Param("awareness_speed", default=1.0, kind=float, low=0, high=20, unit="share", source="assumption",
          doc="How much full awareness raises the Bass innovation coefficient.",
          note="Education days and publicity bring buyers sooner: at most twice as fast."),
    Param("buyer_decay_km", default=80.0, kind=float, low=1, high=2000, unit="km", source="assumption",
          doc="Distance over which a buyer's reach of a seller falls by a factor e (exp(-d / "
              "this)).",
          note="Hobby buyers visit farms within an hour or two's drive, so close partners are "
               "rivals."),
    Param("buyer_consideration", default=1, kind=int, low=1, high=20, unit="sellers", source="assumption",
          doc="Sellers a winning buyer compares before buying: it draws this many by reach and "
              "buys from the one of highest reach (1: a seller in proportion to reach).",
          note="1 keeps the choice in proportion to reach that the economy is calibrated on. "
               "Buyers who visit a few farms and compare them (consideration sets for "
               "considered purchases are small: Hauser and Wernerfelt 1990) are a study's "
               "choice: at 3 (uk_2018, 10 seeds) the diversion ratio between partners "
               "through reach is 0.026 (0.011 at 1), leakage GBP 366 a partnership-year "
               "(359), nearly all through customer contacts, against knowledge gained GBP "
               "751 (590), and fewer animals sell (docs/PARADOX.md, section 3)."),
    Param("niche_crossover", default=0.3, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Reach of a seller outside the buyer's niche relative to one in it.",
          note="Buyers look in their niche first (breeding stock, fibre, pets and experiences), "
               "not only there."),
    Param("wether_price", default=100.0, kind=float, low=0, high=1e5, unit="GBP", source="assumption",
          doc="Price of an adult male no one keeps or buys as a stud or pet, sold to a fleece or "
              "companion home.",
          note="Wethers sell for a few hundred pounds or less; the outlet keeps idle males few."),
    Param("stud_fee_flexibility", default=0.5, kind=float, low=0, high=5, unit="elasticity", source="assumption",
          doc="How strongly the season's base stud fee follows the females that must hire against "
              "the capacity of studs for hire.",
          note="Fees follow supply less than one-for-one in a thin market."),
))

FLEECE = _group("fleece", (
    Param("fleece_kg", default=2.5, kind=float, low=0, high=20, unit="kg/alpaca/year", source="public",
          doc="Saleable fleece from one shearing.",
          note="See public_figures.toml: fleece_yield."),
    Param("fibre_price", default=4.0, kind=float, low=0, high=1e3, unit="GBP/kg", source="public",
          doc="Price of raw fleece sold alone, for average quality.",
          note="See public_figures.toml: fleece_price_individual."),
    Param("pool_scale_bonus", default=0.25, kind=float, low=0, high=5, unit="fraction per log-volume", source="seed-4",
          doc="Price gain of the national fibre pool per doubling of pooled volume (log scale).",
          note="'we get a better selling price because of the higher volumes' (I27); size is an "
               "assumption."),
    Param("shearing_month", default=6, kind=int, low=1, high=12, unit="month", source="biology",
          doc="Month of the yearly shearing.",
          note="UK alpacas are shorn in early summer."),
))

FINANCE = _group("finance", (
    Param("discount_rate", default=0.05, kind=float, low=0, high=1, unit="per year", source="assumption",
          doc="Rate at which a breeder discounts a female's future margins.",
          note="A real rate near long-run farm returns."),
    Param("herd_response", default=1.11, kind=float, low=0, high=10, unit="elasticity", source="calibrated",
          doc="How far a breeder's planned herd moves with the gap between a female's value to it "
              "and her expected price ((value - price) / price).",
          note="Supply response of the herd plan; docs/ECONOMY.md gives the cobweb condition on "
               "it; calibrated (docs/CALIBRATION.md): 1.11, non-implausible range 0.947-2.43."),
    Param("herd_adjustment", default=0.3, kind=float, low=0.01, high=1, unit="share/year", source="assumption",
          doc="Share of the gap between target and planned herd closed in a year (partial "
              "adjustment, Nerlove).",
          note="Breeding herds change slowly: a female takes 2.5 years from birth to her first "
               "cria."),
    Param("outside_return", default=0.03, kind=float, low=-1, high=1, unit="per year", source="assumption",
          doc="Return an entrant's capital earns elsewhere (the outside option).",
          note="A safe real return; entry compares a starting herd's expected return with it."),
    Param("lifestyle_value", default=440.0, kind=float, low=0, high=1e6, unit="GBP/year", source="calibrated",
          doc="What keeping alpacas is worth a year to an entrant's household beyond the herd's "
              "money (added to a starting herd's expected margin; finance.lifestyle_yield): a "
              "sum of money a year, so the dearer a starting herd the smaller the share of its "
              "capital it makes up, and entry falls as the price rises above what the animals earn.",
          note="'Not truly commercial, a large part of it is lifestyle' (I2); at most what a hobby "
               "owner pays into the herd a year (lifestyle_tolerance, 2,000 GBP); calibrated "
               "(docs/CALIBRATION.md, searched 400-2,000): 440, non-implausible range 438-1,950. "
               "Replaces lifestyle_return (a share of the starting herd's "
               "capital, 0.127), under which the lifestyle motive grew with the price paid."),
    Param("lifestyle_tolerance", default=2000.0, kind=float, low=0, high=1e6, unit="GBP/year", source="seed-4",
          doc="What a hobby owner (herd under 50 alpacas) pays into the herd a year from outside "
              "income, up to the overdraft (credit.owner_contribution), and the yearly accounting "
              "loss it carries without counting it as a month of loss: the lifestyle motive.",
          note="'Not truly commercial, a large part of it is lifestyle' (I2): small breeders keep "
               "alpacas partly for the life they bring."),
    Param("overdraft_margin", default=0.06, kind=float, low=0, high=0.3, unit="per year", source="public",
          doc="Interest on a breeder's overdraft above the Bank of England's Bank Rate "
              "(credit.overdraft_interest).",
          note="See public_figures.toml: overdraft_margin (from overdraft_rate_coop_2017, an "
               "arranged business overdraft at 6.70% EAR with Bank Rate at 0.5%; "
               "overdraft_margin_lloyds charges 10.85 points over Bank Rate unsecured, up to "
               "25,000 GBP): a herd-secured overdraft sits at the lower end."),
    Param("bank_rate", default=None, kind=float, low=0, high=0.3, unit="per year", source="assumption", optional=True,
          doc="Bank Rate the overdraft margin is added to; none = the yearly public series "
              "(credit.BANK_RATE_YEARLY).",
          note="Off by default: the rate then follows the public yearly series (figure "
               "bank_rate_yearly in public_figures.toml, Bank of England Official Bank Rate); set "
               "a number to hold it fixed in a study."),
    Param("credit_ltv", default=0.5, kind=float, low=0, high=2, unit="share", source="assumption",
          doc="How far a breeder may overdraw, as a share of its herd at market value (the bank's "
              "collateral, credit.credit_limit); past it the bank calls the overdraft in and the "
              "breeder exits.",
          note="No lending figure for livestock collateral was found; half the herd's value "
               "leaves the bank a cushion against a fall in the price."),
    Param("insolvency_months", default=6, kind=int, low=1, high=12, unit="months", source="assumption",
          doc="Months of negative equity (cash + herd at market below zero) after which a breeder "
              "exits and its herd is dispersed (credit.must_exit).",
          note="Issue #20 bounds it at 12; half a year is the time a bank gives a small firm to "
               "restore its position."),
    Param("mating_plans", default=True, kind=bool, source="assumption",
          doc="Breeders breed only as many females a season as their sales, herd plan and "
              "replacements need; without it every open female is bred.",
          note="Livestock supply responds first at the birth margin (Jarvis 1974; Rosen, Murphy "
               "and Scheinkman 1994): a breeder does not breed crias no one will buy."),
    Param("least_mating_share", default=0.2, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Least share of its open females a breeder breeds in a season, however poor its "
              "sales.",
          note="Hobby breeders breed a few crias a year for the pleasure of it and to keep the "
               "herd going; a fifth of open females keeps a herd of 10 at about one cria a year."),
))

SWITCHES = _group("switches", (
    Param("coopetition", default=True, kind=bool, source="seed-4",
          doc="Master switch: False is the counterfactual industry with no co-ownership, "
              "knowledge sharing, referrals or industry investment (education days, awareness, "
              "fibre pooling); everything else equal.",
          note="Every seed firm was engaged in coopetition."),
    Param("coownership", default=True, kind=bool, source="seed-4",
          doc="Breeders may co-own studs (needs coopetition).",
          note="'co-owning stud males is the main cooperation activity'."),
    Param("knowledge_sharing", default=True, kind=bool, source="seed-T4",
          doc="Partners share knowledge (needs coopetition).",
          note="Share knowledge and experience: 10 of 29 firms."),
    Param("referrals", default=True, kind=bool, source="seed-4",
          doc="A breeder that cannot serve a buyer passes the buyer to a partner (needs "
              "coopetition).",
          note="'If I receive an enquiry, I will ask other people if I cannot help them' (I23)."),
    Param("industry_investment", default=True, kind=bool, source="seed-T4",
          doc="Investor breeders run education days, build awareness and pool fibre (needs "
              "coopetition for pooling).",
          note="Educate others 4, build awareness 3, national industry 1 of 29 firms."),
    Param("entry_exit", default=True, kind=bool, source="seed-4",
          doc="New breeders enter and loss-making ones exit.",
          note="Breeders named the growing number of breeders and price decline."),
))

PARTNERING = _group("partnering", (
    Param("search_rate", default=0.06, kind=float, low=0, high=1, unit="per month", source="assumption",
          doc="Chance a month that a breeder without elite genetics looks for a co-owner.",
          note="About one search every year and a half."),
    Param("n_candidates", default=12, kind=int, low=1, high=100, unit="breeders", source="assumption",
          doc="Nearest breeders a searching breeder considers, besides its acquaintances and a "
              "few well-known breeders.",
          note="Wide enough that ranking matters: 2-3 acceptable candidates a search (1.6-2.4 "
               "with 8)."),
    Param("w_trust", default=5.0, kind=float, low=0, high=100, unit="weight", source="seed-T4",
          doc="Weight of trust in partner choice.",
          note="Establish mutual trust: named by 5 firms."),
    Param("w_chemistry", default=6.0, kind=float, low=0, high=100, unit="weight", source="seed-T4",
          doc="Weight of owner similarity (chemistry, easy to work with).",
          note="Chemistry, easy to work with: 6 firms."),
    Param("w_history", default=3.0, kind=float, low=0, high=100, unit="weight", source="seed-T4",
          doc="Weight of prior association and previous achievements.",
          note="Previous achievements, experience: 3 firms."),
    Param("w_contribution", default=4.0, kind=float, low=0, high=100, unit="weight", source="seed-T4",
          doc="Weight of expected contribution and complementarity.",
          note="Expected contribution, added value: 4 firms."),
    Param("w_reputation", default=1.0, kind=float, low=0, high=100, unit="weight", source="seed-T4",
          doc="Weight of the partner's profile.",
          note="Profile of the company: 1 firm."),
    Param("w_proximity", default=4.0, kind=float, low=0, high=100, unit="weight", source="seed-T4",
          doc="Weight of closeness.",
          note="Location, proximity: 4 firms."),
    Param("w_resources", default=3.0, kind=float, low=0, high=100, unit="weight", source="seed-T4",
          doc="Weight of enough resources to warrant the spend (size).",
          note="Size: 3 firms."),
    Param("acceptance", default=0.45, kind=float, low=0, high=1, unit="score", source="assumption",
          doc="Lowest partner score (0-1) either side accepts.",
          note="About half the candidates met are acceptable."),
    Param("acceptance_quantile", default=0.75, kind=float, low=0, high=1, optional=True, unit="quantile", source="assumption",
          doc="Partner choice: the month's candidate pairs above this quantile are acceptable, "
              "each pair ranked by the lower of its two sides' score ranks "
              "(rivalry.acceptable_by_rank); none = the absolute rule, both scores at least "
              "`acceptance`.",
          note="A breeder judges candidates against the others on offer, so a contrast of "
               "criteria weights changes who ranks high, not how many are acceptable; 0.75 gives "
               "the 3.4 acceptable candidates a search (uk_2018, seeds 1-3, 60 months) of the "
               "absolute rule."),
))

CONTRACTS = _group("contracts", (
    Param("fairness", default=0.5, kind=float, low=0.05, high=0.95, unit="share", source="seed-4",
          doc="Share of cost and quota of the breeder who keeps the stud (50-50 by default).",
          note="'a proper balance, a 50-50 partnership' (I20)."),
    Param("control_strength", default=0.5, kind=float, low=0, high=1, unit="probability", source="seed-T4",
          doc="Chance that a partner's overuse of a shared stud is detected; breeders start "
              "believing it and learn from being caught or not.",
          note="Establish control mechanisms: 3 of 29 firms; strength is an assumption."),
    Param("opportunism_mean", default=0.2, kind=float, low=0, high=1, unit="probability", source="assumption",
          doc="Mean temptation (0-1): how far a breeder discounts the expected cost of overusing "
              "a shared stud (with deliberate_cheating off: its chance of overusing).",
          note="Breeders warned of partners using the stud 'beyond the agreed measures' (I28)."),
    Param("breach_trust_loss", default=0.3, kind=float, low=0, high=1, unit="trust", source="assumption",
          doc="Trust the victim loses on a detected breach.",
          note="One detected breach is a serious blow but not the end of every tie."),
    Param("breach_dissolution", default=0.5, kind=float, low=0, high=1, unit="probability", source="assumption",
          doc="Chance a detected breach ends the contract.",
          note="Half of detected breaches end the partnership."),
    Param("trust_initial", default=0.3, kind=float, low=0, high=1, unit="trust", source="assumption",
          doc="Trust between strangers.",
          note="Cautious: breeders 'see the other breeders as competition' (seed §4.1)."),
    Param("trust_gain", default=0.03, kind=float, low=0, high=1, unit="per month", source="assumption",
          doc="Rise of trust per month of a working partnership.",
          note="Trust builds over a couple of years of good contact."),
    Param("trust_decay", default=0.01, kind=float, low=0, high=1, unit="per month", source="assumption",
          doc="Fall of trust toward the stranger level per month without contact.",
          note="Remembered for years after a contract ends."),
    Param("conflict_rate", default=0.05, kind=float, low=0, high=1, unit="per month", source="assumption",
          doc="Chance a month that rivalry in a partnership flares into conflict, scaled by its "
              "competition intensity.",
          note="Personality clashes happen (I1)."),
    Param("conflict_trust_loss", default=0.1, kind=float, low=0, high=1, unit="trust", source="assumption",
          doc="Trust lost in a conflict.",
          note="Smaller than a breach."),
    Param("contract_years", default=5.0, kind=float, low=0.5, high=30, unit="years", source="assumption",
          doc="Planned length of a co-ownership.",
          note="A stud's working life shared over several seasons."),
    Param("coowned_season", default=8, kind=int, low=1, high=500, unit="matings/season", source="assumption",
          doc="Matings a season the co-owners of a stud agree to share (the quotas, split by "
              "quota_share or fairness; at most stud_capacity): the 'agreed measures' beyond which "
              "a use is overuse.",
          note="Fitted (pattern-oriented, issue 21) so that the most-used tenth of co-owned stud "
               "seasons is full in uk_2018 (popular studs are full): 8 puts 9.5% of 4,188 stud "
               "seasons at their agreed capacity over 120 months (seeds 0-5; 4: 15.6%, 6: 12.1%), "
               "so it is no evidence for that pattern. 'the partners shouldn't use the stud ... "
               "beyond the agreed measures' (I28)."),
    Param("quota_share", default=None, kind=float, low=0.05, high=0.95, optional=True, unit="share", source="seed-4",
          doc="Keeper's share of the shared stud's season (its quota); none = its cost share "
              "(fairness). Cost and quota shares are separate contract terms.",
          note="'a proper balance, a 50-50 partnership' (I20); unequal terms make a contract "
               "unfair."),
    Param("unfairness_trust_loss", default=0.1, kind=float, low=0, high=1, unit="trust per month", source="assumption",
          doc="Trust lost a month in a partner that uses more of the stud than it pays for, per "
              "unit of the excess share beyond a 0.1 tolerance.",
          note="Slow erosion: an excess of 0.3 costs 0.02 a month, about two-thirds of a good "
               "month."),
    Param("conflict_dissolution", default=0.3, kind=float, low=0, high=1, unit="probability", source="assumption",
          doc="Chance a conflict ends the contract, times (1 - the pair's mean trust): a hazard.",
          note="Clashes end some partnerships (I1); before, conflict ended 0 of 366 contracts."),
))

KNOWLEDGE = _group("knowledge", (
    Param("openness_mean", default=0.6, kind=float, low=0, high=1, unit="share", source="seed-T4",
          doc="Mean openness: share of a domain's knowledge gap a breeder lets partners see.",
          note="Openness named by 3 firms; sharing knowledge by 10 of 29."),
    Param("openness_sd", default=0.15, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Spread of openness between breeders.",
          note="Breeders differ: 'there is always an element of protectionism' (I17)."),
    Param("protection", default=0.7, kind=float, low=0, high=1, unit="share", source="seed-4",
          doc="Starting share of its core domain a breeder keeps from partners; then each "
              "breeder's own strategy (strategy_learning).",
          note="'share knowledge but protect the core' (I17); size is an assumption."),
    Param("learning_rate", default=0.3, kind=float, low=0, high=1, unit="per month", source="assumption",
          doc="Share of an open knowledge gap a partner closes a month at full absorptive "
              "capacity and full willingness to share.",
          note="Gaps close over a few years of partnership: at the measured willingness (about "
               "a tenth of what could pass is passed) and absorptive capacity (about 0.55), 0.3 "
               "halves a gap in about 4 years; the former 0.06 took about 19 (issue 21)."),
    Param("learning_by_doing", default=0.002, kind=float, low=0, high=1, unit="per month", source="assumption",
          doc="Knowledge a breeder gains alone a month, per unit of remaining gap.",
          note="Slow: experience alone takes decades."),
    Param("knowledge_initial", default=0.3, kind=float, low=0, high=1, unit="share", source="seed-T2",
          doc="Mean starting knowledge of an owner with an unrelated background.",
          note="Table 3: most owners came from unrelated backgrounds."),
    Param("related_background_bonus", default=0.2, kind=float, low=0, high=1, unit="share", source="seed-T2",
          doc="Extra starting knowledge of an owner with a farming or related background.",
          note="Table 3 separates related from unrelated backgrounds; size is an assumption."),
    Param("health_effect", default=0.5, kind=float, low=0, high=1, unit="share", source="seed-4",
          doc="Largest cut in mortality and vet cost from full health knowledge.",
          note="'saving bills by not having to call out the vet' (I14)."),
    Param("marketing_effect", default=0.5, kind=float, low=0, high=2, unit="share", source="assumption",
          doc="Largest rise in buyer attraction and price from full marketing knowledge.",
          note="Marketing knowledge brings enquiries and better prices."),
    Param("breeding_noise", default=20.0, kind=float, low=0, high=50, unit="index points", source="assumption",
          doc="How far a breeder with no breeding knowledge misjudges an animal's quality.",
          note="Judging fleece by eye without training or fleece tests misses by about two sds."),
))

RIVALRY = _group("rivalry", (
    Param("strategy_learning", default=True, kind=bool, source="assumption",
          doc="Breeders adjust openness and protection each January from the year's payoffs "
              "(knowledge received from partners against core knowledge taken by rivals).",
          note="Payoff-based reinforcement (Roth and Erev 1995); off keeps the starting "
               "strategies."),
    Param("deliberate_cheating", default=True, kind=bool, source="assumption",
          doc="Overuse of a shared stud is a decision: the fee saved against believed detection x "
              "chance of losing the contract x its future value; off = the landed fixed trait "
              "(overuse with chance opportunism).",
          note="Relational contracts hold while the future is worth more than cheating (Baker, "
               "Gibbons and Murphy 2002; transaction costs: Williamson 1985)."),
    Param("protection_sd", default=0.0, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Spread of starting protection between breeders (0: all start at `protection`).",
          note="For experiments that compare protectors with their partners (P1b); 0 by default."),
    Param("expertise_effect", default=0.5, kind=float, low=0, high=2, unit="share", source="assumption",
          doc="Largest rise in buyer attraction from full knowledge of what the buyer's niche "
              "seeks (breeding for breeding stock and fibre, health for pets and experiences; "
              "rivalry.expertise_appeal): so a partner's learning in those domains takes buyers "
              "from the teacher where they compete. 0 = buyers ignore expertise.",
          note="As strong as marketing's pull on enquiries (marketing_effect); 'we are more "
               "suited for new buyers buying from us because we can give them a high degree of "
               "input' (I9)."),
    Param("contact_diversion", default=30.0, kind=float, low=0, high=100, unit="per point of marketing learned", source="assumption",
          doc="Customer contacts: a buyer who drew a seller goes to the seller's running partner "
              "instead, when that partner has stock, with chance contact_diversion x the "
              "marketing knowledge the partner learned from the seller x (1 - the seller's "
              "protection), at most 1 (rivalry.contact_chance, market.divert_to_contacts). "
              "Each such sale is leakage the seller notices and a gain of the partner's "
              "learning. 0 = partners learn no contacts (no draws: the market without it).",
          note="Seed 000 Table 4 counts access to coopetitors' contacts as a cooperation "
               "outcome; I28 'we have been able to spread our reach through their contacts'; "
               "I17 'there is always an element of protectionism'. No source gives its size: "
               "chosen pattern-oriented (owners protect core knowledge because leakage hurts; "
               "the seed's 7/15/7 regime split), so those two patterns are fitted, not "
               "evidence. Plausible range 10-100 (a partner that learned 0.02 of marketing "
               "from an unguarded seller takes a fifth to all of the buyers who drew it); "
               "over it leakage is about 45-75% of what learners gain (uk_2018, 6 seeds)."),
    Param("protection_stake", default=400.0, kind=float, low=0, high=1e5, unit="GBP/year", source="assumption",
          doc="The sum a year an owner notices when it reviews its share/protect strategy: "
              "protection moves by the yearly step x (sales lost to partners - what partners' "
              "knowledge earned) / max(their sum, protection_stake) (rivalry.strategy_step). "
              "0 = the normalised balance, which moves an owner who loses pennies as far as "
              "one who loses a sale.",
          note="About the price of a pet male (pet_price 400): a micro-firm's owner notices "
               "a lost sale, not a few pounds; plausible range 100-3,000 (a pet's price to a "
               "breeding female's)."),
))

INDUSTRY = _group("industry", (
    Param("investor_share", default=0.2, kind=float, low=0, high=1, unit="share", source="seed-T4",
          doc="Share of breeders who invest in the industry (education, awareness, fibre pool).",
          note="Educate 4, awareness 3, national industry 1 of 29 firms: about 1 in 5."),
    Param("education_cost", default=1500.0, kind=float, low=0, high=1e6, unit="GBP/investor/year", source="assumption",
          doc="Private cost of education days and awareness work.",
          note="'We have spent a lot of money to educate other breeders' (I29)."),
    Param("awareness_effect", default=1.2, kind=float, low=0, high=20, unit="per year", source="assumption",
          doc="Yearly rate at which public awareness closes its gap to full if every breeder "
              "invested (it scales with the share of investors, so it is size-free); awareness "
              "enlarges and speeds the outside pool, which stays finite.",
          note="With a fifth of breeders investing, awareness reaches about a fifth in a year."),
    Param("education_knowledge", default=0.1, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Knowledge an entrant gains from the industry's education days (in full when a "
              "fifth of breeders invest).",
          note="Education days bring entrants a part of the way."),
    Param("entry_rate", default=1.85, kind=float, low=0, high=1000, unit="breeders/month per 100 starting breeders", source="calibrated",
          doc="New breeders a month, per 100 breeders at the start, when a starting herd's "
              "expected return equals the outside option (fewer below it, up to twice above it).",
          note="Calibrated so the industry grows toward the 123 listed breeders of 2018; "
               "calibrated (docs/CALIBRATION.md): non-implausible range 1.14-2.0, set by hand "
               "to 1.85 inside it toward issue #20's item-4 bands in every seed (1.9 before): "
               "fewer herds for the larger herd the outside buyers above take."),
    Param("foundation_herd", default=6, kind=int, low=1, high=200, unit="females", source="assumption",
          doc="Breeding females an entrant buys to start.",
          note="New breeders typically start with a handful of pregnant females."),
    Param("exit_months", default=36, kind=int, low=1, high=600, unit="months", source="assumption",
          doc="Months of sustained economic losses (12-month accounting profit, stock at market, "
              "below the loss the breeder tolerates) or insolvency after which a breeder exits.",
          note="Micro-firms carry losses for a few years before giving up."),
))

SHOCKS = _group("shocks", (
    Param("disease_start", default=None, kind=int, low=0, high=12_000, optional=True, unit="month", source="seed-T4",
          doc="Month of the run (0 = the first) in which bovine TB enters the industry; none = no "
              "outbreak.",
          note="Disease risk: named by 8 of 29 firms. Off by default so that the baseline stays "
               "the calibrated industry without shocks."),
    Param("disease_strength", default=0.5, kind=float, low=0.01, high=1, unit="intensity", source="assumption",
          doc="How readily the infection passes: scales spread within a herd and on contact "
              "(sales, mating trips to another breeder's stud).",
          note="Mid-range: TB in camelids spreads slowly within a herd and through bought-in "
               "animals."),
    Param("disease_index_herds", default=2, kind=int, low=1, high=1000, unit="herds", source="assumption",
          doc="Herds infected when an outbreak starts (one animal in ten of each, at least one).",
          note="Camelid TB breakdowns usually trace back to one or two bought-in animals."),
    Param("disease_detection", default=0.3, kind=float, low=0, high=1, unit="per month", source="seed-4",
          doc="Chance a month that an infected herd is tested (routine, pre-movement, post-mortem "
              "or on suspicion) at full health knowledge; a quarter of it with none.",
          note="Health knowledge is what breeders share ('saving bills by not having to call out "
               "the vet', I14); the rate (a test about every 3 to 13 months) is an assumption."),
    Param("disease_clear_months", default=4, kind=int, low=1, high=120, unit="months", source="assumption",
          doc="Months a restricted herd must test clear (retested every two months) before its "
              "movement restrictions lift.",
          note="As for cattle herds: two clear tests at least 60 days apart."),
    Param("disease_scare", default=10.0, kind=float, low=0, high=100, unit="per share in the news", source="assumption",
          doc="How strongly news of infected herds deters buyers industry-wide: outside buyers "
              "and breeders' willingness to buy in stock × exp(-scare × share of herds restricted "
              "or found in the last year).",
          note="Buyers of a luxury animal react to news more than to risk: 5% of herds in the "
               "news cuts buyers by about 40%."),
    Param("disease_trust_loss", default=0.2, kind=float, low=0, high=1, unit="trust", source="assumption",
          doc="Trust a breeder's acquaintances lose in it when its herd is found infected.",
          note="Wariness of partners from infected herds; smaller than a detected breach (0.3)."),
    Param("brexit_month", default=None, kind=int, low=0, high=12_000, optional=True, unit="month", source="seed-T4",
          doc="Month of the run from which Brexit applies to trade with the EU (180 = January "
              "2021 from a January 2006 start); none = no Brexit.",
          note="Brexit was named among the institutional forces; off by default so that the "
               "baseline has no shocks."),
    Param("brexit_strength", default=0.8, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Share of EU buyers lost to the new friction (health certificates, border posts); "
              "exporters also net less per animal; 1 stops exports.",
          note="Most of the live-camelid trade with the EU stopped after January 2021."),
    Param("brexit_import_cost", default=0.25, kind=float, low=0, high=5, unit="share", source="assumption",
          doc="Extra cost of importing elite genetics after Brexit, as a share of the elite stud "
              "price.",
          note="Import paperwork, testing and transport through border posts."),
    Param("brexit_uncertainty", default=0.3, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Fall in willingness to invest (partner search, herd growth, purchases, entry) "
              "while the uncertainty lasts.",
          note="Breeders delay investment until the new rules are known."),
    Param("brexit_uncertainty_months", default=24, kind=int, low=0, high=600, unit="months", source="assumption",
          doc="How long Brexit uncertainty lowers investment.",
          note="About two years, from the referendum's aftermath to the end of the transition."),
    Param("demand_shock_month", default=None, kind=int, low=0, high=12_000, optional=True, unit="month", source="seed-T4",
          doc="Month of the run from which the number of buyers changes by demand_shock_size; "
              "none = no demand shock.",
          note="Demand for natural fibre and pressure on price were named among the market forces."),
    Param("demand_shock_size", default=0.0, kind=float, low=-0.95, high=5, unit="signed fraction", source="assumption",
          doc="Change in every kind of buyer (hobby, pet, new breeders, EU) from "
              "demand_shock_month: -0.3 means 30% fewer buyers.",
          note="No change unless a scenario sets one."),
    Param("rivalry_feedback", default=0.0, kind=float, low=0, high=5, unit="per rivalry index", source="seed-T4",
          doc="How strongly conflict in partnerships follows the rivalry index (crowding × "
              "consolidation, 1 at the start); 0 = the index is reported only.",
          note="Competitive rivalry: named by 9 of 29 firms; 0 keeps the calibrated baseline."),
))

COLLECTION = _group("collection", (
    Param("agent_report_every", default=12, kind=int, low=1, high=1200, unit="months", source="assumption",
          doc="Months between rows of the breeder table (and its last month).",
          note="A yearly breeder table is cheap and enough for outcomes that move slowly."),
    Param("network_metrics_every", default=12, kind=int, low=1, high=1200, unit="months", source="assumption",
          doc="Months between the expensive network metrics.",
          note="Network structure changes slowly."),
))

PARADOX = _group("paradox", (
    Param("paradox", default=False, kind=bool, source="assumption",
          doc="Run the coopetition paradox module (the second seed): balance, the eight Table 1 "
              "effects, performing/organizing/belonging tension, owners' active or defensive "
              "responses, virtuous and vicious cycles. Off reproduces the model without it exactly.",
          note="Off by default: its constants are assumptions from the paradox literature with no "
               "UK data to fit them to, and the calibrated and validated defaults "
               "(docs/CALIBRATION.md, docs/VALIDATION.md) were made without it."),
    Param("paradox_interplay", default=True, kind=bool, source="assumption",
          doc="With the module on: the Table 1 effects act on sharing, absorption, conflict, "
              "overuse and partner search (off: measured, no effect).",
          note="A part of the module that can be switched alone."),
    Param("paradox_tensions", default=True, kind=bool, source="assumption",
          doc="With the module on: owners feel performing, organizing and belonging tension.",
          note="A part of the module that can be switched alone."),
    Param("paradox_responses", default=True, kind=bool, source="assumption",
          doc="With the module on: owners respond to tension (navigate, orchestrate, tip), at "
              "the cost of their time.",
          note="A part of the module that can be switched alone."),
    Param("paradox_cycles", default=True, kind=bool, source="assumption",
          doc="With the module on: a partnership in a vicious cycle may end early.",
          note="A part of the module that can be switched alone."),
    Param("paradox_active_share", default=0.5, kind=float, low=0, high=1, unit="share", source="assumption",
          doc="Mean response style: the share of an owner's response that is active rather than "
              "defensive (each owner's drawn from a Beta around it, moved by experience).",
          note="No UK measure of owners' paradox mindset (Miron-Spektor et al. 2018): the "
               "midpoint, so that neither style is favoured."),
    Param("paradox_salience", default=1.0, kind=float, low=0, high=5, unit="factor", source="assumption",
          doc="Multiplier of the paradox's salience to owners (both forces, plurality, scarcity).",
          note="1 = the rule as documented; the experiment varies it."),
    Param("paradox_staff_scale", default=1.0, kind=float, low=0, high=10, unit="factor", source="seed-T2",
          doc="Multiplier of each firm's staff (the seed's Table 2 headcounts; synthetic firms "
              "drawn from them), which carry belonging tension.",
          note="1 = Table 2 (mean 2.45 staff, 0-11); the experiment varies it."),
))
# fmt: on

PARAMETERS: tuple[Param, ...] = (
    *START,
    *HERD,
    *GENETICS,
    *COSTS,
    *MARKET,
    *FLEECE,
    *FINANCE,
    *SWITCHES,
    *PARTNERING,
    *CONTRACTS,
    *KNOWLEDGE,
    *RIVALRY,
    *INDUSTRY,
    *SHOCKS,
    *COLLECTION,
    *PARADOX,
)


PARAMETER_INDEX: dict[str, Param] = {p.name: p for p in PARAMETERS}


def _group_class(group: str) -> type:
    """A frozen dataclass with one field per parameter of the group, in table order."""
    fields = [
        (p.name, p.kind | None if p.optional else p.kind) for p in PARAMETERS if p.group == group
    ]
    name = "".join(part.title() for part in group.split("_")) + "Params"
    cls = dataclasses.make_dataclass(name, fields, frozen=True, slots=True, module=__name__)
    cls.__doc__ = f"The '{group}' parameters: {GROUP_TITLES[group]}."
    return cls


# One class per group (MarketParams, HerdParams, ...), importable by name so that a group
# pickles to a sweep's worker processes.
GROUP_CLASSES: dict[str, type] = {g: _group_class(g) for g in GROUP_TITLES}
globals().update({cls.__name__: cls for cls in GROUP_CLASSES.values()})
# Keys of an AlpacaScenario that are not model parameters.
_RESERVED = {"rng", "model", "events", "name", "description"}


def check_value(name: str, value: Any, where: str = "") -> Any:
    """Return `value` converted to the parameter's type, or raise ValueError naming it."""
    prefix = f"{where}: " if where else ""
    if name not in PARAMETER_INDEX:
        close = difflib.get_close_matches(name, list(PARAMETER_INDEX), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"{prefix}unknown parameter '{name}'.{hint}")
    p = PARAMETER_INDEX[name]
    shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:60] + "..."
    bad = f"{prefix}parameter '{name}' = {shown} is not allowed: expected {p.allowed()}"
    if p.optional and (value is None or (isinstance(value, str) and value.lower() == "none")):
        return None
    if p.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in {"true", "false"}:
            return value.lower() == "true"
        raise ValueError(bad + ".")
    if p.kind is str:
        if not isinstance(value, str) or (p.choices and value not in p.choices):
            raise ValueError(bad + ".")
        return value
    if p.kind is int:
        if isinstance(value, bool):
            raise ValueError(bad + ".")
        if isinstance(value, numbers.Integral) and not isinstance(value, int):
            value = int(value)  # a numpy integer
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            try:
                value = int(value)
            except ValueError:
                raise ValueError(bad + ".") from None
        if not isinstance(value, int):
            raise ValueError(bad + ".")
    elif p.kind is float:
        if isinstance(value, bool):
            raise ValueError(bad + ".")
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise ValueError(bad + ".") from None
        if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy's too
            raise ValueError(bad + ".")
        try:
            value = float(value)
        except OverflowError:  # an integer beyond any float
            raise ValueError(bad + ".") from None
        if not math.isfinite(value):
            raise ValueError(bad + ".")
    if (p.low is not None and value < p.low) or (p.high is not None and value > p.high):
        raise ValueError(bad + ".")
    return value


def check_consistency(values: dict[str, Any], where: str = "") -> None:
    """Refuse combinations of valid values that make no sense together."""
    prefix = f"{where}: " if where else ""
    if values["female_retire_age"] <= values["female_breeding_age"]:
        raise ValueError(
            f"{prefix}female_retire_age = {values['female_retire_age']} must be greater than "
            f"female_breeding_age = {values['female_breeding_age']}."
        )
    if values["max_age"] <= max(values["female_retire_age"], values["stud_age"]):
        raise ValueError(
            f"{prefix}max_age = {values['max_age']} must exceed female_retire_age and stud_age."
        )
    if not values["micron_floor"] < values["world_elite_micron"] < values["micron_mean"]:
        raise ValueError(
            f"{prefix}world_elite_micron = {values['world_elite_micron']} must lie between "
            f"micron_floor = {values['micron_floor']} and micron_mean = {values['micron_mean']}: "
            "imported elite studs are finer than the UK herd and above the biological floor."
        )
    for name in ("foundation_herd", "herd_size_median"):
        if values[name] > values["max_herd_size"]:
            raise ValueError(
                f"{prefix}{name} = {values[name]} must not exceed max_herd_size = "
                f"{values['max_herd_size']}: no herd is larger than that."
            )


def check_rng(rng: Any, where: str = "") -> None:
    """Refuse a seed that is not None, a whole number >= 0 or a numpy generator."""
    import numpy as np

    ok = rng is None or isinstance(
        rng, np.random.Generator | np.random.BitGenerator | np.random.SeedSequence
    )
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool | np.bool_):
        ok = rng >= 0
    if not ok:
        prefix = f"{where}: " if where else ""
        raise ValueError(
            f"{prefix}seed (rng) = {rng!r} is not allowed: expected a whole number >= 0, "
            "None or a numpy Generator."
        )


# each scenario's parameter groups (AlpacaScenario.group), made on first use: a month asks
# for a group a few hundred times
_GROUPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class AlpacaScenario(Scenario):
    """The parameters of one alpaca-abm run, validated; defaults and provenance in PARAMETERS.

    Read-only while a model runs (Mesa's Scenario). Build one with `load_scenario` or
    `AlpacaScenario(**values)`; `scenario.replace(**changes)` gives a validated copy.
    """

    def __init__(self, *, rng=None, events=(), name="custom", description="", **values):
        if not isinstance(name, str) or not isinstance(description, str):
            raise ValueError(f"scenario name and description must be text, not {name!r}.")
        check_rng(rng, where=f"scenario '{name}'")
        checked = {}
        for key, value in values.items():
            checked[key] = check_value(key, value, where=f"scenario '{name}'")
        merged = {p.name: p.default for p in PARAMETERS} | checked
        check_consistency(merged, where=f"scenario '{name}'")
        super().__init__(rng=rng, **merged)
        from .events import check_events

        self.__dict__["events"] = check_events(
            events,
            where=f"scenario '{name}'",
            start_year=merged["start_year"],
            start_month=merged["start_month"],
        )
        self.__dict__["name"] = name
        self.__dict__["description"] = description

    @classmethod
    def parameter_names(cls) -> list[str]:
        """Names of every model parameter, in table order."""
        return [p.name for p in PARAMETERS]

    def values(self) -> dict[str, Any]:
        """The model parameters as a plain dict (no rng, events or name)."""
        return {p.name: getattr(self, p.name) for p in PARAMETERS}

    def group(self, group: str) -> Any:
        """The values of one mechanism's parameter group as a frozen dataclass (GROUP_TITLES)."""
        if group not in GROUP_CLASSES:
            close = difflib.get_close_matches(group, list(GROUP_CLASSES), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ValueError(
                f"unknown parameter group '{group}'.{hint} Groups: {', '.join(GROUP_CLASSES)}."
            )
        made = _GROUPS.setdefault(self, {})
        if group not in made:  # made once per scenario (read-only while a model runs)
            cls = GROUP_CLASSES[group]
            made[group] = cls(**{f.name: getattr(self, f.name) for f in dataclasses.fields(cls)})
        return made[group]

    def groups(self, *groups: str) -> tuple[Any, ...]:
        """Several groups at once, in the order named: `herd_p, market_p =
        scenario.groups("herd", "market")`."""
        return tuple(self.group(g) for g in groups)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)  # (Mesa refuses while a model runs)
        _GROUPS.pop(self, None)  # a changed value: the groups are made again

    def mechanism_on(self, mechanism: str) -> bool:
        """Whether a coopetition mechanism runs: the master switch and its own switch."""
        return bool(self.coopetition and getattr(self, mechanism))

    # Derived genetic scales in quality points (fleece.py's transform of the micron rows), for
    # code that works in quality: the starting herd's mean and sd, and the ceiling.
    @property
    def quality_mean(self) -> float:
        from .fleece import quality_from_micron

        return float(quality_from_micron(self.micron_mean))

    @property
    def quality_sd(self) -> float:
        from .fleece import quality_sd

        return quality_sd(self.micron_sd)

    @property
    def quality_ceiling(self) -> float:
        from .fleece import quality_ceiling

        return quality_ceiling(self.micron_floor)

    def replace(self, **changes: Any) -> AlpacaScenario:
        """A validated copy with some parameters (or rng, events, name) changed."""
        kwargs = {
            "rng": self.rng,
            "events": self.events,
            "name": self.name,
            "description": self.description,
        }
        kwargs |= {k: changes.pop(k) for k in list(changes) if k in _RESERVED - {"model"}}
        return AlpacaScenario(**kwargs, **(self.values() | changes))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.values().items() if v != PARAMETER_INDEX[k].default}
        return f"AlpacaScenario(name={self.name!r}, rng={self.rng!r}, changed={changed})"


# Mesa's Scenario collects defaults from class attributes at class creation; ours live in
# PARAMETERS, so give Mesa the same table.
AlpacaScenario._scenario_defaults = {p.name: p.default for p in PARAMETERS}
for _param in PARAMETERS:
    setattr(AlpacaScenario, _param.name, _param.default)
