"""Fuzzing the boundary: generated and mutated parameter sets, scenario files, event schedules
and command lines. Every case either runs (a few months of a small world, with finite
tables) or is refused with a short ValueError (the CLI: status 2, no traceback); nothing
else escapes. Each test prints how many cases it tried (see them with `pytest -s`).

Hypothesis runs derandomized, with fixed example counts and no deadline, so CI sees the
same cases every time.
"""

import builtins
import datetime
import math
import os
import pickle
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alpaca_abm
from alpaca_abm import cli
from alpaca_abm.events import EVENT_FIELDS, KINDS, SEGMENTS
from alpaca_abm.metrics import MAY_BE_MISSING
from alpaca_abm.params import PARAMETERS, AlpacaScenario
from alpaca_abm.scenarios import load_scenario, shipped_scenarios

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def fuzz(n, **more):
    """The fuzz settings with a fixed number of examples."""
    return settings(FUZZ, max_examples=n, **more)


MAX_STEPS = 6  # months per run: enough for events to fire and breeders to trade
NAMES = [p.name for p in PARAMETERS]
RUN_KEYS = {"n_breeders", "herd_size_median", "foundation_herd", "entry_rate"}


# --- values ---------------------------------------------------------------------------------
def mostly(valid, invalid, share=8):
    """`valid` in `share` of ten draws, else `invalid`."""
    return st.integers(0, 9).flatmap(lambda r: valid if r < share else invalid)


def junk():
    """Values of the wrong type or shape."""
    return st.one_of(
        st.text(max_size=12),
        st.sampled_from(["", "none", "true", "1e400", "nan", "-inf", "0x10", "__import__('os')"]),
        st.lists(st.integers(-3, 3), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.sampled_from([math.nan, math.inf, -math.inf, 10**400, -(10**30), 2**63]),
        st.booleans(),
        st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 1, 1)),
    )


def param_value(p):
    """A value for parameter `p`: mostly allowed (boundaries included), sometimes not."""
    if p.kind is bool:
        valid = st.booleans() | st.sampled_from(["true", "false"])
    elif p.choices:
        valid = st.sampled_from(p.choices)
    else:
        lo = -1e6 if p.low is None else p.low
        hi = 1e6 if p.high is None else p.high
        if p.name in RUN_KEYS:  # keep worlds small: a run is a few months of a few breeders
            hi = min(hi, {"n_breeders": 25, "herd_size_median": 80}.get(p.name, 20))
        if p.kind is int:
            valid = st.integers(int(math.ceil(lo)), int(math.floor(hi)))
        else:
            valid = st.floats(lo, hi, allow_nan=False) | st.sampled_from([lo, hi])
        if p.optional:
            valid = valid | st.sampled_from([None, "none"])
    off = []
    if p.low is not None:
        below = st.floats(-1e9, p.low, exclude_max=True)
        off.append(st.just(p.low - 1) if p.kind is int else below)
    if p.high is not None:
        above = st.floats(p.high, 1e9, exclude_min=True)
        off.append(st.just(p.high + 1) if p.kind is int else above)
    return mostly(valid, st.one_of(junk(), *off), share=9)


def misspell(name):
    return st.sampled_from(
        [name[:-1], name + "s", name.replace("_", ""), name.upper(), name[1:] + name[0]]
    )


@st.composite
def parameter_sets(draw, max_size=6):
    """A dict of parameter overrides; sometimes with a misspelt or unknown key."""
    chosen = draw(st.lists(st.sampled_from(PARAMETERS), max_size=max_size, unique_by=id))
    values = {p.name: draw(param_value(p)) for p in chosen}
    if "n_breeders" not in values:
        values["n_breeders"] = draw(st.integers(1, 25))
    if draw(st.integers(0, 9)) == 9:  # (Hypothesis draws small numbers first: 9 is rare)
        values[draw(misspell(draw(st.sampled_from(NAMES))))] = draw(st.integers(0, 5))
    return values


