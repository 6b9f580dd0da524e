"""The national herd as one struct-of-arrays: every alpaca a row, indexed by its owner.

One array per trait keeps a 100,000-breeder industry in memory and lets ageing, deaths,
matings and births run as numpy operations. Pure functions below take arrays and numbers
and return arrays; `Herd` only stores and grows them.
"""

from __future__ import annotations

import numpy as np

from . import portable as pm
from .fleece import POINTS_PER_MICRON
from .tables import grow_columns

MONTHS_PER_YEAR = 12
YEARLING_AGE = 12  # months: a female counts as breeding stock from a year old
NOT_PREGNANT = -1
NO_STUD = -1

# Colours are coded as integers; the demand for coloured animals is a shock in the market.
WHITE, COLOURED = 0, 1

_FIELDS = {
    "owner": np.int64,  # row of the owning breeder in the firm table (intp: no cast to index)
    "female": np.bool_,
    "age": np.int16,  # months
    "quality": np.float32,  # genetic fleece quality: fleece.quality_from_micron(genetic MFD)
    "fleece_env": np.float32,  # µm: permanent environmental deviation of the fleece (fleece.py)
    "other_merit": np.float32,  # points: what else a breeder judges (conformation, colour...)
    "colour": np.int8,
    "due_in": np.int8,  # months to birth, NOT_PREGNANT when open
    "sire_quality": np.float32,  # quality of the cria's sire while pregnant
    "sire_colour": np.int8,
    "stud": np.bool_,  # a male kept as a working stud
    "rested": np.bool_,  # a female her breeder leaves unmated this season (finance.plan_matings)
    "served": np.int16,  # matings a stud has served this season
    "alive": np.bool_,
}


class Herd:
    """Growable struct-of-arrays for all animals; dead rows are dropped by `compact`."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        for name, dtype in _FIELDS.items():
            setattr(self, name, np.zeros(capacity, dtype=dtype))

    def __len__(self) -> int:
        return self.n

    @property
    def capacity(self) -> int:
        return len(self.owner)

    def view(self, name: str) -> np.ndarray:
        """The live part of one trait array."""
        return getattr(self, name)[: self.n]

    def add(self, **traits: np.ndarray) -> np.ndarray:
        """Append animals (traits as equal-length arrays); return their row indices."""
        k = len(traits["owner"])
        grow_columns(self, _FIELDS, self.n, self.n + k)
        rows = np.arange(self.n, self.n + k)
        defaults = {"due_in": NOT_PREGNANT, "alive": True}
        for name in _FIELDS:
            value = traits.get(name, defaults.get(name, 0))
            getattr(self, name)[rows] = value
        self.n += k
        return rows

    def compact(self) -> np.ndarray:
        """Drop dead rows; return the old-row → new-row map (-1 for dropped rows)."""
        alive = self.alive[: self.n].copy()  # a copy: the column itself is overwritten below
        n_kept = int(np.count_nonzero(alive))
        if n_kept == self.n:  # nobody died or left: nothing moves
            return np.arange(self.n, dtype=np.int64)
        remap = alive.astype(np.int64)  # (a cumsum over int64 is several times one over bool)
        np.cumsum(remap, out=remap)  # new row of each kept row, plus one
        remap -= 1
        remap[np.flatnonzero(~alive)] = -1
        for name in _FIELDS:  # each column's kept rows (a boolean gather is a copy) move down
            arr = getattr(self, name)  # (faster than np.take of their indices)
            if name == "alive":  # the kept rows are the living ones: no gather
                arr[:n_kept] = True
            else:
                arr[:n_kept] = arr[: self.n][alive]
        self.n = n_kept
        return remap

    def counts_by_owner(self, n_owners: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Live animals per owner row (optionally only where `mask`)."""
        alive, owner = self.view("alive"), self.view("owner")
        if mask is None:  # nearly all rows are alive: a boolean index is the fast path
            if alive.all():  # just compacted: no index at all
                return np.bincount(owner, minlength=n_owners)
            return np.bincount(owner[alive], minlength=n_owners)
        # a sparse or scattered mask: indices first (several times faster than owner[mask])
        return np.bincount(owner[np.flatnonzero(alive & mask)], minlength=n_owners)

    def state(self) -> dict[str, np.ndarray]:
        """Copies of the live arrays (for checkpoints and tests)."""
        return {name: self.view(name).copy() for name in _FIELDS}


# ---------------------------------------------------------------------------------------
# Pure mechanics over arrays
# ---------------------------------------------------------------------------------------


