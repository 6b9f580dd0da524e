"""The data dictionary: the meaning and unit of every column and key alpaca-abm writes.

One source for the docs (docs/DATA.md, `python -m alpaca_abm.dictionary`), the `DATA.md`
written beside every run's results (report.py), and the labels of figures (`label`).
`tests/test_dictionary.py` runs a short model and fails when a column it reports has no
entry here, so a new column needs a line in this table.

Parameters (the sweep tables' design columns, params.toml) are described by the parameter
table, `alpaca_abm.params` (docs/PARAMETERS.md), not repeated here.
"""

# ruff: noqa: E501  (the dictionary is a table: one row per column, however long its meaning)
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Entry:
    """One column or key: its name, unit ('' for a label or a pure number) and meaning."""

    name: str
    unit: str
    meaning: str


def _entries(*rows: tuple[str, str, str]) -> tuple[Entry, ...]:
    return tuple(Entry(*row) for row in rows)


SHARE = "share (0-1)"
GBP = "GBP"
# fmt: off
MODEL = _entries(
    ("step", "month", "months run so far (1 = the first month's end)"),
    ("date", "YYYY-MM", "calendar month of the row"),
    ("n_breeders", "breeders", "breeders in the industry (active firms)"),
    ("n_alpacas", "alpacas", "living alpacas in the industry"),
    ("mean_quality", "index (0-100)", "mean fleece-quality index of living alpacas: 50 + 4 x (27 - genetic micron); higher is finer"),
    ("quality_sd", "index (0-100)", "standard deviation of the quality index over living alpacas"),
    ("price_female", "GBP", "this month's clearing price of a breeding female"),
    ("sales_count", "females", "breeding females sold this month"),
    ("sales_value", GBP, "value of breeding stock sold this month"),
    ("fibre_price", "GBP/kg", "mean price of fleece sold (at the yearly clip; carried between clips)"),
    ("n_coowned_studs", "studs", "stud males held in running co-ownership contracts"),
    ("n_partnerships", "contracts", "running co-ownership contracts (partnerships)"),
    ("elite_access_share", SHARE, "share of breeders with an elite-stud mating in the last 12 months"),
    ("mean_knowledge", SHARE, "mean owner knowledge over the three domains (health, breeding, marketing)"),
    ("mean_trust", SHARE, "mean trust over ties between breeders still in the industry"),
    ("network_density", SHARE, "co-ownership network density: partnerships over possible pairs"),
    ("total_profit", GBP, "accounting profit of all breeders this month (herd valued at market)"),
    ("share_coop_dominated", SHARE, "share of running partnerships that are cooperation-dominated (0 with none)"),
    ("share_equal", SHARE, "share of running partnerships where cooperation and competition are equal (0 with none)"),
    ("share_comp_dominated", SHARE, "share of running partnerships that are competition-dominated (0 with none)"),
    ("mean_micron", "µm", "mean genetic fibre diameter of living alpacas (lower is finer)"),
    ("fleece_micron", "µm", "mean fibre diameter of the last clip sold"),
    ("births", "crias", "crias born this month"),
    ("deaths", "alpacas", "alpacas that died this month"),
    ("pet_sales", "alpacas", "males sold to pet buyers this month"),
    ("internal_sales", "females", "breeding females sold from one breeder to another this month"),
    ("export_sales", "females", "breeding females sold to buyers abroad (EU) this month"),
    ("referrals", "buyers", "buyers a sold-out seller passed to a partner this month"),
    ("lost_enquiries", "buyers", "buyers who found no seller with stock this month"),
    ("new_contracts", "contracts", "co-ownership contracts signed this month"),
    ("contracts_ended", "contracts", "co-ownership contracts that ended this month (any reason)"),
    ("breaches", "overuses", "overuses of a shared stud's quota this month"),
    ("detected_breaches", "overuses", "overuses detected by the other co-owner this month"),
    ("conflicts", "conflicts", "conflicts that flared up between partners this month"),
    ("knowledge_shared", "knowledge units", "knowledge passed between partners this month (sum over domains)"),
    ("leakage", "knowledge units", "core-domain knowledge partners took in this month (leaked to rivals)"),
    ("service_matings", "matings", "matings to hired studs (a fee paid) this month"),
    ("coowned_matings", "matings", "matings to co-owned studs this month"),
    ("own_matings", "matings", "matings to a breeder's own studs this month"),
    ("studs_bought_alone", "studs", "elite studs bought by one breeder alone this month"),
    ("entrants", "breeders", "breeders who entered the industry this month"),
    ("exits", "breeders", "breeders who left the industry this month"),
    ("demand_index", "index (1 = start)", "outside demand relative to its starting level, shocks included"),
    ("pooled_kg", "kg", "fleece sold through the national pool this month"),
    ("mean_cash", GBP, "mean cash of breeders (negative: an overdraft)"),
    ("small_share", SHARE, "share of breeders with a small herd (under 50 alpacas)"),
    ("small_mean_profit", GBP, "mean accounting profit this month of small breeders (0 with none)"),
    ("large_mean_profit", GBP, "mean accounting profit this month of large breeders (0 with none)"),
    ("clustering", SHARE, "clustering coefficient of the acquaintance network (updated on a period)"),
    ("n_elite_studs", "studs", "breeders owning an elite stud"),
    ("listed", "females", "breeding females offered for sale this month"),
    ("demand", "bids", "bids for breeding females this month"),
    ("infected_herds", "herds", "herds with at least one infected animal"),
    ("new_infected_herds", "herds", "herds newly infected this month"),
    ("found_herds", "herds", "infected herds found by testing this month"),
    ("restricted_herds", "herds", "herds under movement restriction"),
    ("culled", "alpacas", "reactors culled under disease control this month"),
    ("infected_animals", "alpacas", "infected living alpacas"),
    ("coloured_sales", "females", "coloured breeding females sold this month"),
    ("rivalry_index", "index (1 = normal)", "strength of rivalry between partners (raised by a rivalry shock)"),
    ("investment_mood", "index", "mood of industry investment (education days and awareness)"),
    ("cash_flow", GBP, "revenue minus costs of all breeders this month (purchases of stock as costs)"),
    ("stock_value", GBP, "market value of all breeders' herds"),
    ("loss_making_share", SHARE, "share of breeders with an accounting loss over the last 12 months"),
    ("expected_price", GBP, "breeders' expected price of a breeding female"),
    ("sell_through", SHARE, "share of the females offered this month that sold"),
    ("bids", "bids", "bids in this month's call auction"),
    ("asks", "offers", "offers in this month's call auction"),
    ("outside_buyers", "buyers", "buyers from outside the industry this month"),
    ("pool_size", "buyers", "the outside buyers' pool that may still buy (Bass diffusion)"),
    ("adopters", "buyers", "outside buyers who have bought so far"),
    ("awareness", "index", "public awareness of alpacas (industry investment raises it)"),
    ("stud_fee", GBP, "fee for one mating to a hired stud this season"),
    ("stud_sales", "studs", "UK-bred studs sold this month"),
    ("wether_sales", "alpacas", "idle males sold to fleece and companion homes this month"),
    ("idle_male_share", SHARE, "share of living alpacas that are adult males not used as studs"),
    ("breaches_per_contract_month", "per contract-month", "overuses this month per running contract"),
    ("conflicts_per_contract_month", "per contract-month", "conflicts this month per running contract"),
    ("mean_cooperation_intensity", SHARE, "mean cooperation intensity of running partnerships: share of what they could exchange (agreed stud season, passable knowledge) that they do"),
    ("mean_competition_intensity", SHARE, "mean competition intensity of running partnerships (shared buyers)"),
    ("leakage_sales_lost", "females", "expected sales teachers lost this month to partners who learned from them"),
    ("acceptable_per_search", "candidates", "acceptable candidates per partner search this month (0 with no search)"),
    ("searches", "searches", "partner searches this month"),
    ("acceptable_candidates", "candidates", "acceptable candidates found in this month's searches"),
    ("displaced_matings", "matings", "matings a partner's overuse took from a co-owner's quota this month"),
    ("displaced_fees", GBP, "fees co-owners paid to hire a stud after being displaced this month"),
    ("fallback_hired", "matings", "matings to hired studs by displaced co-owners this month"),
    ("overuse_matings", "matings", "matings co-owners took beyond their quota of a shared stud this month"),
    ("mean_openness", SHARE, "mean openness: share of a knowledge gap a breeder lets partners see"),
    ("mean_protection", SHARE, "mean protection: share of its core domain a breeder keeps back"),
    ("mean_believed_detection", SHARE, "mean believed chance that an overuse is detected"),
    # the coopetition paradox (paradox.py; only with paradox = true)
    ("mean_balance", SHARE, "mean balance of running partnerships: 1 - |cooperation - competition|"),
    ("virtuous_cycles", "partnerships", "running partnerships in a virtuous cycle this month"),
    ("vicious_cycles", "partnerships", "running partnerships in a vicious cycle this month"),
    ("premature_dissolutions", "contracts", "partnerships ended early this month by a vicious cycle"),
    ("mean_tension", SHARE, "mean felt tension (performing, organizing, belonging) of owners who feel any"),
    ("joint_value", GBP, "value partnerships created this month: stud fees saved, knowledge, referred sales"),
    ("value_destroyed", GBP, "value partnerships destroyed this month: leakage, knowledge withheld, idle studs"),
    ("mean_capability", SHARE, "mean coopetition capability of active breeders"),
    ("active_share", SHARE, "mean response style: share of owners' responses that is active"),
    ("share_balanced", SHARE, "share of running partnerships balanced (gap within the fixed margin)"),
)

