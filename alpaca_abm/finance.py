"""Money, growth and the life of firms: costs, accounts, herd plans, entry and exit, investment.

Accounts are those a breeder would keep (herd basis at market value): revenue, operating
costs, and the change in the value of the stock, so that buying a female or a stud (cash
out, stock in) is not a loss and a cria born is a gain. `acct_profit` is that accounting
profit; `cash` is cash.

How money is conserved: cash moves only through accounts.pay / receive / transfer (a
transfer between breeders creates none), so each breeder's cash changes by its revenue
minus its costs. Wealth = cash + stock value; each month a breeder's wealth changes by
exactly its accounting profit (acct_profit = revenue - costs + closing stock - opening
stock). Stock value is not money: it is created by births and growth, destroyed by deaths
and ageing, and re-priced with the market (revaluation); it moves between breeders with the
animals they trade, against the cash paid.

Herd plans follow the expected margin (Nerlove): each month the target herd moves part of
the way toward the herd the breeder plans for next year, which grows when a female is worth
more to it (the present value of her expected margin) than her expected price, and shrinks
when she is worth less. Newcomers enter when a starting herd's expected return beats an
outside option (less the lifestyle value of alpacas); breeders exit after sustained
economic losses (12-month accounting profit below what a hobby breeder tolerates) or when
insolvent (cash + stock below zero), not after a purchase.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from . import accounts, credit, market
from . import coownership as co
from . import portable as pm
from .breeder import HEALTH, SMALL_HERD
from .breeding import import_quality, weaning_rate
from .herd import breeding_females, breeding_stock
from .ordering import row_sum
from .world import FEMALE_SHARE, add_breeders, draw_owners, draw_places, meet_neighbours

if TYPE_CHECKING:
    from .herd import Herd
    from .params import AlpacaScenario, HerdParams
    from .state import Industry

ENTRANT_HERD_MEDIAN = 15.0  # assumption: newcomers aim for a small herd first
ENTRANT_CASH_MULTIPLE = 1.5  # entrants bring 1.5x the price of their foundation herd
ENTRANT_EXPORT_SHARE = 0.02  # assumption: hardly any newcomer sells abroad at once
EDUCATION_FULL_SHARE = 0.2  # assumption: education reaches everyone when a fifth invest
REVIEW_MONTH = 1  # reputations are re-ranked in January
HEADS_PER_FEMALE = 1.0 / FEMALE_SHARE  # a breeding female carries her followers' keep
YOUNG_FEMALE_SHARE = 0.5  # assumption: a female under breeding age is worth half a breeder
MAX_PLAN_CHANGE = 0.5  # assumption: a year's plan changes the herd by at most half
ENTRY_RETURN_SCALE = 0.05  # assumption: entry doubles (from its midpoint) 5 points above par
# assumption: a dispersal sale is advertised and held within a season (the public record
# has them: "dispersal sales expecting at least 1,000" c. 2012, PUBLIC-FACTS section 2)
DISPERSAL_MONTHS = 3
MIN_YEAR_FOR_EXIT = 12  # months: a newcomer's first year is not judged


def breeding_years(p: HerdParams | AlpacaScenario) -> float:
    """Years a female bought at breeding age can be expected to breed: half her breeding life
    (she may be bought at any age within it). `p`: the herd parameters or the scenario."""
    return (p.female_retire_age - p.female_breeding_age) / 24.0


def vet_per_head(state: Industry) -> np.ndarray:
    """Each breeder's vet cost per animal a month before the shocks' vet factor: what its
    health knowledge leaves of `vet_cost`."""
    cost_p, know_p = state.scenario.groups("costs", "knowledge")
    health = state.firms.knowledge[: state.firms.n, HEALTH]
    return cost_p.vet_cost * (1.0 - know_p.health_effect * health)


def variable_cost_per_head(state: Industry) -> np.ndarray:
    """Each breeder's yearly cost of keeping one more animal: keep, vet, compliance, shearing."""
    cost_p = state.scenario.group("costs")
    vet = vet_per_head(state)
    month = cost_p.keep_cost + vet * state.shocks.vet_factor() + state.shocks.compliance_cost()
    return 12 * np.broadcast_to(month, (state.firms.n,)) + cost_p.shearing_cost


