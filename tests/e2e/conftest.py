"""Real-browser journeys: ``streamlit run server.py`` (st.App around app.py) on a free port with its
own data folder, driven by Playwright in Debian's chromium. Skips, saying why, where no chromium is
installed."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, data_dir: Path, env: dict | None = None):
        self.data_dir = data_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "COCKPIT_DATA_DIR": str(data_dir), **(env or {})}
        self.env.pop("DATABASE_URL", None) if "DATABASE_URL" not in (env or {}) else None
        self.proc: subprocess.Popen | None = None
        self.log = data_dir / "streamlit.log"

    def start(self, timeout: float = 90) -> "AppServer":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"), "--server.address", "127.0.0.1",
               "--server.port", str(self.port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode() == "ok":
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not answer in {timeout}s: {self.log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def chromium_path():
    if not CHROMIUM:
        pytest.skip("no chromium installed (apt-get install -y chromium); browser journeys need a real browser")
    return CHROMIUM


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, chromium_path):
    server = AppServer(tmp_path_factory.mktemp("app")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # a loaded 2-core CI machine reruns slowly; assertions wait, not sleep
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, headless=True, args=BROWSER_ARGS)
        yield b
        b.close()


def screenshot_dir(fallback: Path) -> Path:
    """docs/screenshots when COCKPIT_SCREENSHOTS=1 (refreshing the README's pictures), else
    ``fallback``: a test run leaves the tracked files alone."""
    folder = ROOT / "docs" / "screenshots" if os.environ.get("COCKPIT_SCREENSHOTS") == "1" else fallback
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def local_page(browser, width: int = 1400, height: int = 1000, **options):
    """A page in a new German browser context that reaches only this machine (no CDN, no
    telemetry); ``options`` go to ``new_context`` (``is_mobile=True``). Close ``page.context``."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE", **options)
    context.route(lambda url: not url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:")),
                  lambda route: route.abort())
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    return pg


@pytest.fixture
def page(browser):
    pg = local_page(browser)
    yield pg
    pg.context.close()


def wait_for_app(page) -> None:
    """Wait until Streamlit finished running the script (no 'running' indicator, main block present)."""
    page.wait_for_selector("[data-testid='stMain']", timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
