"""Checkpoints are data: a crafted file never runs code, every identifying field is covered
by the hash, a correctly hashed file of the wrong structure is refused in one clear line, and
saving a state that holds an unknown class fails naming the class."""

import json
import os
import pickle
import pickletools
import subprocess

import numpy as np
import pytest

import alpaca_abm
from alpaca_abm import AlpacaModel, checkpoint
from alpaca_abm.checkpoint import UnknownStateError, load_model, read_header

from helpers import CLI, checkout_env, members, rewrite_header, with_state


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    model = AlpacaModel(rng=0, n_breeders=8)
    model.step()
    return model.save(tmp_path_factory.mktemp("ck") / "c.npz", steps=12, checkpoint_every=1)


def stack_global_pickle(marker):
    """A protocol-4 pickle that reaches subprocess.Popen through numpy.f2py with
    STACK_GLOBAL (dotted name) and calls it with REDUCE: `sh -c 'touch MARKER'`."""
    ops = b"\x80\x04"  # PROTO 4
    for text in ("numpy.f2py", "subprocess.Popen"):
        raw = text.encode()
        ops += b"\x8c" + bytes([len(raw)]) + raw  # SHORT_BINUNICODE
    ops += b"\x93"  # STACK_GLOBAL
    ops += b"("  # MARK
    for text in ("sh", "-c", f"touch {marker}"):
        raw = text.encode()
        ops += b"\x8c" + bytes([len(raw)]) + raw
    ops += b"l" + b"\x85" + b"R" + b"."  # LIST, TUPLE1, REDUCE, STOP
    pickletools.dis(ops, out=open(os.devnull, "w"))  # a well-formed pickle
    return ops


def test_the_crafted_pickle_would_run_code_if_unpickled(tmp_path):
    """The attack is real: plain pickle.loads of it creates the marker (so the tests below,
    where no marker appears, show the loader refusing it, not a broken attack)."""
    marker = tmp_path / "pwned"
    proc = pickle.loads(stack_global_pickle(marker))
    proc.wait()
    assert marker.exists()


def test_a_format_1_pickle_checkpoint_reaching_subprocess_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    header = {"format": 1, "versions": {}, "payload_sha256": "x"}
    evil = tmp_path / "run" / "checkpoint.npz"
    evil.parent.mkdir()
    evil.write_bytes(
        b"ALPACA-ABM-CHECKPOINT\n"
        + json.dumps(header).encode()
        + b"\n"
        + stack_global_pickle(marker)
    )
    with pytest.raises(ValueError, match="format 1 .a pickle"):
        load_model(evil, AlpacaModel)
    args = ["run", "--steps", "12", "--set", "n_breeders=8", "--out", str(evil.parent)]
    done = subprocess.run(
        [*CLI, *args, "--resume", "--quiet"], capture_output=True, text=True, env=checkout_env()
    )
    assert done.returncode == 2 and "a pickle" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not marker.exists()