def female_values(state: Industry) -> np.ndarray:
    """Capital value of a breeding female to each breeder at the expected price (computed
    once for each state of the market within a month; the result is read-only)."""
    mk, sh = state.market, state.shocks
    key = (
        state.steps,
        state.firms.n,
        mk.expected_price,
        mk.sell_through,
        sh.budget,
        state.fibre_price_now,
        mk.final_price,
    )
    cached = state.female_values_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    fin_p, fleece_p, herd_p, market_p = state.scenario.groups("finance", "fleece", "herd", "market")
    s_year = 1.0 - math.pow(1.0 - mk.sell_through, 12)
    fleece = fleece_p.fleece_kg * state.fibre_price_now * HEADS_PER_FEMALE
    per_head = variable_cost_per_head(state)
    values = market.female_value(
        mk.expected_price,
        s_year,
        market_p.pet_price * sh.budget,
        weaning_rate(herd_p),
        fleece,
        per_head * HEADS_PER_FEMALE,
        fin_p.discount_rate,
        breeding_years(herd_p),
        per_head,
        final_price(state),
    )
    values.flags.writeable = False
    state.female_values_cache = (key, values)
    return values


def final_price(state: Industry) -> float:
    """What a cria is worth at most: the price outside buyers pay for the industry's surplus
    (the demand schedule read in trading.read_demand_schedule); before the first market,
    the median outside buyer's willingness to pay."""
    market_p = state.scenario.group("market")
    mk = state.market
    if mk.final_price > 0:
        return mk.final_price
    return market_p.buyer_wtp_median * state.shocks.budget


def animal_values(
    female: np.ndarray,
    age: np.ndarray,
    stud: np.ndarray,
    quality: np.ndarray,
    price: float,
    pet_price: float,
    premium: float,
    mean_quality: float,
    breeding_age: int,
    retire_age: int,
    stud_values: np.ndarray,
) -> np.ndarray:
    """Market value of each animal: breeding females at the price with their quality premium,
    young females at a share of it, studs at their stud value, the rest at the pet price."""
    value = np.full(len(age), pet_price, dtype=float)
    grown = np.flatnonzero(female & (age < retire_age))  # breeding and young females
    female_price = price * pm.exp(premium * (quality[grown] - mean_quality))
    female_price[age[grown] < breeding_age] *= YOUNG_FEMALE_SHARE
    value[grown] = female_price
    working = np.flatnonzero(stud & ~female)
    value[working] = stud_values[working]
    return value


def stock_values(state: Industry) -> np.ndarray:
    """Each breeder's herd at market value (the expected price, so that a month's noise in
    the auction does not swing the books)."""
    herd_p, market_p = state.scenario.groups("herd", "market")
    herd, mk, sh = state.herd, state.market, state.shocks
    n_f = state.firms.n
    alive, quality, age, stud = (herd.view(k) for k in ("alive", "quality", "age", "stud"))
    pet = market_p.pet_price * sh.budget
    studs = np.flatnonzero(stud & alive)
    sv = np.zeros(len(age))
    if len(studs):
        sv[studs] = market.stud_value(
            quality[studs].astype(float),
            import_quality(state),
            market_p.elite_stud_price * sh.import_price,
            market_p.quality_premium,
            age[studs] - herd_p.stud_age,
            market.STUD_WORKING_MONTHS,
            pet,
        )
    mean_q = float(quality[alive].mean()) if alive.any() else 0.0
    value = animal_values(  # (dead animals are valued too, then taken off the books)
        herd.view("female"),
        age,
        stud,
        quality,
        mk.expected_price,
        pet,
        market_p.quality_premium,
        mean_q,
        herd_p.female_breeding_age,
        herd_p.female_retire_age,
        sv,
    )
    value[~alive] = 0.0  # animals that died or left this month are off the books
    return np.bincount(herd.view("owner"), weights=value, minlength=n_f)


