"""Browser tests: the real app under uvicorn on a free port, driven by Playwright with Debian chromium.

Playwright's own browser download needs a CDN that is not reachable here, so the tests launch
``/usr/bin/chromium`` (``apt-get install chromium``; override with ``WARMTEREGIO_CHROMIUM``). Without it the
tests are skipped, except with ``CI=true`` where they fail so that a CI image without chromium is noticed.

The app runs in a background thread against a temporary SQLite database seeded with eight real
Drechtsteden buurten (real codes, names and centroids; square polygons around the centroids), two
gemeenten, two heat sources and one user.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from e2e_site import CHROMIUM, VENDOR, LiveServer, seed

from warmteregio.settings import Settings
from warmteregio.store.db import make_engine, upgrade
from warmteregio.web.app import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} not found: install Debian chromium (apt-get install chromium) for the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true, so this fails)")
        pytest.skip(message)
    if not (VENDOR / "VERSIONS").is_file():
        pytest.fail("static/vendor is missing: run `npm ci && uv run python scripts/vendor_static.py` first")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("e2e") / "e2e.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    seed(engine)
    settings = Settings(database_url=f"sqlite:///{db}", secret_key="e2e-secret", basemap_enabled=False)
    app = create_app(settings, engine)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start for the browser tests")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", engine)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def browser(chromium_path: Path):  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="nl-NL")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()
