"""schemathesis (its Python API) against a real server, with the OpenAPI document the server
serves at /api/v1/openapi.json.

Two runs: one signed in (bearer token) as a teacher who is a member of the seeded project
(the plain `teacher` role; 10 positive + 4 negative examples per operation), and a short
anonymous one (3 + 1). Path ids are mostly real ids of the seeded world, made fresh for each
operation so an earlier DELETE or archive cannot starve a later operation, otherwise whatever
schemathesis generates. A boundary pass sends one extra request per operation with every
integer the schema leaves unbounded at 2**63 (hypothesis reaches such values only by luck).
Checks: no server error, and the answer's status code, content type and body conform to the
document. A separate test checks the document itself (refs resolve, bodies documented as their
own models); the runs repair its dangling refs locally so those operations are fuzzed too.

Bounded and reproducible: a fixed number of examples, no deadline, derandomised (the same
examples every run), no example database, no shrinking; about 35 s + 10 s. Every failure is
collected with a curl command that reproduces it (`$TOKEN`: a session of the teacher), and
the test lists them all.

What is excluded, and why: nothing but one request that would destroy the test user's own
standing: `DELETE /projects/{id}/members/{the teacher's own id}` (leaving the project), after
which every project operation would only test 404s. Signing out (`DELETE /session`, also with
`all=true`) and `POST /me/password` stay in: the runner mints a new session through the
services whenever an answer says 401, and it never signs in with the password, so a changed
password (which needs the current one, and a generated one will not match) could not lock it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.hardening.scene import Actor, Scene, build_scene
from tests.support.server import live_server, make_settings
from twinspace.app.factory import create_app
from twinspace.config import load_settings
from twinspace.errors import DomainError

NO_WEB_CLIENT = Path(__file__).parent / "no-web-client"
MEMBER_EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 4}
ANONYMOUS_EXAMPLES = {GenerationMode.POSITIVE: 3, GenerationMode.NEGATIVE: 1}
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
REQUEST_TIMEOUT = 20.0


@dataclass
class Finding:
    operation: str
    check: str
    status: int
    detail: str
    curl: str


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    calls: int = 0
    operations: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    unloadable: list[str] = field(default_factory=list)

    def server_errors(self) -> list[Finding]:
        return [f for f in self.findings if f.status >= 500]

    def schema_mismatches(self) -> list[Finding]:
        return [f for f in self.findings if f.status < 500]


AnyCase = Case[Any]


class Caller:
    """Sends a case as the teacher (or anonymously), re-minting the session after a 401."""

    def __init__(self, base_url: str, mint: Callable[[], str] | None) -> None:
        self.base_url = base_url
        self.mint = mint
        self.token: str | None = None
        self.http = requests.Session()

    def headers(self) -> dict[str, str]:
        if self.token is None and self.mint is not None:
            self.token = self.mint()  # minted from the worker thread, never the server's loop
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def send(self, case: AnyCase) -> tuple[Any, dict[str, str]]:
        headers = self.headers()
        response = case.call(
            base_url=self.base_url, session=self.http, headers=headers, timeout=REQUEST_TIMEOUT
        )
        self.http.cookies.clear()  # a sign-in's cookie must not authenticate the next case
        if response.status_code == 401 and self.mint is not None:
            self.token = self.mint()  # signed out (or every session revoked): sign in again
        return response, headers


def _own_removal(case: AnyCase, own_id: int | None) -> bool:
    """The one excluded request: the fuzzing teacher removing themselves from a project."""
    return (
        own_id is not None
        and case.method.upper() == "DELETE"
        and case.operation.path.endswith("/members/{user_id}")
        and str((case.path_parameters or {}).get("user_id")) == str(own_id)
    )


def _examples(
    label: str,
    strategy: st.SearchStrategy[AnyCase],
    count: int,
    caller: Caller,
    report: Report,
    own_id: int | None,
    boundary: Boundary | None,
) -> None:
    """Send `count` examples of one operation; collect every failed check. With a
    `boundary`, the first example sent with real ids is sent once more with every unbounded
    integer at 2**63."""
    pending = [boundary] if boundary is not None else []

    def check(case: AnyCase) -> None:
        response, headers = caller.send(case)
        report.calls += 1
        status = response.status_code
        report.statuses[status] = report.statuses.get(status, 0) + 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            curl = case.as_curl_command(headers=headers).replace(
                "Authorization: [Filtered]", "Authorization: Bearer $TOKEN"
            )
            for failure in group.exceptions:
                report.findings.append(
                    Finding(
                        label,
                        failure.title,
                        status,
                        " ".join(str(failure.message).split())[:500],
                        curl,
                    )
                )

    @settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: AnyCase) -> None:
        if _own_removal(case, own_id):
            return
        check(case)
        if pending and pending[0].fits(case):
            check(pending.pop().apply(case))

    run()


@dataclass(frozen=True)
class Boundary:
    """Integers the schema leaves without a maximum, set to one past SQLite's INTEGER."""

    query: tuple[str, ...]
    body: tuple[tuple[str, bool], ...]  # (property, is an array of integers)
    known: dict[str, Any]

    VALUE = 2**63

    def fits(self, case: AnyCase) -> bool:
        params = case.path_parameters or {}
        return all(str(params.get(k)) == str(v) for k, v in self.known.items()) and (
            not self.body or isinstance(case.body, dict)
        )

    def apply(self, case: AnyCase) -> AnyCase:
        twin = case.derive(
            query={**(case.query or {}), **dict.fromkeys(self.query, self.VALUE)}, keep_auth=True
        )
        if isinstance(twin.body, dict):
            for name, is_array in self.body:
                twin.body[name] = [self.VALUE] if is_array else self.VALUE
        return twin