def monthly_costs(state: Industry, heads: np.ndarray) -> np.ndarray:
    """Each breeder's running costs this month (`heads`: its animals): keep, vet, studs and
    marketing."""
    cost_p = state.scenario.group("costs")
    firms, herd, con = state.firms, state.herd, state.contracts
    n_f = firms.n
    studs = herd.counts_by_owner(n_f, herd.view("stud"))
    vet = vet_per_head(state)
    cost = heads * (cost_p.keep_cost + vet * state.shocks.vet_factor()) + cost_p.marketing_cost
    cost += studs * cost_p.stud_keep_cost
    run = con.running()
    # co-owned studs: the keeper was charged above; the partner pays its share back
    share = con.share_partner[run] * cost_p.stud_keep_cost
    np.add.at(cost, con.partner[run], share)
    np.add.at(cost, con.keeper[run], -share)
    cost += state.shocks.compliance_cost() * heads
    return np.where(firms.active[:n_f], cost, 0.0)


def settle_accounts(state: Industry) -> None:
    """Charge the month's running costs, value the stock, book the accounting profit and roll
    the 12-month ledgers; count months of economic loss or insolvency."""
    cost_p, fin_p, herd_p = state.scenario.groups("costs", "finance", "herd")
    firms = state.firms
    n_f = firms.n
    heads = state.herd.counts_by_owner(n_f)  # no animal is born, dies or moves below
    rows = np.arange(n_f)
    accounts.pay(state.firms, rows, monthly_costs(state, heads))
    active = firms.active[:n_f]
    # the overdraft costs interest; a hobby owner pays it down from outside income
    rate = credit.bank_rate(state.year, fin_p.bank_rate) + fin_p.overdraft_margin
    interest = np.where(active, credit.overdraft_interest(firms.cash[:n_f], rate), 0.0)
    accounts.pay(state.firms, rows, interest)
    firms.interest_paid[:n_f] += interest
    if state.month == 1:
        firms.owner_paid[:n_f] = 0.0
    small = active & (heads < SMALL_HERD)
    give = credit.owner_contribution(
        firms.cash[:n_f], small, fin_p.lifestyle_tolerance, firms.owner_paid[:n_f]
    )
    if give.any():
        accounts.inject(state.firms, rows, give)
    value = stock_values(state)
    firms.acct_profit[:n_f] = accounting_profit(
        firms.revenue[:n_f], firms.costs[:n_f], firms.stock_value[:n_f], value
    )
    firms.stock_value[:n_f] = value
    slot = state.steps % 12
    firms.revenue_ring[:n_f, slot] = firms.revenue[:n_f]
    firms.costs_ring[:n_f, slot] = firms.costs[:n_f]
    firms.sales_ring[:n_f, slot] = firms.sales_count[:n_f]
    firms.sales_value_ring[:n_f, slot] = firms.sales_value[:n_f]
    firms.acct_profit_ring[:n_f, slot] = firms.acct_profit[:n_f]
    tolerated = np.where(heads < SMALL_HERD, fin_p.lifestyle_tolerance, 0.0)
    judged = (state.steps - firms.entered_step[:n_f]) >= MIN_YEAR_FOR_EXIT
    females = state.herd.counts_by_owner(n_f, state.herd.view("female"))
    margin = (
        females * female_values(state) / market.annuity(fin_p.discount_rate, breeding_years(herd_p))
    )
    loss = economic_loss(
        row_sum(firms.acct_profit_ring[:n_f]), tolerated, margin - 12 * cost_p.marketing_cost
    )
    loss &= judged
    firms.loss_months[:n_f] = np.where(loss, firms.loss_months[:n_f] + 1, 0)
    firms.insolvent_months[:n_f] = credit.insolvency_clock(
        firms.insolvent_months[:n_f], firms.cash[:n_f], value
    )


def accounting_profit(
    revenue: np.ndarray, costs: np.ndarray, opening_stock: np.ndarray, closing_stock: np.ndarray
) -> np.ndarray:
    """Profit with the herd at market value: cash in minus cash out plus the change in the
    stock's value (a purchase moves cash into stock and is no loss; a birth is a gain)."""
    return revenue - costs + closing_stock - opening_stock


def economic_loss(
    year_profit: np.ndarray,
    tolerated: np.ndarray,
    expected_margin: np.ndarray | float = -np.inf,
) -> np.ndarray:
    """A month of economic loss: the last 12 months' accounting profit below the loss the
    breeder tolerates (lifestyle) while its expected yearly margin (its females' expected
    margins less its fixed costs) does not cover staying either. Book losses from a falling
    market are sunk: a breeder whose herd is still expected to pay its way stays.
    (Insolvency is judged apart, on equity: credit.insolvency_clock.)"""
    return (year_profit < -tolerated) & (expected_margin < 0)


