"""Fleece in microns: the genetic trait, what a breeder sees, the world elite, band prices.

The genetic trait of every alpaca is its mean fibre diameter (MFD) in micrometres at the
reference age of two years: lower is finer and worth more. The herd stores it as
`herd.quality`, a fixed linear transform (higher = finer) so that code comparing qualities
keeps its meaning:

    quality = QUALITY_REFERENCE + POINTS_PER_MICRON * (MICRON_REFERENCE - micron)

27 µm is 50 points and one micron is 4 points. Genetic values live above a biological
floor (`micron_floor`, the finest fleeces alpacas grow) and are inherited additively on the
log of their distance to it, so additive variance in microns shrinks as a herd gets finer
and quality can never pass `quality_from_micron(micron_floor)` (100 points at the default
floor of 14.5 µm). A fleece as shorn is the genetic value, plus a permanent environmental
deviation of the animal (`fleece_env`, sized from the heritability), plus the coarsening
with age that runs until about 7.5 years (McGregor & Butler).

Sale: a clip sells by micron band at absolute prices (`data/fleece_bands.csv`), so a finer
national herd earns more from fibre. Pure functions below take arrays and numbers;
the yearly clip over the herd, firm table and contracts is `shearing.sell_fibre`.
"""

from __future__ import annotations

import math

import numpy as np

from . import portable as pm

MICRON_REFERENCE = 27.0  # µm that maps to QUALITY_REFERENCE points (the 2006 starting mean)
QUALITY_REFERENCE = 50.0  # points at MICRON_REFERENCE: the index the older model used
POINTS_PER_MICRON = 4.0  # points per µm finer: one starting genetic sd (2.4 µm) ~ 10 points
MONTHS_PER_YEAR = 12
REFERENCE_AGE_MONTHS = 24  # genetic values are MFD at two years, when breeders first test
COARSENING_END_MONTHS = 90  # MFD rises until about 7.5 years (McGregor & Butler)
FIRST_FLEECE_MONTHS = 12  # crias are first shorn as yearlings
WORLD_ELITE_YEAR = 2006  # the calendar year at which `world_elite_micron` is given
POOL_REFERENCE_KG = 1000.0  # pooled volume at which the scale bonus reaches one doubling
MIN_EXCESS = 1e-3  # µm: numerical guard above the floor (never reached in practice)


# --- the transform ------------------------------------------------------------------------


def quality_from_micron(micron: np.ndarray | float) -> np.ndarray | float:
    """Quality index (higher = finer) of a genetic MFD in µm: the documented linear transform."""
    return QUALITY_REFERENCE + POINTS_PER_MICRON * (MICRON_REFERENCE - np.asarray(micron))


def micron_from_quality(quality: np.ndarray | float) -> np.ndarray | float:
    """Genetic MFD in µm of a quality index: the inverse of `quality_from_micron`."""
    excess = np.subtract(quality, QUALITY_REFERENCE)
    if isinstance(excess, np.ndarray) and excess.dtype.kind == "f":  # in place: one array
        excess /= POINTS_PER_MICRON
        return np.subtract(MICRON_REFERENCE, excess, out=excess)
    return MICRON_REFERENCE - excess / POINTS_PER_MICRON


def quality_sd(micron_sd: float) -> float:
    """The sd of quality (points) that a genetic sd of `micron_sd` µm makes."""
    return POINTS_PER_MICRON * micron_sd


def quality_ceiling(micron_floor: float) -> float:
    """The highest quality any alpaca can have: the index of the biological micron floor."""
    return float(quality_from_micron(micron_floor))


# --- genetics -----------------------------------------------------------------------------


def log_excess_sd(micron_sd: float, micron_mean: float, micron_floor: float) -> float:
    """Genetic sd on the log scale of micron above the floor, for a herd of this mean and sd."""
    return micron_sd / max(micron_mean - micron_floor, MIN_EXCESS)


def draw_genetic_micron(
    n: int, mean: float, sd: float, floor: float, rng: np.random.Generator
) -> np.ndarray:
    """Genetic MFD (µm) of `n` founders: log-normal above the floor with about this mean and sd."""
    excess = max(mean - floor, MIN_EXCESS)
    return floor + excess * pm.exp(rng.normal(0.0, log_excess_sd(sd, mean, floor), n))


