"""Reading user files (alpaca_abm/userfile.py) and the inputs built on it: FIFOs and devices
refused without blocking, size limits, UTF-8 with the byte named, deep nesting in one line,
values quoted briefly, and `alpaca_abm.run` refusing wrong types with a ValueError."""

import os
import pathlib

import pytest

import alpaca_abm
from alpaca_abm import cli
from alpaca_abm.scenarios import load_scenario
from alpaca_abm.userfile import (
    MAX_NESTING,
    nesting_depth,
    parse_json,
    parse_toml,
    read_bytes,
    read_text,
    shown,
)

DEEP_ARRAY = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"
DEEP_TABLE = "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n"


def one_line_error(capsys, argv):
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_special_files_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "f"
    os.mkfifo(fifo)  # nobody writes to it: a plain open() would block forever
    with pytest.raises(ValueError, match="is a FIFO"):
        read_bytes(fifo, "spec", 100)
    zero = tmp_path / "z"
    zero.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="is a device"):
        read_bytes(zero, "spec", 100)
    with pytest.raises(ValueError, match="is a folder"):
        read_bytes(tmp_path, "spec", 100)
    with pytest.raises(ValueError, match="does not exist"):
        read_bytes(tmp_path / "missing", "spec", 100)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(ValueError, match="too large: 101 bytes, more than the 100 allowed"):
        read_bytes(big, "spec", 100)
    assert read_bytes(big, "spec", 101) == b"x" * 101


def test_text_that_is_not_utf8_names_the_file_and_byte(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(b"abc\n\xe9\n")
    with pytest.raises(ValueError, match=r"latin.csv is not UTF-8 text \(byte 4 is 0xe9\)"):
        read_text(path, "design file")


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_TABLE])
def test_deep_nesting_is_one_clear_error(text):
    with pytest.raises(ValueError) as err:
        parse_toml(text, "f.toml")
    assert f"nested more than {MAX_NESTING} levels" in str(err.value)
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="nested more than"):
        parse_json("[" * 100_000 + "]" * 100_000, "m.json")


def test_nesting_depth_is_iterative_and_exact():
    value: list = []
    for _ in range(50_000):  # deeper than Python's recursion limit
        value = [value]
    assert nesting_depth(value, limit=10**6) == 50_001
    assert nesting_depth({"a": [1, {"b": 2}]}) == 3
    assert nesting_depth(5) == 0


def test_values_are_quoted_briefly():
    assert shown(10**308).startswith("1e+308") and len(shown(10**308)) < 20
    assert "digits" in shown(10**5000)
    assert shown(1e308) == "1e+308"
    long = shown("x" * 5000)
    assert len(long) < 100 and "5,002 characters" in long
    assert shown(12) == "12" and shown("ab") == "'ab'"


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_TABLE])
def test_a_deeply_nested_scenario_file_is_refused_in_one_line(tmp_path, capsys, text):
    path = tmp_path / "deep.toml"
    path.write_text(text)
    err = one_line_error(capsys, ["run", "--scenario", str(path), "--out", str(tmp_path / "o")])
    assert "nested more than" in err and str(path) in err
    assert not (tmp_path / "o").exists()


def test_a_deeply_nested_set_value_is_refused_in_one_line(tmp_path, capsys):
    value = "[" * 100_000 + "]" * 100_000
    err = one_line_error(
        capsys, ["run", "--set", f"n_breeders={value}", "--out", str(tmp_path / "o")]
    )
    assert "nested more than" in err and len(err) < 300


def test_scenario_files_that_are_fifos_or_devices_are_refused(tmp_path, capsys):
    fifo = tmp_path / "s.toml"
    os.mkfifo(fifo)
    assert "not a regular file" in one_line_error(capsys, ["run", "--scenario", str(fifo)])
    zero = tmp_path / "z.toml"
    zero.symlink_to("/dev/zero")
    with pytest.raises(ValueError, match="not a regular file"):
        load_scenario(zero)


def test_absurd_names_seeds_and_event_starts_are_refused_briefly(tmp_path, capsys):
    err = one_line_error(capsys, ["run", "--scenario", "a" * 5000])
    assert len(err) < 400
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "--seed", "9" * 5000])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "5,000 digits" in err and "9" * 100 not in err
    path = tmp_path / "ev.toml"
    path.write_text('name = "ev"\n[[events]]\nkind = "disease"\nstart = 1e308\n')
    err = one_line_error(capsys, ["run", "--scenario", str(path)])
    assert "1e+308" in err and "0" * 50 not in err


def test_run_accepts_a_path_and_refuses_wrong_types_with_value_error(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('name = "mine"\nextends = "baseline"\n[parameters]\nn_breeders = 6\n')
    result = alpaca_abm.run(pathlib.Path(path), steps=2)
    assert result.scenario.name == "mine" and result.scenario.n_breeders == 6
    assert alpaca_abm.run(path, steps=2, n_breeders=7).scenario.n_breeders == 7
    for bad in (123, b"baseline", "x" * 5000, "", 1.5, ["baseline"], "nul\0name"):
        with pytest.raises(ValueError) as err:
            alpaca_abm.run(bad, steps=2)
        assert len(str(err.value)) < 300