def planned_herd(
    herd_size: np.ndarray, value: np.ndarray, price: float, response: float, mood: float
) -> np.ndarray:
    """The herd a breeder plans for next year: larger when a female is worth more to it than
    her expected price, smaller when less ((value - price) / price x response, within
    +-MAX_PLAN_CHANGE; growth damped by the investment mood)."""
    gap = response * (value - price) / max(price, 1.0)
    change = np.clip(gap, -MAX_PLAN_CHANGE, MAX_PLAN_CHANGE)
    change = np.where(change > 0, change * mood, change)
    return herd_size * (1.0 + change)


def review_plans(state: Industry) -> None:
    """Breeders move their target herd part of the way toward their planned herd each month
    (partial adjustment at expected prices, Nerlove); once a year (January) reputations are
    re-ranked."""
    fin_p, herd_p, industry_p, start_p = state.scenario.groups(
        "finance", "herd", "industry", "start"
    )
    firms, herd = state.firms, state.herd
    n_f = firms.n
    active = firms.active[:n_f]
    plan = planned_herd(
        breeding_stock(herd, n_f, herd_p.female_retire_age).astype(float),
        female_values(state),
        state.market.expected_price,
        fin_p.herd_response,
        state.investment_mood,
    )
    w = market.monthly_weight(fin_p.herd_adjustment)
    firms.target_herd[:n_f] = np.clip(
        firms.target_herd[:n_f] + w * (plan - firms.target_herd[:n_f]),
        industry_p.foundation_herd,
        start_p.max_herd_size * FEMALE_SHARE,
    )
    if state.month != REVIEW_MONTH:
        return
    quality = np.bincount(
        herd.view("owner")[herd.view("alive")],
        weights=herd.view("quality")[herd.view("alive")],
        minlength=n_f,
    )
    heads = np.maximum(herd.counts_by_owner(n_f), 1)
    mean_q = quality / heads
    sales = row_sum(firms.sales_ring[:n_f])
    years = np.clip((state.year - firms.founded[:n_f]) / 20.0, 0, 1)
    rank_q = _percentile_rank(mean_q, active)
    rank_s = _percentile_rank(sales, active)
    firms.reputation[:n_f] = np.where(active, 0.5 * rank_q + 0.3 * rank_s + 0.2 * years, 0.0)
    state.leaders = None  # reputations changed: rank the best-known breeders again


