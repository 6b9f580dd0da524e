"""The browser app in a real browser: `alpaca-abm viz` served on a free loopback port and
driven by Debian's headless Chromium through Playwright (no downloaded browser).

Screenshots go to results/test-artefacts/viz/ (ALPACA_ABM_ARTEFACTS overrides it); with
ALPACA_ABM_UPDATE_DOCS=1 the first one also replaces docs/figures/app.png for the README.
Without Chromium the test is skipped with a hint, except under CI=true, where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from alpaca_abm.viz.drawing import TEXT_PT

from helpers import checkout_env, free_port, port_open, serving

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SERVER_START_S = 90
WAIT_MS = 30_000
MONTHS = 24  # the run's length in this test: Play must stop there
VIEWPORT = {"width": 1280, "height": 720}  # a classroom projector
LEAST_TEXT_PX = 12
HOW_TO_GET_CHROMIUM = (
    "needs Debian's Chromium at /usr/bin/chromium and the playwright package: "
    "`sudo apt-get install chromium` and `pip install -e .[test]` (scripts/test.sh does both "
    "when run as root)"
)


def _need_browser():
    """Playwright's sync API, or skip (fail under CI=true) saying how to get a browser."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"no Chromium at {CHROMIUM}"
    if missing:
        message = f"browser test: {missing}; it {HOW_TO_GET_CHROMIUM}."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return sync_playwright


def _viz_command() -> list[str]:
    script = Path(sys.executable).with_name("alpaca-abm")
    if script.exists():
        return [str(script), "viz"]
    return [sys.executable, "-m", "alpaca_abm.cli", "viz"]


def _artefacts() -> Path:
    folder = Path(os.environ.get("ALPACA_ABM_ARTEFACTS", ROOT / "results/test-artefacts/viz"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _time(page) -> float:
    """The step counter Mesa's ShowSteps prints ('Time: 3.0')."""
    text = page.get_by_text(re.compile(r"^Time: ")).first.inner_text()
    return float(text.split(":")[1])


def _settled_time(page, quiet_ms: int = 1500) -> float:
    """The step counter once it has stopped moving: after Pause, a step already under way
    still finishes and counts, so read the counter only when it holds still."""
    last = _time(page)
    for _ in range(40):
        page.wait_for_timeout(quiet_ms)
        now = _time(page)
        if now == last:
            return now
        last = now
    return last


def _infected(page) -> int:
    text = page.get_by_text(re.compile(r"^Infected herds: ")).first.inner_text()
    return int(text.split(":")[1])


def _images(page) -> list[str]:
    """src of every matplotlib figure on the page (PNG data URLs)."""
    return page.locator("main img, .v-main img").evaluate_all("els => els.map(e => e.src)")


def _choose_first(page, label: str, text: str) -> None:
    """Open the select labelled `label` and pick its first option containing `text`."""
    option = page.locator(".menuable__content__active [role=option]").filter(has_text=text)
    for _ in range(5):
        page.locator("[aria-haspopup=listbox]:visible").filter(has_text=label).click()
        try:
            option.first.wait_for(timeout=3000)
            break
        except Exception:  # the select was redrawn under the click: open it again
            page.keyboard.press("Escape")
    option.first.click()


def _assert_fits(page) -> None:
    """Nothing of the Map tab is cut off by its column at 1280x720: the map (with its
    legend) ends before the plots begin, and the plots end inside the page."""
    boxes = page.locator("main img, .v-main img").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; })"
    )
    the_map, *plots = boxes
    assert plots, "no plot beside the map"
    width = page.evaluate("document.documentElement.clientWidth")
    assert the_map[1] <= min(p[0] for p in plots), f"the map runs under the plots: {boxes}"
    assert max(p[1] for p in boxes) <= width, f"a figure runs off the page: {boxes}"
    clipped = page.evaluate(
        """() => Array.from(document.querySelectorAll('main img, .v-main img')).some(e => {
            const r = e.getBoundingClientRect();
            for (let a = e.parentElement; a; a = a.parentElement) {
                const s = getComputedStyle(a);
                if (s.overflowX !== 'visible' && a.getBoundingClientRect().right < r.right - 1)
                    return true;
            }
            return false; })"""
    )
    assert not clipped, "a figure is cut off by a column that hides what overflows"


def _wait_time(page, value: float) -> None:
    page.get_by_text(f"Time: {value:.1f}", exact=True).wait_for(timeout=WAIT_MS)


