"""RFC 9457 problem details: every HTTP error leaves the server as application/problem+json."""

from __future__ import annotations

import json
import logging
import sqlite3
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from twinspace.errors import DomainError
from twinspace.storage import StorageError, ValueOutOfRange

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/problems/"
log = logging.getLogger("twinspace.http")


def problem(
    status: int,
    detail: str | None = None,
    *,
    code: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    type_code: str | None = None,
    **extra: Any,
) -> Response:
    """`code` is the precise, stable code clients translate; `type` is built from `type_code`
    (the class of problem) when given, else from `code`."""
    phrase = HTTPStatus(status).phrase
    kind = type_code or code
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + kind if kind else "about:blank",
        "title": title or phrase,
        "status": status,
    }
    if code:
        body["code"] = code  # stable, for clients to translate (docs/i18n.md)
    if detail:
        body["detail"] = detail
    body.update(extra)
    return Response(
        json.dumps(body, default=str), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """Errors without the rejected input (it may hold a password)."""
    return [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


def validation_problem(exc: ValidationError) -> Response:
    return problem(
        422,
        "the request does not match the schema",
        code="validation-error",
        title="Invalid request",
        errors=validation_errors(exc),
    )


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    retry_after = getattr(exc, "retry_after", None)  # Throttled, and some Unavailable
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return problem(
        exc.status,
        exc.detail,
        code=exc.code,
        title=exc.title,
        headers=headers,
        type_code=getattr(exc, "type_code", None),
        **exc.extra,
    )


async def on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}
    return problem(
        exc.status_code,
        exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else None,
        code=codes.get(exc.status_code),
        headers=dict(exc.headers) if exc.headers else None,
    )


async def on_storage_error(request: Request, exc: Exception) -> Response:
    log.error("storage refused a request: %s", exc)
    return problem(
        503,
        "the data store is unavailable; nothing was changed, try again",
        code="storage-unavailable",
        headers={"Retry-After": "5"},
    )


async def on_out_of_range(request: Request, exc: Exception) -> Response:
    return problem(
        422,
        "a value in the request cannot be stored: a number out of range or a NUL character",
        code="validation-error",
        title="Invalid request",
    )


async def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "an internal error occurred", code="internal-error")


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: on_domain_error,
    HTTPException: on_http_exception,
    StorageError: on_storage_error,
    ValueOutOfRange: on_out_of_range,
    sqlite3.OperationalError: on_storage_error,
    Exception: on_unexpected,
}
