"""The `twinspace` command: serve, demo, and admin account creation."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from twinspace.app.demo import DEMO_FILE, ensure_demo
from twinspace.app.server import run_server
from twinspace.app.workers import Supervisor, bind_listening_socket
from twinspace.config import ENV_PREFIX, ConfigError, Settings, load_settings
from twinspace.errors import DomainError
from twinspace.logs import configure_logging
from twinspace.services.container import Services
from twinspace.storage import SchemaTooNew
from twinspace.types import UserKind

T = TypeVar("T")


def _settings(**overrides: Any) -> Settings:
    try:
        return load_settings(**overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _with_services(settings: Settings, work: Callable[[Services], Awaitable[T]]) -> T:
    async def run() -> T:
        services = await Services.start(settings)
        try:
            return await work(services)
        finally:
            await services.stop()

    try:
        return asyncio.run(run())
    except SchemaTooNew as exc:
        raise click.ClickException(str(exc)) from None
    except (DomainError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Data directory (TWINSPACE_DATA_DIR).",
)


@click.group()
@click.version_option(package_name="twinspace")
def main() -> None:
    """TwinSpaces: real-time collaboration for cross-border school projects."""


@main.command()
@click.option("--host", default=None, help="Bind address (TWINSPACE_HOST).")
@click.option("--port", type=int, default=None, help="Port (TWINSPACE_PORT).")
@data_option
@click.option("--demo", is_flag=True, help="Seed the demo TwinSpace into an empty data dir.")
@click.option(
    "--public-origin",
    "public_origins",
    multiple=True,
    help="Origin allowed for cookie auth (repeatable; TWINSPACE_PUBLIC_ORIGINS).",
)
@click.option(
    "--cookie-secure/--no-cookie-secure",
    default=None,
    help="Mark cookies Secure (TWINSPACE_COOKIE_SECURE).",
)
@click.option("--log-format", type=click.Choice(["plain", "json"]), default=None)
@click.option("--max-connections-per-user", type=int, default=None)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=1,
    help="Server processes sharing the port (more than 1 needs clustered mode).",
)
@click.option("--listen-fd", type=int, default=None, hidden=True)  # a worker of --workers N
def serve(
    host: str | None,
    port: int | None,
    data_dir: Path | None,
    demo: bool,
    public_origins: tuple[str, ...],
    cookie_secure: bool | None,
    log_format: str | None,
    max_connections_per_user: int | None,
    workers: int,
    listen_fd: int | None,
) -> None:
    """Run the server."""
    overrides: dict[str, Any] = {
        "host": host,
        "port": port,
        "data_dir": data_dir,
        "public_origins": public_origins or None,
        "cookie_secure": cookie_secure,
        "log_format": log_format,
        "max_connections_per_user": max_connections_per_user,
    }
    settings = _settings(**overrides)
    configure_logging(settings.log_format, settings.log_level)
    if listen_fd is not None:  # a worker: the parent migrated, seeded and bound the port
        run_server(settings, socket.socket(fileno=listen_fd))
        return
    if workers > 1 and not settings.clustered:
        raise click.ClickException(
            f"--workers {workers} needs clustered mode: set TWINSPACE_DATABASE_URL "
            "(PostgreSQL) and TWINSPACE_REDIS_URL (Redis), which the processes share "
            "(README, Clustered mode); one process needs neither"
        )
    if demo:
        described = _with_services(settings, ensure_demo)
        click.echo(
            f"demo TwinSpace {described['project']['title']!r} ready; accounts and "
            f"passwords are in {settings.data_dir / DEMO_FILE}",
            err=True,
        )
        for account in described["accounts"]:
            if account["kind"] != "pupil" or account["username"].startswith(("zosia", "giulia")):
                click.echo(
                    f"  {account['kind']:8} {account['username']:16} {account['password']}",
                    err=True,
                )
    else:  # migrations run here, once, before any worker starts
        _with_services(settings, lambda services: asyncio.sleep(0))
    if workers == 1:
        run_server(settings)
        return
    listening = bind_listening_socket(settings.host, settings.port)
    bound_port = listening.getsockname()[1]
    click.echo(
        f"serving on http://{settings.host}:{bound_port} with {workers} worker processes",
        err=True,
    )
    env = {**os.environ, **settings_env({**overrides, "port": bound_port})}
    supervisor = Supervisor(
        workers, listening, env, drain_seconds=settings.drain_seconds + settings.drain_close_seconds
    )
    sys.exit(supervisor.run())


def settings_env(overrides: dict[str, Any]) -> dict[str, str]:
    """CLI flags as the environment variables a worker process reads them from."""
    env = {}
    for name, value in overrides.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[ENV_PREFIX + name.upper()] = str(value)
    return env


@main.command()
@data_option
def demo(data_dir: Path | None) -> None:
    """Seed the demo into an empty data dir and print its accounts and ids as JSON."""
    settings = _settings(data_dir=data_dir)
    configure_logging("plain", "WARNING")
    described = _with_services(settings, ensure_demo)
    click.echo(json.dumps(described, indent=2, ensure_ascii=False))


def _create_staff(
    kind: UserKind, data_dir: Path | None, username: str, display_name: str, country: str | None
) -> None:
    password = os.environ.get("TWINSPACE_NEW_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    settings = _settings(data_dir=data_dir)
    configure_logging("plain", "WARNING")

    async def create(services: Services) -> int:
        user = await services.accounts.create_staff(
            kind=kind,
            username=username,
            password=password,
            display_name=display_name,
            country=country,
        )
        return user.id

    user_id = _with_services(settings, create)
    click.echo(json.dumps({"id": user_id, "username": username, "kind": kind.value}))


@main.command("create-admin")
@data_option
@click.option("--username", required=True)
@click.option("--display-name", default="Central admin")
def create_admin(data_dir: Path | None, username: str, display_name: str) -> None:
    """Create a central admin account (password from prompt or TWINSPACE_NEW_PASSWORD)."""
    _create_staff(UserKind.ADMIN, data_dir, username, display_name, None)


@main.command("create-nso")
@data_option
@click.option("--username", required=True)
@click.option("--country", required=True, help="Two-letter code, e.g. PL.")
@click.option("--display-name", default=None)
def create_nso(
    data_dir: Path | None, username: str, country: str, display_name: str | None
) -> None:
    """Create a national support organisation account for one country."""
    _create_staff(
        UserKind.NSO, data_dir, username, display_name or f"NSO {country.upper()}", country.upper()
    )


def _set_active(data_dir: Path | None, username: str, active: bool) -> None:
    settings = _settings(data_dir=data_dir)
    configure_logging("plain", "WARNING")

    async def apply(services: Services) -> int:
        user = await services.storage.users.by_username(username)
        if user is None:
            raise click.ClickException(f"no account {username!r}")
        await services.accounts.set_active(user, active)
        return user.id

    user_id = _with_services(settings, apply)
    click.echo(json.dumps({"id": user_id, "username": username, "active": active}))


@main.command()
@data_option
@click.option("--username", required=True)
def deactivate(data_dir: Path | None, username: str) -> None:
    """Deactivate an account: it cannot sign in, its sessions end and a running server closes
    its websockets within `TWINSPACE_SESSION_CHECK_SECONDS`."""
    _set_active(data_dir, username, False)


@main.command()
@data_option
@click.option("--username", required=True)
def reactivate(data_dir: Path | None, username: str) -> None:
    """Let a deactivated account sign in again."""
    _set_active(data_dir, username, True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