@pytest.mark.slow
def test_app_in_a_real_browser(tmp_path):
    sync_playwright = _need_browser()
    port = free_port()
    env = checkout_env(SOLARA_HOME=str(tmp_path / "solara"), ALPACA_ABM_VIZ_MONTHS=str(MONTHS))
    log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 (read after the server stops)
    server = subprocess.Popen(
        [*_viz_command(), "--port", str(port), "--seed", "1"],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )
    shots = _artefacts()
    requests: list[str] = []
    with serving(server, port, SERVER_START_S, "viz", lambda: log.seek(0) or log.read()):
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport=VIEWPORT)
            page.on("request", lambda r: requests.append(r.url))
            try:
                _drive(page, shots, port)
            except Exception:
                page.screenshot(path=str(shots / "app-failure.png"))
                raise
            browser.close()
        # no request of the browser left this machine
        hosts = {
            urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws")
        }
        assert hosts == {"127.0.0.1"}, f"requests left the machine: {sorted(hosts)}"
    log.seek(0)
    text = log.read()
    log.close()
    assert "jsdelivr" not in text and "Could not load URL" not in text, (
        "the server asked the internet for an asset: " + text[-2000:]
    )
    # nothing a teacher must ignore: no warning (Solara's cookie warning), no traceback
    for alarm in ("Warning", "Traceback", "Error"):
        assert alarm not in text, f"the server printed a {alarm}: {text[-3000:]}"
    assert not port_open(port), f"port {port} is still open after the server stopped"