@st.composite
def events(draw):
    """One event as a scenario file or code would write it: often valid, often not."""
    kinds = sorted(KINDS)
    ev = {"kind": draw(mostly(st.sampled_from(kinds), st.sampled_from(["diseas", "", "tax"])))}
    ev["start"] = draw(
        mostly(
            st.integers(0, MAX_STEPS - 1) | st.sampled_from(["2006-01", "2006-03"]),
            st.sampled_from(["2006-13", "2005-12", "soon", -1, 1.5, 10**20, 50]),
        )
    )
    if draw(st.booleans()):
        ev["strength"] = draw(mostly(st.floats(-0.5, 1, allow_nan=False), junk()))
    if draw(st.booleans()):
        ev["duration"] = draw(mostly(st.integers(1, 24), st.sampled_from([0, -2, "none", 2.5])))
    fields = EVENT_FIELDS[4:] + ("strenght", "when")
    extra = draw(st.sets(st.sampled_from(fields), max_size=2)) if draw(st.booleans()) else ()
    for field in sorted(extra):
        ev[field] = draw(
            {
                "region": st.sampled_from(["Wales", "Devon", "Scotland", "Atlantis", "wales"]),
                "breeders": st.lists(st.integers(-1, 40), max_size=4) | st.integers(0, 40),
                "herds": st.integers(-1, 5),
                "segment": st.sampled_from([*SEGMENTS, "pets"]),
                "label": st.text(max_size=20),
            }.get(field, junk())
        )
    return ev


# --- checks ---------------------------------------------------------------------------------
def check_refusal(err, *names):
    """A refusal is a short message that names what it refers to."""
    text = str(err)
    assert text and len(text.splitlines()) <= 2, text
    assert len(text) < 600, text
    assert "Traceback" not in text
    if names:
        assert any(str(n) in text for n in names), (text, names)


def check_run(result):
    for frame in (result.model_df, result.agent_df):
        numbers = frame.select_dtypes("number").to_numpy(dtype=float)
        assert np.isfinite(numbers).all()
    # undefined figures (survival with no contract) are missing, never infinite
    assert all(
        np.isfinite(v) or (k in MAY_BE_MISSING and np.isnan(v)) for k, v in result.summary.items()
    )


def try_run(scenario, steps, seed, counts):
    try:
        result = alpaca_abm.run(scenario, steps=steps, rng=seed)
    except ValueError as err:  # e.g. an event after the run ends
        check_refusal(err)
        counts["refused at run"] += 1
        return
    check_run(result)
    counts["ran"] += 1


def report(what, counts):
    total = sum(counts.values())
    detail = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    print(f"\nfuzz {what}: {total} cases ({detail})")
    return total


# --- parameter sets ---------------------------------------------------------------------------
def test_fuzz_parameter_sets_run_or_are_refused():
    counts = Counter()

    @fuzz(300)
    @given(
        values=parameter_sets(),
        evs=st.lists(events(), max_size=2) | st.just([]),
        steps=st.integers(1, MAX_STEPS),
        seed=st.integers(0, 2**32),
    )
    def case(values, evs, steps, seed):
        try:
            scenario = AlpacaScenario(events=evs, **values)
        except ValueError as err:
            check_refusal(err, *values, "event", "seed")
            counts["refused"] += 1
            return
        try_run(scenario, steps, seed, counts)

    case()
    assert report("parameter sets", counts) >= 300
    assert counts["ran"] > 20 and counts["refused"] > 20


def test_fuzz_overrides_of_shipped_scenarios_and_run_arguments():
    counts = Counter()

    @fuzz(100)
    @given(
        name=st.sampled_from(sorted(shipped_scenarios())),
        values=parameter_sets(max_size=3),
        steps=st.integers(1, MAX_STEPS) | st.sampled_from([0, -5, 2.0, True, "12", 10**9]),
        seed=st.integers(0, 2**64) | st.sampled_from([-1, 1.5, "x", None, True]),
    )
    def case(name, values, steps, seed):
        values.setdefault("disease_start", "none")  # the shipped shocks start after a few months
        values.setdefault("brexit_month", "none")
        values["events"] = []
        values["n_breeders"] = (
            min(values["n_breeders"], 25)
            if isinstance(values["n_breeders"], int)
            else values["n_breeders"]
        )
        try:
            scenario = load_scenario(name).replace(**values)
            result = alpaca_abm.run(scenario, steps=steps, rng=seed)
        except ValueError as err:
            check_refusal(err)
            counts["refused"] += 1
            return
        check_run(result)
        counts["ran"] += 1

    case()
    assert report("shipped scenarios with overrides", counts) >= 100