AGENTS = _entries(
    ("step", "month", "month of the report (every agent_report_every months and the last)"),
    ("breeder_id", "id", "the breeder's number in the run"),
    ("herd_size", "alpacas", "living alpacas the breeder owns"),
    ("herd_quality", "index (0-100)", "mean quality index of its herd (0 with no animal)"),
    ("herd_micron", "µm", "mean genetic fibre diameter of its herd"),
    ("cash", GBP, "cash (negative: an overdraft)"),
    ("revenue", GBP, "revenue over the last 12 months"),
    ("costs", GBP, "costs over the last 12 months"),
    ("profit", GBP, "accounting profit over the last 12 months (herd valued at market)"),
    ("cash_flow", GBP, "revenue minus costs over the last 12 months"),
    ("stock_value", GBP, "market value of its herd"),
    ("sales", "females", "breeding females sold over the last 12 months"),
    ("knowledge", SHARE, "owner knowledge, mean of the three domains"),
    ("knowledge_health", SHARE, "owner knowledge of animal health"),
    ("knowledge_breeding", SHARE, "owner knowledge of breeding"),
    ("knowledge_marketing", SHARE, "owner knowledge of marketing"),
    ("n_partners", "partners", "running co-ownership partners"),
    ("trust_mean", SHARE, "mean trust in the breeders it knows (0 with none)"),
    ("elite_access", "true/false", "an elite-stud mating in the last 12 months"),
    ("size_class", "label", "small (under 50 alpacas) or large"),
    ("relationship_type", "label", "most common type of its running partnerships (none without)"),
    ("investor", "true/false", "takes part in industry investment (education, awareness)"),
    ("exports", "true/false", "sells breeding stock abroad"),
    ("synthetic", "true/false", "a synthetic firm (not one of the study's or the directory's)"),
    ("seed_firm", "true/false", "one of the 29 firms of the study's Table 2"),
    ("place", "place name", "where it farms"),
    ("entered_step", "month", "month it entered the industry (0: there at the start)"),
    ("sales_value", GBP, "value of breeding stock sold over the last 12 months"),
    ("n_ties", "breeders", "acquaintances still in the industry"),
    ("pool_member", "true/false", "sells fleece through the national pool"),
    ("coowned_stud_share", "studs", "sum of its shares in running co-owned studs"),
    ("max_competition", SHARE, "competition intensity of its most rivalrous partnership"),
    ("cost_per_animal", GBP, "costs over the last 12 months per animal"),
    ("running_cost_per_animal", GBP, "running (keep) cost for 12 months per animal"),
    ("restricted", "true/false", "under disease movement restriction"),
    ("culled", "alpacas", "its reactors culled under disease control, so far"),
    ("openness", SHARE, "share of a knowledge gap it lets partners see"),
    ("protection", SHARE, "share of its core domain it keeps back"),
    ("cooperation_intensity", SHARE, "mean cooperation intensity of its running partnerships"),
    ("competition_intensity", SHARE, "mean competition intensity of its running partnerships"),
    ("believed_detection", SHARE, "its believed chance that an overuse is detected"),
    ("sales_lost_to_partners", "females", "expected sales lost to partners who learned from it, so far"),
    ("displaced_matings", "matings", "matings partners' overuse took from its quota, so far"),
    ("displaced_fees", GBP, "fees it paid to hire studs after being displaced, so far"),
    # the coopetition paradox (only with paradox = true)
    ("response_style", SHARE, "share of its owner's response to tension that is active"),
    ("capability", SHARE, "its owner's coopetition capability"),
    ("performing_tension", SHARE, "its owner's performing tension (competing demands)"),
    ("organizing_tension", SHARE, "organizing tension (keeping cooperative and competitive work apart or together)"),
    ("belonging_tension", SHARE, "belonging tension of its staff (identifying with partners' people)"),
)

