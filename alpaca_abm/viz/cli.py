"""`alpaca-abm viz`: serve the browser app on this machine, with no request leaving it.

Solara is started with everything it would otherwise fetch or report switched off
(`--production`, `--no-check-version`, no telemetry) and its home folder kept out of the
user's `~/.solara`. Solara's CDN proxy (`/_solara/cdn/...`) would fetch any asset it does
not have from a public CDN, for any page that asks: the server is started through
`serve_offline` (this module run with `-m`), which makes the proxy serve only the assets
bundled with solara-assets and answer 404 at once for anything else, with no fetch. The
app is bound to 127.0.0.1 unless `--host` says otherwise, and then a warning is printed.
There is no in-browser Python console.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
COOKIE_WARNING = "Cookies with samesite=none require https"  # Solara's, on 127.0.0.1
DEFAULT_PORT = 8765
VEGA_ALIASES = {
    "vega@5": "vega@5.21.0",
    "vega-lite@5": "vega-lite@5.2.0",
    "vega-embed@6": "vega-embed@6.20.2",
}


def add_viz_parser(sub) -> None:
    """Register the `viz` subcommand on the CLI's subparsers."""
    from ..cliargs import whole_number

    viz = sub.add_parser("viz", help="open the browser app (map, plots, shocks, twin run)")
    viz.add_argument(
        "--scenario",
        default="baseline",
        help="shipped scenario name or path of a .toml file (default: baseline)",
    )
    viz.add_argument(
        "--seed", type=whole_number("--seed", least=0), default=0, help="random seed (default: 0)"
    )
    viz.add_argument(
        "--port",
        type=whole_number("--port", least=1, most=65535),
        default=DEFAULT_PORT,
        help=f"port to serve on (default: {DEFAULT_PORT})",
    )
    viz.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: 127.0.0.1, this machine only)",
    )


def solara_home() -> Path:
    """Solara's own folder for this app (not ~/.solara): the user cache, or a temp folder."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alpaca-abm" / "solara"


def ensure_vega_aliases(prefix: Path | None = None) -> None:
    """Give the vega bundles of solara-assets the names the browser asks for (vega@5, ...),
    so Altair charts draw offline; a folder we cannot write is left as it is."""
    cdn = Path(prefix or sys.prefix) / "share" / "solara" / "cdn"
    for alias, target in VEGA_ALIASES.items():
        link = cdn / alias
        if (cdn / target).is_dir() and not link.exists():
            try:
                link.symlink_to(target)
            except OSError:
                pass


def solara_command(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The `solara run` command line and environment that serve the app offline."""
    from ..scenarios import load_scenario

    scenario = args.scenario
    load_scenario(scenario)  # a wrong name or file is refused here, in words
    if scenario.endswith(".toml"):
        scenario = str(Path(scenario).resolve())
    env = dict(os.environ)
    env.update(
        ALPACA_ABM_VIZ_SCENARIO=scenario,
        ALPACA_ABM_VIZ_SEED=str(args.seed),
        SOLARA_TELEMETRY_MIXPANEL_ENABLE="False",
        SOLARA_THEME_SHOW_BANNER="False",  # its corner banner covered the page's bottom
        MPLBACKEND="Agg",
    )
    # Solara warns at every page load that a cookie for pages embedded in another site's
    # frame needs https: the app is opened on its own, over loopback, so the warning only
    # alarms a teacher. This one warning is ignored; any other still prints.
    quiet = f"ignore:{COOKIE_WARNING}:UserWarning:solara.server.starlette"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), quiet) if w)
    env.setdefault("SOLARA_HOME", str(solara_home()))
    app = "alpaca_abm.viz.app"  # a module, so its relative imports work
    command = [
        sys.executable, "-m", "alpaca_abm.viz.cli", "run", app,
        "--host", args.host, "--port", str(args.port),
        "--no-open", "--production", "--no-check-version",
    ]  # fmt: skip
    return command, env


def run_viz_command(args: argparse.Namespace) -> int:
    """Serve the app until interrupted (this process becomes the Solara server)."""
    command, env = solara_command(args)
    if args.host not in LOOPBACK:
        print(
            f"alpaca-abm viz: warning: serving on {args.host}: anyone who can reach port "
            f"{args.port} there can use the app. Use the default 127.0.0.1 unless you mean it.",
            file=sys.stderr,
        )
    Path(env["SOLARA_HOME"]).mkdir(parents=True, exist_ok=True)
    ensure_vega_aliases()
    print(f"alpaca-abm viz: open http://{args.host}:{args.port}/ (Ctrl-C stops it)", flush=True)
    os.execve(sys.executable, command, env)
    return 0  # not reached


class AssetNotBundled(FileNotFoundError):
    """An asset the browser asked for is not among the bundled ones (and is not fetched)."""


def _refuse_fetch(url: str) -> bytes:
    """Stands in for Solara's CDN fetch: the app fetches nothing from outside the machine."""
    raise AssetNotBundled(f"{url}: not bundled with the app, and the app fetches nothing")


def offline_assets() -> None:
    """Make Solara's CDN proxy serve only the assets on this machine: a request for any
    other `/_solara/cdn/...` path gets 404 at once (Solara answers 404 when its lookup
    fails) instead of a download from a public CDN. Must run before Solara serves."""
    from solara.server import cdn_helper

    cdn_helper.fetch_from_cdn = _refuse_fetch  # get_path and get_data look it up by name


def serve_offline(argv: list[str]) -> None:
    """Run Solara's command line (`solara run ...`) with the CDN proxy made offline."""
    offline_assets()
    from solara.__main__ import main

    sys.argv = ["solara", *argv]
    main()


if __name__ == "__main__":  # the server process `run_viz_command` starts
    serve_offline(sys.argv[1:])
