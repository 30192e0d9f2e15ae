"""A live session's chat and board are moderated like every other space: a pupil's phone
number waits for a teacher, and the pupils of the partner school never see it."""

from __future__ import annotations

from datetime import timedelta

from tests.live_sessions.conftest import Partners
from tests.support.events import events

PHONE = "+48 601 234 567"


async def test_live_session_chat_and_board_hold_a_pupils_phone_number(partners: Partners) -> None:
    session = await partners.schedule(starts_in=timedelta(minutes=5))
    await partners.open_and_join(session["id"], partners.ola, partners.aino)
    server, project_id = partners.world.server, partners.project.id
    async with events(
        server, project_id, partners.aino.token, channels=[session["channel_id"]]
    ) as aino:
        message = await partners.message(partners.ola, session["channel_id"], f"sms {PHONE}")
        assert message.status_code == 201, message.text
        assert message.json()["status"] == "held"
        post = await partners.board_post(partners.ola, session["board_id"], f"call {PHONE}")
        assert post.status_code == 201 and post.json()["status"] == "held"
        clean = await partners.message(partners.ola, session["channel_id"], "Hello Finland!")
        delivered = await aino.next("message.created")
    assert delivered["data"]["id"] == clean.json()["id"], "the held message never reached her"
    async with partners.client(partners.polish_teacher) as http:
        queue = await http.get(f"/api/v1/projects/{project_id}/moderation/queue")
    held = {(e["item_kind"], e["item_id"]) for e in queue.json()}
    assert {("message", message.json()["id"]), ("post", post.json()["id"])} <= held
    async with partners.client(partners.aino) as http:
        history = await http.get(f"/api/v1/channels/{session['channel_id']}/messages")
    assert PHONE not in history.text
