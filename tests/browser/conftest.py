"""Browser tests: Playwright driving Debian's Chromium (headless) against a real server.

The server is `uvicorn api.main:app` in a subprocess on a free loopback port, over a copy of the
session's migrated and seeded SQLite file, with the anonymous demo viewer on and the test
secret (so the tests can mint tokens). Outside CI a missing Chromium skips these tests; under
CI=true the set-up installs it with apt-get (CI runs as root) and a failure fails the run.
Screenshots go to each test's tmp dir and are copied to `artifacts/browser/` (gitignored).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import IN_CI, TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# As root in a container, without a display or outside network (the machine's closed network
# refuses Chromium's background connections).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APT_PACKAGES = ["chromium", "fonts-wqy-microhei"]  # a CJK font, so screenshots show Chinese
SERVER_START_SECONDS = 30


def _find_chromium() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


def _apt_install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", *packages],
        check=True,
        env=env,
        timeout=1200,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, every browser test on one worker: one server and one Chromium."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium; installed here under CI=true, else the tests skip without it."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("the `playwright` package is missing: install the dev extra")
        pytest.skip("the `playwright` package is not installed (pip install -e '.[dev]')")
    path = _find_chromium()
    if path is None and IN_CI:
        _apt_install(APT_PACKAGES)
        path = _find_chromium()
        if path is None:
            pytest.fail("apt-get installed chromium but no chromium executable was found")
    if path is None:
        pytest.skip(
            "Chromium is not installed (apt-get install chromium); under CI=true the browser"
            " tests install it themselves"
        )
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _govgraph(*args: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        check=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        capture_output=True,
    )


@dataclass
class LiveServer:
    """A uvicorn process serving the app over a seeded SQLite file."""

    base_url: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes]
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.base_url, timeout=10)

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> httpx.Response:
        """POST /graphql as a client would."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    def query(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The `data` of a successful response."""
        response = self.execute(query, variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def token(self, unit: str, role: str) -> str:
        """A token minted by `govgraph token --unit UNIT --role ROLE`, as an operator would."""
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", "token", "--unit", unit, "--role", role],
            check=True,
            cwd=ROOT,
            env=self.env,
            timeout=60,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def stop(self) -> None:
        self.http.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def start_server(directory: Path, *, anonymous_demo: bool) -> LiveServer:
    """Migrate and seed a SQLite file in `directory`, then serve it on a free loopback port."""
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "govgraph.db"
    env = {
        **os.environ,
        "GOVGRAPH_DATABASE_URL": f"sqlite:///{database}",
        "GOVGRAPH_SECRET": TEST_SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("GOVGRAPH_DEBUG", None)
    if anonymous_demo:
        env["GOVGRAPH_ANONYMOUS"] = "demo"
    else:
        env.pop("GOVGRAPH_ANONYMOUS", None)
    if not database.exists():
        _govgraph("db", "upgrade", env=env)
        _govgraph("seed", env=env)
    port = _free_port()
    log = directory / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", env, log, process)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        if process.poll() is not None:
            server.stop()
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if server.http.get("/healthz").status_code == 200:
                return server
        if time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"the server did not start in {SERVER_START_SECONDS}s:\n{log.read_text()}")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, golden_sqlite: dict[str, Path]
) -> Iterator[LiveServer]:
    """The app with the anonymous demo viewer (`make run`), over the seed data."""
    directory = tmp_path_factory.mktemp("live-server")
    shutil.copy(golden_sqlite["seeded"], directory / "govgraph.db")  # as `make run` seeds it
    server = start_server(directory, anonymous_demo=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[Any]:
    """Headless Chromium under Playwright's sync API, per module: while it runs, its event loop
    is the thread's running loop, which pytest-asyncio's tests after these must not find."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Page:
    """A Playwright page with the console errors it logged and a screenshot helper."""

    page: Any
    errors: list[str]
    directory: Path
    name: str

    def screenshot(self, label: str) -> Path:
        """A full-page PNG in the test's tmp dir, copied to artifacts/browser/."""
        path = self.directory / f"{self.name}-{label}.png"
        self.page.evaluate("window.scrollTo(0, 0)")  # the sticky tree at the top of the picture
        self.page.screenshot(path=str(path), full_page=True)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, ARTIFACTS / path.name)
        return path


@pytest.fixture
def dashboard(browser: Any, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser context (zh-CN, Asia/Shanghai, 1440×900) with console capture."""
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    yield Page(page, errors, tmp_path, request.node.name.replace("/", "_"))
    context.close()