def test_an_npz_member_holding_a_pickle_is_refused_and_runs_nothing(saved, tmp_path):
    """An object array inside the archive (a pickle in .npy form), correctly hashed."""
    marker = tmp_path / "pwned"
    parts = members(saved)
    forged = tmp_path / "forged.npz"
    header = json.loads(parts["header"].tobytes())
    header["arrays"] += 1
    parts["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    with open(forged, "wb") as handle:
        evil = np.empty(1, dtype=object)
        evil[0] = _Touch(str(marker))
        np.savez(handle, **parts, **{f"a{header['arrays'] - 1}": evil})
    with pytest.raises(ValueError, match="damaged checkpoint"):
        load_model(forged, AlpacaModel)
    assert not marker.exists()


class _Touch:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (subprocess.call, (["touch", self.path],))


@pytest.mark.parametrize(
    "document",
    [
        {},
        5,
        [],
        "x",
        {"$": "object", "cls": "Popen", "n": 0, "k": [], "v": []},
        {"$": "object", "cls": "subprocess.Popen", "n": 0, "k": [], "v": []},
        {"$": "agent", "cls": "FirmTable", "n": 0, "id": 1, "k": [], "v": []},
        {"$": "ref", "n": 7},
        {"$": "array", "n": 0, "a": 10**9},
        {"$": "dict", "n": 0, "k": [{"$": "list", "n": 1, "v": []}], "v": [1]},
        {"$": "generator", "n": 0, "bit": "os.system", "state": {}},
        {"$": "defaultdict", "n": 0, "f": "eval", "k": [], "v": []},
    ],
)
def test_a_correctly_hashed_checkpoint_of_the_wrong_structure_is_refused_clearly(
    saved, tmp_path, document
):
    forged = with_state(saved, tmp_path / "wrong.npz", document)
    read_header(forged)  # the hash is right: the forgery passes that check
    with pytest.raises(ValueError, match=r"damaged checkpoint \(") as err:
        load_model(forged, AlpacaModel)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_every_header_field_is_covered_by_the_hash(saved, tmp_path):
    """Editing only the seed (or steps, a parameter, a version-free field) is caught."""
    edits = {
        "seed": lambda h: h["run"].update(seed=1),
        "steps": lambda h: h["meta"].update(steps=24),
        "parameter": lambda h: h["run"]["parameters"].update(n_breeders=9),
        "events": lambda h: h["run"]["events"].append({"kind": "rivalry", "start": 3}),
        "name": lambda h: h["run"].update(name="brexit"),
        "date": lambda h: h.update(date="2030-01"),
    }
    for what, edit in edits.items():
        edited = rewrite_header(saved, tmp_path / f"{what}.npz", edit, rehash=False)
        with pytest.raises(ValueError, match="hash does not match"):
            read_header(edited)
        with pytest.raises(ValueError, match="hash does not match"):
            load_model(edited, AlpacaModel)


def test_the_cli_refuses_a_checkpoint_whose_seed_was_edited(saved, tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    rewrite_header(saved, out / "checkpoint.npz", lambda h: h["run"].update(seed=1), False)
    args = ["run", "--steps", "12", "--seed", "1", "--set", "n_breeders=8", "--quiet"]
    done = subprocess.run(
        [*CLI, *args, "--out", str(out), "--resume"],
        capture_output=True,
        text=True,
        env=checkout_env(),
    )
    assert done.returncode == 2 and "hash does not match" in done.stderr
    assert not (out / "model.csv").exists()


def test_resume_with_overwrite_and_a_foreign_checkpoint_does_not_advise_overwrite(
    saved, tmp_path, capsys
):
    out = tmp_path / "r"
    out.mkdir()
    (out / "checkpoint.npz").write_bytes(saved.read_bytes())
    code = alpaca_abm.cli.main(
        [
            "run",
            "--quiet",
            "--steps",
            "12",
            "--seed",
            "3",
            "--set",
            "n_breeders=8",
            "--out",
            str(out),
            "--resume",
            "--overwrite",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "its seed is 0, not 3" in err
    assert "leave out --resume" in err and "or pass --overwrite" not in err


class NotState:
    """A class no checkpoint knows."""

    def __init__(self):
        self.x = np.arange(3)


def test_saving_a_state_with_an_unknown_class_fails_naming_it_and_where(tmp_path):
    model = AlpacaModel(rng=0, n_breeders=5)
    model.new_table = {"rows": [1, NotState()]}
    with pytest.raises(UnknownStateError) as err:
        model.save(tmp_path / "x.npz")
    text = str(err.value)
    assert "NotState" in text and "STATE_CLASSES" in text
    assert "['new_table']['rows'][1]" in text
    assert not (tmp_path / "x.npz").exists()


def test_a_listed_state_class_with_new_attributes_round_trips(tmp_path):
    """A state class gaining columns (as others add them) needs no change here."""
    model = AlpacaModel(rng=0, n_breeders=5)
    model.firms.new_column = np.linspace(0, 1, 7, dtype=np.float32)
    model.trust.note = {("a", 1): {3, 4}, 2: (1.5, None, float("nan"))}
    loaded = load_model(model.save(tmp_path / "x.npz"), AlpacaModel)
    assert loaded.firms.new_column.dtype == np.float32
    assert np.array_equal(loaded.firms.new_column, model.firms.new_column)
    assert loaded.trust.note[("a", 1)] == {3, 4}
    assert loaded.trust.note[2][:2] == (1.5, None) and np.isnan(loaded.trust.note[2][2])


def test_state_classes_is_one_allow_list_of_project_classes():
    classes = checkpoint.state_classes()
    assert {"FirmTable", "Herd", "Contracts", "TrustLedger"} <= set(classes)
    assert all(c.__module__.startswith("alpaca_abm.") for c in classes.values())


def test_a_fifo_or_device_given_as_a_checkpoint_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="FIFO"):
        load_model(fifo, AlpacaModel)
    link = tmp_path / "zero.npz"
    link.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="a device"):
        read_header(link)


def test_a_compressed_archive_is_refused_before_decompression(saved, tmp_path):
    parts = members(saved)
    squeezed = tmp_path / "squeezed.npz"
    with open(squeezed, "wb") as handle:
        np.savez_compressed(handle, **parts)
    with pytest.raises(ValueError, match="compressed"):
        load_model(squeezed, AlpacaModel)
