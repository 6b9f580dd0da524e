"""The starting industry: where breeders are, what they own and know, and whom they know.

Places come from `data/uk_places.csv` (rural counties with a weight for how many breeders
they hold). Positions are projected to kilometres so that travel to a stud is a distance.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import cKDTree

from . import portable as pm
from .breeding import buy_elite_studs, choose_home_studs
from .fleece import (
    draw_environment,
    draw_genetic_micron,
    draw_other_merit,
    quality_from_micron,
)
from .herd import COLOURED, NOT_PREGNANT, breeding_stock

if TYPE_CHECKING:
    import pandas as pd

    from .state import Industry

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON = 111.32 * math.cos(math.radians(54.0))  # equirectangular at the UK's mid-latitude
PLACE_JITTER_KM = 15.0  # assumption: breeders are spread around a county's centre
RELATED_BACKGROUND_SHARE = 10 / 29  # seed Table 3: 10 of 29 owners had a related background
OWNER_AGE_MEAN, OWNER_AGE_SD = 57.0, 9.0  # seed Table 3: owners aged 32-76, mean about 57
EXPORTER_MIN_HERD = 100  # seed Table 2: the five firms trading in Europe keep 140-1000 alpacas
EXPORTER_SHARE_OF_LARGE = 0.5  # assumption: about half of the large herds sell abroad
FEMALE_SHARE = 0.7  # assumption: breeding herds keep mostly females
COLOURED_SHARE = 0.3  # assumption: the UK herd is mostly white and light fawn
NICHE_SHARES = (0.5, 0.2, 0.3)  # assumption: breeding stock, fibre, pets and experiences
INITIAL_TIES = 4  # assumption: a breeder knows its few nearest fellow breeders
ELITE_OWNER_MIN_HERD = 150  # assumption: only big herds own an elite stud alone at the start
REPUTATION_TOP_SHARE = 0.1  # the best-known tenth of breeders can be reached by reputation


def to_km(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project latitude/longitude to kilometres (good to a few per cent across the UK)."""
    return lon * KM_PER_DEG_LON, lat * KM_PER_DEG_LAT


