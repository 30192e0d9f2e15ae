"""The SMTP connection: `TWINSPACE_SMTP_URL` parsed, and one batch of messages sent with
aiosmtplib (docs/mail.md, "Configuration").

    smtp://user:password@host:587            STARTTLS when the server offers it
    smtp://host:587?starttls=1               STARTTLS required (refuse to send in clear)
    smtp://host:25?starttls=0                never STARTTLS (a relay on the same host)
    smtps://user:password@host:465           implicit TLS

User and password are percent-decoded. Nothing here logs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    hostname: str
    port: int
    implicit_tls: bool
    starttls: bool | None  # None: when offered
    username: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("TWINSPACE_SMTP_URL is not smtp://host[:port] or smtps://host[:port]")
        implicit = parts.scheme == "smtps"
        query = parse_qs(parts.query)
        starttls: bool | None = None
        if "starttls" in query:
            flag = query["starttls"][-1].lower()
            if flag not in _FLAGS:
                raise ValueError("TWINSPACE_SMTP_URL: starttls is 1 or 0")
            starttls = _FLAGS[flag]
        if implicit and starttls:
            raise ValueError("TWINSPACE_SMTP_URL: smtps:// is TLS already; drop starttls=1")
        return cls(
            hostname=parts.hostname,
            port=parts.port or (465 if implicit else 587),
            implicit_tls=implicit,
            starttls=False if implicit else starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class PermanentFailure(Exception):
    """The server refused this message for good (a 5xx reply): it is not retried."""


class SmtpClient:
    """Sends messages over one connection per batch."""

    def __init__(self, target: SmtpTarget, timeout: float) -> None:
        self._target = target
        self._timeout = timeout

    def connection(self) -> aiosmtplib.SMTP:
        t = self._target
        return aiosmtplib.SMTP(
            hostname=t.hostname,
            port=t.port,
            use_tls=t.implicit_tls,
            start_tls=t.starttls,
            username=t.username,
            password=t.password,
            timeout=self._timeout,
        )

    @staticmethod
    async def send(smtp: aiosmtplib.SMTP, message: EmailMessage) -> None:
        """Send one message on an open connection; a 5xx refusal is a `PermanentFailure`."""
        try:
            await smtp.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(r.code >= 500 for r in exc.recipients):
                raise PermanentFailure(str(exc)) from exc
            raise
        except aiosmtplib.SMTPSenderRefused:
            raise  # our sender address: a configuration problem, retried after it is fixed
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500:
                raise PermanentFailure(f"{exc.code} {exc.message}") from exc
            raise
