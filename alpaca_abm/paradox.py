"""The coopetition paradox (the second seed): balance, Table 1's interplay, tensions inside the
firm, the owner's responses, and the virtuous or vicious cycles they feed.

The seed (Raza-Ullah, Bengtsson and others; `seeds/004_ef81d374f7bef82c.txt`) says that
coopetition fails early when cooperation and competition undermine each other (either/or, a
vicious cycle) and lasts when they reinforce each other (both/and, a virtuous cycle); which
one happens depends on the balance of the two forces and on how the top team, in a
micro-firm the owner, responds to the tensions the paradox sets off inside the firm.

Every rule here is a small pure function over plain arrays (one entry per partnership or
per breeder); `month` is the wiring that reads the model's tables, calls them in the order
of the seed's conceptual model (Figure 1) and writes the results. Scales:

- cooperation and competition intensity per partnership, in [0, 1], with one meaning:
  the share of what the pair could exchange that it does exchange, and the share of the
  buyers each could reach that both contest (rivalry.py);
- balance = 1 - |cooperation - competition|, in [0, 1] (the seed: "the extent to which
  cooperation and competition are present at similarly intense levels");
- tensions per breeder in [0, 1]; an owner's response style (`activeness`) in [0, 1], the
  share of its response that is active rather than defensive; capability in [0, 1];
- value in GBP.
"""

from __future__ import annotations

import numpy as np

from .coownership import BALANCE_MARGIN, EQUAL, relationship_type
from .data import load_uk_2018_firms

# --- constants with their provenance ---------------------------------------------------------
# BALANCE_MARGIN (0.125, coownership.py): the regime margin, fixed before any run, never fitted
TREND_MEMORY = 1.0 / 6.0  # signed trends are this month's value minus a six-month moving
# average (assumption: half a breeding year, long enough to see past one month's noise)
TREND_DEADBAND = 0.02  # assumption: a trend smaller than 2% of its scale (balance, trust: 1;
# joint value: its moving average) counts as flat
CYCLE_VOTES = 2  # of the three signed trends (balance, joint value, trust), this many must
# agree for a virtuous or vicious cycle (assumption: a majority of the seed's three signs)
TENSION_MEMORY = 1.0 / 6.0  # assumption: felt tension follows its sources over about six
# months (Raza-Ullah et al. 2014: tension is experienced over time, not one event)
PLURALITY_GAIN = 0.5  # assumption: each partnership beyond the first raises salience by half
# (Smith and Lewis 2011: plurality makes latent tensions salient; seed: "many parallel ...
# collaborations ... makes coopetition even more complex")
SCARCITY_GAIN = 0.5  # assumption: cash scarcity (months of loss) or stud places at capacity
# raise salience by half (Smith and Lewis 2011: scarcity; Miron-Spektor et al. 2018)
CAPABILITY_DAMPING = 0.6  # assumption: full coopetition capability takes 60% off felt
# tension (Bengtsson, Raza-Ullah and Vanyushyn 2016: capability keeps tension moderate)
STAFF_REF = 3.0  # staff at which belonging tension reaches half its source: seed 000 Table 2,
# mean staff 2.45 (0-11); a firm of owners alone (0 staff) has no belonging tension
CAPABILITY_RATE = 0.02  # assumption: a month of fully active response to full tension closes
# 2% of the gap to full capability (years of experience, Bengtsson et al. 2016, 2020)
STYLE_STEP = 0.02  # assumption: a month in which all the owner's partnerships are virtuous
# (vicious) moves its response style 0.02 toward active (defensive): experience moves the trait
TIP_STEP = 0.1  # assumption: a defensive owner under full performing tension moves its
# protection a tenth of the way a month to the pole it tips to (Smith and Lewis 2011: tipping)
NAVIGATE_STEP = 0.1  # assumption: an active owner moves its protection a tenth of the way a
# month to what balances the relationship (seed: navigating scope, content, what is shared);
# as fast as tipping, so neither response is favoured by its speed
SEPARATION_SYNERGY_LOSS = 0.3  # assumption: an owner who fully separates cooperative and
# competitive work (by domain, season or partner) loses 30% of the knowledge synergy (seed:
# Skega's split R&D "hindered" sharing; Raza-Ullah et al. 2014)
ORCHESTRATION_HOURS = 4.0  # assumption: hours a month an active owner spends per partnership
# on navigating and orchestrating (the seed: orchestration "puts new demands on the TMT")
OWNER_HOUR_GBP = 12.0  # assumption: an owner's hour at about the 2018 UK National Living Wage
# (GBP 7.83) plus on-costs; a micro-firm owner's time has no market price of its own
VICIOUS_HAZARD = 0.03  # assumption: each month in a vicious cycle a partnership ends early with
# this chance, three times the base rate at which trust decays (Pant and Yu 2025: trust
# erodes about three times faster than it builds), so a year-long vicious spell ends about a
# third of partnerships (Das and Teng 2000: premature dissolution)
# Table 1 strengths: assumption, each the largest change its effect makes at full intensity of
# the force that drives it; all 0.5 so that no effect of the eight is favoured over another
E1_SHARING, E2_TEMPTATION, E3_RACE, E4_LOCK_IN = 0.5, 0.5, 0.5, 0.5
B1_SPILLOVER, B2_RENEWAL, B3_ABSORPTION, B4_DAMPING = 0.5, 0.5, 0.5, 0.5

