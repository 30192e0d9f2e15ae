"""A chat send repeated with its client key (an offline queue's retry after a lost answer)
returns the first message: never posted twice, never to another channel, never another
author's (README "Chat": client_key)."""

from __future__ import annotations

import asyncio

from tests.spaces.conftest import Room

KEY = "c0ffee-offline-queue-1"


async def test_a_repeated_key_returns_the_first_message(room: Room) -> None:
    url = f"/api/v1/channels/{room.channel.id}/messages"
    async with room.world.client(room.ana) as http:
        first = await http.post(url, json={"text": "Ciao from Kraków", "client_key": KEY})
        again = await http.post(url, json={"text": "Ciao from Kraków", "client_key": KEY})
        listed = await http.get(url)
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json()["id"] == first.json()["id"]
    assert [m["text"] for m in listed.json()].count("Ciao from Kraków") == 1


async def test_concurrent_sends_of_one_key_post_once(room: Room) -> None:
    url = f"/api/v1/channels/{room.channel.id}/messages"
    async with room.world.client(room.ana) as http:
        answers = await asyncio.gather(
            *(http.post(url, json={"text": "Once only", "client_key": KEY}) for _ in range(4))
        )
        listed = await http.get(url)
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert [m["text"] for m in listed.json()].count("Once only") == 1


async def test_keys_belong_to_their_author(room: Room) -> None:
    url = f"/api/v1/channels/{room.channel.id}/messages"
    async with room.world.client(room.ana) as http:
        mine = await http.post(url, json={"text": "From Ana", "client_key": KEY})
    async with room.world.client(room.pupils[1]) as http:
        theirs = await http.post(url, json={"text": "From Bartek", "client_key": KEY})
    assert mine.status_code == theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert theirs.json()["text"] == "From Bartek"


async def test_a_key_of_another_channel_is_a_conflict_and_bad_keys_are_refused(
    room: Room,
) -> None:
    other = await room.world.channel(room.project, room.teacher, name="second")
    async with room.world.client(room.ana) as http:
        first = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages", json={"text": "Hi", "client_key": KEY}
        )
        elsewhere = await http.post(
            f"/api/v1/channels/{other.id}/messages", json={"text": "Hi", "client_key": KEY}
        )
        short = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages", json={"text": "Hi", "client_key": "x"}
        )
        odd = await http.post(
            f"/api/v1/channels/{room.channel.id}/messages",
            json={"text": "Hi", "client_key": "no spaces allowed here"},
        )
    assert first.status_code == 201
    assert elsewhere.status_code == 409, elsewhere.text
    assert elsewhere.headers["content-type"].startswith("application/problem+json")
    assert short.status_code == odd.status_code == 422
