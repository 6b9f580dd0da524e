"""Issue #25, cases 7, 8 and 9, and issue #22's `--resume` on a finished run: checkpoint
members whose declared size is not what they store, correctly hashed checkpoints of the
wrong types, errors inside the simulation reported as internal errors (exit 1, the
traceback saved beside the results), never as the user's mistake."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from alpaca_abm import AlpacaModel, cli

from helpers import members, repack

RUN = ["run", "--quiet", "--steps", "4", "--set", "n_breeders=6", "--seed", "3"]


def huge_member(path, shape=(10**15,)):
    """Any file named checkpoint.npz whose header member declares a huge array."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        head = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            head, {"descr": "|u1", "fortran_order": False, "shape": shape}
        )
        archive.writestr("header.npy", head.getvalue() + b"{}")
        state = io.BytesIO()
        np.save(state, np.frombuffer(b"{}", np.uint8))
        archive.writestr("state.npy", state.getvalue())
    path.write_bytes(buf.getvalue())
    return path


def test_a_member_declaring_a_huge_shape_is_refused_before_loading(tmp_path):
    path = huge_member(tmp_path / "checkpoint.npz")
    with pytest.raises(ValueError, match="declares 1,000,000,000,000,000 bytes"):
        AlpacaModel.load(path)


def test_a_huge_member_through_the_cli_exits_2_naming_the_file(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    huge_member(out / "checkpoint.npz")
    assert cli.main([*RUN, "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "checkpoint.npz" in err and "Traceback" not in err


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    model = AlpacaModel(rng=3, n_breeders=6)
    for _ in range(3):
        model.step()
    return model.save(tmp_path_factory.mktemp("ck") / "m.npz")


def _forge(saved, out, change):
    """A correctly hashed copy of `saved` whose state document is changed by `change`."""
    parts = members(saved)
    document = json.loads(parts["state"].tobytes())
    change(document, parts)
    parts["state"] = np.frombuffer(json.dumps(document).encode(), dtype=np.uint8)
    return repack(out, parts)


def _attributes_node(document):
    keys = [k for k in document["k"]]
    return document["v"][keys.index("attributes")]


def _find_attr(node, name):
    keys = node["k"]
    return node["v"][keys.index(name)]


@pytest.mark.parametrize(
    "kind, forge",
    [
        ("float as complex", lambda a: a.astype(np.complex128)),
        ("float as text", lambda a: a.astype("U8")),
        ("int as float", None),
    ],
)
def test_correctly_hashed_arrays_of_the_wrong_dtype_are_refused(saved, tmp_path, kind, forge):
    def change(document, parts):
        attrs = _attributes_node(document)
        herd = _find_attr(attrs, "herd")
        name = "age" if forge is None else "quality"
        number = _find_attr(herd, name)["a"]
        array = parts[f"a{number}"]
        parts[f"a{number}"] = array.astype(float) if forge is None else forge(array)

    path = _forge(saved, tmp_path / "f.npz", change)
    with pytest.raises(ValueError, match="damaged checkpoint .*herd"):
        AlpacaModel.load(path)


def test_a_model_attribute_named_step_is_refused(saved, tmp_path):
    def change(document, parts):
        attrs = _attributes_node(document)
        attrs["k"].append("step")
        attrs["v"].append(5)

    path = _forge(saved, tmp_path / "s.npz", change)
    with pytest.raises(ValueError, match="'step', a name of its class"):
        AlpacaModel.load(path)


def test_an_unknown_model_attribute_is_refused(saved, tmp_path):
    def change(document, parts):
        attrs = _attributes_node(document)
        attrs["k"].append("smuggled")
        attrs["v"].append(1)

    with pytest.raises(ValueError, match="no attribute 'smuggled'"):
        AlpacaModel.load(_forge(saved, tmp_path / "u.npz", change))


def test_a_nan_where_the_model_holds_a_number_is_refused_naming_the_file(saved, tmp_path):
    def change(document, parts):
        attrs = _attributes_node(document)
        market = _find_attr(attrs, "market")
        keys = market["k"]
        market["v"][keys.index("price")] = {"$": "float", "v": "nan"}

    path = _forge(saved, tmp_path / "n.npz", change)
    with pytest.raises(ValueError, match=r"n\.npz: damaged checkpoint .*market\.price"):
        AlpacaModel.load(path)


def test_an_array_where_the_model_holds_a_list_is_refused(saved, tmp_path):
    """The market's year of sales by month is a list of 12 months; a checkpoint holding one
    array there (as the 12 x segments x breeders ring once was) is refused, not run."""

    def change(document, parts):
        market = _find_attr(_attributes_node(document), "market")
        keys = market["k"]
        year = market["v"][keys.index("sales_year")]  # saved after the ring: moved into it
        market["v"][keys.index("sales_ring")] = year
        market["v"][keys.index("sales_year")] = {"$": "ref", "n": year["n"]}

    path = _forge(saved, tmp_path / "r.npz", change)
    with pytest.raises(ValueError, match=r"damaged checkpoint .*market\.sales_ring .*not a list"):
        AlpacaModel.load(path)


def test_an_error_inside_the_simulation_is_internal_exit_1_with_the_traceback_saved(
    tmp_path, capsys, monkeypatch
):
    from alpaca_abm import model as model_module

    def broken(self):
        raise ValueError("data must be finite")  # what a bug deep in the model may raise

    monkeypatch.setattr(model_module.AlpacaModel, "step", broken)
    out = tmp_path / "out"
    assert cli.main([*RUN, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "internal error in the simulation (ValueError: data must be finite)" in err
    assert "not of your input" in err and "Traceback" not in err
    saved_tb = out / cli.ERROR_FILE
    assert "Traceback" in saved_tb.read_text() and "broken" in saved_tb.read_text()
    monkeypatch.setenv("ALPACA_ABM_TRACEBACK", "1")
    assert cli.main([*RUN, "--out", str(tmp_path / "o2")]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_an_input_error_is_still_exit_2_naming_the_field(tmp_path, capsys):
    assert cli.main([*RUN, "--set", "n_breeders=-4", "--out", str(tmp_path / "x")]) == 2
    assert "n_breeders" in capsys.readouterr().err


def test_resume_on_a_finished_run_says_so_and_exits_0(tmp_path, capsys):
    out = tmp_path / "done"
    assert cli.main([*RUN, "--out", str(out)]) == 0
    before = (out / "model.csv").read_bytes()
    capsys.readouterr()
    assert cli.main([*RUN, "--out", str(out), "--resume"]) == 0
    assert "finished: nothing to resume" in capsys.readouterr().out
    assert (out / "model.csv").read_bytes() == before
    # another run's --resume into the same folder is still refused
    assert cli.main([*RUN[:-1], "4", "--out", str(out), "--resume"]) == 2


@pytest.mark.parametrize(
    "table, column, damage, words",
    [
        ("herd", "quality", lambda a: np.where(np.arange(len(a)) == 0, np.nan, a), "herd.quality"),
        ("firms", "cash", lambda a: np.full_like(a, np.inf), "firms.cash holds NaN"),
        ("herd", "age", lambda a: a - 10_000, "herd.age holds negative counts"),
        ("firms", "births", lambda a: a - 5, "firms.births holds negative counts"),
    ],
)
def test_a_checkpoint_breaking_the_models_invariants_is_an_input_error_naming_the_file(
    tmp_path, capsys, table, column, damage, words
):
    out = tmp_path / "out"
    argv = [*RUN, "--out", str(out), "--checkpoint-every", "2"]
    from alpaca_abm import runner

    real = runner.run_model

    def stop_after_checkpoint(model, steps, **kw):  # a run "killed" after month 2's checkpoint
        return real(model, 2, **kw) and (_ for _ in ()).throw(KeyboardInterrupt)

    runner.run_model = stop_after_checkpoint
    try:
        assert cli.main(argv) == 130
    finally:
        runner.run_model = real
    capsys.readouterr()
    path = out / "checkpoint.npz"

    def change(document, parts):
        number = _find_attr(_find_attr(_attributes_node(document), table), column)["a"]
        parts[f"a{number}"] = damage(parts[f"a{number}"]).astype(parts[f"a{number}"].dtype)

    _forge(path, path, change)
    assert cli.main([*argv, "--resume"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and words in err and "internal error" not in err


def test_an_error_inside_a_comparison_is_internal_exit_1_not_blamed_on_the_input(
    tmp_path, capsys, monkeypatch
):
    """`compare` runs its seeds after every input was checked: an error raised inside one
    of them is alpaca-abm's fault (exit 1, traceback saved), not a usage error (exit 2)."""
    from alpaca_abm import model as model_module

    def broken(self):
        raise ValueError("data must be finite")

    monkeypatch.setattr(model_module.AlpacaModel, "step", broken)
    out = tmp_path / "cmp"
    argv = ["compare", "baseline", "baseline", "--seeds", "2", "--steps", "3", "--jobs", "1"]
    assert cli.main([*argv, "--quiet", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "internal error in the simulation (ValueError: data must be finite)" in err
    assert "Traceback" in (out / cli.ERROR_FILE).read_text()
