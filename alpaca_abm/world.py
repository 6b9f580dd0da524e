"""The starting industry: where breeders are, what they own and know, and whom they know.

Places come from `data/uk_places.csv` (rural counties with a weight for how many breeders
they hold). Positions are projected to kilometres so that travel to a stud is a distance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .breeder import Breeder
from .herd import COLOURED, NOT_PREGNANT

if TYPE_CHECKING:
    from .model import AlpacaModel

KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON = 111.32 * np.cos(np.radians(54.0))  # equirectangular at the UK's mid-latitude
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


def to_km(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project latitude/longitude to kilometres (good to a few per cent across the UK)."""
    return lon * KM_PER_DEG_LON, lat * KM_PER_DEG_LAT


def draw_places(model: AlpacaModel, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw `k` places by weight and scatter breeders around them; return place, x, y."""
    places = model.places
    w = places["weight"].to_numpy(float)
    place = model.rng.choice(len(places), size=k, p=w / w.sum())
    x, y = to_km(places["lat"].to_numpy(float)[place], places["lon"].to_numpy(float)[place])
    x = x + model.rng.normal(0, PLACE_JITTER_KM, k)
    y = y + model.rng.normal(0, PLACE_JITTER_KM, k)
    return place, x, y


def draw_owners(model: AlpacaModel, k: int) -> dict[str, np.ndarray]:
    """Owner traits of `k` new breeders: background, knowledge, openness, opportunism."""
    p, rng = model.scenario, model.rng
    related = rng.random(k) < RELATED_BACKGROUND_SHARE
    knowledge = p.knowledge_initial + p.related_background_bonus * related[:, None]
    knowledge = np.clip(knowledge + rng.normal(0, 0.08, (k, 3)), 0.0, 1.0)
    m = p.opportunism_mean
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


def add_breeders(model: AlpacaModel, columns: dict[str, np.ndarray]) -> np.ndarray:
    """Add breeders to the firm table and make their Mesa agents; return their rows."""
    k = len(columns["x_km"])
    rows = model.firms.add(k, **columns)
    for row in rows.tolist():
        model.breeder_agents[row] = Breeder(model, row)
    model.spatial_version += 1
    return rows


def add_animals(
    model: AlpacaModel, owners: np.ndarray, female_share: float, max_age_months: int
) -> None:
    """Stock herds: one owner entry per animal; ages, quality, colour, pregnancies drawn."""
    p, rng = model.scenario, model.rng
    k = len(owners)
    female = rng.random(k) < female_share
    age = rng.integers(0, max_age_months, k)
    quality = rng.normal(p.quality_mean, p.quality_sd, k)
    breeding = female & (age >= p.female_breeding_age) & (age < p.female_retire_age)
    pregnant = breeding & (rng.random(k) < 0.5)
    due = np.where(pregnant, rng.integers(1, int(np.ceil(p.gestation_months)) + 1, k), NOT_PREGNANT)
    model.herd.add(
        owner=owners,
        female=female,
        age=age,
        quality=quality,
        colour=np.where(rng.random(k) < COLOURED_SHARE, COLOURED, 0),
        due_in=due,
        sire_quality=np.where(pregnant, rng.normal(p.quality_mean, p.quality_sd, k), 0),
        sire_colour=np.where(rng.random(k) < COLOURED_SHARE, COLOURED, 0),
    )


def populate(model: AlpacaModel) -> None:
    """Create the starting industry: synthetic breeders, or the seed's firms and the rest of
    the directory."""
    if model.scenario.population == "uk_2018":
        populate_uk_2018(model)
    else:
        populate_synthetic(model)


def populate_synthetic(model: AlpacaModel) -> None:
    """Create the starting industry of `n_breeders` synthetic breeders."""
    p, rng = model.scenario, model.rng
    n = p.n_breeders
    place, x, y = draw_places(model, n)
    herd = np.clip(
        np.round(rng.lognormal(np.log(p.herd_size_median), p.herd_size_sigma, n)),
        2,
        p.max_herd_size,
    ).astype(int)
    rows = add_breeders(model, synthetic_columns(model, herd, place, x, y, founded_within=8))
    stock_herds(model, rows, herd)


def synthetic_columns(
    model: AlpacaModel, herd: np.ndarray, place: np.ndarray, x: np.ndarray, y: np.ndarray,
    founded_within: int,
) -> dict[str, np.ndarray]:
    """Firm-table columns of synthetic breeders with the given herds and places, founded
    within `founded_within` years before the start."""
    p, rng = model.scenario, model.rng
    n = len(herd)
    return {
        "x_km": x,
        "y_km": y,
        "place": place,
        "founded": p.start_year - rng.integers(0, founded_within, n),
        "entered_step": np.zeros(n, dtype=int),
        "synthetic": np.ones(n, dtype=bool),
        "cash": p.initial_cash_per_alpaca * herd,
        "target_herd": herd * 1.2,
        "investor": rng.random(n) < p.investor_share,
        "exports": (herd >= EXPORTER_MIN_HERD) & (rng.random(n) < EXPORTER_SHARE_OF_LARGE),
        "reputation": np.full(n, 0.5),
    } | draw_owners(model, n)


def stock_herds(model: AlpacaModel, rows: np.ndarray, herd_sizes: np.ndarray) -> None:
    """Give breeders their starting animals, home-bred studs, elite studs and acquaintances."""
    from .breeding import buy_elite_studs, choose_home_studs

    p = model.scenario
    add_animals(model, np.repeat(rows, herd_sizes), FEMALE_SHARE, p.female_retire_age)
    choose_home_studs(model)
    big = rows[herd_sizes >= ELITE_OWNER_MIN_HERD]
    buy_elite_studs(model, big, None, np.array([1.0]), pay=False)
    meet_neighbours(model, rows, INITIAL_TIES)


def meet_neighbours(model: AlpacaModel, rows: np.ndarray, k: int) -> None:
    """Record acquaintance ties between each breeder and its `k` nearest active breeders."""
    active = model.firms.active_rows()
    if len(active) < 2:
        return
    tree = model.spatial_index()
    kk = min(k + 1, len(active))
    _, idx = tree.query(np.c_[model.firms.x_km[rows], model.firms.y_km[rows]], k=kk)
    idx = np.atleast_2d(idx)
    src, dst = [], []
    for r, near in zip(rows.tolist(), idx.tolist(), strict=True):
        for j in near:
            other = int(active[j])
            if other != r:
                src.append(r)
                dst.append(other)
    src, dst = np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)
    value = np.clip(model.scenario.trust_initial + model.rng.uniform(0, 0.2, len(src)), 0, 1)
    model.trust.add_ties(src, dst, value, model.steps)


# The directory of section 3.3: 68 of 123 listed breeders keep fewer than 50 alpacas.
DIRECTORY_SIZE, DIRECTORY_SMALL = 123, 68
SMALL_HERD_RANGE = (5, 49)  # assumption: listed small breeders keep at least a handful
LARGE_HERD_MEDIAN, LARGE_HERD_SIGMA = 90.0, 0.8  # assumption: like the large herds of Table 2
OPENNESS_BY_TYPE = {"cooperation_dominated": 0.15, "equal": 0.0, "competition_dominated": -0.15}
NICHE_BY_MARKET = {"Local": 2, "National": 0}  # local sellers: pets and experiences


def populate_uk_2018(model: AlpacaModel) -> None:
    """The seed's 29 firms at their counties with their herds, markets and owners, plus
    synthetic firms that make up the directory's size classes (flagged synthetic)."""
    from .data import load_uk_2018_firms

    p, rng = model.scenario, model.rng
    firms = load_uk_2018_firms()
    k = len(firms)
    if p.n_breeders < k:
        raise ValueError(
            f"population 'uk_2018' holds the seed's {k} firms: n_breeders = {p.n_breeders} "
            f"must be at least {k}."
        )
    names = model.places["name"].tolist()
    place = np.array([names.index(c) for c in firms["county"]])
    x, y = to_km(firms["lat"].to_numpy(float), firms["lon"].to_numpy(float))
    x = x + rng.normal(0, PLACE_JITTER_KM / 3, k)
    y = y + rng.normal(0, PLACE_JITTER_KM / 3, k)
    herd = firms["herd_size"].to_numpy(int)
    owners = draw_owners(model, k)
    related = firms["owner_background_related"].to_numpy(bool)
    knowledge = p.knowledge_initial + p.related_background_bonus * related[:, None]
    owners["knowledge"] = np.clip(knowledge + rng.normal(0, 0.08, (k, 3)), 0.0, 1.0)
    owners["core_domain"] = owners["knowledge"].argmax(axis=1).astype(np.int8)
    owners["related_background"] = related
    # years in position are counted to the interviews (about 2019): age them to the start
    owners["owner_age"] = firms["owner_age"].to_numpy(float) - (2019 - p.start_year)
    shift = firms["relationship_type"].map(OPENNESS_BY_TYPE).to_numpy(float)
    owners["openness"] = np.clip(owners["openness"] + shift, 0.0, 1.0)
    owners["niche"] = firms["main_market"].map(NICHE_BY_MARKET).fillna(0).to_numpy(np.int8)
    seed_columns = {
        "x_km": x, "y_km": y, "place": place,
        "founded": firms["founded"].to_numpy(int),
        "entered_step": np.zeros(k, dtype=int),
        "seed_firm": firms["firm"].to_numpy(int),
        "synthetic": np.zeros(k, dtype=bool),
        "cash": p.initial_cash_per_alpaca * herd,
        "target_herd": herd * 1.2,
        "investor": rng.random(k) < p.investor_share,
        "exports": firms["trades_europe"].to_numpy(bool),
        "reputation": np.full(k, 0.5),
    } | owners
    seed_rows = add_breeders(model, seed_columns)

    n_extra = p.n_breeders - k
    small_share = DIRECTORY_SMALL / DIRECTORY_SIZE
    small_target = int(round(small_share * p.n_breeders)) - int((herd < 50).sum())
    n_small = int(np.clip(small_target, 0, n_extra))
    extra_herd = np.r_[
        rng.integers(SMALL_HERD_RANGE[0], SMALL_HERD_RANGE[1] + 1, n_small),
        np.clip(np.round(rng.lognormal(np.log(LARGE_HERD_MEDIAN), LARGE_HERD_SIGMA,
                                       n_extra - n_small)), 50, p.max_herd_size),
    ].astype(int)
    e_place, ex, ey = draw_places(model, n_extra)
    extra_rows = add_breeders(
        model, synthetic_columns(model, extra_herd, e_place, ex, ey, founded_within=15)
    )
    stock_herds(model, np.r_[seed_rows, extra_rows], np.r_[herd, extra_herd])