VIRTUOUS, NEUTRAL, VICIOUS = 1, 0, -1
PARTS = ("interplay", "tensions", "responses", "cycles")  # switchable parts of the module


# --- balance and regime ------------------------------------------------------------------------
def balance(cooperation: np.ndarray, competition: np.ndarray) -> np.ndarray:
    """How similar the two forces' intensities are (0-1): 1 - |cooperation - competition|."""
    return 1.0 - np.abs(np.asarray(cooperation, float) - np.asarray(competition, float))


def regime(
    cooperation: np.ndarray, competition: np.ndarray, margin: float = BALANCE_MARGIN
) -> np.ndarray:
    """Cooperation-dominated (gap above `margin`), competition-dominated (below -`margin`) or
    balanced (equal), from the raw intensities: coownership's type codes."""
    return relationship_type(cooperation, competition, margin)


def both_and_weight(balance_: np.ndarray, pair_activeness: np.ndarray) -> np.ndarray:
    """Share of the interplay that takes the both/and form (0-1): balance times how actively
    the two owners respond; the rest takes the either/or form (seed, Figure 1)."""
    return np.clip(balance_ * pair_activeness, 0.0, 1.0)


# --- Table 1: the eight interplay effects, as multipliers of existing channels ------------------
def sharing_factor(competition: np.ndarray, both: np.ndarray) -> np.ndarray:
    """Knowledge flow multiplier from Table 1's effects on sharing: either/or (1) rivalry
    lowers the willingness to share; both/and (1) resources built in competition spill into
    the joint work."""
    either = 1.0 - both
    return (1.0 - E1_SHARING * competition * either) * (1.0 + B1_SPILLOVER * competition * both)


def temptation(opportunism: np.ndarray, competition: np.ndarray, both: np.ndarray) -> np.ndarray:
    """Opportunism in the overuse decision, either/or (2): rivalry tempts misappropriation of
    joint value (the stud's season); closes part of the gap to 1."""
    return opportunism + (1.0 - opportunism) * E2_TEMPTATION * competition * (1.0 - both)


def conflict_factor(
    knowledge_share: np.ndarray, competition: np.ndarray, cooperation: np.ndarray, both: np.ndarray
) -> np.ndarray:
    """Conflict-rate multiplier: either/or (3) absorbing the partner's overlapping knowledge
    (the share of the passable knowledge passed, where both compete) starts a learning race;
    both/and (4) cooperation damps red queen races."""
    race = 1.0 + E3_RACE * knowledge_share * competition * (1.0 - both)
    damping = 1.0 - B4_DAMPING * cooperation * both
    return race * damping


def absorption_factor(cooperation: np.ndarray, both: np.ndarray) -> np.ndarray:
    """Absorptive-capacity multiplier, both/and (3): cooperation raises the capacity to use
    outside knowledge (learning from the partner)."""
    return 1.0 + B3_ABSORPTION * cooperation * both


def search_factor(cooperation: np.ndarray, competition: np.ndarray, both: np.ndarray) -> np.ndarray:
    """Partner-search multiplier: either/or (4) commitment locks in and cuts the search for
    new partners; both/and (2) rivalry keeps the relationship from inertia (it keeps
    exploring new opportunities)."""
    lock_in = 1.0 - E4_LOCK_IN * cooperation * (1.0 - both)
    renewal = 1.0 + B2_RENEWAL * competition * both
    return lock_in * renewal


# --- tensions inside the firm ---------------------------------------------------------------
def salience(forces: np.ndarray, n_partners: np.ndarray, scarcity: np.ndarray) -> np.ndarray:
    """How salient the paradox is to an owner (0-1): both forces high (`forces`, the mean of
    sqrt(cooperation x competition) over its partnerships), raised by plurality (partners
    beyond the first) and scarcity (0-1: cash or stud places)."""
    plurality = 1.0 + PLURALITY_GAIN * np.maximum(np.asarray(n_partners, float) - 1.0, 0.0)
    return np.clip(forces * plurality * (1.0 + SCARCITY_GAIN * scarcity), 0.0, 1.0)