SUMMARY = _entries(
    ("final_n_breeders", "breeders", "breeders in the last month"),
    ("final_n_alpacas", "alpacas", "living alpacas in the last month"),
    ("final_mean_quality", "index (0-100)", "mean quality index in the last month"),
    ("quality_gain", "index points", "mean quality index, last month minus first"),
    ("final_price_female", GBP, "price of a breeding female in the last month"),
    ("sales_last_year", "females", "breeding females sold in the last 12 months"),
    ("sales_value_last_year", GBP, "value of breeding stock sold in the last 12 months"),
    ("profit_last_year", GBP, "accounting profit of the whole industry in the last 12 months"),
    ("mean_profit_per_breeder", GBP, "mean breeder's accounting profit over its last 12 months, at the end"),
    ("small_breeder_profit", GBP, "the same, mean over small breeders (under 50 alpacas)"),
    ("elite_access_share", SHARE, "share of breeders with elite access in the last month"),
    ("mean_knowledge", SHARE, "mean owner knowledge in the last month"),
    ("mean_trust", SHARE, "mean trust in the last month"),
    ("network_density", SHARE, "co-ownership network density in the last month"),
    ("n_partnerships", "contracts", "running partnerships in the last month"),
    ("contracts_made", "contracts", "co-ownership contracts signed over the run"),
    ("partnership_survival", SHARE, "share of contracts not dissolved early by breach or conflict; missing (null) with no contract"),
    ("knowledge_leakage", "knowledge units", "core knowledge leaked to partners over the run"),
    ("referrals", "buyers", "buyers referred to partners over the run"),
    ("entrants", "breeders", "breeders who entered over the run"),
    ("exits", "breeders", "breeders who left over the run"),
    ("share_coop_dominated", SHARE, "share of partnerships cooperation-dominated in the last month"),
    ("share_equal", SHARE, "share of partnerships equal in the last month"),
    ("share_comp_dominated", SHARE, "share of partnerships competition-dominated in the last month"),
    ("leakage_sales_lost", "females", "expected sales lost to partners who learned, over the run"),
    ("breaches_per_contract_month", "per contract-month", "overuses per running contract-month over the run"),
    ("conflicts_per_contract_month", "per contract-month", "conflicts per running contract-month over the run"),
    ("acceptable_per_search", "candidates", "acceptable candidates per partner search over the run"),
    # the paradox experiment's indicators (alpaca_abm.paradox_study; only its runs)
    ("pd_balance_active", SHARE, "mean balance of partnerships whose owners respond actively (style >= 0.5)"),
    ("pd_balance_defensive", SHARE, "mean balance of partnerships whose owners respond defensively"),
    ("pd_value_active", GBP, "joint value per partnership-year, actively responding pairs"),
    ("pd_value_defensive", GBP, "joint value per partnership-year, defensively responding pairs"),
    ("pd_value_per_pyear", GBP, "joint value created per partnership-year"),
    ("pd_destroyed_per_pyear", GBP, "value destroyed per partnership-year"),
    ("pd_early_end_unbalanced", SHARE, "share of unbalanced partnerships that ended early"),
    ("pd_early_end_balanced", SHARE, "share of balanced partnerships that ended early"),
    ("pd_pole_defensive_tense", SHARE, "share of defensive owners under high tension with protection at a pole"),
    ("pd_pole_active_tense", SHARE, "share of active owners under high tension with protection at a pole"),
    ("pd_tension_quad", "GBP per animal", "quadratic coefficient of profit per animal on felt tension (< 0: inverted U)"),
    ("pd_tension_peak", SHARE, "felt tension at the fitted curve's vertex"),
    ("pd_mean_balance", SHARE, "mean balance of running partnerships from month 25"),
    ("pd_mean_tension", SHARE, "mean felt tension from month 25"),
    ("pd_premature", "contracts", "partnerships ended early by a vicious cycle over the run"),
    ("pd_vicious_share", SHARE, "share of classified partnership-months in a vicious cycle"),
)