def _percentile_rank(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Rank of each value among the masked ones, scaled to [0, 1]."""
    out = np.zeros(len(values))
    idx = np.flatnonzero(mask)
    if len(idx) > 1:
        order = idx[np.argsort(values[idx], kind="stable")]
        out[order] = np.arange(len(idx)) / (len(idx) - 1)
    elif len(idx) == 1:
        out[idx] = 0.5
    return out


def invest_in_industry(state: Industry) -> None:
    """Investor breeders pay for education and awareness; awareness enlarges and speeds the
    finite outside pool (market.pool_potential), never without limit."""
    industry_p, market_p = state.scenario.groups("industry", "market")
    firms, mk = state.firms, state.market
    if not state.scenario.mechanism_on("industry_investment"):
        return
    n_f = firms.n
    investors = np.flatnonzero(firms.investor[:n_f] & firms.active[:n_f])
    if len(investors) == 0:
        return
    accounts.pay(state.firms, investors, np.full(len(investors), industry_p.education_cost / 12))
    share = len(investors) / max(1, int(firms.active[:n_f].sum()))
    mk.awareness = market.awareness_step(mk.awareness, share, industry_p.awareness_effect)
    mk.pool_size = market.pool_potential(mk.pool_base, mk.awareness, market_p.awareness_pool_gain)


def starting_herd_return(
    margin_per_female: float, foundation: int, fixed_per_year: float, price: float
) -> float:
    """Expected yearly return on the capital of a starting herd of `foundation` females."""
    capital = max(foundation * price, 1.0)
    return float((foundation * margin_per_female - fixed_per_year) / capital)


def lifestyle_yield(lifestyle_value: float, foundation: int, price: float) -> float:
    """The lifestyle value of keeping alpacas (GBP a year) as a yearly return on a starting
    herd of `foundation` females at `price`: the life alpacas bring is not worth more because
    the animals cost more, so the dearer the herd the smaller the share of its capital."""
    return float(max(lifestyle_value, 0.0) / max(foundation * price, 1.0))


def entry_factor(expected_return: float, outside: float, lifestyle: float) -> float:
    """Entry relative to its rate at par: 2 / (1 + exp(-(return + lifestyle - outside) / s)),
    1 when a starting herd earns the outside option, toward 0 below it and 2 above it."""
    x = (expected_return + lifestyle - outside) / ENTRY_RETURN_SCALE
    return 2.0 / (1.0 + math.exp(-min(max(x, -50.0), 50.0)))


def enter_and_exit(state: Industry) -> None:
    """Breeders after sustained economic losses exit; newcomers enter when a starting herd's
    expected return beats the outside option."""
    cost_p, fin_p, herd_p, industry_p, start_p, switch_p = state.scenario.groups(
        "costs", "finance", "herd", "industry", "start", "switches"
    )
    firms, mk = state.firms, state.market
    if not switch_p.entry_exit:
        return
    end_dispersals(state)
    n_f = firms.n
    limit = credit.credit_limit(firms.stock_value[:n_f], fin_p.credit_ltv)
    out = (firms.loss_months[:n_f] >= industry_p.exit_months) | credit.must_exit(
        firms.insolvent_months[:n_f], fin_p.insolvency_months, firms.cash[:n_f], limit
    )
    leaving = np.flatnonzero(firms.active[:n_f] & out)
    if len(leaving):
        exit_breeders(state, leaving)
    active = firms.active[: firms.n]
    values = female_values(state)
    value = float(np.median(values[active])) if active.any() else float(values.mean())
    margin = value / market.annuity(fin_p.discount_rate, breeding_years(herd_p))
    ret = starting_herd_return(
        margin, industry_p.foundation_herd, 12 * cost_p.marketing_cost, mk.expected_price
    )
    life = lifestyle_yield(fin_p.lifestyle_value, industry_p.foundation_herd, mk.expected_price)
    attract = entry_factor(ret, fin_p.outside_return, life)
    awareness = mk.pool_size / mk.pool_base if mk.pool_base > 0 else 1.0
    rate = industry_p.entry_rate * start_p.n_breeders / 100  # per 100 starting breeders: size-free
    lam = (
        rate
        * attract
        * awareness
        * state.investment_mood
        * (state.shocks.entry * state.shocks.buyer_factor("entrants"))
    )
    k = int(state.rng.poisson(lam))
    if k:
        enter_breeders(state, k)


def dispersing(firms, steps: int) -> np.ndarray:
    """Closed firms whose dispersal sale is still running (DISPERSAL_MONTHS after the exit):
    their breeding females are on the market (trading.list_females)."""
    n_f = firms.n
    gone = firms.exited_step[:n_f]
    return ~firms.active[:n_f] & (gone >= 0) & (steps - gone < DISPERSAL_MONTHS)


def end_dispersals(state: Industry) -> None:
    """Dispersal sales that have run their course: what no breeder or outside buyer took
    goes to pet and companion homes at the pet price."""
    firms, herd = state.firms, state.herd
    n_f = firms.n
    gone = firms.exited_step[:n_f]
    over = np.flatnonzero(
        ~firms.active[:n_f] & (gone >= 0) & (state.steps - gone == DISPERSAL_MONTHS)
    )
    if len(over) == 0:
        return
    left = disperse_herds(herd, n_f, over)
    firms.sold_out[over] += left
    accounts.receive(
        firms, over, left * state.scenario.group("market").pet_price * state.shocks.budget
    )
    state.month_stats["pet_sales"] += int(left.sum())


def exit_breeders(state: Industry, leaving: np.ndarray) -> None:
    """Close firms `leaving` (in row order): hand co-owned studs to partners still in the
    industry, end their contracts, sell males, crias and retired females as pets and put the
    breeding females up for a dispersal sale on the market (trading.list_females) for
    DISPERSAL_MONTHS; what is left then goes as pets (end_dispersals)."""
    herd_p, market_p = state.scenario.groups("herd", "market")
    firms, herd, con = state.firms, state.herd, state.contracts
    # one by one in row order: each running contract ends with the first of its two firms
    # to close; its stud goes to the partner when the keeper closes first, the partner is
    # still in business and the stud alive (a partner who left before gets no stud)
    run = con.running()
    turn = np.full(firms.n, len(leaving), dtype=np.int64)  # len(leaving): not closing
    turn[leaving[::-1]] = np.arange(len(leaving))[::-1]  # a firm's first turn
    keeper, partner = con.keeper[run], con.partner[run]
    ending = run[np.minimum(turn[keeper], turn[partner]) < len(leaving)]
    handed = ending[
        (turn[con.keeper[ending]] < turn[con.partner[ending]])
        & firms.active[con.partner[ending]]
        & herd.alive[con.stud[ending]]  # (a stud that died this month is not handed on)
    ]
    herd.owner[con.stud[handed]] = con.partner[handed]
    np.add.at(firms.sold_out, con.keeper[handed], 1)
    np.add.at(firms.bought_in, con.partner[handed], 1)
    if len(ending):
        state.month_stats["contracts_ended"] += state.contracts.end(
            ending, state.steps, co.ENDED_EXIT
        )
    firms.active[leaving] = False
    firms.exited_step[leaving] = state.steps
    state.trust.forget(leaving)
    dispersed = disperse_herds(herd, firms.n, leaving, keep_breeding=herd_p.female_retire_age)
    firms.sold_out[leaving] += dispersed
    accounts.receive(state.firms, leaving, dispersed * market_p.pet_price * state.shocks.budget)
    state.spatial_version += len(leaving)
    state.month_stats["exits"] += len(leaving)


def disperse_herds(
    herd: Herd, n_f: int, owners: np.ndarray, keep_breeding: int | None = None
) -> np.ndarray:
    """Take the live animals of `owners` off the herd; return how many each had. With
    `keep_breeding` (the retirement age), breeding females (herd.breeding_females) stay for
    the dispersal sale."""
    closing = np.zeros(n_f, dtype=bool)
    closing[owners] = True
    alive, owner = herd.view("alive"), herd.view("owner")
    going = alive & closing[owner]
    if keep_breeding is not None:
        going[breeding_females(herd, keep_breeding)] = False
    animals = np.flatnonzero(going)
    herd.alive[animals] = False
    return np.bincount(owner[animals], minlength=n_f)[owners]


def enter_breeders(state: Industry, k: int) -> np.ndarray:
    """Newcomers: placed by weight, educated by investors, wanting a foundation herd."""
    industry_p, start_p = state.scenario.groups("industry", "start")
    rng = state.rng
    place, x, y = draw_places(state, k)
    owners = draw_owners(state, k)
    if state.scenario.mechanism_on("industry_investment"):
        firms = state.firms
        share = (firms.investor & firms.active).sum() / max(1, int(firms.active.sum()))
        lift = industry_p.education_knowledge * min(1.0, share / EDUCATION_FULL_SHARE)
        owners["knowledge"] = np.clip(owners["knowledge"] + lift, 0, 1)
    target = np.clip(  # in breeding females, as all herd plans
        rng.lognormal(math.log(ENTRANT_HERD_MEDIAN), start_p.herd_size_sigma / 2, k) * FEMALE_SHARE,
        industry_p.foundation_herd,
        start_p.max_herd_size * FEMALE_SHARE,
    )
    columns = {
        "x_km": x,
        "y_km": y,
        "place": place,
        "founded": np.full(k, state.year),
        "entered_step": np.full(k, state.steps),
        "synthetic": np.ones(k, dtype=bool),
        "cash": np.full(
            k,
            ENTRANT_CASH_MULTIPLE * industry_p.foundation_herd * state.market.expected_price
            + start_p.initial_cash_per_alpaca * industry_p.foundation_herd,
        ),
        "target_herd": target,
        "wants": np.full(k, industry_p.foundation_herd),
        "investor": rng.random(k) < industry_p.investor_share / 2,
        "exports": rng.random(k) < ENTRANT_EXPORT_SHARE,
        "reputation": np.zeros(k),
    } | owners
    rows = add_breeders(state, columns)
    meet_neighbours(state, rows, 3)
    state.month_stats["entrants"] += k
    return rows
