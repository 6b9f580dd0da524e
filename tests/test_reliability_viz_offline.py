"""Issue #25, case 3: the app's server never goes online for an asset it does not have.

Solara's CDN proxy fetched any missing `/_solara/cdn/...` path from a public CDN (7 s of
retries offline; with a network it would serve whatever it downloaded from the app's own
origin). Here the real server (`alpaca-abm viz`) runs with its CDN pointed at a decoy HTTP
server on 127.0.0.1 that answers every request with 200 and counts them, inside a network
namespace of its own holding only loopback (`unshare -n`, where we are root; without it the
decoy alone still shows whether any fetch was tried). Requests for missing assets must get
404 at once, the decoy must see nothing, the server's sockets (watched with psutil) must all
be on loopback, and the bundled assets must still be served.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from helpers import checkout_env

CHILD = r"""
import http.server, json, os, socket, subprocess, sys, threading, time, urllib.error
import urllib.request

import psutil

seen = []

class Decoy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        seen.append(self.path)
        body = b"decoy: fetched from outside"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

decoy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Decoy)
threading.Thread(target=decoy.serve_forever, daemon=True).start()
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
env = dict(os.environ, SOLARA_ASSETS_CDN=f"http://127.0.0.1:{decoy.server_port}/npm/")
server = subprocess.Popen(
    [sys.executable, "-m", "alpaca_abm.cli", "viz", "--port", str(port)],
    env=env, stdout=subprocess.DEVNULL, stderr=open(os.environ["SERVER_LOG"], "w"),
)
remote = set()

def watch():
    while server.poll() is None:
        try:
            procs = [psutil.Process(server.pid)]
            procs += procs[0].children(recursive=True)
            for proc in procs:
                for conn in proc.net_connections(kind="inet"):
                    if conn.raddr:
                        remote.add(conn.raddr.ip)
        except psutil.Error:
            pass
        time.sleep(0.02)

threading.Thread(target=watch, daemon=True).start()

def get(path):
    start = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as err:
        status, body = err.code, b""
    return status, time.monotonic() - start, body[:40].decode("latin-1")

result = {}
try:
    deadline = time.monotonic() + 90
    while True:
        try:
            get("/")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.3)
    result["missing"] = [get(f"/_solara/cdn/{name}") for name in json.loads(os.environ["MISSING"])]
    result["bundled"] = get("/_solara/cdn/requirejs@2.3.6/require.js")[:2]
    result["home"] = get("/")[0]
finally:
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
result["decoy"] = seen
result["remote"] = sorted(remote)
print(json.dumps(result))
"""


def _namespace() -> list[str]:
    """`unshare -n` with loopback up, where we may (root); else nothing (said in the log)."""
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return []
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, env=checkout_env())
    return (
        [] if probe.returncode else ["unshare", "-n", "sh", "-c", 'ip link set lo up && "$@"', "sh"]
    )


@pytest.mark.slow
def test_missing_cdn_assets_get_404_at_once_and_nothing_is_fetched(tmp_path):
    pytest.importorskip("psutil")
    prefix = _namespace()
    if not prefix:
        print("no network namespace (not root): the decoy CDN alone watches for fetches")
    token = uuid.uuid4().hex[:8]  # names no cache holds (a proxy that fetched would keep them)
    missing = [
        f"mermaid@10.0.0-t{token}/dist/mermaid.min.js",
        f"left-pad@1.3.0-t{token}/index.js",
        f"lodash-t{token}",
    ]
    env = checkout_env(
        SOLARA_HOME=str(tmp_path / "solara"),
        SERVER_LOG=str(tmp_path / "log"),
        MISSING=json.dumps(missing),
    )
    cache = Path(sys.prefix) / "share" / "solara" / "cdn"
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", CHILD],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    finally:
        cached = [name.split("/")[0] for name in missing if (cache / name.split("/")[0]).exists()]
        for name in cached:  # what a fetching proxy wrote into the shared cache: not kept
            shutil.rmtree(cache / name, ignore_errors=True)
    assert cached == [], f"the proxy fetched and cached {cached}"
    log = (tmp_path / "log").read_text() if (tmp_path / "log").exists() else ""
    assert done.returncode == 0, done.stderr[-2000:] + log[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["home"] == 200
    assert result["bundled"][0] == 200  # the assets bundled with solara-assets still load
    for status, seconds, body in result["missing"]:
        assert status == 404, (status, body)
        assert seconds < 2.0, seconds  # not 7 s of retries
    assert result["decoy"] == []  # the server tried to fetch nothing
    assert all(ip in ("127.0.0.1", "::1", "::ffff:127.0.0.1") for ip in result["remote"])