# --- scenario files -------------------------------------------------------------------------
@st.composite
def scenario_documents(draw):
    doc = {}
    if draw(st.booleans()):
        doc["name"] = draw(mostly(st.text(max_size=30), st.integers()))
    if draw(st.booleans()):
        doc["description"] = draw(st.text(max_size=40))
    if draw(st.integers(0, 3)) == 3:
        doc["extends"] = draw(
            st.sampled_from(["baseline", "no_coopetition", "baselin", "../x.toml", "/", ""])
        )
    params = {
        k: v
        for k, v in draw(parameter_sets()).items()
        if v is not None  # TOML has no null ("none" stands for it)
    }
    doc["parameters"] = draw(mostly(st.just(params), junk(), share=9))
    if draw(st.booleans()):
        doc["events"] = draw(mostly(st.lists(events(), max_size=3), junk(), share=9))
    if draw(st.integers(0, 9)) == 9:
        doc[draw(st.sampled_from(["paramters", "event", "seed", "code"]))] = 1
    return doc


def toml_text(doc):
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):  # a document TOML cannot hold: write what it can
        return tomli_w.dumps({k: v for k, v in doc.items() if isinstance(v, str | dict)})


@st.composite
def mutated(draw, data):
    """Bytes of a file after a few random edits: cuts, repeats, stray (non-UTF-8) bytes."""
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        edit = draw(st.integers(0, 3))
        if edit == 0:
            del data[at : at + draw(st.integers(1, 8))]
        elif edit == 1:
            data[at:at] = draw(st.binary(min_size=1, max_size=4))
        elif edit == 2:
            data[at:at] = draw(st.sampled_from([b"=", b"[", b"]", b'"', b"\n", b"\xff", b"\x00"]))
        else:
            data = data[:at]
    return bytes(data)


def load_and_run(path, steps, seed, counts):
    try:
        scenario = load_scenario(path)
    except ValueError as err:
        check_refusal(err)
        counts["refused"] += 1
        return
    if scenario.n_breeders > 25 or scenario.herd_size_median > 80:
        scenario = scenario.replace(n_breeders=min(scenario.n_breeders, 25), herd_size_median=30)
    try_run(scenario, steps, seed, counts)


def test_fuzz_generated_and_mutated_scenario_files():
    counts = Counter()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.toml"

        @fuzz(300)
        @given(doc=scenario_documents(), data=st.data(), steps=st.integers(1, MAX_STEPS))
        def case(doc, data, steps):
            raw = toml_text(doc).encode("utf-8")
            if data.draw(st.integers(0, 2)) == 2:
                raw = data.draw(mutated(raw))
            path.write_bytes(raw)
            load_and_run(path, steps, 0, counts)

        case()
    assert report("scenario files", counts) >= 300
    assert counts["ran"] > 10 and counts["refused"] > 20


def test_fuzz_mutated_shipped_scenario_files():
    counts = Counter()
    shipped = {n: p.read_bytes() for n, p in sorted(shipped_scenarios().items())}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edited.toml"

        @fuzz(150)
        @given(name=st.sampled_from(sorted(shipped)), data=st.data())
        def case(name, data):
            path.write_bytes(data.draw(mutated(shipped[name])))
            load_and_run(path, MAX_STEPS, 1, counts)

        case()
    assert report("mutated shipped scenarios", counts) >= 150


# --- the command line -------------------------------------------------------------------------
def fake_write_run(result, out, **kwargs):
    """The run's tables only: plots take seconds and are not what is fuzzed here."""
    from alpaca_abm.io import atomic_write

    atomic_write(Path(out) / "model.csv", result.model_df.to_csv(index=False))