COMPARE_EXTRA = _entries(  # compare.EXTRA_OUTCOMES: outcomes read from a run's months
    ("sales_total", "females", "breeding females sold over the run"),
    ("export_sales_total", "females", "breeding females exported over the run"),
    ("mean_price_female", GBP, "mean monthly price of a breeding female over the run"),
    ("herds_infected", "herds", "herds newly infected over the run"),
    ("peak_infected_herds", "herds", "most herds infected at once"),
    ("peak_restricted_herds", "herds", "most herds under restriction at once"),
    ("culled_total", "alpacas", "reactors culled over the run"),
    ("coloured_sales_total", "females", "coloured breeding females sold over the run"),
    ("mean_rivalry_index", "index", "mean rivalry index over the run"),
)

COMPARE_TABLE = _entries(  # compare.csv: one row per outcome
    ("outcome", "name", "the outcome (a summary.json key or one of the comparison's own outcomes)"),
    ("mean_a", "outcome's unit", "mean over seeds under scenario A (the reference)"),
    ("sd_a", "outcome's unit", "standard deviation over seeds under A"),
    ("mean_b", "outcome's unit", "mean over seeds under scenario B (the variant)"),
    ("sd_b", "outcome's unit", "standard deviation over seeds under B"),
    ("diff_mean", "outcome's unit", "mean paired difference B - A over seeds (same seed in both)"),
    ("diff_sd", "outcome's unit", "standard deviation of the paired differences"),
    ("ci95_low", "outcome's unit", "lower end of the 95% confidence interval of the difference (t)"),
    ("ci95_high", "outcome's unit", "upper end of that interval"),
    ("p_value", "probability", "two-sided paired t-test of no difference"),
    ("b_higher", "seeds", "seeds in which B came out higher than A"),
    ("n_seeds", "seeds", "seeds run under both scenarios"),
)