def place_geography(places: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each place's share of new breeders (by weight) and its position in km: read once, as
    the places never change."""
    w = places["weight"].to_numpy(float)
    x, y = to_km(places["lat"].to_numpy(float), places["lon"].to_numpy(float))
    return w / w.sum(), x, y


def draw_places(state: Industry, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw `k` places by weight and scatter breeders around them; return place, x, y
    (the places' shares and positions: `place_geography`, kept on the state)."""
    place = state.rng.choice(len(state.place_share), size=k, p=state.place_share)
    x, y = state.place_x_km[place], state.place_y_km[place]
    x = x + state.rng.normal(0, PLACE_JITTER_KM, k)
    y = y + state.rng.normal(0, PLACE_JITTER_KM, k)
    return place, x, y


def draw_owners(state: Industry, k: int) -> dict[str, np.ndarray]:
    """Owner traits of `k` new breeders: background, knowledge, openness, opportunism.
    Parameters: the knowledge group and the contracts group (opportunism)."""
    p, rng = state.scenario.group("knowledge"), state.rng
    related = rng.random(k) < RELATED_BACKGROUND_SHARE
    knowledge = p.knowledge_initial + p.related_background_bonus * related[:, None]
    knowledge = np.clip(knowledge + rng.normal(0, 0.08, (k, 3)), 0.0, 1.0)
    m = state.scenario.group("contracts").opportunism_mean
    if 0 < m < 1:
        opportunism = rng.beta(2.0, 2.0 * (1 - m) / m, k)
    else:
        opportunism = np.full(k, m)
    return {
        "related_background": related,
        "knowledge": knowledge,
        "core_domain": knowledge.argmax(axis=1).astype(np.int8),
        "openness": np.clip(rng.normal(p.openness_mean, p.openness_sd, k), 0.0, 1.0),
        "opportunism": opportunism,
        "owner_age": np.clip(rng.normal(OWNER_AGE_MEAN, OWNER_AGE_SD, k), 25, 85),
        "niche": rng.choice(3, size=k, p=NICHE_SHARES).astype(np.int8),
    }


def add_breeders(state: Industry, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Add breeders to the firm table (their places change: a new spatial version); return
    their rows. The model gives them Mesa agents at the end of the month."""
    k = len(columns["x_km"])
    rows = state.firms.add(k, **columns)
    state.spatial_version += 1
    return rows


def spatial_tree(state: Industry) -> cKDTree:
    """KD-tree of active breeders' positions (rows: firms.active_rows()), rebuilt only when
    breeders come or go (state.spatial_version)."""
    cache = state.tree_cache
    if cache is None or cache[0] != state.spatial_version:
        active = state.firms.active_rows()
        pts = np.column_stack((state.firms.x_km[active], state.firms.y_km[active]))
        # sliding-midpoint splits build in a third of the time and find the same neighbours
        # (the nearest k are one set in one order unless two lie exactly as far: positions
        # are jittered, so they do not)
        tree = cKDTree(pts, balanced_tree=False, compact_nodes=False)
        state.tree_cache = cache = (state.spatial_version, tree, active)
    return cache[1]


def reputation_leaders(state: Industry) -> np.ndarray:
    """Rows of the best-known active breeders: the top REPUTATION_TOP_SHARE by reputation,
    ranked once after each review of reputations (state.leaders = None)."""
    firms = state.firms
    if state.leaders is None:
        active = firms.active_rows()
        k = max(1, int(REPUTATION_TOP_SHARE * len(active)))
        order = np.argsort(-firms.reputation[active], kind="stable")
        state.leaders = active[order[:k]]
    return state.leaders[firms.active[state.leaders]]


def add_animals(
    state: Industry, owners: np.ndarray, female_share: float, max_age_months: int
) -> None:
    """Stock herds: one owner entry per animal; ages, quality, colour, pregnancies drawn.
    Parameters: the genetics group (fibre) and the herd group (breeding ages, gestation)."""
    g, life, rng = state.scenario.group("genetics"), state.scenario.group("herd"), state.rng
    k = len(owners)
    female = rng.random(k) < female_share
    age = rng.integers(0, max_age_months, k)
    quality = quality_from_micron(
        draw_genetic_micron(k, g.micron_mean, g.micron_sd, g.micron_floor, rng)
    )
    breeding = female & (age >= life.female_breeding_age) & (age < life.female_retire_age)
    pregnant = breeding & (rng.random(k) < 0.5)
    months = int(np.ceil(life.gestation_months))
    due = np.where(pregnant, rng.integers(1, months + 1, k), NOT_PREGNANT)
    state.herd.add(
        owner=owners,
        female=female,
        age=age,
        quality=quality,
        colour=np.where(rng.random(k) < COLOURED_SHARE, COLOURED, 0),
        due_in=due,
        sire_quality=np.where(
            pregnant,
            quality_from_micron(
                draw_genetic_micron(k, g.micron_mean, g.micron_sd, g.micron_floor, rng)
            ),
            0,
        ),
        sire_colour=np.where(rng.random(k) < COLOURED_SHARE, COLOURED, 0),
        fleece_env=draw_environment(k, g.micron_sd, g.fd_heritability, rng),
        other_merit=draw_other_merit(k, g.micron_sd, g.fd_heritability, g.fd_selection_share, rng),
    )


def populate(state: Industry) -> None:
    """Create the starting industry: synthetic breeders, the seed's firms and the rest of the
    directory (uk_2018), or the whole UK industry with the directory as its commercial tier
    (uk_national): the start group's `population`."""
    population = state.scenario.group("start").population
    if population == "uk_2018":
        populate_uk_2018(state)
    elif population == "uk_national":
        populate_uk_national(state)
    else:
        populate_synthetic(state)


def populate_synthetic(state: Industry) -> None:
    """Create the starting industry of `n_breeders` synthetic breeders (the start group)."""
    p, rng = state.scenario.group("start"), state.rng
    n = p.n_breeders
    place, x, y = draw_places(state, n)
    herd = np.clip(
        np.round(rng.lognormal(math.log(p.herd_size_median), p.herd_size_sigma, n)),
        2,
        p.max_herd_size,
    ).astype(int)
    rows = add_breeders(state, synthetic_columns(state, herd, place, x, y, founded_within=8))
    stock_herds(state, rows, herd)


def synthetic_columns(
    state: Industry,
    herd: np.ndarray,
    place: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    founded_within: int,
    target_ratio: float = 1.2,
) -> dict[str, np.ndarray]:
    """Firm-table columns of synthetic breeders with the given herds and places, founded
    within `founded_within` years before the start, planning `target_ratio` times their herd.
    Parameters: the start group (year, cash) and the industry group (investors)."""
    p, rng = state.scenario.group("start"), state.rng
    investor_share = state.scenario.group("industry").investor_share
    n = len(herd)
    return {
        "x_km": x,
        "y_km": y,
        "place": place,
        "founded": p.start_year - rng.integers(0, founded_within, n),
        "entered_step": np.zeros(n, dtype=int),
        "synthetic": np.ones(n, dtype=bool),
        "cash": p.initial_cash_per_alpaca * herd,
        "target_herd": herd * target_ratio,
        "investor": rng.random(n) < investor_share,
        "exports": (herd >= EXPORTER_MIN_HERD) & (rng.random(n) < EXPORTER_SHARE_OF_LARGE),
        "reputation": np.full(n, 0.5),
    } | draw_owners(state, n)


def stock_herds(state: Industry, rows: np.ndarray, herd_sizes: np.ndarray) -> None:
    """Give breeders their starting animals, home-bred studs, elite studs and acquaintances."""
    retire_age = state.scenario.group("herd").female_retire_age
    add_animals(state, np.repeat(rows, herd_sizes), FEMALE_SHARE, retire_age)
    in_females(state, rows, herd_sizes)
    choose_home_studs(state)
    big = rows[herd_sizes >= ELITE_OWNER_MIN_HERD]
    buy_elite_studs(state, big, None, np.array([1.0]), pay=False)
    meet_neighbours(state, rows, INITIAL_TIES)


def in_females(state: Industry, rows: np.ndarray, herd_sizes: np.ndarray) -> None:
    """Turn the starting plans of `rows` (set in heads, like the herds) into breeding females
    at each herd's own share of them: herd plans count breeding females (finance.py)."""
    firms = state.firms
    stock = breeding_stock(state.herd, firms.n, state.scenario.group("herd").female_retire_age)
    stock = stock[rows]
    firms.target_herd[rows] *= stock / np.maximum(herd_sizes, 1)


def meet_neighbours(state: Industry, rows: np.ndarray, k: int) -> None:
    """Record acquaintance ties between each breeder and its `k` nearest active breeders."""
    active = state.firms.active_rows()
    if len(active) < 2:
        return
    tree = spatial_tree(state)
    kk = min(k + 1, len(active))
    _, idx = tree.query(np.column_stack((state.firms.x_km[rows], state.firms.y_km[rows])), k=kk)
    near = active[np.reshape(idx, (len(rows), kk))].astype(np.int64)  # nearest first
    me = np.broadcast_to(np.asarray(rows, dtype=np.int64)[:, None], near.shape)
    other = near != me  # a breeder is its own nearest: not a tie
    src, dst = me[other], near[other]  # row by row, nearest first
    start = state.scenario.group("contracts").trust_initial  # a stranger's trust
    value = np.clip(start + state.rng.uniform(0, 0.2, len(src)), 0, 1)
    state.trust.add_ties(src, dst, value, state.steps)


# The directory of section 3.3: 68 of 123 listed breeders keep fewer than 50 alpacas.
DIRECTORY_SIZE, DIRECTORY_SMALL = 123, 68
SMALL_HERD_RANGE = (5, 49)  # assumption: listed small breeders keep at least a handful
LARGE_HERD_MEDIAN, LARGE_HERD_SIGMA = 90.0, 0.8  # assumption: like the large herds of Table 2
NICHE_BY_MARKET = {"Local": 2, "National": 0}  # local sellers: pets and experiences


GROWTH_TARGET = 1.2  # assumption: in the growth years breeders plan herds a fifth larger
STEADY_TARGET = 1.0  # uk_2018: breeders keep the herds they chose at 2018 prices
SEED_ENTRY_SHARE = 0.2  # assumption: a seed firm founded during a run starts at a fifth of its
# Table 2 herd (bought in from outside the sample) and plans toward the Table 2 herd
MIN_START_HERD = 3  # assumption: no herd of the 2006 industry is smaller than a trio
DIRECTORY_MIN_START = 10  # assumption: a directory firm held at least a breeding herd of ten
# at the start (or its 2018 herd, if smaller): small herds did not shrink in proportion


def scaled_back(herd_2018: np.ndarray, scale: float) -> np.ndarray:
    """Herds at the start of firms that hold `herd_2018` in 2018: scaled back by `scale`, but
    not below DIRECTORY_MIN_START (or the 2018 herd, if smaller) nor MIN_START_HERD."""
    floor = np.minimum(herd_2018, DIRECTORY_MIN_START)
    return np.maximum(MIN_START_HERD, np.maximum(floor, np.round(herd_2018 * scale))).astype(int)


def seed_firm_columns(
    state: Industry, firms, herd: np.ndarray, target: np.ndarray
) -> dict[str, np.ndarray]:
    """Firm-table columns of seed firms (rows of uk_2018_firms.csv) at their counties, with
    their markets, founding years and owners, holding `herd` and planning `target`.
    Parameters: the knowledge group, the start group (cash) and the industry group."""
    p, rng = state.scenario.group("knowledge"), state.rng
    cash_per_alpaca = state.scenario.group("start").initial_cash_per_alpaca
    investor_share = state.scenario.group("industry").investor_share
    k = len(firms)
    names = state.places["name"].tolist()
    place = np.array([names.index(c) for c in firms["county"]], dtype=int)
    x, y = to_km(firms["lat"].to_numpy(float), firms["lon"].to_numpy(float))
    x = x + rng.normal(0, PLACE_JITTER_KM / 3, k)
    y = y + rng.normal(0, PLACE_JITTER_KM / 3, k)
    owners = draw_owners(state, k)
    related = firms["owner_background_related"].to_numpy(bool)
    knowledge = p.knowledge_initial + p.related_background_bonus * related[:, None]
    owners["knowledge"] = np.clip(knowledge + rng.normal(0, 0.08, (k, 3)), 0.0, 1.0)
    owners["core_domain"] = owners["knowledge"].argmax(axis=1).astype(np.int8)
    owners["related_background"] = related
    # years in position are counted to the interviews (about 2019): age them to the year
    owners["owner_age"] = firms["owner_age"].to_numpy(float) - (2019 - state.year)
    # the printed relationship type is an outcome to compare with, never an input (issue 21)
    owners["niche"] = firms["main_market"].map(NICHE_BY_MARKET).fillna(0).to_numpy(np.int8)
    return {
        "x_km": x,
        "y_km": y,
        "place": place,
        "founded": firms["founded"].to_numpy(int),
        "entered_step": np.full(k, state.steps, dtype=int),
        "seed_firm": firms["firm"].to_numpy(int),
        "synthetic": np.zeros(k, dtype=bool),
        "directory": np.ones(k, dtype=bool),
        "cash": cash_per_alpaca * herd,
        "target_herd": np.asarray(target, dtype=float),
        "investor": rng.random(k) < investor_share,
        "exports": firms["trades_europe"].to_numpy(bool),
        "reputation": np.full(k, 0.5),
    } | owners


def directory_herds(state: Industry, seed_herd: np.ndarray, n_directory: int) -> np.ndarray:
    """Herds of the synthetic directory firms that, with the seed's, make the directory's size
    classes: 68 of 123 keep fewer than 50 alpacas (seed section 3.3)."""
    p, rng = state.scenario.group("start"), state.rng
    n_extra = n_directory - len(seed_herd)
    small_target = int(round(DIRECTORY_SMALL / DIRECTORY_SIZE * n_directory))
    n_small = int(np.clip(small_target - int((seed_herd < 50).sum()), 0, n_extra))
    large = rng.lognormal(math.log(LARGE_HERD_MEDIAN), LARGE_HERD_SIGMA, n_extra - n_small)
    return np.r_[
        rng.integers(SMALL_HERD_RANGE[0], SMALL_HERD_RANGE[1] + 1, n_small),
        np.clip(np.round(large), 50, p.max_herd_size),
    ].astype(int)


def populate_uk_2018(state: Industry) -> None:
    """The seed's 29 firms at their counties with their herds, markets and owners, plus
    synthetic firms that make up the directory's size classes (flagged synthetic).

    Breeders start at the herds they hold (target = herd): the 2018 industry had stopped
    growing fast, so a start that plans a fifth more than every herd would be out of
    equilibrium from the first month.
    """
    from .data import load_uk_2018_firms

    p = state.scenario.group("start")
    firms = load_uk_2018_firms()
    k = len(firms)
    if p.n_breeders < k:
        raise ValueError(
            f"population 'uk_2018' holds the seed's {k} firms: n_breeders = {p.n_breeders} "
            f"must be at least {k}."
        )
    herd = firms["herd_size"].to_numpy(int)
    seed_rows = add_breeders(state, seed_firm_columns(state, firms, herd, herd * STEADY_TARGET))
    extra_herd = directory_herds(state, herd, p.n_breeders)
    e_place, ex, ey = draw_places(state, len(extra_herd))
    columns = synthetic_columns(
        state, extra_herd, e_place, ex, ey, founded_within=15, target_ratio=STEADY_TARGET
    )
    columns["directory"] = np.ones(len(extra_herd), dtype=bool)
    extra_rows = add_breeders(state, columns)
    stock_herds(state, np.r_[seed_rows, extra_rows], np.r_[herd, extra_herd])


def hobby_herds(
    n: int, total: float, sigma: float, rng: np.random.Generator, high: int = SMALL_HERD_RANGE[1]
) -> np.ndarray:
    """`n` small herds (2..`high` alpacas) from a log-normal of spread `sigma` whose median is
    set so that they hold `total` alpacas between them (as near as whole animals allow)."""
    spread = pm.exp(sigma * rng.normal(0.0, 1.0, n))  # herd size over the median
    lo, hi = 0.5, float(high)
    for _ in range(60):  # bisection on the median: the total rises with it
        mid = 0.5 * (lo + hi)
        if np.clip(np.round(mid * spread), 2, high).sum() < total:
            lo = mid
        else:
            hi = mid
    return np.clip(np.round(hi * spread), 2, high).astype(int)


def populate_uk_national(state: Industry) -> None:
    """The whole UK industry at the start: the directory as its commercial tier (the seed's
    firms at their counties and synthetic directory firms, herds scaled back from their 2018
    size) and small hobby herds making up `n_breeders` herds and `national_herd_start`
    alpacas. Seed firms founded after the start year enter in January of that year
    (`admit_founded_firms`)."""
    from .data import load_uk_2018_firms

    p, rng = state.scenario.group("start"), state.rng
    firms = load_uk_2018_firms()
    herd_2018 = firms["herd_size"].to_numpy(int)
    scale = p.directory_scale_at_start
    now = firms["founded"].to_numpy(int) <= state.year
    start_herd = scaled_back(herd_2018, scale)
    seed_now = firms[now].reset_index(drop=True)
    seed_rows = add_breeders(
        state,
        seed_firm_columns(state, seed_now, start_herd[now], start_herd[now] * GROWTH_TARGET),
    )
    later = firms[~now].reset_index(drop=True)
    state.pending_firms = {
        "table_row": np.flatnonzero(~now),
        "founded": later["founded"].to_numpy(int),
        "herd_2018": herd_2018[~now],
    }
    dir_2018 = directory_herds(state, herd_2018, DIRECTORY_SIZE)
    dir_herd = scaled_back(dir_2018, scale)
    d_place, dx, dy = draw_places(state, len(dir_herd))
    d_cols = synthetic_columns(state, dir_herd, d_place, dx, dy, founded_within=8)
    d_cols["directory"] = np.ones(len(dir_herd), dtype=bool)
    dir_rows = add_breeders(state, d_cols)
    n_hobby = p.n_breeders - len(seed_rows) - len(dir_rows)
    if n_hobby < 1:
        raise ValueError(
            f"population 'uk_national' holds {len(seed_rows) + len(dir_rows)} directory firms "
            f"at the start: n_breeders = {p.n_breeders} must exceed that."
        )
    commercial = int(start_herd[now].sum() + dir_herd.sum())
    total = (p.national_herd_start or 0) - commercial
    if total < 2 * n_hobby:
        total = n_hobby * p.herd_size_median  # no national total given (or too small)
    hobby = hobby_herds(n_hobby, total, p.herd_size_sigma, rng)
    h_place, hx, hy = draw_places(state, n_hobby)
    hobby_rows = add_breeders(
        state, synthetic_columns(state, hobby, h_place, hx, hy, founded_within=8)
    )
    stock_herds(
        state, np.r_[seed_rows, dir_rows, hobby_rows], np.r_[start_herd[now], dir_herd, hobby]
    )


def admit_founded_firms(state: Industry) -> np.ndarray:
    """In January, seed firms founded this year enter with a fifth of their Table 2 herd
    (stocked from outside the run) and plan toward it; return their rows."""
    pending = getattr(state, "pending_firms", None)
    if pending is None or state.month != 1 or not len(pending["founded"]):
        return np.zeros(0, dtype=np.int64)
    due = pending["founded"] == state.year
    if not due.any():
        return np.zeros(0, dtype=np.int64)
    from .data import load_uk_2018_firms

    firms = load_uk_2018_firms().iloc[pending["table_row"][due]].reset_index(drop=True)
    target = pending["herd_2018"][due]
    herd = np.maximum(MIN_START_HERD, np.round(target * SEED_ENTRY_SHARE)).astype(int)
    rows = add_breeders(state, seed_firm_columns(state, firms, herd, target))
    add_animals(
        state, np.repeat(rows, herd), FEMALE_SHARE, state.scenario.group("herd").female_retire_age
    )
    in_females(state, rows, herd)
    meet_neighbours(state, rows, INITIAL_TIES)
    state.pending_firms = {k: v[~due] for k, v in pending.items()}
    state.month_stats["entrants"] += len(rows)
    return rows
