"""Life in the herd: every animal grows a month older, some die, due dams give birth.

Pure rules are in `herd` (death chances, colour, gestation) and `fleece` (inheritance of
fibre diameter); this module applies them to the month's herd and counts what happened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import fleece
from .breeder import HEALTH
from .herd import NOT_PREGNANT, monthly_death_probability, offspring_colour

if TYPE_CHECKING:
    from .state import Industry


def age_and_die(state: Industry) -> None:
    """Every animal grows a month older; some die (fewer where health knowledge is high).
    Parameters: the herd group (mortality, maximum age) and the knowledge group (health)."""
    life, known = state.scenario.group("herd"), state.scenario.group("knowledge")
    herd, firms = state.herd, state.firms
    alive, age, owner = herd.view("alive"), herd.view("age"), herd.view("owner")
    everyone = alive.all()  # the usual case: rows were compacted at the end of last month
    if everyone:
        age += 1
    else:
        np.add(age, 1, out=age, where=alive)
    chance = monthly_death_probability(
        age,
        life.adult_mortality,
        life.cria_mortality,
        life.max_age,
        firms.knowledge[: firms.n, HEALTH],
        known.health_effect,
        owner,
    )
    # one draw per row, dead rows included (there are none: rows are compacted monthly)
    draw = state.rng.random(herd.n) < chance
    dead = np.flatnonzero(draw if everyone else alive & draw)
    herd.alive[dead] = False
    n_f = firms.n
    firms.deaths[:n_f] += np.bincount(owner[dead], minlength=n_f)
    state.month_stats["deaths"] += len(dead)


def give_birth(state: Industry) -> None:
    """Pregnancies advance a month; due dams give birth to one cria each. Parameters: the
    genetics group (fibre diameter and its inheritance)."""
    g, herd, rng = state.scenario.group("genetics"), state.herd, state.rng
    due = herd.view("due_in")
    carrying = np.flatnonzero(herd.view("alive") & (due > 0))
    due[carrying] -= 1
    dams = carrying[due[carrying] == 0]
    if len(dams) == 0:
        return
    owners = herd.owner[dams].copy()
    mendelian = fleece.mendelian_cv(g.micron_sd, g.micron_mean, g.micron_floor)
    ceiling = fleece.quality_ceiling(g.micron_floor)
    quality = fleece.inherit_quality(
        herd.quality[dams], herd.sire_quality[dams], mendelian, ceiling, rng
    )
    colour = offspring_colour(herd.colour[dams], herd.sire_colour[dams], rng)
    herd.due_in[dams] = NOT_PREGNANT
    herd.add(
        owner=owners,
        female=rng.random(len(dams)) < 0.5,
        age=np.zeros(len(dams)),
        quality=quality,
        colour=colour,
        fleece_env=fleece.draw_environment(len(dams), g.micron_sd, g.fd_heritability, rng),
        other_merit=fleece.draw_other_merit(
            len(dams), g.micron_sd, g.fd_heritability, g.fd_selection_share, rng
        ),
    )
    np.add.at(state.firms.births, owners, 1)
    state.month_stats["births"] += len(dams)