ARGUMENTS = st.one_of(
    st.tuples(st.just("--steps"), st.sampled_from(["3", "0", "-1", "x", "1e3", "99999999", ""])),
    st.tuples(st.just("--seed"), st.sampled_from(["0", "7", "-3", "1.5", "99999999999999999999"])),
    st.tuples(
        st.just("--set"),
        st.sampled_from(
            [
                "n_breeders=8",
                "n_breeders=0",
                "coopetion=false",
                "fairness=0.99",
                "openness_mean=[1]",
                "control_strength={a=1}",
                "=3",
                "novalue",
                "disease_start=2",
                "foundation_herd=150",
                "max_herd_size=20",
                "population=__import__('os')",
                "n_breeders=1e400",
            ]
        ),
    ),
    st.tuples(
        st.just("--event"),
        st.sampled_from(["disease:1:0.5", "brexit:2006-02", "tax:3", "demand:1", "price:99:-0.2"]),
    ),
    st.tuples(
        st.just("--scenario"),
        st.sampled_from(["baseline", "nope", ".", "/dev/null", "missing.toml", "no_coopetition"]),
    ),
    st.tuples(st.sampled_from(["--checkpoint-every", "--bogus"]), st.sampled_from(["2", "0", "x"])),
    st.tuples(st.sampled_from(["--resume", "--overwrite"])),
)


def test_fuzz_command_lines_exit_0_or_2_without_a_traceback(monkeypatch, capsys):
    counts = Counter()
    monkeypatch.setattr("alpaca_abm.report.write_run", fake_write_run)
    with tempfile.TemporaryDirectory() as folder:

        @fuzz(100, suppress_health_check=list(HealthCheck))
        @given(parts=st.lists(ARGUMENTS, max_size=4), index=st.integers(0, 10**9))
        def case(parts, index):
            out = Path(folder) / f"run{index}"
            argv = ["run", "--quiet", "--steps", "3", "--set", "n_breeders=6", "--out", str(out)]
            argv += [word for part in parts for word in part]
            try:
                code = cli.main(argv)
            except SystemExit as stop:  # argparse refuses what it cannot parse
                code = stop.code
            err = capsys.readouterr().err
            assert code in (0, 2), (argv, code, err)
            if code == 2:
                assert "Traceback" not in err and 0 < len(err.strip().splitlines()) <= 3, err
            counts["ran" if code == 0 else "refused"] += 1

        case()
    assert report("command lines", counts) >= 100
    assert counts["ran"] > 0 and counts["refused"] > 0


