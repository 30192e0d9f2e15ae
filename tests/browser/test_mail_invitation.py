"""Start a TwinSpace and invite a partner by e-mail, end to end in the browser: a real SMTP
server run by the test receives the invitation, the partner registers through its link, the
NSO validates them and they land in the TwinSpace (docs/mail.md)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import (
    TIMEOUT_MS,
    DemoServer,
    require_browser,
    running_demo,
    screenshot,
)
from tests.support.smtp import Received, SmtpServer

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.browser

FOUNDER = "anna.nowak"
COFOUNDER = "marco.rossi"
LINK = re.compile(r"(http://\S+/register\?invitation=\S+)")


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def mail_demo(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[DemoServer]:
    require_browser()
    settings = {
        "TWINSPACE_SMTP_URL": smtp.url,
        "TWINSPACE_MAIL_SENDER": "TwinSpaces <noreply@twinspaces.example>",
        "TWINSPACE_MAIL_POLL_SECONDS": "0.2",
    }
    with running_demo(Path(tmp_path_factory.mktemp("mail-demo")), settings) as server:
        yield server


def context_for(
    browser: Browser, server: DemoServer, username: str | None = None
) -> BrowserContext:
    context = browser.new_context(
        base_url=server.base_url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    if username is not None:
        response = context.request.post(
            "/api/v1/session",
            data={"username": username, "password": server.account(username)["password"]},
        )
        assert response.ok, response.text()
    return context


def mail_to(smtp: SmtpServer, address: str, within: float = 15.0) -> Received:
    """The first mail the SMTP server received for `address` (polled with a deadline)."""
    deadline = time.monotonic() + within
    while not smtp.to(address):
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail reached {address} within {within} s")
        time.sleep(0.05)
    return smtp.to(address)[0]


def test_a_teacher_starts_a_twinspace_and_a_partner_joins_through_an_emailed_link(
    mail_demo: DemoServer, browser: Browser, smtp: SmtpServer
) -> None:
    title = f"Bridges of Europe {uuid.uuid4().hex[:4]}"
    address = f"ewa.{uuid.uuid4().hex[:6]}@szkola.example"
    contexts: list[BrowserContext] = []
    try:
        # the founder starts a European TwinSpace from the dashboard's form
        founder_context = context_for(browser, mail_demo, FOUNDER)
        contexts.append(founder_context)
        founder: Page = founder_context.new_page()
        founder.goto("/")
        founder.get_by_role("button", name="Start a TwinSpace").click()
        form = founder.get_by_role("dialog")
        form.get_by_label("European: schools from at least two countries").check()
        form.get_by_label("Title").fill(title)
        form.get_by_label("Description").fill("Pupils compare the bridges of their towns.")
        form.get_by_label("Subjects").fill("history, engineering")
        form.get_by_label("Languages of the project").fill("en")
        form.get_by_label("Pupils\N{RIGHT SINGLE QUOTATION MARK} age from").fill("10")
        form.get_by_label("Pupils\N{RIGHT SINGLE QUOTATION MARK} age to").fill("13")
        form.get_by_label("Find co-founders in").select_option("IT")
        form.get_by_role("button", name="Add Marco Rossi").click()
        expect(form.get_by_role("list", name="Chosen co-founders")).to_contain_text("Marco Rossi")
        screenshot(founder, "30-start-a-twinspace")
        form.get_by_role("button", name="Start the TwinSpace").click()
        expect(founder).to_have_url(re.compile(r"/projects/\d+"))
        project_id = int(founder.url.rsplit("/projects/", 1)[1].split("/")[0])

        # the Italian co-founder accepts: the European TwinSpace is founded
        invitation = next(
            i
            for i in mail_demo.api(COFOUNDER, "GET", "/invitations")
            if i["project_id"] == project_id
        )
        assert (
            mail_demo.api(COFOUNDER, "POST", f"/invitations/{invitation['id']}/accept")["state"]
            == "active"
        )

        # the founder invites a teacher who has no account, by e-mail, in Polish
        founder.goto("/partners")
        invite = founder.locator(".invite-by-email")
        invite.get_by_label("TwinSpace").select_option(label=title)
        invite.get_by_label("E-mail address").fill(address)
        invite.get_by_label("Language of the e-mail").select_option("pl")
        invite.get_by_role("button", name="Send invitation").click()
        expect(founder.get_by_text(f"Invitation sent to {address}.")).to_be_visible()

        founder.goto(f"/projects/{project_id}/members")
        sent = founder.locator("section", has_text="Invited by e-mail").get_by_role("listitem")
        expect(sent).to_contain_text(address)
        expect(sent).to_contain_text("link not used yet")

        mail = mail_to(smtp, address)
        assert mail.message["Subject"] == f"Anna Nowak zaprasza Cię do TwinSpace „{title}”"
        assert mail.message.get_content_type() == "text/plain"
        found = LINK.search(mail.text)
        assert found is not None, mail.text
        link = found.group(1)
        assert link.startswith(mail_demo.base_url + "/register?invitation=")

        # the partner follows the link and registers
        partner_context = context_for(browser, mail_demo)
        contexts.append(partner_context)
        partner = partner_context.new_page()
        partner.goto(link)
        expect(
            partner.get_by_role("status").filter(has_text="invites you to the TwinSpace")
        ).to_contain_text(f"Anna Nowak invites you to the TwinSpace “{title}”")
        partner.get_by_label("Country").select_option("PL")
        expect(partner.get_by_label("School", exact=True)).to_contain_text("Kraków")
        partner.get_by_label("Name shown to others").fill("Ewa Kowalska")
        expect(partner.get_by_label("E-mail")).to_have_value(address)
        username = f"ewa.{uuid.uuid4().hex[:5]}"
        password = "a long and honest passphrase"
        partner.get_by_label("Username").fill(username)
        partner.get_by_label("Password").fill(password)
        partner.get_by_role("button", name="Register", exact=True).click()
        expect(partner.get_by_role("status").filter(has_text="Thank you")).to_contain_text(
            f"you will be a member of “{title}”"
        )

        # the link worked once: opening it again says so
        partner.goto(link)
        expect(partner.get_by_role("status").filter(has_text="no longer valid")).to_be_visible()

        # the NSO validates the registration
        nso_context = context_for(browser, mail_demo, "nso.pl")
        contexts.append(nso_context)
        nso = nso_context.new_page()
        nso.goto("/nso/registrations")
        nso.locator("tr", has_text="Ewa Kowalska").get_by_role(
            "button", name=re.compile("^Validate")
        ).click()
        nso.get_by_role("dialog").get_by_role("button", name="Validate").click()
        expect(nso.locator("tr", has_text="Ewa Kowalska")).to_have_count(0)

        # the partner signs in and is a member of the TwinSpace
        signed_in = partner_context.request.post(
            "/api/v1/session", data={"username": username, "password": password}
        )
        assert signed_in.ok, signed_in.text()
        partner.goto("/")
        partner.get_by_role("link", name=title).click()
        expect(partner).to_have_url(re.compile(rf"/projects/{project_id}"))
        expect(partner.get_by_role("heading", name=title).first).to_be_visible()
        screenshot(partner, "31-partner-landed-from-email")
        assert len(smtp.to(address)) == 1

        # the founder sees the invitation has landed
        founder.reload()
        expect(sent).to_contain_text("joined")
        expect(founder.locator(".member-list", has_text="Ewa Kowalska")).to_be_visible()
    finally:
        for context in contexts:
            context.close()