def monthly_death_probability(
    age: np.ndarray,
    adult_rate: float,
    cria_rate: float,
    max_age: int,
    health_knowledge: np.ndarray,
    health_effect: float,
    owner: np.ndarray | None = None,
) -> np.ndarray:
    """Chance each animal dies this month: cria or adult yearly rate, cut by health knowledge.

    Animals at `max_age` die for certain. With `owner`, `health_knowledge` is per owner
    (rates are then worked out once per owner that has animals, not once per animal).
    """
    to_monthly = lambda yearly: 1.0 - pm.power(1.0 - yearly, 1.0 / MONTHS_PER_YEAR)  # noqa: E731
    if owner is not None:  # one gather from a table [cria rates, adult rates, certain death]
        n_o = len(health_knowledge)
        held = np.flatnonzero(np.bincount(owner, minlength=n_o))  # (most firm rows have exited)
        cut = 1.0 - health_effect * health_knowledge[held]
        table = np.ones(2 * n_o + 1)  # (rows of owners without animals are never read)
        table[held] = to_monthly(cria_rate * cut)
        table[n_o + held] = to_monthly(adult_rate * cut)
        pick = owner.astype(np.intp)
        np.add(pick, n_o, out=pick, where=age >= MONTHS_PER_YEAR)  # adults: the second third
        old = np.flatnonzero(age >= max_age)
        pick[old] = 2 * n_o
        return table[pick]
    cut = 1.0 - health_effect * health_knowledge
    cria, adult = to_monthly(cria_rate * cut), to_monthly(adult_rate * cut)
    monthly = np.where(age < MONTHS_PER_YEAR, cria, adult)
    return np.where(age >= max_age, 1.0, monthly)


def offspring_colour(
    dam_colour: np.ndarray, sire_colour: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Colour of crias: taken from dam or sire with equal chance."""
    from_dam = rng.random(len(dam_colour)) < 0.5
    return np.where(from_dam, dam_colour, sire_colour).astype(np.int8)


def gestation_draw(n: int, gestation_months: float, rng: np.random.Generator) -> np.ndarray:
    """Months to birth for `n` new pregnancies: floor or ceil of the mean, so the mean holds."""
    base = int(np.floor(gestation_months))
    frac = gestation_months - base
    return (base + (rng.random(n) < frac)).astype(np.int8)


def perceived_quality(
    quality: np.ndarray,
    noise_sd: np.ndarray | float,
    rng: np.random.Generator,
    environment: np.ndarray | None = None,
) -> np.ndarray:
    """Quality as a breeder judges it: the fleece it can see plus judging noise that breeding
    knowledge shrinks.

    With `environment` (the animals' `fleece_env`, µm) the breeder sees the phenotype, genetic
    value plus the permanent environmental deviation (age-corrected: breeders compare animals
    of an age), so even a perfect judge selects with the accuracy the heritability allows.
    Without it, the genetic value itself is judged (the older behaviour).
    """
    seen = rng.standard_normal(len(quality))  # (= normal(0, 1), draw for draw), in place
    seen *= noise_sd
    seen += quality
    if environment is not None:
        seen -= POINTS_PER_MICRON * environment
    return seen


def visible_merit(herd: Herd, rows: np.ndarray) -> np.ndarray:
    """What a perfect judge sees of herd `rows`, in quality points: the fleece phenotype
    (genetic value + environment) plus the other traits it weighs (`seen_quality` without
    the judging noise)."""
    return herd.quality[rows] - POINTS_PER_MICRON * herd.fleece_env[rows] + herd.other_merit[rows]


def seen_quality(
    herd: Herd, rows: np.ndarray, noise_sd: np.ndarray | float, rng: np.random.Generator
) -> np.ndarray:
    """Merit of herd `rows` as a breeder judges it, in quality points: the fleece phenotype
    (genetic value + environment), plus the other traits it weighs (`other_merit`:
    conformation, density, colour, presence; permanent, not fleece), plus judging noise."""
    seen = perceived_quality(herd.quality[rows], noise_sd, rng, herd.fleece_env[rows])
    seen += herd.other_merit[rows]
    return seen


def breeding_females(herd: Herd, retire_age: int) -> np.ndarray:
    """Herd rows of breeding females: alive, a year old or more, not retired."""
    age = herd.view("age")
    return np.flatnonzero(
        herd.view("alive") & herd.view("female") & (age >= YEARLING_AGE) & (age < retire_age)
    )


def breeding_stock(
    herd: Herd, n_f: int, retire_age: int, females: np.ndarray | None = None
) -> np.ndarray:
    """Each breeder's breeding females (a year old or more, not retired): what its herd plan
    counts, so that the season's crias and the males awaiting sale do not look like surplus.
    `females`: their herd rows (breeding_females), when already found this month."""
    if females is None:
        females = breeding_females(herd, retire_age)
    return np.bincount(herd.owner[females], minlength=n_f)
