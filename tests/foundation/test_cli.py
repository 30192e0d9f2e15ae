from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

from tests.support import database
from tests.support.server import free_port

TWINSPACE = [sys.executable, "-m", "twinspace"]
FAST = {
    "TWINSPACE_ARGON2_TIME_COST": "1",
    "TWINSPACE_ARGON2_MEMORY_KIB": "64",
    "TWINSPACE_ARGON2_PARALLELISM": "1",
}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    data = Path(args[args.index("--data") + 1])
    return subprocess.run(
        [*TWINSPACE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **FAST, **database.env_for(data), **(env or {})},
    )


def _set_schema_version(data: Path, version: int) -> None:
    if database.on_postgres():
        with psycopg.connect(database.url_for_data_dir(data), autocommit=True) as raw:
            raw.execute("INSERT INTO schema_version VALUES (%s, 'from-the-future', '')", (version,))
        return
    with sqlite3.connect(data / "twinspace.sqlite3") as raw:
        raw.execute(f"PRAGMA user_version = {version}")


def test_demo_prints_the_contract_shape(tmp_path: Path) -> None:
    result = run("demo", "--data", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    demo = json.loads(result.stdout)
    kinds = {a["kind"] for a in demo["accounts"]}
    assert kinds == {"teacher", "pupil", "nso", "admin"}
    for account in demo["accounts"]:
        assert {"username", "password", "kind", "role", "school", "country"} <= account.keys()
    countries = {a["country"] for a in demo["accounts"] if a["kind"] == "teacher"}
    assert {"PL", "IT"} <= countries and len(countries) >= 3
    pupil_schools = {a["school"] for a in demo["accounts"] if a["kind"] == "pupil"}
    assert len(pupil_schools) == 3
    project = demo["project"]
    assert project["id"] and project["title"]
    assert all({"id", "title", "room"} <= p.keys() for p in project["pages"])
    assert project["channels"][0]["name"] and project["boards"][0]["title"]
    again = run("demo", "--data", str(tmp_path / "d"))
    assert json.loads(again.stdout) == demo, "a second call prints the same demo"


def test_bad_settings_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    result = run("serve", "--data", str(tmp_path), env={"TWINSPACE_PORT": "eighty"})
    assert result.returncode != 0
    assert "TWINSPACE_PORT" in result.stderr
    result = run(
        "serve", "--data", str(tmp_path), env={"TWINSPACE_PUBLIC_ORIGINS": "school.example"}
    )
    assert result.returncode != 0 and "TWINSPACE_PUBLIC_ORIGINS" in result.stderr


def test_newer_schema_refuses_to_start(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert run("demo", "--data", str(data)).returncode == 0
    _set_schema_version(data, 4242)
    result = run("serve", "--data", str(data), "--port", str(free_port()))
    assert result.returncode != 0 and "newer" in result.stderr


def test_create_admin_and_nso(tmp_path: Path) -> None:
    env = {"TWINSPACE_NEW_PASSWORD": "a long admin password"}
    admin = run("create-admin", "--data", str(tmp_path), "--username", "root", env=env)
    assert admin.returncode == 0, admin.stderr
    assert json.loads(admin.stdout)["kind"] == "admin"
    nso = run(
        "create-nso", "--data", str(tmp_path), "--username", "nso-it", "--country", "it", env=env
    )
    assert nso.returncode == 0 and json.loads(nso.stdout)["kind"] == "nso"
    bad = run(
        "create-nso", "--data", str(tmp_path), "--username", "nso-xx", "--country", "xx", env=env
    )
    assert bad.returncode != 0 and "country" in bad.stderr


def test_serve_demo_and_a_pupil_signs_in(tmp_path: Path) -> None:
    data, port = tmp_path / "d", free_port()
    proc = subprocess.Popen(
        [*TWINSPACE, "serve", "--demo", "--data", str(data), "--port", str(port)],
        env={**os.environ, **FAST, **database.env_for(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        demo = json.loads((data / "demo-accounts.json").read_text())
        pupil = next(a for a in demo["accounts"] if a["kind"] == "pupil")
        response = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/session",
            json={"username": pupil["username"], "password": pupil["password"]},
        )
        assert response.status_code == 200
        token = response.json()["token"]
        project = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/projects/{demo['project']['id']}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert project.status_code == 200 and project.json()["my_role"] == "pupil"
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    # SIGTERM drains (app/drain.py) and ends with status 0, not uvicorn's re-raised signal
    assert proc.returncode == 0
    assert "Application shutdown complete" in stderr