def _drive(page, shots: Path, port: int) -> None:
    """Every check of the issue, in the order a person would try them."""
    page.goto(f"http://127.0.0.1:{port}/")
    step = page.get_by_role("button", name="Step", exact=True)
    step.wait_for(timeout=60_000)

    # at month 0 the map renders and the plots say why they are not drawn yet (no empty axes)
    page.get_by_text(re.compile(r"^Map: \d+ breeders, \d+ co-ownerships")).wait_for()
    page.get_by_text(re.compile("no month has run yet")).first.wait_for(timeout=WAIT_MS)
    assert len(_images(page)) == 1  # the map only
    assert _time(page) == 0.0
    page.screenshot(path=str(shots / "app-month0-1280x720.png"))
    # Solara's "This website runs on Solara" corner banner covered the page's bottom
    assert page.get_by_text("This website runs on").count() == 0

    # every tab is visible without scrolling at 1280x720
    for name in ("Map", "Firms", "Owners", "Relationships", "Network", "Inspector", "About"):
        box = page.get_by_role("tab", name=name, exact=True).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]

    # Step advances the step counter and changes a plot
    before = _images(page)
    step.click()
    _wait_time(page, 1.0)
    page.wait_for_function(
        "old => Array.from(document.querySelectorAll('img')).some((e, i) => e.src !== old[i])",
        arg=before,
        timeout=WAIT_MS,
    )
    assert _images(page) != before
    assert len(_images(page)) >= 2

    # plot text is at least 12 px on screen: the PNG's text size scaled as the page shows it
    sizes = page.locator("main img, .v-main img").evaluate_all(
        "els => els.map(e => [e.naturalWidth, e.getBoundingClientRect().width])"
    )
    text_px = TEXT_PT * 100 / 72  # the figures' text at their 100 dpi
    shown = [text_px * shown_w / natural for natural, shown_w in sizes if natural]
    assert shown and min(shown) >= LEAST_TEXT_PX, f"plot text {min(shown):.1f} px on screen"
    _assert_fits(page)

    # Play runs months by itself until paused
    page.get_by_role("button", name="▶", exact=True).click()
    page.wait_for_function(
        "() => /Time: ([3-9]|[1-9][0-9]+)\\.0/.test(document.body.innerText)", timeout=WAIT_MS
    )
    page.get_by_role("button", name="❚❚", exact=True).click()
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=WAIT_MS)
    played = _settled_time(page)
    assert played > 1.0

    # the disease button raises the number of infected herds within a few steps
    assert _infected(page) == 0
    page.get_by_role("button", name="Disease outbreak").click()
    page.get_by_text(re.compile("Disease outbreak starts in month")).wait_for()
    for k in range(1, 4):
        step.click()
        _wait_time(page, played + k)
    assert _infected(page) > 0

    # the twin switch draws the counterfactual curves
    page.get_by_text("Twin: the same industry without coopetition").click()
    caption = page.get_by_text(re.compile(r"Dashed \(\d+ curves\): the twin"))
    caption.first.wait_for(timeout=WAIT_MS)
    assert int(re.search(r"\((\d+) curves", caption.first.inner_text())[1]) > 0
    page.get_by_text(re.compile(r"^Twin: \d+ breeders")).wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(shots / "app-map-twin.png"))
    if os.environ.get("ALPACA_ABM_UPDATE_DOCS") == "1":
        shutil.copy(shots / "app-map-twin.png", ROOT / "docs/figures/app.png")

    # a breeder is picked by clicking it on the map
    page.get_by_role("tab", name="Map", exact=True).click()
    the_map = page.locator("img[style*=crosshair]")
    box = the_map.bounding_box()
    for fx, fy in ((0.62, 0.80), (0.55, 0.86), (0.70, 0.74), (0.50, 0.90), (0.60, 0.70)):
        page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        try:
            page.get_by_text(re.compile(r"^Selected: breeder \d+")).wait_for(timeout=3000)
            break
        except Exception:  # no breeder within 40 km of that point: try another
            continue
    picked = page.get_by_text(re.compile(r"^Selected: breeder \d+")).inner_text()
    picked_id = int(re.search(r"breeder (\d+)", picked)[1])
    page.get_by_role("tab", name="Inspector").click()
    page.get_by_text(f"Breeder {picked_id}, ").wait_for(timeout=WAIT_MS)

    # the inspector shows a breeder's herd
    _choose_first(page, "Breeder", "alpacas")
    page.get_by_text("breeding-age females").wait_for(timeout=WAIT_MS)
    page.get_by_text("Knowledge by domain (0-1)").wait_for()
    page.screenshot(path=str(shots / "app-inspector.png"))

    # moving a slider changes the parameter the model uses (from the next Reset)
    thumb = page.locator(".v-input").filter(has_text="Openness mean (share)").get_by_role("slider")
    for _ in range(12):  # three steps of 0.01 up from 0.6; a redraw may take the focus away
        if thumb.first.get_attribute("aria-valuenow") == "0.63":
            break
        thumb.first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
    assert thumb.first.get_attribute("aria-valuenow") == "0.63"
    page.get_by_text("Openness mean (share): 0.6", exact=True).wait_for()  # not before Reset

    # Reset starts over, with the slider's value in the new model
    page.get_by_role("button", name="Reset", exact=True).click()
    _wait_time(page, 0.0)
    page.get_by_text("Openness mean (share): 0.63", exact=True).wait_for(timeout=WAIT_MS)
    assert _infected(page) == 0
    page.get_by_role("tab", name="Network").click()
    page.screenshot(path=str(shots / "app-after-reset.png"))

    # Reset pressed while ▶ plays gives a new run that stays at month 0 (Mesa's controller,
    # used before, stepped the new run once when Reset came while its Play waited out the
    # play interval: the class saw month 1 in two tries of three); twice
    for _ in range(2):
        page.get_by_role("button", name="▶", exact=True).click()
        page.wait_for_function(
            "() => /Time: ([2-9]|[1-9][0-9]+)\\.0/.test(document.body.innerText)",
            timeout=WAIT_MS,
        )
        page.get_by_role("button", name="Reset", exact=True).click()
        page.get_by_role("button", name="▶", exact=True).wait_for(timeout=WAIT_MS)
        assert _settled_time(page) == 0.0
    step.click()  # and Step still steps the run Reset built
    _wait_time(page, 1.0)

    # ▶ after Reset plays to the run's end and stops there (Step is disabled), the page
    # says so; the page redraws while the controller steps in its own thread, and never
    # reads a month half done (it crashed in the infection count here)
    page.get_by_role("tab", name="Map", exact=True).click()
    page.get_by_role("button", name="▶", exact=True).click()
    page.get_by_text(re.compile("End of the run")).wait_for(timeout=MONTHS * WAIT_MS)
    assert _settled_time(page) == float(MONTHS)
    assert page.get_by_text(re.compile("error in")).count() == 0
    assert page.get_by_role("button", name="Step", exact=True).is_disabled()
    page.screenshot(path=str(shots / "app-end-1280x720.png"))
    page.get_by_role("tab", name="About", exact=True).click()
    page.get_by_text(re.compile(f"runs {MONTHS} months")).wait_for(timeout=WAIT_MS)
    page.screenshot(path=str(shots / "app-about.png"))
