"""Glue between Starlette routes and pydantic models, plus the OpenAPI document.

Starlette has no pydantic integration; this small layer declares each endpoint once (method,
path, auth mode, body/query/response models) so validation, docs and the authorisation-matrix
test all read the same table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from twinspace.errors import Problem, Unauthenticated, UnsupportedMedia
from twinspace.face.auth import Caller, CsrfRejected, identify
from twinspace.face.problems import PROBLEM_JSON, problem, validation_problem
from twinspace.services.container import Services
from twinspace.storage.records import UserRecord
from twinspace.types import API_PREFIX

_PATH_PARAM = re.compile(r"{(\w+)(?::(\w+))?}")


class IdConvertor(Convertor[int]):
    """Positive ids that fit SQLite's INTEGER; anything else does not match (404)."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


class AuthMode(StrEnum):
    PUBLIC = "public"  # anyone (sign-in, registration, certificate checks)
    USER = "user"  # a signed-in user; handlers ask the access rules for the rest


class Paging(BaseModel):
    model_config = ConfigDict(extra="ignore")

    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@dataclass(slots=True)
class Ctx:
    request: Request
    services: Services
    caller: Caller | None

    @property
    def user(self) -> UserRecord:
        if self.caller is None:
            raise Unauthenticated("sign in first")
        return self.caller.auth.user

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    def path_id(self, name: str) -> int:
        value = self.request.path_params[name]
        assert isinstance(value, int)
        return value


Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    auth: AuthMode
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    summary: str
    tag: str
    raw_body: str | None = None  # media type of a non-JSON body (uploads)
    media: tuple[str, ...] = ()  # media types of a non-JSON success response (downloads)

    @property
    def full_path(self) -> str:
        return API_PREFIX + self.path

    @property
    def openapi_path(self) -> str:
        return _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", self.full_path)


def _render(result: Any, status: int) -> Response:
    if isinstance(result, Response):
        return result
    if result is None:
        return Response(status_code=204 if status in (200, 204) else status)
    if isinstance(result, BaseModel):
        return Response(result.model_dump_json(), status_code=status, media_type="application/json")
    payload = (
        TypeAdapter(type(result)).dump_json(result)
        if not isinstance(result, list)
        else json.dumps(
            [
                item.model_dump(mode="json") if isinstance(item, BaseModel) else item
                for item in result
            ]
        ).encode()
    )
    return Response(payload, status_code=status, media_type="application/json")


async def _parse_body(model: type[BaseModel], request: Request) -> BaseModel:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    raw = await request.body()
    if media != "application/json" and not (media == "" and raw == b""):
        raise UnsupportedMedia("send the body as application/json", problem=Problem.REQUEST_FORMAT)
    return model.model_validate_json(raw or b"{}")


@dataclass
class ApiRouter:
    tag: str
    endpoints: list[Endpoint] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        *,
        auth: AuthMode = AuthMode.USER,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        raw_body: str | None = None,
        media: tuple[str, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            doc = (handler.__doc__ or handler.__name__).strip()
            summary = " ".join(line.strip() for line in doc.split("\n\n")[0].splitlines())
            self.endpoints.append(
                Endpoint(
                    method,
                    path,
                    handler,
                    auth,
                    body,
                    query,
                    response,
                    status,
                    summary,
                    self.tag,
                    raw_body,
                    media,
                )
            )
            return handler

        return register

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kw)


def _endpoint_app(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        services: Services = request.app.state.services
        request.scope.setdefault("state", {})["route"] = endpoint.full_path
        try:
            caller = await identify(request, services, method=request.method)
        except (Unauthenticated, CsrfRejected):
            if endpoint.auth is not AuthMode.PUBLIC:
                raise
            caller = None  # a stale cookie or token does not block a public endpoint
        if endpoint.auth is AuthMode.USER and caller is None:
            raise Unauthenticated("sign in first")
        kwargs: dict[str, Any] = {}
        try:
            if endpoint.query is not None:
                kwargs["query"] = endpoint.query.model_validate(dict(request.query_params))
            if endpoint.body is not None:
                kwargs["body"] = await _parse_body(endpoint.body, request)
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                return problem(400, "the body is not valid JSON", code="malformed-json")
            return validation_problem(exc)
        result = await endpoint.handler(Ctx(request, services, caller), **kwargs)
        return _render(result, endpoint.status)

    return run


def starlette_routes(endpoints: list[Endpoint]) -> list[Route]:
    return [
        Route(
            e.full_path,
            _endpoint_app(e),
            methods=[e.method],
            name=f"{e.method.lower()}:{e.full_path}",
        )
        for e in endpoints
    ]


# -- OpenAPI ------------------------------------------------------------------------------

_PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["type", "title", "status"],
}


