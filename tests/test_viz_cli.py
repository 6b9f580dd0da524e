"""`alpaca-abm viz`: how the server is started (loopback by default, offline flags)."""

from __future__ import annotations

import os

import pytest

from alpaca_abm import cli
from alpaca_abm.viz import cli as viz_cli


def _args(*extra: str):
    return cli.build_parser().parse_args(["viz", *extra])


def test_viz_binds_loopback_unless_told_and_starts_solara_offline():
    args = _args("--port", "9001", "--seed", "4")
    command, env = viz_cli.solara_command(args)
    assert args.host == "127.0.0.1"
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "9001"
    for flag in ("--production", "--no-check-version", "--no-open"):
        assert flag in command
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["ALPACA_ABM_VIZ_SEED"] == "4"
    assert not env["SOLARA_HOME"].rstrip("/").endswith(".solara")


def _serve(monkeypatch, capsys, *extra: str):
    started = {}
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: started.update(argv=argv))
    monkeypatch.setenv("SOLARA_HOME", str(os.path.join(os.environ.get("TMPDIR", "/tmp"), "sh")))
    assert cli.main(["viz", *extra]) == 0
    return started["argv"], capsys.readouterr().err


def test_another_host_is_served_with_a_warning(monkeypatch, capsys):
    argv, err = _serve(monkeypatch, capsys, "--host", "0.0.0.0")
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
    assert "warning" in err and "anyone who can reach" in err


def test_loopback_is_served_without_warning(monkeypatch, capsys):
    argv, err = _serve(monkeypatch, capsys)
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and err == ""


def test_an_unknown_scenario_is_refused_before_the_server_starts(monkeypatch, capsys):
    monkeypatch.setattr(os, "execve", lambda *a: pytest.fail("the server was started"))
    assert cli.main(["viz", "--scenario", "no_such_scenario"]) == cli.EXIT_USAGE
    assert "no_such_scenario" in capsys.readouterr().err


def test_vega_aliases_are_made_once_and_left_alone(tmp_path):
    cdn = tmp_path / "share/solara/cdn"
    for target in viz_cli.VEGA_ALIASES.values():
        (cdn / target).mkdir(parents=True)
    viz_cli.ensure_vega_aliases(tmp_path)
    viz_cli.ensure_vega_aliases(tmp_path)  # idempotent
    for alias, target in viz_cli.VEGA_ALIASES.items():
        assert (cdn / alias).resolve() == (cdn / target).resolve()
