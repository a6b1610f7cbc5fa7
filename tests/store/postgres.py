"""A real PostgreSQL server for the store and gateway tests, started once per session.

``HEGUI_TEST_POSTGRES_URL`` points at a server someone else runs (a database per test is created
in it). Otherwise the Debian binaries (``/usr/lib/postgresql/*/bin``, package ``postgresql``)
start a throwaway cluster in a temporary folder: ``initdb`` with trust authentication, then
``pg_ctl`` on a free port of 127.0.0.1 (as the ``postgres`` user when the tests run as root,
which ``initdb`` refuses). Without either, PostgreSQL tests skip, or fail when
``HEGUI_REQUIRE_POSTGRES=1`` (set by ``.ci/run``, which installs the package).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing(reason: str) -> None:
    """Skip, or fail when the CI asked for PostgreSQL."""
    if os.environ.get("HEGUI_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"HEGUI_REQUIRE_POSTGRES=1 but {reason}")
    pytest.skip(reason)


class PostgresServer:
    """A server that hands out a fresh database per test."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")

    def _admin(self) -> str:
        return self.base_url + "/postgres"

    def new_database(self) -> str:
        """Create an empty database; returns its URL."""
        import sqlalchemy as sa

        name = "hegui_t_" + secrets.token_hex(6)
        engine = sa.create_engine(
            self._admin().replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        finally:
            engine.dispose()
        return f"{self.base_url}/{name}"

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`new_database` (connections are ended first)."""
        import sqlalchemy as sa

        name = url.rsplit("/", 1)[1]
        engine = sa.create_engine(
            self._admin().replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            engine.dispose()


def _run(cmd: list[str], user: str | None) -> None:
    if user is not None:
        cmd = ["runuser", "-u", user, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Yield a running server (see the module docstring), or skip/fail."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing("psycopg is not installed (pip install 'hegui[gateway]')")
    url = os.environ.get("HEGUI_TEST_POSTGRES_URL")
    if url:
        base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
        yield PostgresServer(base)
        return
    bindir = _bin_dir()
    if bindir is None:
        missing("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    assert bindir is not None
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="hegui-pg-"))
    data = root / "data"
    port = _free_port()
    if user is not None:
        shutil.chown(root, user=user)
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            user,
        )
        # fsync off: the tests check the store's logic, not the disk (benchmarks keep it on).
        opts = f"-p {port} -h 127.0.0.1 -k {root} -F -c max_connections=200"
        _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ],
            user,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        missing(
            f"could not start PostgreSQL from {bindir}: {exc} {detail.decode(errors='replace')}"
        )
    try:
        yield PostgresServer(f"postgresql://postgres@127.0.0.1:{port}")
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], user)
        shutil.rmtree(root, ignore_errors=True)
