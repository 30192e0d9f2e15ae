"""SMTP settings: the URL forms docs/mail.md promises, and bad values named clearly."""

from __future__ import annotations

import pytest

from twinspace.config import ConfigError, load_settings
from twinspace.mail.sender import MailSender
from twinspace.mail.smtp import SmtpClient, SmtpTarget


def test_smtp_urls_parse_as_documented() -> None:
    plain = SmtpTarget.parse("smtp://mail.example")
    assert (plain.hostname, plain.port, plain.implicit_tls, plain.starttls) == (
        "mail.example",
        587,
        False,
        None,
    )
    required = SmtpTarget.parse("smtp://twin%40school:s%2Fcr%3At@mail.example:2525?starttls=1")
    assert (required.port, required.starttls) == (2525, True)
    assert (required.username, required.password) == ("twin@school", "s/cr:t")
    assert "s/cr:t" not in repr(required)  # never printed
    assert SmtpTarget.parse("smtp://relay:25?starttls=0").starttls is False
    implicit = SmtpTarget.parse("smtps://u:p@mail.example")
    assert (implicit.port, implicit.implicit_tls, implicit.starttls) == (465, True, False)
    for bad in ("smtp://", "smtp://h?starttls=maybe", "smtps://h?starttls=1", "http://h"):
        with pytest.raises(ValueError):
            SmtpTarget.parse(bad)


def test_bad_mail_settings_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="TWINSPACE_SMTP_URL"):
        load_settings({"TWINSPACE_SMTP_URL": "mail.example:25"})
    with pytest.raises(ConfigError, match="TWINSPACE_MAIL_SENDER"):
        load_settings({"TWINSPACE_MAIL_SENDER": "TwinSpaces"})
    settings = load_settings(
        {"TWINSPACE_SMTP_URL": "smtps://h", "TWINSPACE_MAIL_SENDER": "a@b.example"}
    )
    assert settings.smtp_url == "smtps://h"


def test_backoff_doubles_up_to_the_cap() -> None:
    sender = MailSender(
        None,  # type: ignore[arg-type]
        SmtpClient(SmtpTarget.parse("smtp://h"), 1),
        "a@b.example",
        poll=1,
        retry_base=10,
        retry_cap=900,
    )
    assert [sender.backoff(n) for n in range(8)] == [10, 20, 40, 80, 160, 320, 640, 900]
    assert sender.backoff(10_000) == 900
