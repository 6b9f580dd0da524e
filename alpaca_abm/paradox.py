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

from dataclasses import dataclass, field, fields

import numpy as np

from .coownership import COMP_DOMINATED, COOP_DOMINATED, EQUAL

# --- constants with their provenance ---------------------------------------------------------
BALANCE_MARGIN = 0.125  # fixed before any run, never fitted: half a step of a five-point
# rating scale on [0, 1] (steps of 0.25). Two intensities closer than this would be rated at
# the same point by an interviewee rating each force on five points, so the relationship reads
# as "relatively balanced" (seed 000, §3.3: 7 lean toward cooperation, 15 balanced, 7 toward
# competition, Bengtsson and Kock 2000's typology rated by the owner).
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
TIP_STEP = 0.05  # assumption: a defensive owner under full performing tension moves its
# protection 0.05 a month toward the pole it tips to (Smith and Lewis 2011: tipping)
NAVIGATE_STEP = 0.05  # assumption: an active owner moves its protection up to 0.05 a month
# toward what balances the relationship (seed: navigating scope, content and what is shared)
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
    gap = np.asarray(cooperation, float) - np.asarray(competition, float)
    return np.where(
        gap > margin, COOP_DOMINATED, np.where(gap < -margin, COMP_DOMINATED, EQUAL)
    ).astype(np.int8)


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
    """Protection after an active owner navigates toward balance: it guards more where
    cooperation dominates (gap > margin) and shares more where competition dominates."""
    push = np.where(gap > margin, 1.0, np.where(gap < -margin, -1.0, 0.0))
    return np.clip(protection + NAVIGATE_STEP * active * push, 0.0, 1.0)


def tip(
    protection: np.ndarray, gap: np.ndarray, defensive: np.ndarray, performing: np.ndarray
) -> np.ndarray:
    """Protection after a defensive owner tips to one pole under performing tension: toward
    over-trust where it already cooperates more than it competes (gap >= 0), toward
    over-protection where it competes more (seed: undue trust vs overprotection)."""
    pole = np.where(gap >= 0.0, -1.0, 1.0)
    return np.clip(protection + TIP_STEP * defensive * performing * pole, 0.0, 1.0)


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
@dataclass
class ParadoxState:
    """The module's state: per breeder (rows of the firm table) and per contract (rows of
    Contracts), grown as those tables grow. Saved with the model (checkpoints)."""

    activeness: np.ndarray = field(default_factory=lambda: np.zeros(0))
    capability: np.ndarray = field(default_factory=lambda: np.zeros(0))
    performing: np.ndarray = field(default_factory=lambda: np.zeros(0))
    organizing: np.ndarray = field(default_factory=lambda: np.zeros(0))
    belonging: np.ndarray = field(default_factory=lambda: np.zeros(0))
    separation: np.ndarray = field(default_factory=lambda: np.zeros(0))
    sensegiving: np.ndarray = field(default_factory=lambda: np.zeros(0))
    staff: np.ndarray = field(default_factory=lambda: np.zeros(0))
    response_cost: np.ndarray = field(default_factory=lambda: np.zeros(0))  # cumulative GBP
    # per contract
    both: np.ndarray = field(default_factory=lambda: np.zeros(0))
    balance_avg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    value_avg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    trust_avg: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cycle: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    joint_value: np.ndarray = field(default_factory=lambda: np.zeros(0))  # cumulative GBP
    destroyed: np.ndarray = field(default_factory=lambda: np.zeros(0))  # cumulative GBP
    capture_keeper: np.ndarray = field(default_factory=lambda: np.zeros(0))  # cumulative GBP
    capture_partner: np.ndarray = field(default_factory=lambda: np.zeros(0))
    firms_filled: int = 0  # breeders whose response style and staff are drawn

    FIRM = (
        "activeness",
        "capability",
        "performing",
        "organizing",
        "belonging",
        "separation",
        "sensegiving",
        "staff",
        "response_cost",
    )

    def grow(self, n_firms: int, n_contracts: int) -> None:
        """Make room for `n_firms` breeders and `n_contracts` contracts (new rows are 0)."""
        for f in fields(self):
            if f.name == "firms_filled":
                continue
            arr = getattr(self, f.name)
            want = n_firms if f.name in self.FIRM else n_contracts
            if len(arr) < want:
                new = np.zeros(max(want, 2 * len(arr)), dtype=arr.dtype)
                new[: len(arr)] = arr
                setattr(self, f.name, new)
