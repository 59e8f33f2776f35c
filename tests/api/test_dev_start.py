"""A local start that works for tokens (issue 19, point 3).

Before: `make run` served without GOVGRAPH_SECRET, so no token verified (the dashboard's token
box was useless until a restart with a secret), and `govgraph token` signed with any secret,
however short. Now development mode (GOVGRAPH_ENV=development, as `make run` sets it)
generates a secret once into the git-ignored .govgraph-dev-secret, the settings read it only
in that mode and only without GOVGRAPH_SECRET, `govgraph serve` prints a token per role that
verifies, now and after a restart; `govgraph token` and `govgraph serve` refuse a secret
shorter than 32 bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jwt
import pytest

from api.cli import main
from api.settings import DEV_SECRET_FILE, MIN_SECRET_BYTES, Settings, ensure_dev_secret
from models.enums import ViewerRole
from tests.conftest import sqlite_url

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No GOVGRAPH_SECRET or GOVGRAPH_ENV, in an empty working directory."""
    for name in ("GOVGRAPH_SECRET", "GOVGRAPH_ENV", "GOVGRAPH_DEV_TOKEN_UNIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def seeded_file(golden_sqlite: dict[str, Path], tmp_path: Path) -> str:
    """A copy of the seeded SQLite golden file: its URL."""
    path = tmp_path / "seeded.db"
    shutil.copy(golden_sqlite["seeded"], path)
    return sqlite_url(path)


class TestDevelopmentSecret:
    def test_generated_once_owner_only_and_git_ignored(self, clean_env: Path) -> None:
        secret, created = ensure_dev_secret()
        assert created
        assert len(secret.encode()) >= MIN_SECRET_BYTES
        again, created_again = ensure_dev_secret()
        assert (again, created_again) == (secret, False)
        mode = stat.S_IMODE((clean_env / DEV_SECRET_FILE).stat().st_mode)
        assert mode == 0o600
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", DEV_SECRET_FILE], cwd=ROOT, check=False
        )
        assert ignored.returncode == 0  # never committed by accident

    def test_read_only_in_development_mode_and_only_without_a_secret(
        self, clean_env: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        secret, _ = ensure_dev_secret()
        assert Settings.from_env().secret is None  # not in development mode: ignored
        monkeypatch.setenv("GOVGRAPH_ENV", "development")
        settings = Settings.from_env()
        assert (settings.secret, settings.secret_source) == (secret, DEV_SECRET_FILE)
        given = "s" * 40
        monkeypatch.setenv("GOVGRAPH_SECRET", given)
        settings = Settings.from_env()
        assert (settings.secret, settings.secret_source) == (given, "GOVGRAPH_SECRET")


class TestShortSecrets:
    @pytest.mark.parametrize("command", ["token", "serve"])
    def test_a_secret_under_32_bytes_is_refused(
        self,
        clean_env: Path,
        seeded_file: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        command: str,
    ) -> None:
        # 31 bytes in UTF-8 (the rule counts bytes, not characters: 密 is 3).
        monkeypatch.setenv("GOVGRAPH_SECRET", "密" * 10 + "x")
        monkeypatch.setenv("GOVGRAPH_DATABASE_URL", seeded_file)
        argv = ["token", "--unit", "城区", "--role", "VIEWER"] if command == "token" else ["serve"]
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert "31 bytes" in captured.err
        assert "at least 32" in captured.err
        assert captured.out == ""  # no token

    def test_a_32_byte_secret_signs(
        self,
        clean_env: Path,
        seeded_file: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("GOVGRAPH_SECRET", "k" * 32)
        monkeypatch.setenv("GOVGRAPH_DATABASE_URL", seeded_file)
        assert main(["token", "--unit", "城区", "--role", "REPORTER"]) == 0
        token = capsys.readouterr().out.strip()
        claims = jwt.decode(token, "k" * 32, algorithms=["HS256"], options={"verify_iss": False})
        assert claims["role"] == "REPORTER"

    def test_without_a_secret_token_points_at_development_mode(
        self,
        clean_env: Path,
        seeded_file: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        ensure_dev_secret()
        monkeypatch.setenv("GOVGRAPH_DATABASE_URL", seeded_file)
        assert main(["token", "--unit", "城区", "--role", "VIEWER"]) == 2
        assert "GOVGRAPH_ENV=development" in capsys.readouterr().err
        monkeypatch.setenv("GOVGRAPH_ENV", "development")
        assert main(["token", "--unit", "城区", "--role", "VIEWER"]) == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def _serve(cwd: Path, url: str) -> AsyncIterator[tuple[str, list[str]]]:
    """`govgraph serve` in development mode without GOVGRAPH_SECRET: (base URL, the lines it
    printed before serving)."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"GOVGRAPH_SECRET", "GOVGRAPH_DEV_TOKEN_UNIT", "GOVGRAPH_ANONYMOUS"}
    }
    env |= {"GOVGRAPH_ENV": "development", "GOVGRAPH_DATABASE_URL": url}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        "--no-access-log",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    lines: list[str] = []
    base = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        async with asyncio.timeout(WAIT):
            while not lines or not lines[-1].lstrip().startswith("other units"):
                line = (await process.stdout.readline()).decode()
                assert line, f"the server ended: {lines}"
                lines.append(line.rstrip("\n"))
            async with httpx.AsyncClient(base_url=base, trust_env=False) as http:
                while True:
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get("/healthz")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
        yield base, lines
    finally:
        process.terminate()
        async with asyncio.timeout(WAIT):
            await process.wait()


def _tokens(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        words = line.split()
        if len(words) == 2 and words[0] in {r.value for r in ViewerRole}:
            out[words[0]] = words[1]
    return out


async def _me(base: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=WAIT) as http:
        return await http.post(
            "/graphql",
            json={"query": "{ me { role unit { name } } }"},
            headers={"authorization": f"Bearer {token}"},
        )


async def test_make_runs_start_prints_tokens_that_verify_now_and_after_a_restart(
    tmp_path: Path, seeded_file: str
) -> None:
    async with _serve(tmp_path, seeded_file) as (base, lines):
        assert any("generated" in line and DEV_SECRET_FILE in line for line in lines), lines
        tokens = _tokens(lines)
        assert set(tokens) == {r.value for r in ViewerRole}
        for role, token in tokens.items():
            response = await _me(base, token)
            assert response.status_code == 200, response.text
            assert response.json()["data"]["me"]["role"] == role
    assert (tmp_path / DEV_SECRET_FILE).exists()
    async with _serve(tmp_path, seeded_file) as (base, lines):
        assert any("kept" in line for line in lines), lines
        # A token of the first start (pasted into the dashboard) still verifies.
        response = await _me(base, tokens["VIEWER"])
        assert response.status_code == 200, response.text
        assert response.json()["data"]["me"]["role"] == "VIEWER"
