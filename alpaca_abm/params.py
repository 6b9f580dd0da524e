"""The parameter set: one table of every parameter, its range, unit and provenance.

`PARAMETERS` is the single source of truth. `AlpacaScenario` (a Mesa `Scenario`) takes its
defaults from it, validates every value against it, and `docs/PARAMETERS.md` is generated
from it. Sources are named by the short keys of `SOURCES`.
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass
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
    """One model parameter: its type, default, allowed range, unit and where it comes from."""

    name: str
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


def _p(name, default, kind, low=None, high=None, unit="", doc="", source="assumption", note=""):
    return Param(name, default, kind, low, high, unit, doc, source, note)


def _opt(name, kind, low=None, high=None, unit="", doc="", source="assumption", note=""):
    """An optional parameter: its default is None ("none" in TOML and --set), meaning off."""
    return Param(name, None, kind, low, high, unit, doc, source, note, optional=True)


PARAMETERS: tuple[Param, ...] = (
    Param(
        "population",
        "synthetic",
        str,
        unit="",
        doc="Who the industry starts with: 'synthetic' breeders drawn from the distributions "
        "below; 'uk_2018': the seed's 29 firms (Tables 2 and 3) plus synthetic firms making "
        "up the directory to n_breeders with its size classes; or 'uk_national': the whole UK "
        "industry, the 123-firm directory as its commercial tier (seed firms at their counties, "
        "entering in their founding year) and small hobby herds up to n_breeders herds.",
        source="seed-T2",
        note="The seed's firms are transcribed in alpaca_abm/data/uk_2018_firms.csv.",
        choices=("synthetic", "uk_2018", "uk_national"),
    ),
    # --- the industry at the start -------------------------------------------------------
    _p(
        "n_breeders",
        140,
        int,
        1,
        2_000_000,
        "breeders",
        "Breeders at the start of the run.",
        "assumption",
        "Derived from a public figure: a one-in-five sample of the UK industry of c. 2006, "
        "700 British Alpaca Society members (public_figures.toml: bas_members_c2006) / 5, so "
        "that the default run is the national market at a fifth of its size (uk_national is "
        "the whole).",
    ),
    _p(
        "start_year",
        2006,
        int,
        1990,
        2100,
        "year",
        "Calendar year of the first month.",
        "assumption",
        "Mid-2000s: the industry's growth years, so a 20-year run passes 2018 and "
        "January 2021 (end of the Brexit transition).",
    ),
    _p(
        "start_month",
        1,
        int,
        1,
        12,
        "month",
        "Calendar month of the first step.",
        "assumption",
        "January: the run starts at the beginning of a calendar year.",
    ),
    # --- the whole industry at the start (population 'uk_national'; world.py) ---------------
    _opt(
        "national_herd_start",
        float,
        0,
        1e7,
        "alpacas",
        "Alpacas in the whole industry at the start (uk_national): the hobby herds' median is "
        "set so that all herds hold this many; none = hobby herds of herd_size_median.",
        "assumption",
        "Off by default; the uk_national scenario sets 15,000, the public figure "
        "national_herd_2006 (c. 2006).",
    ),
    _p(
        "directory_scale_at_start",
        0.2727,
        float,
        0.01,
        1,
        "ratio",
        "Herd of a directory firm at the start as a share of its 2018 herd (uk_national).",
        "public",
        "The national herd grew from 15,000 (2006) to 55,000 (2018): "
        "see public_figures.toml: national_herd_ratio_2006_to_2018.",
    ),
    _p(
        "herd_size_median",
        13.0,
        float,
        2,
        5000,
        "alpacas",
        "Median herd size at the start (log-normal).",
        "assumption",
        "Derived from public figures: 15,000 alpacas in 700 herds c. 2006 "
        "(national_herd_2006, bas_members_c2006), a mean of 21.4, which a log-normal of "
        "spread herd_size_sigma = 1 has at a median of about 13.",
    ),
    _p(
        "herd_size_sigma",
        1.0,
        float,
        0,
        3,
        "log-units",
        "Spread of the log-normal herd-size distribution.",
        "seed-T2",
        "Table 2 herds range 20 to 1000 alpacas: a wide, right-skewed spread.",
    ),
    _p(
        "max_herd_size",
        1000,
        int,
        2,
        100_000,
        "alpacas",
        "Largest herd a breeder starts with or aims for.",
        "seed-T2",
        "The largest herds in Table 2 hold 1000 alpacas.",
    ),
    _p(
        "initial_cash_per_alpaca",
        800.0,
        float,
        0,
        1e6,
        "GBP/alpaca",
        "Working capital a breeder starts with, per animal held.",
        "assumption",
        "Micro-firms hold a few months of keep and one stud purchase in reserve.",
    ),
    # --- biology --------------------------------------------------------------------------
    _p(
        "gestation_months",
        11.5,
        float,
        10,
        13,
        "months",
        "Alpaca gestation.",
        "biology",
        "Alpaca gestation is about 11.5 months (335-350 days).",
    ),
    _p(
        "female_breeding_age",
        18,
        int,
        12,
        48,
        "months",
        "Age at which a female is first mated.",
        "biology",
        "Females are usually first mated at 18 months or when they reach about 60% of adult "
        "weight.",
    ),
    _p(
        "stud_age",
        30,
        int,
        18,
        60,
        "months",
        "Age from which a male works as a stud.",
        "biology",
        "Males are used from about 2.5 years when fully mature.",
    ),
    _p(
        "conception_rate",
        0.8,
        float,
        0.01,
        1,
        "probability",
        "Chance that one month's mating leaves a female pregnant.",
        "public",
        "See public_figures.toml: conception_rate.",
    ),
    _p(
        "mating_start_month",
        4,
        int,
        1,
        12,
        "month",
        "First month of the mating season.",
        "biology",
        "UK breeders mate in spring and summer so that crias are born in warm months.",
    ),
    _p(
        "mating_end_month",
        9,
        int,
        1,
        12,
        "month",
        "Last month of the mating season.",
        "biology",
        "Matings stop by autumn so that no cria is born in late-autumn weather.",
    ),
    _p(
        "adult_mortality",
        0.03,
        float,
        0,
        0.5,
        "per year",
        "Yearly death rate of adults with no health knowledge.",
        "assumption",
        "Typical livestock adult losses of a few per cent a year.",
    ),
    _p(
        "cria_mortality",
        0.08,
        float,
        0,
        0.8,
        "per year",
        "Yearly death rate in the first year of life.",
        "assumption",
        "Neonatal losses in camelids are higher than adult losses.",
    ),
    _p(
        "max_age",
        240,
        int,
        60,
        360,
        "months",
        "Oldest age an alpaca reaches.",
        "biology",
        "Alpacas live 15 to 20 years.",
    ),
    _p(
        "female_retire_age",
        180,
        int,
        48,
        360,
        "months",
        "Age from which a breeder stops mating a female and sells her as a pet.",
        "assumption",
        "Breeding females are usually retired at about 15 years.",
    ),
    _p(
        "stud_capacity",
        60,
        int,
        1,
        500,
        "matings/season",
        "Matings one stud can serve in a season.",
        "assumption",
        "A working stud covers one or two females a day over a season; breeders limit use.",
    ),
    # --- genetics: fleece in microns (fleece.py; rows owned by the population/fleece work) ---
    _p(
        "micron_mean",
        27.0,
        float,
        15,
        40,
        "µm",
        "Mean genetic fibre diameter (MFD at two years) of the starting national herd; "
        "quality = 50 + 4 × (27 − micron).",
        "assumption",
        "No UK figure was found. Adult fleeces then average about 29 µm with the age "
        "effect, as the Australian herd of McGregor & Butler (public_figures.toml: "
        "alpaca_mfd_australia, 29.1 µm), from which, with Chile and Peru, the UK "
        "foundation stock came.",
    ),
    _p(
        "micron_sd",
        2.4,
        float,
        0.1,
        10,
        "µm",
        "Additive genetic sd of fibre diameter in the starting herd.",
        "assumption",
        "sqrt(h2) × a phenotypic sd of about 4 µm between animals (McGregor & Butler's "
        "100 alpacas range 17.7-46.6 µm over all ages and farms): sqrt(0.35) × 4 = 2.4.",
    ),
    _p(
        "fd_heritability",
        0.35,
        float,
        0.01,
        0.99,
        "share",
        "Heritability of fibre diameter: sizes the environmental part of what a breeder "
        "sees and the fleece sold.",
        "public",
        "See public_figures.toml: fibre_diameter_heritability.",
    ),
    _p(
        "fd_selection_share",
        0.5,
        float,
        0.05,
        1,
        "share",
        "Share of what breeders select on that is the fleece's fineness; the rest is other "
        "traits they judge (conformation, density, colour, presence), not inherited here.",
        "assumption",
        "Breeders select on fineness with colour, staple length, density, medullation, lustre "
        "and lack of coarse fibre (britishalpacatextiles.com/british-alpaca.html) and on "
        "conformation and teeth (fowberry-alpacas.com buying guide): half for fineness.",
    ),
    _p(
        "micron_floor",
        14.5,
        float,
        5,
        20,
        "µm",
        "Biological floor of genetic fibre diameter: quality can approach but never pass "
        "quality_from_micron(floor) (100 points at 14.5).",
        "public",
        "See public_figures.toml: finest_alpaca_mfd.",
    ),
    _p(
        "fleece_coarsening",
        0.8,
        float,
        0,
        5,
        "µm/year",
        "How much coarser a fleece grows each year of age from two years to 7.5 (finer as"
        " a yearling).",
        "assumption",
        "McGregor & Butler: MFD rises with age until about 7.5 years "
        "(public_figures.toml: alpaca_mfd_australia); the yearly rate was not in the "
        "stored text: 0.8 µm a year puts a 7.5-year-old about 4.4 µm above its two-year "
        "test.",
    ),
    _p(
        "world_elite_micron",
        19.0,
        float,
        10,
        35,
        "µm",
        "Genetic fibre diameter of the elite studs on the world (import) market in 2006.",
        "assumption",
        "Elite studs sold from Peru and Australia are finer than the Peruvian population "
        "means of 19.6 µm (Apurímac males) and 22.7 µm (Huancavelica) "
        "(public_figures.toml: alpaca_mfd_peru_apurimac); 19 µm at two years.",
    ),
    _p(
        "world_elite_gain",
        0.04,
        float,
        0,
        0.2,
        "share/year",
        "Share of its distance to the micron floor the world elite closes each year (its "
        "own trend).",
        "assumption",
        "Selected herds such as Pacomarca keep improving under BLUP selection "
        "(public_figures.toml: finest_alpaca_mfd); 4% a year takes the elite from 19 µm "
        "(2006) to about 16.7 µm (2024), so imports stay elite while the UK herd improves "
        "(with 1% a year the UK herd overtook them by about 2020 and elite access vanished).",
    ),
    _p(
        "elite_margin",
        1.0,
        float,
        0,
        5,
        "sd",
        "How far above the current herd mean (in starting genetic sds) a stud must be to "
        "count as elite.",
        "assumption",
        "Rare genetics are relative: the top sixth of the day's animals.",
    ),
    # --- money ----------------------------------------------------------------------------
    _p(
        "elite_stud_price",
        15750.0,
        float,
        0,
        1e6,
        "GBP",
        "Price of an elite stud male.",
        "public",
        "See public_figures.toml: elite_stud_price.",
    ),
    _p(
        "stud_fee",
        450.0,
        float,
        0,
        1e5,
        "GBP/mating",
        "Fee for one mating by an average stud of another breeder (better studs charge the "
        "quality premium).",
        "public",
        "See public_figures.toml: stud_service_fee.",
    ),
    _p(
        "travel_cost_per_km",
        0.6,
        float,
        0,
        100,
        "GBP/km",
        "Cost of driving with a trailer, per km travelled.",
        "assumption",
        "A car and livestock trailer costs a little above HMRC's 45p/mile car rate.",
    ),
    _p(
        "max_travel_km",
        350.0,
        float,
        1,
        2000,
        "km",
        "Longest single trip a breeder makes to a stud.",
        "seed-4",
        "'the travelling distance is challenging' (I4): trips beyond a day's return drive are "
        "not made.",
    ),
    _p(
        "keep_cost",
        15.0,
        float,
        0,
        1e4,
        "GBP/alpaca/month",
        "Feed, bedding, land and husbandry per alpaca.",
        "public",
        "See public_figures.toml: annual_keep_cost (divided by 12).",
    ),
    _p(
        "vet_cost",
        5.0,
        float,
        0,
        1e4,
        "GBP/alpaca/month",
        "Vet and medicine per alpaca with no health knowledge.",
        "assumption",
        "Routine vaccination, worming and call-outs; health knowledge lowers it.",
    ),
    _p(
        "shearing_cost",
        20.0,
        float,
        0,
        1e3,
        "GBP/alpaca/year",
        "Shearing one alpaca.",
        "public",
        "See public_figures.toml: shearing_cost.",
    ),
    _p(
        "stud_keep_cost",
        40.0,
        float,
        0,
        1e4,
        "GBP/stud/month",
        "Extra keep, insurance and fertility checks of a working stud.",
        "assumption",
        "Studs need separate paddocks and insurance.",
    ),
    _p(
        "marketing_cost",
        60.0,
        float,
        0,
        1e5,
        "GBP/breeder/month",
        "Advertising, shows and website of one breeder.",
        "assumption",
        "A few shows and adverts a year.",
    ),
    _p(
        "price_female",
        5000.0,
        float,
        1,
        1e6,
        "GBP",
        "Price of an average breeding female in the month before the run: where breeders' "
        "price expectations start (the market then clears every month from bids and offers).",
        "public",
        "See public_figures.toml: breeding_female_price_2006.",
    ),
    _p(
        "quality_premium",
        0.03,
        float,
        0,
        1,
        "log-price/point",
        "Extra log-price per index point above the industry mean.",
        "assumption",
        "One standard deviation (10 points) is worth about 35% more.",
    ),
    _p(
        "pet_price",
        400.0,
        float,
        0,
        1e5,
        "GBP",
        "Price of a male sold as a pet or fleece animal.",
        "public",
        "See public_figures.toml: pet_male_price.",
    ),
    _p(
        "hobby_demand",
        0.106,
        float,
        0,
        10,
        "females/alpaca/year",
        "Breeding females outside buyers (hobby, smallholder, trekking and experience "
        "businesses) ask for a year at the start, per alpaca in the industry; the finite pool "
        "they come from is sized so (market.starting_pool).",
        "calibrated",
        "Sets the size of the outside pool;"
        " calibrated (docs/CALIBRATION.md): 0.106, non-implausible range 0.106-0.236.",
    ),
    _p(
        "pet_demand",
        0.15,
        float,
        0,
        10,
        "males/alpaca/year",
        "Males pet and fleece buyers take a year, per alpaca in the industry.",
        "assumption",
        "Most males that are not kept as studs find pet homes.",
    ),
    _p(
        "export_demand",
        0.02,
        float,
        0,
        10,
        "females/alpaca/year",
        "Breeding females EU buyers take a year, per alpaca held by breeders who export.",
        "assumption",
        "Five of the 29 seed firms earn about half their turnover in Europe.",
    ),
    _p(
        "fleece_kg",
        2.5,
        float,
        0,
        20,
        "kg/alpaca/year",
        "Saleable fleece from one shearing.",
        "public",
        "See public_figures.toml: fleece_yield.",
    ),
    _p(
        "fibre_price",
        4.0,
        float,
        0,
        1e3,
        "GBP/kg",
        "Price of raw fleece sold alone, for average quality.",
        "public",
        "See public_figures.toml: fleece_price_individual.",
    ),
    _p(
        "pool_scale_bonus",
        0.25,
        float,
        0,
        5,
        "fraction per log-volume",
        "Price gain of the national fibre pool per doubling of pooled volume (log scale).",
        "seed-4",
        "'we get a better selling price because of the higher volumes' (I27); size is "
        "an assumption.",
    ),
    _p(
        "shearing_month",
        6,
        int,
        1,
        12,
        "month",
        "Month of the yearly shearing.",
        "biology",
        "UK alpacas are shorn in early summer.",
    ),
    # --- coopetition: switches ---------------------------------------------------------------
    _p(
        "coopetition",
        True,
        bool,
        doc="Master switch: False is the counterfactual industry with "
        "no co-ownership, knowledge sharing, referrals or fibre pooling; everything else equal.",
        source="seed-4",
        note="Every seed firm was engaged in coopetition.",
    ),
    _p(
        "coownership",
        True,
        bool,
        doc="Breeders may co-own studs (needs coopetition).",
        source="seed-4",
        note="'co-owning stud males is the main cooperation activity'.",
    ),
    _p(
        "knowledge_sharing",
        True,
        bool,
        doc="Partners share knowledge (needs coopetition).",
        source="seed-T4",
        note="Share knowledge and experience: 10 of 29 firms.",
    ),
    _p(
        "referrals",
        True,
        bool,
        doc="A breeder that cannot serve a buyer passes the buyer to a "
        "partner (needs coopetition).",
        source="seed-4",
        note="'If I receive an enquiry, I will ask other people if I cannot help them' (I23).",
    ),
    _p(
        "industry_investment",
        True,
        bool,
        doc="Investor breeders run education days, build "
        "awareness and pool fibre (needs coopetition for pooling).",
        source="seed-T4",
        note="Educate others 4, build awareness 3, national industry 1 of 29 firms.",
    ),
    _p(
        "entry_exit",
        True,
        bool,
        doc="New breeders enter and loss-making ones exit.",
        source="seed-4",
        note="Breeders named the growing number of breeders and price decline.",
    ),
    # --- partner choice (weights follow how many of the 29 firms named each criterion) -------
    _p(
        "search_rate",
        0.06,
        float,
        0,
        1,
        "per month",
        "Chance a month that a breeder without elite genetics looks for a co-owner.",
        "assumption",
        "About one search every year and a half.",
    ),
    _p(
        "n_candidates",
        12,
        int,
        1,
        100,
        "breeders",
        "Nearest breeders a searching breeder considers, besides its acquaintances and a few "
        "well-known breeders.",
        "assumption",
        "Wide enough that ranking matters: 2-3 acceptable candidates a search (1.6-2.4 with 8).",
    ),
    _p(
        "w_trust",
        5.0,
        float,
        0,
        100,
        "weight",
        "Weight of trust in partner choice.",
        "seed-T4",
        "Establish mutual trust: named by 5 firms.",
    ),
    _p(
        "w_chemistry",
        6.0,
        float,
        0,
        100,
        "weight",
        "Weight of owner similarity (chemistry, easy to work with).",
        "seed-T4",
        "Chemistry, easy to work with: 6 firms.",
    ),
    _p(
        "w_history",
        3.0,
        float,
        0,
        100,
        "weight",
        "Weight of prior association and previous achievements.",
        "seed-T4",
        "Previous achievements, experience: 3 firms.",
    ),
    _p(
        "w_contribution",
        4.0,
        float,
        0,
        100,
        "weight",
        "Weight of expected contribution and complementarity.",
        "seed-T4",
        "Expected contribution, added value: 4 firms.",
    ),
    _p(
        "w_reputation",
        1.0,
        float,
        0,
        100,
        "weight",
        "Weight of the partner's profile.",
        "seed-T4",
        "Profile of the company: 1 firm.",
    ),
    _p(
        "w_proximity",
        4.0,
        float,
        0,
        100,
        "weight",
        "Weight of closeness.",
        "seed-T4",
        "Location, proximity: 4 firms.",
    ),
    _p(
        "w_resources",
        3.0,
        float,
        0,
        100,
        "weight",
        "Weight of enough resources to warrant the spend (size).",
        "seed-T4",
        "Size: 3 firms.",
    ),
    _p(
        "acceptance",
        0.45,
        float,
        0,
        1,
        "score",
        "Lowest partner score (0-1) either side accepts.",
        "assumption",
        "About half the candidates met are acceptable.",
    ),
    # --- contracts and control -------------------------------------------------------------
    _p(
        "fairness",
        0.5,
        float,
        0.05,
        0.95,
        "share",
        "Share of cost and quota of the breeder who keeps the stud (50-50 by default).",
        "seed-4",
        "'a proper balance, a 50-50 partnership' (I20).",
    ),
    _p(
        "control_strength",
        0.5,
        float,
        0,
        1,
        "probability",
        "Chance that a partner's overuse of a shared stud is detected; breeders start believing "
        "it and learn from being caught or not.",
        "seed-T4",
        "Establish control mechanisms: 3 of 29 firms; strength is an assumption.",
    ),
    _p(
        "opportunism_mean",
        0.2,
        float,
        0,
        1,
        "probability",
        "Mean temptation (0-1): how far a breeder discounts the expected cost of overusing a "
        "shared stud (with deliberate_cheating off: its chance of overusing).",
        "assumption",
        "Breeders warned of partners using the stud 'beyond the agreed measures' (I28).",
    ),
    _p(
        "breach_trust_loss",
        0.3,
        float,
        0,
        1,
        "trust",
        "Trust the victim loses on a detected breach.",
        "assumption",
        "One detected breach is a serious blow but not the end of every tie.",
    ),
    _p(
        "breach_dissolution",
        0.5,
        float,
        0,
        1,
        "probability",
        "Chance a detected breach ends the contract.",
        "assumption",
        "Half of detected breaches end the partnership.",
    ),
    _p(
        "trust_initial",
        0.3,
        float,
        0,
        1,
        "trust",
        "Trust between strangers.",
        "assumption",
        "Cautious: breeders 'see the other breeders as competition' (seed §4.1).",
    ),
    _p(
        "trust_gain",
        0.03,
        float,
        0,
        1,
        "per month",
        "Rise of trust per month of a working partnership.",
        "assumption",
        "Trust builds over a couple of years of good contact.",
    ),
    _p(
        "trust_decay",
        0.01,
        float,
        0,
        1,
        "per month",
        "Fall of trust toward the stranger level per month without contact.",
        "assumption",
        "Remembered for years after a contract ends.",
    ),
    _p(
        "conflict_rate",
        0.05,
        float,
        0,
        1,
        "per month",
        "Chance a month that rivalry in a partnership flares into conflict, scaled by its "
        "competition intensity.",
        "assumption",
        "Personality clashes happen (I1).",
    ),
    _p(
        "conflict_trust_loss",
        0.1,
        float,
        0,
        1,
        "trust",
        "Trust lost in a conflict.",
        "assumption",
        "Smaller than a breach.",
    ),
    _p(
        "contract_years",
        5.0,
        float,
        0.5,
        30,
        "years",
        "Planned length of a co-ownership.",
        "assumption",
        "A stud's working life shared over several seasons.",
    ),
    # --- knowledge ------------------------------------------------------------------------
    _p(
        "openness_mean",
        0.6,
        float,
        0,
        1,
        "share",
        "Mean openness: share of a domain's knowledge gap a breeder lets partners see.",
        "seed-T4",
        "Openness named by 3 firms; sharing knowledge by 10 of 29.",
    ),
    _p(
        "openness_sd",
        0.15,
        float,
        0,
        1,
        "share",
        "Spread of openness between breeders.",
        "assumption",
        "Breeders differ: 'there is always an element of protectionism' (I17).",
    ),
    _p(
        "protection",
        0.7,
        float,
        0,
        1,
        "share",
        "Starting share of its core domain a breeder keeps from partners; then each breeder's "
        "own strategy (strategy_learning).",
        "seed-4",
        "'share knowledge but protect the core' (I17); size is an assumption.",
    ),
    _p(
        "learning_rate",
        0.06,
        float,
        0,
        1,
        "per month",
        "Share of an open knowledge gap a partner closes a month at full absorptive capacity.",
        "assumption",
        "Gaps close over a few years of partnership.",
    ),
    _p(
        "learning_by_doing",
        0.002,
        float,
        0,
        1,
        "per month",
        "Knowledge a breeder gains alone a month, per unit of remaining gap.",
        "assumption",
        "Slow: experience alone takes decades.",
    ),
    _p(
        "knowledge_initial",
        0.3,
        float,
        0,
        1,
        "share",
        "Mean starting knowledge of an owner with an unrelated background.",
        "seed-T2",
        "Table 3: most owners came from unrelated backgrounds.",
    ),
    _p(
        "related_background_bonus",
        0.2,
        float,
        0,
        1,
        "share",
        "Extra starting knowledge of an owner with a farming or related background.",
        "seed-T2",
        "Table 3 separates related from unrelated backgrounds; size is an assumption.",
    ),
    _p(
        "health_effect",
        0.5,
        float,
        0,
        1,
        "share",
        "Largest cut in mortality and vet cost from full health knowledge.",
        "seed-4",
        "'saving bills by not having to call out the vet' (I14).",
    ),
    _p(
        "marketing_effect",
        0.5,
        float,
        0,
        2,
        "share",
        "Largest rise in buyer attraction and price from full marketing knowledge.",
        "assumption",
        "Marketing knowledge brings enquiries and better prices.",
    ),
    _p(
        "breeding_noise",
        20.0,
        float,
        0,
        50,
        "index points",
        "How far a breeder with no breeding knowledge misjudges an animal's quality.",
        "assumption",
        "Judging fleece by eye without training or fleece tests misses by about two sds.",
    ),
    # --- industry investment, entry and exit ------------------------------------------------
    _p(
        "investor_share",
        0.2,
        float,
        0,
        1,
        "share",
        "Share of breeders who invest in the industry (education, awareness, fibre pool).",
        "seed-T4",
        "Educate 4, awareness 3, national industry 1 of 29 firms: about 1 in 5.",
    ),
    _p(
        "education_cost",
        1500.0,
        float,
        0,
        1e6,
        "GBP/investor/year",
        "Private cost of education days and awareness work.",
        "assumption",
        "'We have spent a lot of money to educate other breeders' (I29).",
    ),
    _p(
        "awareness_effect",
        1.2,
        float,
        0,
        20,
        "per year",
        "Yearly rate at which public awareness closes its gap to full if every breeder "
        "invested (it scales with the share of investors, so it is size-free); awareness "
        "enlarges and speeds the outside pool, which stays finite.",
        "assumption",
        "With a fifth of breeders investing, awareness reaches about a fifth in a year.",
    ),
    _p(
        "education_knowledge",
        0.1,
        float,
        0,
        1,
        "share",
        "Knowledge an entrant gains from the industry's education days (in full when a fifth of "
        "breeders invest).",
        "assumption",
        "Education days bring entrants a part of the way.",
    ),
    _p(
        "entry_rate",
        1.02,
        float,
        0,
        1000,
        "breeders/month per 100 starting breeders",
        "New breeders a month, per 100 breeders at the start, when a starting herd's "
        "expected return equals the outside option (fewer below it, up to twice above it).",
        "calibrated",
        "Calibrated so the industry grows toward the 123 listed breeders of 2018;"
        " calibrated (docs/CALIBRATION.md): 1.02, non-implausible range 0.567-1.08.",
    ),
    _p(
        "foundation_herd",
        6,
        int,
        1,
        200,
        "females",
        "Breeding females an entrant buys to start.",
        "assumption",
        "New breeders typically start with a handful of pregnant females.",
    ),
    _p(
        "exit_months",
        36,
        int,
        1,
        600,
        "months",
        "Months of sustained economic losses (12-month accounting profit, stock at market, "
        "below the loss the breeder tolerates) or insolvency after which a breeder exits.",
        "assumption",
        "Micro-firms carry losses for a few years before giving up.",
    ),
    # --- the economy (market.py, trading.py, finance.py; docs/ECONOMY.md) -------------------
    _p(
        "buyer_wtp_median",
        1390.0,
        float,
        1,
        1e6,
        "GBP",
        "Median willingness to pay of an outside buyer for a reference breeding female (before "
        "price shocks).",
        "calibrated",
        "Mid-2000s sales of £3,000-10,000 for pregnant females and £1,000-2,000 in 2012-2015 "
        "(PUBLIC-FACTS section 2) bracket it;"
        " calibrated (docs/CALIBRATION.md): 1390, non-implausible range 1390-1960.",
    ),
    _p(
        "buyer_wtp_sigma",
        0.6,
        float,
        0,
        3,
        "log-units",
        "Spread of outside buyers' willingness to pay (log-normal).",
        "assumption",
        "Buyers range from pet-price smallholders to show-herd founders; not fitted by "
        "docs/CALIBRATION.md (held at this value there).",
    ),
    _p(
        "ask_dispersion",
        0.15,
        float,
        0,
        2,
        "log-units",
        "Spread of sellers' reservation prices around what keeping a female is worth to them "
        "(log-normal).",
        "assumption",
        "Sellers differ in keep costs, space and patience, so supply slopes upward.",
    ),
    _p(
        "expectation_weight",
        0.8,
        float,
        0.01,
        1,
        "share/year",
        "Share of the gap between the seen price (and chance of a sale) and the expected one "
        "that expectations close in a year (adaptive expectations, Nerlove 1958).",
        "assumption",
        "Breeders judge the market by the last year or so of sales; 1 = naive (the cobweb of "
        "Ezekiel 1938); not fitted by docs/CALIBRATION.md (held at this value there).",
    ),
    _p(
        "discount_rate",
        0.05,
        float,
        0,
        1,
        "per year",
        "Rate at which a breeder discounts a female's future margins.",
        "assumption",
        "A real rate near long-run farm returns.",
    ),
    _p(
        "herd_response",
        1.44,
        float,
        0,
        10,
        "elasticity",
        "How far a breeder's planned herd moves with the gap between a female's value to it and"
        " her expected price ((value - price) / price).",
        "calibrated",
        "Supply response of the herd plan; docs/ECONOMY.md gives the cobweb condition on it;"
        " calibrated (docs/CALIBRATION.md): 1.44, non-implausible range 0.336-1.52.",
    ),
    _p(
        "herd_adjustment",
        0.3,
        float,
        0.01,
        1,
        "share/year",
        "Share of the gap between target and planned herd closed in a year (partial adjustment,"
        " Nerlove).",
        "assumption",
        "Breeding herds change slowly: a female takes 2.5 years from birth to her first cria.",
    ),
    _p(
        "bass_innovation",
        0.03,
        float,
        0,
        1,
        "per year",
        "Bass coefficient of innovation of outside buyers (adoption from outside influence).",
        "assumption",
        "Average of the Bass diffusion meta-analysis of Sultan, Farley and Lehmann (1990): p = "
        "0.03.",
    ),
    _p(
        "bass_imitation",
        0.38,
        float,
        0,
        5,
        "per year",
        "Bass coefficient of imitation of outside buyers (adoption by word of mouth).",
        "assumption",
        "Average of the Bass diffusion meta-analysis of Sultan, Farley and Lehmann (1990): q = "
        "0.38.",
    ),
    _p(
        "pool_adopted_start",
        0.356,
        float,
        0,
        0.99,
        "share",
        "Share of the outside pool already taken up at the start.",
        "calibrated",
        "The UK herd grew from 150 (1989) to about 15,000 (2006): about half way through "
        "diffusion;"
        " calibrated (docs/CALIBRATION.md): 0.356, non-implausible range 0.356-0.623.",
    ),
    _p(
        "replacement_rate",
        0.07,
        float,
        0,
        1,
        "per year",
        "Share of the animals in outside homes replaced each year (deaths, homes passed on).",
        "assumption",
        "Alpacas live 15-20 years and are bought at 1-3 years: about one in fourteen a year.",
    ),
    _p(
        "awareness_pool_gain",
        0.5,
        float,
        0,
        20,
        "share",
        "How much full awareness enlarges the outside pool (at most 1 + this times its base).",
        "assumption",
        "Investment widens the circle of potential owners by at most half; it cannot make "
        "demand keep pace with any herd (the old demand index tripled it).",
    ),
    _p(
        "awareness_speed",
        1.0,
        float,
        0,
        20,
        "share",
        "How much full awareness raises the Bass innovation coefficient.",
        "assumption",
        "Education days and publicity bring buyers sooner: at most twice as fast.",
    ),
    _p(
        "buyer_decay_km",
        80.0,
        float,
        1,
        2000,
        "km",
        "Distance over which a buyer's reach of a seller falls by a factor e (exp(-d / this)).",
        "assumption",
        "Hobby buyers visit farms within an hour or two's drive, so close partners are rivals.",
    ),
    _p(
        "niche_crossover",
        0.3,
        float,
        0,
        1,
        "share",
        "Reach of a seller outside the buyer's niche relative to one in it.",
        "assumption",
        "Buyers look in their niche first (breeding stock, fibre, pets and experiences), not "
        "only there.",
    ),
    _p(
        "outside_return",
        0.03,
        float,
        -1,
        1,
        "per year",
        "Return an entrant's capital earns elsewhere (the outside option).",
        "assumption",
        "A safe real return; entry compares a starting herd's expected return with it.",
    ),
    _p(
        "lifestyle_return",
        0.127,
        float,
        0,
        1,
        "per year",
        "Return a lifestyle entrant gives up to keep alpacas (added to a starting herd's "
        "expected return).",
        "calibrated",
        "'Not truly commercial, a large part of it is lifestyle' (I2);"
        " calibrated (docs/CALIBRATION.md): 0.127, non-implausible range 0.0537-0.127.",
    ),
    _p(
        "lifestyle_tolerance",
        2000.0,
        float,
        0,
        1e6,
        "GBP/year",
        "Yearly accounting loss a hobby breeder (under 50 alpacas) carries without counting it "
        "as a month of loss.",
        "seed-4",
        "'Not truly commercial, a large part of it is lifestyle' (I2): small breeders keep "
        "alpacas partly for the life they bring.",
    ),
    _p(
        "mating_plans",
        True,
        bool,
        doc="Breeders breed only as many females a season as their sales, herd plan and "
        "replacements need; without it every open female is bred.",
        source="assumption",
        note="Livestock supply responds first at the birth margin (Jarvis 1974; Rosen, Murphy "
        "and Scheinkman 1994): a breeder does not breed crias no one will buy.",
    ),
    _p(
        "least_mating_share",
        0.2,
        float,
        0,
        1,
        "share",
        "Least share of its open females a breeder breeds in a season, however poor its sales.",
        "assumption",
        "Hobby breeders breed a few crias a year for the pleasure of it and to keep the herd "
        "going; a fifth of open females keeps a herd of 10 at about one cria a year.",
    ),
    _p(
        "wether_price",
        100.0,
        float,
        0,
        1e5,
        "GBP",
        "Price of an adult male no one keeps or buys as a stud or pet, sold to a fleece or "
        "companion home.",
        "assumption",
        "Wethers sell for a few hundred pounds or less; the outlet keeps idle males few.",
    ),
    _p(
        "stud_fee_flexibility",
        0.5,
        float,
        0,
        5,
        "elasticity",
        "How strongly the season's base stud fee follows the females that must hire against the"
        " capacity of studs for hire.",
        "assumption",
        "Fees follow supply less than one-for-one in a thin market.",
    ),
    # --- shocks and the environment (off unless set; docs/SHOCKS.md) -------------------------
    _opt(
        "disease_start",
        int,
        0,
        12_000,
        "month",
        "Month of the run (0 = the first) in which bovine TB enters the industry; none = no "
        "outbreak.",
        "seed-T4",
        "Disease risk: named by 8 of 29 firms. Off by default so that the baseline stays the "
        "calibrated industry without shocks.",
    ),
    _p(
        "disease_strength",
        0.5,
        float,
        0.01,
        1,
        "intensity",
        "How readily the infection passes: scales spread within a herd and on contact (sales, "
        "mating trips to another breeder's stud).",
        "assumption",
        "Mid-range: TB in camelids spreads slowly within a herd and through bought-in animals.",
    ),
    _p(
        "disease_index_herds",
        2,
        int,
        1,
        1000,
        "herds",
        "Herds infected when an outbreak starts (one animal in ten of each, at least one).",
        "assumption",
        "Camelid TB breakdowns usually trace back to one or two bought-in animals.",
    ),
    _p(
        "disease_detection",
        0.3,
        float,
        0,
        1,
        "per month",
        "Chance a month that an infected herd is tested (routine, pre-movement, post-mortem or "
        "on suspicion) at full health knowledge; a quarter of it with none.",
        "seed-4",
        "Health knowledge is what breeders share ('saving bills by not having to call out the "
        "vet', I14); the rate (a test about every 3 to 13 months) is an assumption.",
    ),
    _p(
        "disease_clear_months",
        4,
        int,
        1,
        120,
        "months",
        "Months a restricted herd must test clear (retested every two months) before its "
        "movement restrictions lift.",
        "assumption",
        "As for cattle herds: two clear tests at least 60 days apart.",
    ),
    _p(
        "disease_scare",
        10.0,
        float,
        0,
        100,
        "per share in the news",
        "How strongly news of infected herds deters buyers industry-wide: outside buyers and "
        "breeders' willingness to buy in stock × exp(-scare × share of herds restricted or "
        "found in the last year).",
        "assumption",
        "Buyers of a luxury animal react to news more than to risk: 5% of herds in the news "
        "cuts buyers by about 40%.",
    ),
    _p(
        "disease_trust_loss",
        0.2,
        float,
        0,
        1,
        "trust",
        "Trust a breeder's acquaintances lose in it when its herd is found infected.",
        "assumption",
        "Wariness of partners from infected herds; smaller than a detected breach (0.3).",
    ),
    _opt(
        "brexit_month",
        int,
        0,
        12_000,
        "month",
        "Month of the run from which Brexit applies to trade with the EU (180 = January 2021 "
        "from a January 2006 start); none = no Brexit.",
        "seed-T4",
        "Brexit was named among the institutional forces; off by default so that the baseline "
        "has no shocks.",
    ),
    _p(
        "brexit_strength",
        0.8,
        float,
        0,
        1,
        "share",
        "Share of EU buyers lost to the new friction (health certificates, border posts); "
        "exporters also net less per animal; 1 stops exports.",
        "assumption",
        "Most of the live-camelid trade with the EU stopped after January 2021.",
    ),
    _p(
        "brexit_import_cost",
        0.25,
        float,
        0,
        5,
        "share",
        "Extra cost of importing elite genetics after Brexit, as a share of the elite stud price.",
        "assumption",
        "Import paperwork, testing and transport through border posts.",
    ),
    _p(
        "brexit_uncertainty",
        0.3,
        float,
        0,
        1,
        "share",
        "Fall in willingness to invest (partner search, herd growth, purchases, entry) while "
        "the uncertainty lasts.",
        "assumption",
        "Breeders delay investment until the new rules are known.",
    ),
    _p(
        "brexit_uncertainty_months",
        24,
        int,
        0,
        600,
        "months",
        "How long Brexit uncertainty lowers investment.",
        "assumption",
        "About two years, from the referendum's aftermath to the end of the transition.",
    ),
    _opt(
        "demand_shock_month",
        int,
        0,
        12_000,
        "month",
        "Month of the run from which the number of buyers changes by demand_shock_size; none = "
        "no demand shock.",
        "seed-T4",
        "Demand for natural fibre and pressure on price were named among the market forces.",
    ),
    _p(
        "demand_shock_size",
        0.0,
        float,
        -0.95,
        5,
        "signed fraction",
        "Change in every kind of buyer (hobby, pet, new breeders, EU) from demand_shock_month: "
        "-0.3 means 30% fewer buyers.",
        "assumption",
        "No change unless a scenario sets one.",
    ),
    _p(
        "rivalry_feedback",
        0.0,
        float,
        0,
        5,
        "per rivalry index",
        "How strongly conflict in partnerships follows the rivalry index (crowding × "
        "consolidation, 1 at the start); 0 = the index is reported only.",
        "seed-T4",
        "Competitive rivalry: named by 9 of 29 firms; 0 keeps the calibrated baseline.",
    ),
    # --- competition inside coopetition (issue 14; rivalry.py) ---------------------------------
    _p(
        "strategy_learning",
        True,
        bool,
        doc="Breeders adjust openness and protection each January from the year's payoffs "
        "(knowledge received from partners against core knowledge taken by rivals).",
        source="assumption",
        note="Payoff-based reinforcement (Roth and Erev 1995); off keeps the starting strategies.",
    ),
    _p(
        "deliberate_cheating",
        True,
        bool,
        doc="Overuse of a shared stud is a decision: the fee saved against believed detection x "
        "chance of losing the contract x its future value; off = the landed fixed trait "
        "(overuse with chance opportunism).",
        source="assumption",
        note="Relational contracts hold while the future is worth more than cheating (Baker, "
        "Gibbons and Murphy 2002; transaction costs: Williamson 1985).",
    ),
    _opt(
        "quota_share",
        float,
        0.05,
        0.95,
        "share",
        "Keeper's share of the shared stud's season (its quota); none = its cost share "
        "(fairness). Cost and quota shares are separate contract terms.",
        "seed-4",
        "'a proper balance, a 50-50 partnership' (I20); unequal terms make a contract unfair.",
    ),
    _p(
        "unfairness_trust_loss",
        0.1,
        float,
        0,
        1,
        "trust per month",
        "Trust lost a month in a partner that uses more of the stud than it pays for, per unit "
        "of the excess share beyond a 0.1 tolerance.",
        "assumption",
        "Slow erosion: an excess of 0.3 costs 0.02 a month, about two-thirds of a good month.",
    ),
    _p(
        "protection_sd",
        0.0,
        float,
        0,
        1,
        "share",
        "Spread of starting protection between breeders (0: all start at `protection`).",
        "assumption",
        "For experiments that compare protectors with their partners (P1b); 0 by default.",
    ),
    _p(
        "conflict_dissolution",
        0.3,
        float,
        0,
        1,
        "probability",
        "Chance a conflict ends the contract, times (1 - the pair's mean trust): a hazard.",
        "assumption",
        "Clashes end some partnerships (I1); before, conflict ended 0 of 366 contracts.",
    ),
    # --- collection -----------------------------------------------------------------------
    _p(
        "agent_report_every",
        12,
        int,
        1,
        1200,
        "months",
        "Months between rows of the breeder table (and its last month).",
        "assumption",
        "A yearly breeder table is cheap and enough for outcomes that move slowly.",
    ),
    _p(
        "network_metrics_every",
        12,
        int,
        1,
        1200,
        "months",
        "Months between the expensive network metrics.",
        "assumption",
        "Network structure changes slowly.",
    ),
    # --- comp2 ---
    Param(
        "acceptance_quantile",
        0.75,
        float,
        0,
        1,
        "quantile",
        "Partner choice: the month's candidate pairs above this quantile are acceptable, each "
        "pair ranked by the lower of its two sides' score ranks (rivalry.acceptable_by_rank); "
        "none = the absolute rule, both scores at least `acceptance`.",
        "assumption",
        "A breeder judges candidates against the others on offer, so a contrast of criteria "
        "weights changes who ranks high, not how many are acceptable; 0.75 gives the 3.4 "
        "acceptable candidates a search (uk_2018, seeds 1-3, 60 months) of the absolute rule.",
        optional=True,
    ),
    _p(
        "expertise_effect",
        0.5,
        float,
        0,
        2,
        "share",
        "Largest rise in buyer attraction from full knowledge of what the buyer's niche seeks "
        "(breeding for breeding stock and fibre, health for pets and experiences; "
        "rivalry.expertise_appeal): so a partner's learning in those domains takes buyers from "
        "the teacher where they compete. 0 = buyers ignore expertise.",
        "assumption",
        "As strong as marketing's pull on enquiries (marketing_effect); 'we are more suited for "
        "new buyers buying from us because we can give them a high degree of input' (I9).",
    ),
)

PARAMETER_INDEX: dict[str, Param] = {p.name: p for p in PARAMETERS}
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
        from .fleece import POINTS_PER_MICRON

        return POINTS_PER_MICRON * self.micron_sd

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