class ResponseSchema(GenerateJsonSchema):
    """A response always carries every field, defaults included: mark them required in the
    serialization schemas, so generated clients (web/src/api/schema.d.ts) need no fallbacks.
    A TypedDict's `NotRequired` keys stay optional: those are sent only sometimes."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        if self.mode == "serialization" and field["type"] != "typed-dict-field":
            return not field.get("serialization_exclude")
        return super().field_is_required(field, total)


def _schemas(endpoints: list[Endpoint]) -> tuple[dict[tuple[int, str], Any], dict[str, Any]]:
    """Every body, query and response schema, generated in one run so that models with the
    same class name get distinct component names."""
    inputs: list[tuple[tuple[int, str], Any, TypeAdapter[Any]]] = []
    for index, e in enumerate(endpoints):
        for part, annotation, mode in (
            ("body", e.body, "validation"),
            ("query", e.query, "validation"),
            ("response", e.response, "serialization"),
        ):
            if annotation is not None:
                inputs.append(((index, part), mode, TypeAdapter(annotation)))
    keyed, definitions = TypeAdapter.json_schemas(
        inputs,
        ref_template="#/components/schemas/{model}",
        schema_generator=ResponseSchema,
    )
    components: dict[str, Any] = {"Problem": _PROBLEM_SCHEMA, **definitions.get("$defs", {})}
    return {key: schema for (key, _mode), schema in keyed.items()}, components


def openapi_document(endpoints: list[Endpoint], *, version: str) -> dict[str, Any]:
    schemas, components = _schemas(endpoints)
    paths: dict[str, dict[str, Any]] = {}
    for index, e in enumerate(endpoints):
        op: dict[str, Any] = {
            "operationId": f"{e.method.lower()}_{e.handler.__name__}",
            "summary": e.summary,
            "tags": [e.tag],
            "parameters": [],
            "responses": {},
        }
        for name, conv in _PATH_PARAM.findall(e.full_path):
            op["parameters"].append(
                {
                    "name": name,
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}
                    if conv == "id"
                    else {"type": "string"},
                }
            )
        if e.query is not None:
            query_schema = schemas[(index, "query")]
            if "$ref" in query_schema:
                query_schema = components[query_schema["$ref"].rsplit("/", 1)[-1]]
            required = set(query_schema.get("required", []))
            for name, prop in query_schema.get("properties", {}).items():
                op["parameters"].append(
                    {"name": name, "in": "query", "required": name in required, "schema": prop}
                )
        if e.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": schemas[(index, "body")]}},
            }
        elif e.raw_body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {
                    e.raw_body: {
                        "schema": {
                            "type": "object",
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    }
                },
            }
        if e.media:
            op["responses"][str(e.status)] = {
                "description": "a download",
                "content": {
                    media: {"schema": {"type": "object" if media.endswith("json") else "string"}}
                    for media in e.media
                },
            }
        elif e.response is None or e.status == 204:
            op["responses"][str(e.status if e.status != 200 else 204)] = {"description": "done"}
        else:
            op["responses"][str(e.status)] = {
                "description": "success",
                "content": {"application/json": {"schema": schemas[(index, "response")]}},
            }
        problem_ref = {
            "description": "problem",
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in ("400", "401", "403", "404", "409", "413", "415", "422", "429"):
            op["responses"].setdefault(status, problem_ref)
        if not op["parameters"]:
            del op["parameters"]
        if e.auth is AuthMode.PUBLIC:
            op["security"] = []
        paths.setdefault(e.openapi_path, {})[e.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "TwinSpaces API", "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "twinspace_session"},
            },
        },
        "security": [{"bearer": []}, {"cookie": []}],
    }