COMPARE_KEYS = _entries(  # runs.csv and series.csv of compare: the keys beside the outcomes
    ("scenario", "name", "the scenario of the row (A or B)"),
    ("seed", "seed", "the random seed of the run (the same seeds run under A and B)"),
)

SWEEP_KEYS = _entries(  # a sweep's runs.csv (summary frame): keys beside parameters and outcomes
    ("run_key", "key", "the run's key in the store: design point and replicate"),
    ("point", "index", "the design point (one combination of parameter values)"),
    ("replicate", "index", "the replicate at that point (its own seed)"),
    ("seed", "seed", "the random seed of the run"),
    ("run_seconds", "s", "wall time of the run (only with timing; differs between machines)"),
)

SWEEP_POINT_SUFFIXES = _entries(  # a sweep's points.csv: per outcome, over replicates
    ("_mean", "outcome's unit", "mean over the point's replicates"),
    ("_sd", "outcome's unit", "standard deviation over the replicates"),
    ("_ci_low", "outcome's unit", "lower end of the 95% confidence interval of the mean (t)"),
    ("_ci_high", "outcome's unit", "upper end of that interval"),
    ("_n", "runs", "replicates with a value (a missing value is left out)"),
)

SENSITIVITY = _entries(  # sobol_indices.csv and morris_indices.csv
    ("outcome", "name", "the outcome analysed"),
    ("parameter", "name", "the parameter (see docs/PARAMETERS.md)"),
    ("S1", "share of variance", "first-order Sobol' index"),
    ("S1_conf", "share of variance", "its 95% confidence half-width"),
    ("ST", "share of variance", "total-order Sobol' index"),
    ("ST_conf", "share of variance", "its 95% confidence half-width"),
    ("mu", "outcome's unit", "Morris mean elementary effect"),
    ("mu_star", "outcome's unit", "Morris mean absolute elementary effect"),
    ("sigma", "outcome's unit", "Morris standard deviation of the elementary effects"),
    ("mu_star_conf", "outcome's unit", "95% confidence half-width of mu_star"),
)
# fmt: on