def inherit_quality(
    dam_quality: np.ndarray,
    sire_quality: np.ndarray,
    mendelian_cv: float,
    ceiling: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Crias' quality: the parents' mean on the log of the distance to the ceiling (micron
    above the floor) plus Mendelian sampling, so crias never pass the ceiling and variance
    shrinks as a herd nears it (infinitesimal model on the log scale)."""
    d = pm.log(np.maximum(ceiling - dam_quality, MIN_EXCESS * POINTS_PER_MICRON))
    s = pm.log(np.maximum(ceiling - sire_quality, MIN_EXCESS * POINTS_PER_MICRON))
    u = 0.5 * (d + s) + rng.normal(0.0, mendelian_cv, size=len(d))
    return ceiling - pm.exp(u)


def mendelian_cv(micron_sd: float, micron_mean: float, micron_floor: float) -> float:
    """Mendelian sampling sd on the log-excess scale: half the base herd's additive variance."""
    return log_excess_sd(micron_sd, micron_mean, micron_floor) / np.sqrt(2.0)


def environment_sd(micron_sd: float, heritability: float) -> float:
    """Sd (µm) of the permanent environmental deviation that gives the fleece its heritability:
    h2 = var(A) / (var(A) + var(E))."""
    return micron_sd * float(np.sqrt((1.0 - heritability) / heritability))


def draw_environment(
    n: int, micron_sd: float, heritability: float, rng: np.random.Generator
) -> np.ndarray:
    """Permanent environmental deviations (µm) of `n` new animals (nutrition, rearing)."""
    return rng.normal(0.0, environment_sd(micron_sd, heritability), n)


def other_merit_sd(micron_sd: float, heritability: float, fd_selection_share: float) -> float:
    """Sd (points) of the non-fleece traits a breeder judges, such that the fleece phenotype
    makes up `fd_selection_share` of the variance of the merit it selects on."""
    phenotype_sd = POINTS_PER_MICRON * micron_sd / np.sqrt(heritability)
    share = min(max(fd_selection_share, 1e-6), 1.0)
    return float(phenotype_sd * np.sqrt((1.0 - share) / share))


def draw_other_merit(
    n: int, micron_sd: float, heritability: float, share: float, rng: np.random.Generator
) -> np.ndarray:
    """Judged non-fleece merit (points) of `n` new animals: permanent, not inherited."""
    return rng.normal(0.0, other_merit_sd(micron_sd, heritability, share), n)


def age_effect(age_months: np.ndarray, coarsening: float) -> np.ndarray:
    """µm added to the genetic MFD by age: `coarsening` a year from two years to 7.5, finer
    before two (a yearling's first fleece), flat after 7.5 (McGregor & Butler)."""
    years = np.clip(age_months, FIRST_FLEECE_MONTHS, COARSENING_END_MONTHS) - REFERENCE_AGE_MONTHS
    return coarsening * years / MONTHS_PER_YEAR


def phenotype_micron(
    quality: np.ndarray, age_months: np.ndarray, environment: np.ndarray, coarsening: float
) -> np.ndarray:
    """MFD (µm) of the fleece as shorn: genetic value + age effect + permanent environment."""
    micron = micron_from_quality(quality) + age_effect(age_months, coarsening) + environment
    return np.maximum(micron, MIN_EXCESS)


# --- the world elite ----------------------------------------------------------------------


def world_elite_micron(year: float, level: float, gain: float, floor: float) -> float:
    """Genetic MFD (µm) of the elite studs on the world (import) market in `year`.

    Its own trend, not the UK herd's: the selected herds of Peru and Australia close a share
    `gain` of their distance to the biological floor each year from `level` in 2006.
    """
    excess = max(level - floor, MIN_EXCESS)
    return float(floor + excess * math.exp(-gain * (year - WORLD_ELITE_YEAR)))


# --- the clip and its sale ----------------------------------------------------------------


def band_price(
    micron: np.ndarray, coloured: np.ndarray, bands: dict[str, np.ndarray], anchor_price: float
) -> np.ndarray:
    """GBP per kg of each fleece by micron band and colour: the band table's relative prices
    scaled so that the anchor band (white) sells at `anchor_price`."""
    idx = np.searchsorted(bands["micron_below"], micron, side="right")
    idx = np.minimum(idx, len(bands["micron_below"]) - 1)
    rel = np.where(coloured, bands["relative_coloured"][idx], bands["relative_white"][idx])
    return anchor_price * rel


def pool_price_factor(pooled_kg: float, scale_bonus: float, reference_kg: float) -> float:
    """Price gain of the national fibre pool: `scale_bonus` per doubling of pooled volume."""
    return float(1.0 + scale_bonus * math.log2(1.0 + pooled_kg / reference_kg))
