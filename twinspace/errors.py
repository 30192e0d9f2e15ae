"""Domain errors: raised by services, turned into problem JSON or close codes by handlers."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class Unauthenticated(DomainError):
    status, code, title = 401, "unauthenticated", "Not signed in"


class Forbidden(DomainError):
    status, code, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, code, title = 404, "not-found", "Not found"


class RequestTimeout(DomainError):
    status, code, title = 408, "request-timeout", "Request timeout"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class Gone(DomainError):
    status, code, title = 410, "gone", "Gone"


class PayloadTooLarge(DomainError):
    status, code, title = 413, "too-large", "Too large"


class UnsupportedMedia(DomainError):
    status, code, title = 415, "unsupported-media-type", "Unsupported media type"


class RuleViolation(DomainError):
    """The request is well-formed but a domain rule refuses it."""

    status, code, title = 422, "rule-violation", "Not permitted by the rules"


class Throttled(DomainError):
    status, code, title = 429, "throttled", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = max(1, int(retry_after))


class Unavailable(DomainError):
    status, code, title = 503, "unavailable", "Temporarily unavailable"

    def __init__(self, detail: str, *, retry_after: int | None = None, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = None if retry_after is None else max(1, int(retry_after))