# --- data, never code -----------------------------------------------------------------------
def test_scenario_files_are_data_never_code(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the payload's marker is relative: a name short enough to load
    marker = tmp_path / "pwned"
    payload = "__import__('os').system('touch pwned')"
    scenario = tmp_path / "sneaky.toml"
    scenario.write_text(
        f'name = "{payload}"\n'
        f"description = '''{{{{7*7}}}} ${{HOME}} `touch {marker}` !!python/object:os.system'''\n"
        "[parameters]\n"
        "n_breeders = 6\n"
        "[[events]]\n"
        'kind = "rivalry"\n'
        "start = 1\n"
        f'label = "{payload}"\n',
        encoding="utf-8",
    )

    def forbidden(*args, **kwargs):
        raise AssertionError("scenario files must never be executed or unpickled")

    # a first run outside the guard, so that libraries' lazy imports (pandas reading the
    # places table pulls in pyarrow modules, and importing runs `exec`) are done before it
    alpaca_abm.run("baseline", steps=1, rng=0, n_breeders=6)
    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    sc = load_scenario(scenario)
    assert sc.name == payload and sc.events[0]["label"] == payload  # kept as text
    result = alpaca_abm.run(sc, steps=3, rng=0)
    assert result.events["label"].iloc[0] == payload
    for key, value in (
        ("population", payload),
        ("n_breeders", "__import__('os').getpid()"),
        ("__class__", 1),
    ):
        bad = tmp_path / "bad.toml"
        bad.write_text(tomli_w.dumps({"parameters": {key: value}}), encoding="utf-8")
        with pytest.raises(ValueError, match="bad.toml"):
            load_scenario(bad)
    extends = tmp_path / "ext.toml"
    extends.write_text('extends = "os.system"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown scenario 'os.system'"):
        load_scenario(extends)
    assert not marker.exists()


def test_unreadable_files_and_folders_are_refused_in_words(tmp_path, monkeypatch):
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(ValueError, match="is a folder"):
        load_scenario(folder)
    with pytest.raises(ValueError, match="is a folder"):
        load_scenario(tmp_path)
    with pytest.raises(ValueError, match="not a regular file"):
        load_scenario("/dev/null")
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 2_000_000 + b"\n")
    with pytest.raises(ValueError, match="too large"):
        load_scenario(big)
    latin = tmp_path / "latin.toml"
    latin.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ValueError, match="not UTF-8 text"):
        load_scenario(latin)
    locked = tmp_path / "locked.toml"
    locked.write_text("[parameters]\n")

    real_open = os.open

    def denied(path, *args, **kwargs):  # (tests run as root, for whom chmod 000 reads fine)
        if str(path).endswith("locked.toml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(ValueError, match="locked.toml cannot be read: Permission denied"):
        load_scenario(locked)


def test_extends_is_found_beside_the_file_and_named_when_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.toml").write_text("[parameters]\nn_breeders = 7\n")
    child = tmp_path / "sub" / "child.toml"
    child.write_text('extends = "base.toml"\n[parameters]\nstud_age = 40\n')
    sc = load_scenario(child)
    assert (sc.n_breeders, sc.stud_age) == (7, 40)
    orphan = tmp_path / "orphan.toml"
    orphan.write_text('extends = "gone.toml"\n')
    with pytest.raises(ValueError, match=r"orphan.toml: 'extends' = 'gone.toml'.*does not exist"):
        load_scenario(orphan)
    wrong = tmp_path / "sub" / "wrong.toml"
    wrong.write_text('extends = "base.toml"\n')
    (tmp_path / "sub" / "base.toml").write_text("[parameters]\nfairness = 2\n")
    with pytest.raises(ValueError, match=r"base.toml: parameter 'fairness'"):
        load_scenario(wrong)  # the error names the file that holds the bad value


def test_inconsistent_combinations_are_refused():
    with pytest.raises(ValueError, match="foundation_herd = 150 must not exceed max_herd_size"):
        AlpacaScenario(foundation_herd=150, max_herd_size=100)
    with pytest.raises(ValueError, match="herd_size_median"):
        AlpacaScenario(herd_size_median=900, max_herd_size=500)
    with pytest.raises(ValueError, match="after the run ends"):
        alpaca_abm.run(steps=12, disease_start=30, n_breeders=5)
    with pytest.raises(ValueError, match=r"seed \(rng\) = -1"):
        alpaca_abm.run(steps=2, rng=-1, n_breeders=5)
    with pytest.raises(ValueError, match="steps"):
        alpaca_abm.run(steps=10**9)
    assert AlpacaScenario(n_breeders=np.int64(7), fairness=np.float32(0.5)).n_breeders == 7


def test_cli_refuses_bad_output_folders_and_leaves_nothing_behind(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    base = ["run", "--quiet", "--steps", "2", "--set", "n_breeders=5"]
    for out, words in (
        (afile, "is a file, not a folder"),
        (afile / "sub", "is a file, not a folder"),
    ):
        assert cli.main([*base, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1, err
    assert afile.read_text() == "keep me"
    with pytest.raises(SystemExit) as stop:
        cli.main([*base, "--steps", "99999999", "--out", str(tmp_path / "x")])
    assert stop.value.code == 2 and "at most" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_cli_writes_all_results_or_none_when_the_disk_fails(tmp_path, capsys, monkeypatch):
    out = tmp_path / "r"
    calls = []
    from alpaca_abm import io as aio

    real = aio.atomic_write

    def flaky(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr("alpaca_abm.report.atomic_write", flaky)
    code = cli.main(["run", "--quiet", "--steps", "2", "--set", "n_breeders=5", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err and "Traceback" not in err
    assert not out.exists() or list(out.iterdir()) == []  # no partial results


def test_default_output_folder_is_a_safe_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli._default_out("../../etc/x y", 3) == Path("results") / "etc_x_y-seed3"
    assert cli._default_out("...", 0) == Path("results") / "run-seed0"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("n_breeders = {a = 1}", "{'a': 1}"),
        ("control_strength = [0.1, 0.2]", "[0.1, 0.2]"),
        ("fairness = 1979-05-27", "datetime.date(1979, 5, 27)"),
        ("openness_mean = nan", "nan"),
        ("coopetition = 1", "1"),
    ],
)
def test_a_table_array_or_date_where_a_value_belongs_is_refused_naming_all(tmp_path, line, shown):
    path = tmp_path / "typed.toml"
    path.write_text(f"[parameters]\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_scenario(path)
    text = str(err.value)
    field = line.split(" = ")[0]
    assert str(path) in text and f"'{field}'" in text and shown in text and "expected" in text