TABLES: dict[str, tuple[str, tuple[Entry, ...]]] = {
    "model.csv": ("one row per month of a run", MODEL),
    "agents.csv": ("one row per breeder per report month", AGENTS),
    "summary.json": ("the headline figures of a run", SUMMARY),
    "compare: runs.csv": (
        "`alpaca-abm compare`: one row per scenario and seed, its summary.json keys and these",
        COMPARE_KEYS + COMPARE_EXTRA,
    ),
    "compare: compare.csv": ("`alpaca-abm compare`: one row per outcome", COMPARE_TABLE),
    "sweep: runs.csv": (
        "a sweep's runs: these keys, the varied parameters (docs/PARAMETERS.md) and the "
        "kept outcomes (summary.json keys, or model.csv columns for series)",
        SWEEP_KEYS,
    ),
    "sweep: points.csv": (
        "a sweep's design points: `point`, the parameters, then per outcome the columns "
        "`<outcome>` + each suffix below",
        SWEEP_POINT_SUFFIXES,
    ),
    "sweep: sobol_indices.csv, morris_indices.csv": ("a sweep's sensitivity indices", SENSITIVITY),
}

_INDEX: dict[str, Entry] = {}
for _table in (MODEL, AGENTS, SUMMARY, COMPARE_EXTRA, COMPARE_KEYS, SWEEP_KEYS):
    for _e in _table:
        _INDEX.setdefault(_e.name, _e)


def entry(name: str) -> Entry | None:
    """The entry of a column or key by name (a parameter's from the parameter table)."""
    if name in _INDEX:
        return _INDEX[name]
    from .params import PARAMETER_INDEX

    p = PARAMETER_INDEX.get(name)
    if p is not None:
        return Entry(name, p.unit, p.doc)
    for suffix in SWEEP_POINT_SUFFIXES:
        if name.endswith(suffix.name) and name[: -len(suffix.name)] in _INDEX:
            base = _INDEX[name[: -len(suffix.name)]]
            unit = base.unit if suffix.unit == "outcome's unit" else suffix.unit
            return Entry(name, unit, f"{base.meaning}: {suffix.meaning}")
    return None


def label(name: str, words: bool = True) -> str:
    """A figure label: the name in words with its unit, e.g. 'control strength (share)'."""
    e = entry(name)
    text = name.replace("_", " ") if words else name
    if e is None or not e.unit or e.unit in ("label", "name", "true/false"):
        return text
    return f"{text} ({e.unit})"


def missing(table: str, columns) -> list[str]:
    """The columns of `table` (a key of TABLES) that have no entry in it."""
    known = {e.name for e in TABLES[table][1]}
    return [c for c in columns if c not in known]


def dictionary_markdown(title: str = "# Data dictionary") -> str:
    """Every table's columns with unit and meaning, as markdown."""
    lines = [
        title,
        "",
        "What every column and key of alpaca-abm's outputs means, and its unit. Generated "
        "from `alpaca_abm/dictionary.py` by `python -m alpaca_abm.dictionary`; do not edit. "
        "Parameters (params.toml, and the design columns of sweeps) are described in "
        "docs/PARAMETERS.md. A value that is undefined in a run (a share of nothing) is "
        "missing: empty in CSV, null in JSON.",
    ]
    for name, (about, entries) in TABLES.items():
        lines += ["", f"## {name}", "", about[:1].upper() + about[1:] + ".", ""]
        lines += ["| column | unit | meaning |", "|---|---|---|"]
        lines += [f"| `{e.name}` | {e.unit} | {e.meaning} |" for e in entries]
    return "\n".join(lines) + "\n"


DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "DATA.md"

if __name__ == "__main__":
    DOC_PATH.write_text(dictionary_markdown(), encoding="utf-8")
    print(f"wrote {DOC_PATH}", file=sys.stderr)