def tension_targets(
    salience_: np.ndarray,
    capability: np.ndarray,
    separation: np.ndarray,
    staff: np.ndarray,
    cooperation: np.ndarray,
    sensegiving: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each tension heads this month (0-1), before capability's damping is shared out:

    performing: the owner's competing demands, the paradox's salience;
    organizing: keeping cooperative and competitive work together, salience less what the
      owner separates;
    belonging: staff who work with the partner's people come to identify with them: staff
      share (staff / (staff + STAFF_REF)) x cooperation, less the owner's sense-giving.
    All are damped by capability (CAPABILITY_DAMPING)."""
    damp = 1.0 - CAPABILITY_DAMPING * capability
    staff = np.asarray(staff, float)
    performing = salience_ * damp
    organizing = salience_ * (1.0 - separation) * damp
    belonging = staff / (staff + STAFF_REF) * cooperation * (1.0 - sensegiving) * damp
    return performing, organizing, belonging


def felt(tension: np.ndarray, target: np.ndarray, memory: float = TENSION_MEMORY) -> np.ndarray:
    """A tension after a month: moves a share `memory` of the way to its target."""
    return tension + memory * (target - tension)


# --- the owner's responses --------------------------------------------------------------------
def active_share(activeness: np.ndarray, capability: np.ndarray) -> np.ndarray:
    """Share of the owner's response that is active this month: its style, helped by
    capability (a capable owner needs less disposition to respond actively)."""
    return np.clip(activeness + (1.0 - activeness) * capability * CAPABILITY_DAMPING, 0.0, 1.0)


def navigate(
    protection: np.ndarray, gap: np.ndarray, active: np.ndarray, margin: float = BALANCE_MARGIN
) -> np.ndarray:
    """Protection after an active owner navigates toward balance: a share NAVIGATE_STEP x
    `active` of the way to a middle setting that guards more where cooperation dominates
    (gap > margin) and shares more where competition dominates (gap < -margin): 0.5 + gap / 2
    outside the margin, its own level inside it (share what cooperation needs, protect the
    rest; never a pole)."""
    target = np.where(np.abs(gap) > margin, 0.5 + 0.5 * np.clip(gap, -1.0, 1.0), protection)
    return np.clip(protection + NAVIGATE_STEP * active * (target - protection), 0.0, 1.0)


def tip(
    protection: np.ndarray, gap: np.ndarray, defensive: np.ndarray, performing: np.ndarray
) -> np.ndarray:
    """Protection after a defensive owner tips to one pole under performing tension: a share
    TIP_STEP x `defensive` x tension of the way to over-trust (0) where it already cooperates
    more than it competes (gap >= 0), to over-protection (1) where it competes more (seed:
    undue trust vs overprotection)."""
    pole = np.where(gap >= 0.0, 0.0, 1.0)
    return np.clip(protection + TIP_STEP * defensive * performing * (pole - protection), 0.0, 1.0)


def orchestration(active: np.ndarray, organizing: np.ndarray, belonging: np.ndarray):
    """An active owner's orchestration inside the firm: (separation, sense-giving), each 0-1.

    Separation by domain, season or partner answers organizing tension; sense-giving and
    sense-taking answer belonging tension. Both are as strong as the active share and the
    tension they answer."""
    return active * organizing, active * belonging


def response_cost(active: np.ndarray, n_partners: np.ndarray) -> np.ndarray:
    """What navigating and orchestrating cost the owner a month (GBP): its time per
    partnership at an owner's hourly value."""
    return ORCHESTRATION_HOURS * OWNER_HOUR_GBP * active * np.asarray(n_partners, float)


def synergy_kept(separation: np.ndarray) -> np.ndarray:
    """Share of the knowledge synergy kept when work is separated (separation loses synergy)."""
    return 1.0 - SEPARATION_SYNERGY_LOSS * separation


def overshare(protection: np.ndarray, belonging: np.ndarray) -> np.ndarray:
    """Protection in effect when staff identify with the partner's people: belonging tension
    lets that share of what the owner protects leak (the seed's engineers)."""
    return protection * (1.0 - belonging)


def learn_capability(capability: np.ndarray, active: np.ndarray, tension: np.ndarray):
    """Capability after a month: grows with tension handled actively (experience)."""
    return capability + CAPABILITY_RATE * active * tension * (1.0 - capability)


def restyle(activeness: np.ndarray, virtuous: np.ndarray, vicious: np.ndarray) -> np.ndarray:
    """Response style after a month: the shares of the owner's partnerships in a virtuous and
    a vicious cycle move it toward active and defensive responses."""
    return np.clip(activeness + STYLE_STEP * (virtuous - vicious), 0.0, 1.0)


# --- value in GBP -------------------------------------------------------------------------------
def pair_value(
    stud_matings: np.ndarray,
    fee_saved: float,
    knowledge_gbp: np.ndarray,
    referral_gbp: np.ndarray,
) -> np.ndarray:
    """Joint value a partnership created this month (GBP): the hire fees its shared stud
    saved, the market value of the knowledge the two exchanged and the referred sales."""
    return stud_matings * fee_saved + knowledge_gbp + referral_gbp


def value_destroyed(
    leak_gbp: np.ndarray, withheld_gbp: np.ndarray, idle_gbp: np.ndarray
) -> np.ndarray:
    """Value a partnership destroyed this month (GBP): sales lost to leakage, knowledge
    withheld by protection, a stud's season left idle after the relationship broke."""
    return leak_gbp + withheld_gbp + idle_gbp


# --- cycles -------------------------------------------------------------------------------------
def signed_trend(value: np.ndarray, average: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """+1, 0 or -1: whether `value` is above, near or below its moving average (the dead
    band is TREND_DEADBAND x `scale`)."""
    d = np.asarray(value, float) - np.asarray(average, float)
    band = TREND_DEADBAND * np.asarray(scale, float)
    return np.where(d > band, 1, np.where(d < -band, -1, 0)).astype(np.int8)


def classify_cycle(*trends: np.ndarray, votes: int = CYCLE_VOTES) -> np.ndarray:
    """Virtuous (+1) when at least `votes` of the signed trends rise and none falls, vicious
    (-1) when at least `votes` fall and none rises, else neutral (0)."""
    t = np.stack([np.asarray(x, np.int8) for x in trends])
    up, down = (t > 0).sum(axis=0), (t < 0).sum(axis=0)
    return np.where(
        (up >= votes) & (down == 0), VIRTUOUS, np.where((down >= votes) & (up == 0), VICIOUS, 0)
    ).astype(np.int8)


def dissolution_chance(cycle: np.ndarray, pair_activeness: np.ndarray) -> np.ndarray:
    """Monthly chance a partnership ends early: VICIOUS_HAZARD in a vicious cycle, cut by how
    actively the owners respond (an active response can pull a relationship back)."""
    return np.where(cycle == VICIOUS, VICIOUS_HAZARD * (1.0 - pair_activeness), 0.0)


# --- state ----------------------------------------------------------------------------------------
_FIRM_FIELDS = {  # name: (dtype, value of a new row)
    "activeness": (np.float64, 0.0),  # response style: share of its response that is active
    "capability": (np.float64, 0.0),  # coopetition capability
    "performing": (np.float64, 0.0),  # tensions felt
    "organizing": (np.float64, 0.0),
    "belonging": (np.float64, 0.0),
    "separation": (np.float64, 0.0),  # this month's orchestration: separation of the work
    "sensegiving": (np.float64, 0.0),  # and sense-giving / sense-taking with staff
    "staff": (np.float64, 0.0),
    "response_cost": (np.float64, 0.0),  # cumulative GBP of the owner's time
    "search": (np.float64, 1.0),  # next month's partner-search multiplier (Table 1 E4, B2)
    "temptation": (np.float64, 0.0),  # next month's extra opportunism in overuse (Table 1 E2)
}
_CONTRACT_FIELDS = {
    "both": (np.float64, 0.0),  # share of the interplay in the both/and form
    "balance_avg": (np.float64, 0.0),  # moving averages for the signed trends
    "value_year": (np.float64, 0.0),  # joint value a month, averaged over a year (deseasoned)
    "value_avg": (np.float64, 0.0),
    "trust_avg": (np.float64, 0.0),
    "cycle": (np.int8, 0),
    "vicious_months": (np.int32, 0),
    "joint_value": (np.float64, 0.0),  # cumulative GBP
    "destroyed": (np.float64, 0.0),  # cumulative GBP
    "capture_keeper": (np.float64, 0.0),  # cumulative GBP each side captured
    "capture_partner": (np.float64, 0.0),
    "leak_gbp": (np.float64, 0.0),  # cumulative GBP of sales lost to leakage (both sides)
    "knowledge_gbp": (np.float64, 0.0),  # cumulative GBP of knowledge exchanged (both sides)
    "matings_avg": (np.float64, 0.0),  # moving average of the pair's monthly stud matings
    "prev_used": (np.int64, 0),  # last month's season counts and cumulative columns
    "prev_leak": (np.float64, 0.0),
    "share_keeper": (np.float64, 1.0),  # next month's sharing multiplier, keeper teaching
    "share_partner": (np.float64, 1.0),  # and partner teaching (Table 1 E1, B1; separation)
    "absorb": (np.float64, 1.0),  # next month's absorptive-capacity multiplier (Table 1 B3)
    "conflict": (np.float64, 1.0),  # next month's conflict-rate multiplier (Table 1 E3, B4)
}
LEARNED = (  # Contracts columns: what each side learned, per domain (health, breeding, marketing)
    ("hlt_learned_keeper", "brd_learned_keeper", "mkt_learned_keeper"),
    ("hlt_learned_partner", "brd_learned_partner", "mkt_learned_partner"),
)


class ParadoxState:
    """The module's state: per breeder (rows of the firm table) and per contract (rows of
    Contracts), grown as those tables grow. Plain arrays, saved with the model."""

    def __init__(self) -> None:
        self.firms_filled = 0  # breeders whose response style and staff are drawn
        for name, (dtype, _) in {**_FIRM_FIELDS, **_CONTRACT_FIELDS}.items():
            setattr(self, name, np.zeros(0, dtype=dtype))
        self.prev_learned = np.zeros((0, 6))  # cumulative learned columns, keeper's then partner's

    def grow(self, n_firms: int, n_contracts: int) -> None:
        """Make room for `n_firms` breeders and `n_contracts` contracts (new rows at their
        starting values)."""
        if n_firms <= len(self.activeness) and n_contracts <= len(self.both):
            return  # the usual month: room enough
        for fields_, want in ((_FIRM_FIELDS, n_firms), (_CONTRACT_FIELDS, n_contracts)):
            for name, (dtype, fill) in fields_.items():
                arr = getattr(self, name)
                if len(arr) < want:
                    new = np.full(max(want, 2 * len(arr)), fill, dtype=dtype)
                    new[: len(arr)] = arr
                    setattr(self, name, new)
        if len(self.prev_learned) < n_contracts:
            new = np.zeros((max(n_contracts, 2 * len(self.prev_learned)), 6))
            new[: len(self.prev_learned)] = self.prev_learned
            self.prev_learned = new


# --- the month's wiring ---------------------------------------------------------------------------
# seed 000, Table 2: staff of the 29 firms (part-time counted as heads: "2PT" = 2)
SEED_STAFF = load_uk_2018_firms()["staff_headcount"].to_numpy(dtype=np.int64)


def staff_draw(k: int, rng: np.random.Generator) -> np.ndarray:
    """Staff of `k` synthetic breeders: drawn from the seed's Table 2 headcounts (0-11)."""
    return rng.choice(SEED_STAFF, size=k).astype(float)


STYLE_CONCENTRATION = 4.0  # assumption: response style ~ Beta with this a + b around its mean
# (a wide spread: owners differ in paradox mindset, Miron-Spektor et al. 2018, whose scale has
# no UK norm to take a spread from)


def fill_firms(
    state: ParadoxState,
    n_firms: int,
    seed_firm: np.ndarray,
    active_mean: float,
    rng: np.random.Generator,
) -> None:
    """Draw the response style and staff of breeders new since the last month: staff from the
    seed's Table 2 (its own row for a seed firm), style from Beta around `active_mean`."""
    start = state.firms_filled
    k = n_firms - start
    if k <= 0:
        return
    m = min(max(active_mean, 1e-6), 1 - 1e-6)
    state.activeness[start:n_firms] = rng.beta(
        STYLE_CONCENTRATION * m, STYLE_CONCENTRATION * (1 - m), k
    )
    sf = np.asarray(seed_firm[start:n_firms])
    staff = staff_draw(k, rng)
    own = (sf >= 1) & (sf <= len(SEED_STAFF))
    staff[own] = SEED_STAFF[sf[own] - 1]
    state.staff[start:n_firms] = staff
    state.firms_filled = n_firms


def per_firm_mean(
    n_firms: int, keeper: np.ndarray, partner: np.ndarray, *values: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """(the mean of each of `values` over each breeder's partnerships, the number of its
    partnerships)."""
    who = np.concatenate((keeper, partner))
    count = np.bincount(who, minlength=n_firms)
    means = []
    for v in values:
        total = np.bincount(who, weights=np.concatenate((v, v)), minlength=n_firms)
        means.append(np.divide(total, count, out=np.zeros(n_firms), where=count > 0))
    return means, count


IDLE_MONTHS = 6.0  # assumption: a stud whose partnership broke stands half a year short of the
# pair's use before its keeper fills the season again (the seed's "stud left idle")
VALUE_MEMORY = 1.0 / 12.0  # the pair's stud use is averaged over a year (a breeding season)
KNOWLEDGE_HORIZON = 2.0  # years a point of knowledge keeps paying, at the weight rivalry gives
# the future: 1 / (1 - SEASON_DISCOUNT) with a season discount of 0.5
COLUMNS = (  # model_df columns of the module (only with paradox on)
    "mean_balance",
    "virtuous_cycles",
    "vicious_cycles",
    "premature_dissolutions",
    "mean_tension",
    "joint_value",
    "value_destroyed",
    "mean_capability",
    "active_share",
    "share_balanced",
)
BREEDER_COLUMNS = (  # agent_df columns of the module (only with paradox on)
    "response_style",
    "capability",
    "performing_tension",
    "organizing_tension",
    "belonging_tension",
)
TALLIES = ("premature_dissolutions", "joint_value", "value_destroyed")


def month(
    state: ParadoxState,
    firms,
    contracts,
    trust,
    scenario,
    step: int,
    price: float,
    stud_fee: float,
    referrals: np.ndarray,
    rng: np.random.Generator,
    stats: dict[str, float],
    response: np.ndarray | None = None,
    diversions: np.ndarray | None = None,
) -> None:
    """The paradox's month, after the month's sales and intensities (rivalry.measure), in the
    order of the seed's Figure 1: each partnership's balance and the form its interplay takes;
    its value in GBP; its cycle, and early dissolution of vicious ones; the tensions that
    cascade into each firm; the owner's responses and their cost; capability and style learned
    from the month; and the Table 1 multipliers the mechanisms read next month."""
    p, con = scenario, contracts
    n_f = firms.n
    state.grow(n_f, con.n)
    fill_firms(state, n_f, firms.seed_firm[:n_f], p.paradox_active_share, rng)
    run = con.running()
    k, q = con.keeper[run], con.partner[run]
    coop, comp = con.cooperation[run], con.competition[run]
    act_f = active_share(state.activeness[:n_f], state.capability[:n_f])
    pair_act = 0.5 * (act_f[k] + act_f[q])
    bal = balance(coop, comp)
    both = both_and_weight(bal, pair_act) if p.paradox_interplay else np.zeros(len(run))
    state.both[run] = both
    joint, lost, d_learned = _month_value(
        state, firms, con, p, run, price, stud_fee, referrals, response, diversions
    )
    cycle = _month_cycles(state, con, trust, run, step, bal, joint)
    premature = _dissolve_vicious(con, p, run, step, cycle, pair_act, rng, stats)
    idle = _idle_studs(state, con, step, stud_fee)
    stats["joint_value"] += float(joint.sum())
    stats["value_destroyed"] += float(lost.sum() + idle.sum())

    # tensions cascading into each firm
    keep = ~premature
    (forces_f, coop_f, comp_f, both_f, vir_f, vic_f), n_part = per_firm_mean(
        n_f,
        k[keep],
        q[keep],
        np.sqrt(coop * comp)[keep],
        coop[keep],
        comp[keep],
        both[keep],
        (cycle[keep] == VIRTUOUS).astype(float),
        (cycle[keep] == VICIOUS).astype(float),
    )
    has = (n_part > 0) & firms.active[:n_f]
    if p.paradox_tensions:
        _felt_tensions(state, firms, p, has, forces_f, n_part, coop_f)
    if p.paradox_responses:
        _respond(state, firms, has, act_f, coop_f - comp_f, n_part, vir_f, vic_f)
    if p.paradox_interplay:
        could = con.flow_potential[run]
        flow_share = np.clip(
            np.divide(d_learned.sum(axis=1), could, out=np.zeros(len(run)), where=could > 0), 0, 1
        )
        _interplay_next_month(
            state, firms, run, k, q, coop, comp, both, flow_share, has, coop_f, comp_f, both_f
        )


def _month_value(
    state: ParadoxState,
    firms,
    con,
    p,
    run,
    price,
    stud_fee,
    referrals,
    response=None,
    diversions=None,
):
    """Each running partnership's value this month in GBP (stud use, knowledge learned,
    referrals) and the value destroyed (leaked sales, knowledge withheld), added to its
    running totals; returns (joint value, value destroyed, knowledge learned this month).
    `response`: market.reach_response per breeder when buyers compare sellers (None: 1).
    `diversions`: the month's sales partners made to each other's buyers through the
    contacts they learned (market.MarketState.diversions), each a sale at `price` that the
    learner's knowledge earned it (and the teacher lost: its leakage)."""
    from .rivalry import directed_pairs, knowledge_value, pair_referrals

    n_f = firms.n
    k, q = con.keeper[run], con.partner[run]
    used = con.used_keeper[run] + con.used_partner[run]
    prev = state.prev_used[run]
    matings = np.where(used < prev, used, used - prev).astype(float)  # a new season restarts
    state.prev_used[run] = used
    learned = np.stack([con.view(c)[run] for side in LEARNED for c in side], axis=1)
    d_learned = learned - state.prev_learned[run]
    state.prev_learned[run] = learned
    if response is not None and len(response) < n_f:  # entrants since the market: as in
        response = np.r_[response, np.ones(n_f - len(response))]  # proportion
    gbp = KNOWLEDGE_HORIZON * knowledge_value(
        firms.sales_value_ring[:n_f].sum(axis=1),
        firms.knowledge[:n_f],
        firms.niche[:n_f],
        p.marketing_effect,
        p.expertise_effect,
        None if response is None else response[:n_f],
    )
    know_k = (d_learned[:, :3] * gbp[k]).sum(axis=1)  # what the keeper learned, to the keeper
    know_p = (d_learned[:, 3:] * gbp[q]).sum(axis=1)
    if diversions is not None and diversions.shape[1]:  # the keeper's buyers the partner took
        to_q, to_k = directed_pairs(diversions[0], diversions[1], k, q)
        know_k, know_p = know_k + to_k * price, know_p + to_q * price
    ref_gbp = pair_referrals(referrals[0], referrals[1], k, q) * price
    leak_now = con.leak_sales_keeper[run] + con.leak_sales_partner[run]
    leak = (leak_now - state.prev_leak[run]) * price
    state.prev_leak[run] = leak_now
    # knowledge withheld: what protection kept back of each teacher's core, at the learner's value
    prot = np.minimum(firms.protection[:n_f], 0.95)
    rows = np.arange(len(run))
    ck, cq = firms.core_domain[k].astype(np.int64), firms.core_domain[q].astype(np.int64)
    withheld = d_learned[rows, 3 + ck] * prot[k] / (1 - prot[k]) * gbp[q, ck]
    withheld += d_learned[rows, cq] * prot[q] / (1 - prot[q]) * gbp[k, cq]
    stud_gbp = matings * stud_fee
    joint = pair_value(matings, stud_fee, know_k + know_p, ref_gbp)
    lost = value_destroyed(leak, withheld, np.zeros(len(run)))
    share_k = np.divide(
        con.used_keeper[run], np.maximum(used, 1), where=used > 0, out=np.full(len(run), 0.5)
    )
    state.joint_value[run] += joint
    state.destroyed[run] += lost
    state.capture_keeper[run] += stud_gbp * share_k + know_k + 0.5 * ref_gbp
    state.capture_partner[run] += stud_gbp * (1 - share_k) + know_p + 0.5 * ref_gbp
    state.leak_gbp[run] += leak
    state.knowledge_gbp[run] += know_k + know_p
    state.matings_avg[run] += VALUE_MEMORY * (matings - state.matings_avg[run])
    return joint, lost, d_learned


def _month_cycles(state: ParadoxState, con, trust, run, step, bal, joint) -> np.ndarray:
    """Each running partnership's cycle from the signed trends of its balance, joint value and
    trust (a partnership starting this month is neutral); updates the trends and the count of
    vicious months."""
    trust_now = 0.5 * (trust.current(con.tie_kp[run], step) + trust.current(con.tie_pk[run], step))
    fresh = con.start[run] == step
    # joint value swings with the mating season: its trend is that of its yearly average
    year = np.where(
        fresh, joint, state.value_year[run] + VALUE_MEMORY * (joint - state.value_year[run])
    )
    state.value_year[run] = year
    cycle = classify_cycle(
        signed_trend(bal, state.balance_avg[run], 1.0),
        signed_trend(year, state.value_avg[run], np.maximum(state.value_avg[run], 1.0)),
        signed_trend(trust_now, state.trust_avg[run], 1.0),
    )
    cycle[fresh] = NEUTRAL
    for avg, now in (
        (state.balance_avg, bal),
        (state.value_avg, year),
        (state.trust_avg, trust_now),
    ):
        avg[run] = np.where(fresh, now, avg[run] + TREND_MEMORY * (now - avg[run]))
    state.cycle[run] = cycle
    state.vicious_months[run] = np.where(cycle == VICIOUS, state.vicious_months[run] + 1, 0)
    return cycle


def _dissolve_vicious(con, p, run, step, cycle, pair_act, rng, stats) -> np.ndarray:
    """End early (with cycles on) the partnerships a vicious cycle breaks, one draw per running
    partnership; returns which of the running ones ended."""
    from .coownership import ENDED_PREMATURE

    premature = np.zeros(len(run), dtype=bool)
    if p.paradox_cycles and len(run):
        premature = rng.random(len(run)) < dissolution_chance(cycle, pair_act)
        if premature.any():
            n_end = con.end(run[premature], step, ENDED_PREMATURE)
            stats["premature_dissolutions"] += n_end
            stats["contracts_ended"] += n_end
    return premature


def _idle_studs(state: ParadoxState, con, step, stud_fee) -> np.ndarray:
    """A stud left idle: the value lost by partnerships that broke this month (conflict,
    breach, vicious cycle), added to what they destroyed; returns it per broken partnership."""
    from .coownership import ENDED_BREACH, ENDED_CONFLICT, ENDED_PREMATURE

    broke = np.flatnonzero(con.view("ended") == step)
    reason = con.reason[broke]
    broke = broke[
        (reason == ENDED_CONFLICT) | (reason == ENDED_BREACH) | (reason == ENDED_PREMATURE)
    ]
    idle = IDLE_MONTHS * state.matings_avg[broke] * stud_fee
    state.destroyed[broke] += idle
    return idle


def _felt_tensions(state: ParadoxState, firms, p, has, forces_f, n_part, coop_f) -> None:
    """The tensions (performing, organizing, belonging) each partnering firm feels this month,
    from the salience of its partnerships' forces and its scarcity."""
    n_f = firms.n
    sl = slice(0, n_f)
    scarcity = (firms.loss_months[:n_f] > 0).astype(float)
    sal = np.where(
        has, np.clip(p.paradox_salience * salience(forces_f, n_part, scarcity), 0, 1), 0.0
    )
    staff = state.staff[sl] * p.paradox_staff_scale
    targets = tension_targets(
        sal, state.capability[sl], state.separation[sl], staff, coop_f, state.sensegiving[sl]
    )
    for name, target in zip(("performing", "organizing", "belonging"), targets, strict=True):
        col = getattr(state, name)
        col[sl] = felt(col[sl], target)


def _respond(state: ParadoxState, firms, has, act_f, gap_f, n_part, vir_f, vic_f) -> None:
    """The owner's responses: active (navigate, orchestrate; paid in the owner's time) or
    defensive (tip); then capability and response style learned from the month."""
    from . import accounts

    sl = slice(0, firms.n)
    who = np.flatnonzero(has)
    prot_now = firms.protection[who]
    navigated = navigate(prot_now, gap_f[who], act_f[who])
    firms.protection[who] = tip(navigated, gap_f[who], 1.0 - act_f[who], state.performing[who])
    sep, sense = orchestration(act_f, state.organizing[sl], state.belonging[sl])
    state.separation[sl] = np.where(has, sep, 0.0)
    state.sensegiving[sl] = np.where(has, sense, 0.0)
    cost = response_cost(act_f[who], n_part[who])
    accounts.pay(firms, who, cost)
    state.response_cost[who] += cost
    state.capability[sl] = np.where(
        has,
        learn_capability(state.capability[sl], act_f, state.performing[sl]),
        state.capability[sl],
    )
    state.activeness[sl] = np.where(
        has, restyle(state.activeness[sl], vir_f, vic_f), state.activeness[sl]
    )


def _interplay_next_month(
    state: ParadoxState, firms, run, k, q, coop, comp, both, flow_share, has, coop_f, comp_f, both_f
) -> None:
    """Table 1: what the interplay does to next month's sharing, absorption, conflict and
    search (per partnership and per firm), and to each firm's temptation."""
    n_f = firms.n
    sl = slice(0, n_f)
    opp = firms.opportunism[:n_f]
    state.share_keeper[run] = sharing_factor(comp, both) * synergy_kept(state.separation[k])
    state.share_partner[run] = sharing_factor(comp, both) * synergy_kept(state.separation[q])
    state.absorb[run] = absorption_factor(coop, both)
    state.conflict[run] = conflict_factor(flow_share, comp, coop, both)
    state.search[sl] = np.where(has, search_factor(coop_f, comp_f, both_f), 1.0)
    state.temptation[sl] = np.where(has, temptation(opp, comp_f, both_f) - opp, 0.0)


def industry_values(state: ParadoxState, contracts, firms, stats: dict[str, float]) -> dict:
    """The module's model_df columns for this month."""
    state.grow(firms.n, contracts.n)  # breeders who entered at the end of the month
    run = contracts.running()
    act = firms.active_rows()
    coop, comp = contracts.cooperation[run], contracts.competition[run]
    felt_sum = state.performing[act] + state.organizing[act] + state.belonging[act]
    involved = felt_sum > 0  # breeders who feel the paradox (in or lately in a partnership)
    mean_t = float(felt_sum[involved].mean() / 3.0) if involved.any() else 0.0
    return {
        "mean_balance": float(balance(coop, comp).mean()) if len(run) else 0.0,
        "virtuous_cycles": int((state.cycle[run] == VIRTUOUS).sum()),
        "vicious_cycles": int((state.cycle[run] == VICIOUS).sum()),
        "premature_dissolutions": int(stats.get("premature_dissolutions", 0)),
        "mean_tension": mean_t,
        "joint_value": float(stats.get("joint_value", 0.0)),
        "value_destroyed": float(stats.get("value_destroyed", 0.0)),
        "mean_capability": float(state.capability[act].mean()) if len(act) else 0.0,
        "active_share": float(state.activeness[act].mean()) if len(act) else 0.0,
        "share_balanced": float((regime(coop, comp) == EQUAL).mean()) if len(run) else 0.0,
    }


def breeder_values(state: ParadoxState, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The module's agent_df columns for breeders `rows`."""
    state.grow(int(rows.max()) + 1 if len(rows) else 0, 0)
    return {
        "response_style": state.activeness[rows],
        "capability": state.capability[rows],
        "performing_tension": state.performing[rows],
        "organizing_tension": state.organizing[rows],
        "belonging_tension": state.belonging[rows],
    }


def partnership_table(state: ParadoxState, contracts, step: int):
    """One row per contract ever made: intensities, balance, regime, cycle and value (GBP)."""
    import pandas as pd

    n = contracts.n
    state.grow(0, n)
    coop, comp = contracts.view("cooperation"), contracts.view("competition")
    return pd.DataFrame(
        {
            "contract": np.arange(n),
            "keeper": contracts.view("keeper"),
            "partner": contracts.view("partner"),
            "start": contracts.view("start"),
            "ended": contracts.view("ended"),
            "reason": contracts.view("reason"),
            "cooperation": coop,
            "competition": comp,
            "balance": balance(coop, comp),
            "regime": np.array(("cooperation_dominated", "equal", "competition_dominated"))[
                regime(coop, comp)
            ],
            "cycle": np.array(("vicious", "neutral", "virtuous"))[state.cycle[:n] + 1],
            "joint_value_gbp": state.joint_value[:n],
            "capture_keeper_gbp": state.capture_keeper[:n],
            "capture_partner_gbp": state.capture_partner[:n],
            "value_destroyed_gbp": state.destroyed[:n],
            "knowledge_gbp": state.knowledge_gbp[:n],
            "leakage_gbp": state.leak_gbp[:n],
        }
    ).set_index("contract")
