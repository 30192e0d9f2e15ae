"""Search: query latency in a TwinSpace with 20,000 chat messages and 500 pages.

Seeds the demo TwinSpace into a fresh data dir, adds `--messages` chat messages (spread over
channels and authors, a tenth of them held) and `--pages` pages whose text is a real Yjs
document of `--page-words` words, in several European languages with their accents. Times the
background indexer applying every mark (indexing throughput). Then starts `twinspace serve` on
that data dir and sends `--queries` searches over HTTP, one at a time, alternating a teacher and
a pupil, mixing one-word, two-word, prefix and accent-free queries; reports p50/p95/p99 of the
full HTTP round trip on loopback. The issue's target: p95 <= 50 ms.

    .venv/bin/python bench/search.py [--messages 20000] [--pages 500] [--queries 400]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from harness import report
from harness.procs import exit_on_sigterm
from harness.targets import FAST_HASHING, Seeded, serve_twinspace

from twinspace.app.demo import seed_demo
from twinspace.clock import utcnow
from twinspace.config import load_settings
from twinspace.realtime import crdt
from twinspace.services.container import Services
from twinspace.types import UserKind
from twinspace.workspace.spaces import NewChannel

WORDS = (
    "river delta bridge valley mountain lake forest meadow harbour island castle village "
    "rzeka dolina góra jezioro las łąka zamek wieś most źródło brzeg żuraw "
    "fiume valle montagna lago bosco prato castello borgo ponte città "
    "joki laakso vuori järvi metsä niitty linna kylä silta saari "
    "Fluss Tal Berg See Wald Wiese Burg Dorf Brücke Straße "
    "rivière vallée montagne forêt château village pont été "
    "río valle montaña lago bosque castillo pueblo puente "
    "ποτάμι κοιλάδα βουνό λίμνη δάσος γέφυρα "
    "project poster photo recipe song poem map timeline interview survey "
    "pupils teachers school class homework museum festival winter spring summer autumn"
).split()
QUERIES = (
    "river",
    "góra",
    "gora",
    "jarvi",
    "château",
    "chateau",
    "riv",
    "mont",
    "fiume ponte",
    "poster festival",
    "strasse",
    "ποταμι",
    "lake forest",
    "zamek",
    "brücke",
    "song",
    "timeline museum",
    "wies",
    "vallee",
    "recipe",
)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


async def seed(
    data_dir: Path, messages: int, pages: int, page_words: int
) -> tuple[Seeded, str, int]:
    settings = load_settings(environ={}, data_dir=data_dir, **FAST_HASHING)
    services = await Services.start(settings)
    rng = random.Random(7)
    try:
        demo = await seed_demo(services)
        project_id = int(demo["project"]["id"])
        teacher_id = next(a["user_id"] for a in demo["accounts"] if a["kind"] == "teacher")
        pupil_id = next(a["user_id"] for a in demo["accounts"] if a["kind"] == "pupil")
        teacher = await services.storage.users.get(teacher_id)
        pupil = await services.storage.users.get(pupil_id)
        assert teacher is not None and teacher.kind is UserKind.TEACHER and pupil is not None
        access = await services.access.project(teacher, project_id)
        channels = [
            await services.spaces.create_channel(access, NewChannel(name=f"bench-{c}"))
            for c in range(8)
        ]
        members = [m.user_id for m, _user in await services.storage.memberships.members(project_id)]
        now = utcnow()
        async with services.storage.transaction() as tx:
            for n in range(messages):
                channel = channels[n % len(channels)]
                await tx.messages.create(
                    channel_id=channel.id,
                    project_id=project_id,
                    author_id=rng.choice(members),
                    parent_id=None,
                    text=sentence(rng, rng.randint(4, 30)),
                    status="held" if n % 10 == 0 else "published",
                    reason=None,
                    reason_code=None,
                    now=now,
                )
        for p in range(pages):
            page = await services.pages.create(access, f"{rng.choice(WORDS)} page {p}")
            doc = crdt.Document()
            doc.insert_text(0, " ".join(sentence(rng, 12) for _ in range(page_words // 12)))
            async with services.storage.transaction() as tx:
                await tx.documents.append([(page.room, doc.encode_state_as_update())], now)
        started = time.perf_counter()
        applied = 0
        while taken := await services.search.indexer.run_once():
            applied += taken
        indexing = time.perf_counter() - started
        print(f"  indexed {applied} items in {indexing:.1f} s ({applied / indexing:.0f}/s)")
        teacher_token = (await services.accounts.start_session(teacher)).token
        pupil_token = (await services.accounts.start_session(pupil)).token
        return Seeded(teacher_token, []), pupil_token, project_id
    finally:
        await services.stop()


async def measure(base: str, tokens: list[str], project_id: int, queries: int) -> list[float]:
    times: list[float] = []
    found = 0
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        for n in range(queries + 20):
            query = QUERIES[n % len(QUERIES)]
            token = tokens[n % len(tokens)]
            started = time.perf_counter()
            answer = await http.get(
                f"/api/v1/projects/{project_id}/search",
                params={"q": query},
                headers={"authorization": f"Bearer {token}"},
            )
            elapsed = time.perf_counter() - started
            answer.raise_for_status()
            found += len(answer.json()["results"])
            if n >= 20:  # warm-up
                times.append(elapsed * 1000)
    print(f"  {found} results over {queries + 20} queries")
    return times


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--page-words", type=int, default=300)
    parser.add_argument("--queries", type=int, default=400)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    exit_on_sigterm()
    with tempfile.TemporaryDirectory(prefix="twinspace-search-") as folder:
        data_dir = Path(folder) / "data"
        seeded, pupil_token, project_id = asyncio.run(
            seed(data_dir, args.messages, args.pages, args.page_words)
        )
        with serve_twinspace(data_dir, seeded) as target:
            base = target.url.replace("ws://", "http://").removesuffix("/ws/docs")
            times = asyncio.run(
                measure(base, [seeded.token, pupil_token], project_id, args.queries)
            )
    cuts = statistics.quantiles(times, n=100)
    result: dict[str, Any] = {
        "messages": args.messages,
        "pages": args.pages,
        "queries": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": cuts[94],
        "p99_ms": cuts[98],
        "max_ms": max(times),
    }
    print(
        report.table(
            ["messages", "pages", "queries", "p50 ms", "p95 ms", "p99 ms", "max ms"],
            [
                [
                    result["messages"],
                    result["pages"],
                    result["queries"],
                    result["p50_ms"],
                    result["p95_ms"],
                    result["p99_ms"],
                    result["max_ms"],
                ]
            ],
        )
    )
    report.save("search", result)
    return 0 if result["p95_ms"] <= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