def unbounded_integers(
    document: dict[str, Any], method: str, path: str
) -> tuple[tuple[str, ...], tuple[tuple[str, bool], ...]]:
    """Query parameters and top-level body properties that are integers without a maximum."""
    components = document["components"]["schemas"]
    op = document["paths"][path][method.lower()]

    def resolve(schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = components.get(schema["$ref"].rsplit("/", 1)[1], {})
        return schema

    def unbounded(schema: Any) -> bool:
        schema = resolve(schema)
        if not isinstance(schema, dict):
            return False
        options = schema.get("anyOf", [schema])
        return any(
            resolve(o).get("type") == "integer" and "maximum" not in resolve(o) for o in options
        )

    query = tuple(
        p["name"] for p in op.get("parameters", []) if p["in"] == "query" and unbounded(p["schema"])
    )
    body_schema = resolve(
        op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    )
    body = []
    for name, prop in body_schema.get("properties", {}).items():
        prop = resolve(prop)
        if unbounded(prop):
            body.append((name, False))
        elif prop.get("type") == "array" and unbounded(prop.get("items", {})):
            body.append((name, True))
    return query, tuple(body)


def fuzz(
    schema: Any,
    document: dict[str, Any],
    caller: Caller,
    examples: dict[GenerationMode, int],
    fresh_ids: Callable[[], dict[str, Any]] | None,
    own_id: int | None,
) -> Report:
    report = Report()
    for result in schema.get_all_operations():
        if not hasattr(result, "ok"):
            report.unloadable.append(str(result.err()).splitlines()[0])
            continue
        operation = result.ok()
        report.operations += 1
        ids = fresh_ids() if fresh_ids else {}
        known = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
        label = f"{operation.method.upper()} {operation.path}"
        query, body = unbounded_integers(document, operation.method, operation.path)
        boundary = Boundary(query, body, known) if query or body else None
        for mode, count in examples.items():
            strategy = operation.as_strategy(generation_mode=mode)
            if known:  # mostly real ids, so the checks past the 404 get exercised too
                real = operation.as_strategy(generation_mode=mode, path_parameters=known)
                strategy = st.one_of(real, real, real, strategy)
            try:
                _examples(
                    label,
                    strategy,
                    count,
                    caller,
                    report,
                    own_id,
                    boundary if mode is GenerationMode.POSITIVE else None,
                )
            except Unsatisfiable:
                # nothing to negate (no parameters, no body): positive examples only
                assert mode is GenerationMode.NEGATIVE, label
    return report


def dangling_refs(document: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, ref) of every `$ref` that does not name a component schema."""
    names = set(document.get("components", {}).get("schemas", {}))
    found: list[tuple[str, str]] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not (
                ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in names
            ):
                found.append((where, ref))
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(document, "#")
    return found


def _repaired(document: dict[str, Any]) -> dict[str, Any]:
    """A copy whose dangling `#/$defs/X` refs point at the component X when there is one (an
    open schema otherwise), so the operations using them are fuzzed too; the dangling refs
    themselves fail the test separately."""
    names = set(document["components"]["schemas"])

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.rsplit("/", 1)[1]
                return {"$ref": f"#/components/schemas/{name}"} if name in names else {}
            return {key: fix(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fix(value) for value in node]
        return node

    repaired: dict[str, Any] = fix(document)
    return repaired


def _format(findings: list[Finding]) -> str:
    """One entry per operation and status, naming every check that failed there."""
    grouped: dict[tuple[str, int], list[Finding]] = {}
    for finding in findings:
        grouped.setdefault((finding.operation, finding.status), []).append(finding)
    lines = []
    for (operation, status), group in grouped.items():
        checks = ", ".join(dict.fromkeys(f.check for f in group))
        details = "; ".join(dict.fromkeys(f.detail for f in group if f.detail))
        lines.append(
            f"  {operation} -> HTTP {status}: {checks}"
            + (f"\n      {details}" if details else "")
            + f"\n      reproduce: {group[0].curl}"
        )
    return "\n".join(lines)


def _fresh_ids(scene: Scene, loop: asyncio.AbstractEventLoop) -> Callable[[], dict[str, Any]]:
    """Real ids for path parameters, new objects each call (made on the server's loop). The
    fuzzing itself may have archived, muted or deleted what a factory needs: an id that cannot
    be made is left to schemathesis to generate."""
    teacher = scene.people[Actor.TEACHER]

    async def make() -> dict[str, Any]:
        ids: dict[str, Any] = {
            "project_id": scene.project.id,
            "media_id": scene.ids["media"],
            "class_id": scene.school_class.id,
            "item_id": scene.ids["message"],
            "kind": "message",
            "teacher_id": teacher.id,
            "code": scene.ids["certificate"],
            "year": scene.ids["year"],
            "school_id": scene.ids["school"],
        }

        async def add(name: str, make_one: Callable[[], Awaitable[Any]]) -> None:
            try:
                ids[name] = await make_one()
            except (DomainError, AssertionError):
                pass

        page = await scene.fresh_page()
        channel = (await scene.fresh_channel()).id
        board = (await scene.fresh_board()).id
        ids.update(page_id=page.id, channel_id=channel, board_id=board)
        await add("version_id", lambda: scene.fresh_version(page))
        await add("message_id", lambda: _id(scene.fresh_message(teacher, channel_id=channel)))
        await add("section_id", scene.fresh_section)
        await add("post_id", lambda: scene.fresh_post(teacher, board))
        if "post_id" in ids:
            await add("comment_id", lambda: scene.fresh_comment(teacher, ids["post_id"]))
        await add("user_id", lambda: _id(scene.fresh_pupil(in_project=True)))
        await add("queue_id", lambda: scene.fresh_held_entry(channel))
        await add("event_id", scene.fresh_event)
        await add("application_id", scene.fresh_application)
        await add("session_id", lambda: scene.fresh_session(live=True))
        return ids

    def fresh() -> dict[str, Any]:
        return asyncio.run_coroutine_threadsafe(make(), loop).result(timeout=30)

    return fresh


async def _id(made: Awaitable[Any]) -> int:
    value = await made
    return int(value["id"] if isinstance(value, dict) else value.id)


async def _run(tmp_path: Path, *, anonymous: bool) -> Report:
    settings_ = make_settings(
        tmp_path / "data", web_dir=NO_WEB_CLIENT, posts_per_minute=1_000_000.0, post_burst=1_000_000
    )
    async with (
        live_server(settings_) as server,
        httpx.AsyncClient(base_url=server.base_url, timeout=30) as http,
    ):
        document = _repaired((await http.get("/api/v1/openapi.json")).json())
        schema = schemathesis.openapi.from_dict(document)
        if anonymous:
            return await asyncio.to_thread(
                fuzz,
                schema,
                document,
                Caller(server.base_url, None),
                ANONYMOUS_EXAMPLES,
                None,
                None,
            )
        scene = await build_scene(server, http)
        loop = asyncio.get_running_loop()
        teacher = scene.people[Actor.TEACHER]

        def mint() -> str:
            future = asyncio.run_coroutine_threadsafe(
                server.services.accounts.start_session(teacher.user), loop
            )
            return future.result(timeout=10).token

        return await asyncio.to_thread(
            fuzz,
            schema,
            document,
            Caller(server.base_url, mint),
            MEMBER_EXAMPLES,
            _fresh_ids(scene, loop),
            teacher.id,
        )


def _problems(report: Report) -> str:
    parts = []
    if errors := report.server_errors():
        where = {(f.operation, f.status) for f in errors}
        parts.append(f"server errors in {len(where)} operations:\n{_format(errors)}")
    if report.unloadable:
        parts.append(
            "operations schemathesis cannot load:\n    " + "\n    ".join(report.unloadable)
        )
    if mismatches := report.schema_mismatches():
        parts.append(f"responses that do not match the schema:\n{_format(mismatches)}")
    return "\n\n".join(parts)


async def test_no_server_errors_as_a_teacher_of_the_project(tmp_path: Path) -> None:
    report = await _run(tmp_path, anonymous=False)
    assert report.operations >= 140 and report.calls >= report.operations * 5, report
    problems = _problems(report)
    assert not problems, problems


async def test_no_server_errors_anonymously(tmp_path: Path) -> None:
    report = await _run(tmp_path, anonymous=True)
    assert report.operations >= 140 and report.calls >= report.operations, report
    problems = _problems(report)
    assert not problems, problems


async def test_the_openapi_document_resolves_and_matches_the_models() -> None:
    """Every $ref names a component, and every request body is documented as its own model
    (two models of one name must not overwrite each other's component)."""
    app = create_app(load_settings(environ={}, data_dir=Path("unused"), web_dir=NO_WEB_CLIENT))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as http:
        document = (await http.get("/api/v1/openapi.json")).json()
    problems = [f"{where}: {ref} resolves to nothing" for where, ref in dangling_refs(document)]
    components = document["components"]["schemas"]
    for endpoint in app.state.endpoints:
        if endpoint.body is None:
            continue
        op = document["paths"][endpoint.openapi_path][endpoint.method.lower()]
        documented = op["requestBody"]["content"]["application/json"]["schema"]
        if "$ref" in documented:
            documented = components.get(documented["$ref"].rsplit("/", 1)[1], {})
        fields = set(endpoint.body.model_json_schema(mode="validation").get("properties", {}))
        if set(documented.get("properties", {})) != fields:
            problems.append(
                f"{endpoint.method} {endpoint.openapi_path}: the body is documented with the "
                f"fields {sorted(documented.get('properties', {}))}, the model "
                f"{endpoint.body.__module__}.{endpoint.body.__qualname__} has {sorted(fields)}"
            )
    assert not problems, "\n".join(problems)
