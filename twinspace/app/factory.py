"""The Starlette application: routes, middleware, lifespan."""

from __future__ import annotations

import asyncio
import gc
import hmac
import ipaddress
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from twinspace import __version__
from twinspace.app.drain import Drain
from twinspace.clock import utcnow
from twinspace.cluster.heartbeat import ProcessHeartbeat, process_identity
from twinspace.config import Settings
from twinspace.face.api import ApiRouter, Endpoint, openapi_document, starlette_routes
from twinspace.face.http import (
    boards,
    calendar,
    calls,
    chat,
    competitions,
    consent,
    labels,
    live_sessions,
    mail,
    media,
    moderation,
    notifications,
    page_content,
    plan,
    projects,
    registry,
    search,
    session,
    spaces,
    training,
)
from twinspace.face.middleware import (
    BodyLimitMiddleware,
    ObservabilityMiddleware,
    SecurityHeadersMiddleware,
)
from twinspace.face.problems import EXCEPTION_HANDLERS, problem
from twinspace.face.sockets.docs_socket import DocsSocket
from twinspace.face.sockets.project_socket import project_events_endpoint
from twinspace.face.sockets.user_socket import user_events_endpoint
from twinspace.metrics import Metrics
from twinspace.services.container import Services
from twinspace.types import API_PREFIX

log = logging.getLogger("twinspace.app.factory")

ROUTERS: list[ApiRouter] = [
    session.router,
    registry.router,
    projects.router,
    spaces.router,
    page_content.router,
    training.router,
    labels.router,
    chat.router,
    boards.router,
    media.router,
    moderation.router,
    live_sessions.router,
    calls.router,
    calendar.router,
    search.router,
    notifications.router,
    plan.router,
    competitions.router,
    mail.router,
    consent.router,
]
UPLOAD_PATH = re.compile(r"^/api/v1/.*/(uploads|media)$")
MAINTENANCE_EVERY = 3600.0


def api_endpoints() -> list[Endpoint]:
    return [endpoint for router in ROUTERS for endpoint in router.endpoints]


def openapi_spec() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json (also exported by scripts/export-openapi.py
    for the web client's generated types)."""
    return openapi_document(api_endpoints(), version=__version__)


class SpaFiles(StaticFiles):
    """The built web client; unknown paths get index.html so client-side routes work."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            response = Response(status_code=404)
        if response.status_code == 404 and "." not in path.rsplit("/", 1)[-1]:
            return FileResponse(Path(str(self.directory)) / "index.html")
        return response


def _default_web_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "web" / "dist"


async def healthz(request: Request) -> Response:
    services: Services = request.app.state.services
    try:
        await services.storage.executor.fetch_one("SELECT 1 AS ok")
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "error"}, status_code=503)
    if services.documents.persistence.failing:
        return JSONResponse(
            {"status": "degraded", "database": "writes failing", "version": __version__},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "version": __version__})


async def readyz(request: Request) -> Response:
    """Whether a load balancer should send this process new connections: 503 from SIGTERM on
    (app/drain.py), else what `/healthz` says."""
    drain: Drain = request.app.state.drain
    if drain.draining:
        return JSONResponse({"status": "draining", "version": __version__}, status_code=503)
    return await healthz(request)


def _is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def metrics_endpoint(request: Request) -> Response:
    services: Services = request.app.state.services
    token = services.settings.metrics_token
    if token is not None:
        sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            return problem(401, "metrics need the metrics token", code="unauthenticated")
    elif not _is_loopback(request.client.host if request.client else None):
        return problem(
            403,
            "metrics are served to loopback only unless TWINSPACE_METRICS_TOKEN is set",
            code="forbidden",
        )
    return Response(services.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


def _api_fallback(api_routes: list[BaseRoute]) -> Callable[[Request], Awaitable[Response]]:
    async def fallback(request: Request) -> Response:
        allowed = sorted(
            {
                m
                for route in api_routes
                if isinstance(route, Route) and route.matches(request.scope)[0] is Match.PARTIAL
                for m in (route.methods or ())
            }
        )
        if allowed:
            return problem(405, code="method-not-allowed", headers={"Allow": ", ".join(allowed)})
        return problem(404, "no such API path", code="not-found")

    return fallback


async def _maintenance(services: Services) -> None:
    while True:
        try:
            removed = await services.storage.sessions.delete_expired(utcnow())
            if removed:
                log.info("removed %d expired sessions", removed)
            await services.moderation.privacy.apply_retention()
            await services.mail.forget_finished()
        except Exception:
            log.exception("maintenance failed")
        await asyncio.sleep(MAINTENANCE_EVERY)


def _cluster_heartbeat(services: Services) -> ProcessHeartbeat | None:
    """In clustered mode: this process's heartbeat in Redis and the cluster-wide gauges."""
    if services.cluster is None:
        return None
    metrics = services.metrics
    heartbeat = ProcessHeartbeat(
        services.cluster.link, metrics.process or process_identity(), services.connections.count
    )
    metrics.gauge(
        "twinspace_cluster_processes",
        "Processes of the cluster alive (heartbeat keys in Redis)",
        lambda: heartbeat.processes_alive,
    )
    metrics.gauge(
        "twinspace_cluster_websocket_connections",
        "Open websockets summed over the cluster's processes",
        lambda: heartbeat.cluster_websockets,
    )
    metrics.gauge(
        "twinspace_cluster_heartbeat_ok",
        "1 when this process's last heartbeat reached Redis (else the cluster gauges are stale)",
        lambda: float(heartbeat.healthy),
    )
    heartbeat.start()
    return heartbeat


# The collector's thresholds (CPython's default is 700, 10, 10). Every socket adds some 80
# container objects that live as long as it does; with the default a reconnect storm of 7,600
# page sockets ran ~1,300 young and 9 full collections, 4.4 of the storm's 9.4 CPU seconds,
# the full ones stalling the event loop ~0.3 s each, and freed nothing. A young generation of
# 10,000 makes that ~70 young collections and at most one full one (0.8-1.5 s). The price is
# garbage cycles (a closed socket leaves some) waiting longer: 3,000 sockets opened and closed
# leave RSS 2.8 MB above the start instead of 1.9 MB; 50,000 would save another ~0.5 s of a
# storm for 8.8 MB (bench/README.md, "Memory per idle room and connection").
GC_THRESHOLDS = (10_000, 10, 10)


def settle_collector() -> None:
    """Once started: long-lived start-up objects leave the collector's view (full
    collections, which stall the event loop and every room with it, get cheaper) and the
    young generation grows to `GC_THRESHOLDS`."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class TwinSpacesApp(Starlette):
    """Starlette, with page sockets taken past its middleware and router.

    A socket's chain of suspended coroutine frames lives as long as the socket: through
    Starlette it holds eight frames (the application, its error and exception middleware and
    their wrapper, the router, the route) and a second `WebSocket`, about 2.5 KB for each of
    thousands of idle page sockets (docs/architecture.md, "Memory per connection"). A
    `/ws/docs/{room}` socket goes from here to `ObservabilityMiddleware` and the endpoint,
    which are all it uses: the security-header and body-limit middleware pass websockets
    through untouched, the error middleware has nothing to answer a websocket with, and the
    endpoint answers the exceptions the exception middleware would (docs_socket.py). Every
    other scope takes Starlette's way. `__call__` is not a coroutine function: the server
    must be told the app is ASGI 3 (app/server.py)."""

    fast_route: WebSocketRoute | None = None
    fast_app: ASGIApp | None = None

    def __call__(  # type: ignore[override]
        self, scope: Scope, receive: Receive, send: Send
    ) -> Awaitable[None]:
        if scope["type"] == "websocket" and self.fast_route is not None:
            match, child_scope = self.fast_route.matches(scope)
            if match is Match.FULL and self.fast_app is not None:
                scope["app"] = self  # as Starlette and its router set them
                scope.setdefault("router", self.router)
                scope.update(child_scope)
                return self.fast_app(scope, receive, send)
        return super().__call__(scope, receive, send)


def create_app(
    settings: Settings, *, metrics: Metrics | None = None, drain: Drain | None = None
) -> Starlette:
    metrics = metrics or Metrics(process_identity() if settings.clustered else None)
    endpoints = api_endpoints()
    openapi = openapi_spec()
    api_routes: list[BaseRoute] = list(starlette_routes(endpoints))

    async def openapi_json(request: Request) -> Response:
        return JSONResponse(openapi)

    all_methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    docs_route = WebSocketRoute("/ws/docs/{room}", DocsSocket())
    routes: list[BaseRoute] = [
        # first: a reconnect storm's thousands of sockets are not matched against every API
        # route (no path overlaps, so the order changes nothing else)
        docs_route,
        WebSocketRoute("/ws/projects/{project_id:id}", project_events_endpoint),
        WebSocketRoute("/ws/me", user_events_endpoint),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
        Route(API_PREFIX + "/openapi.json", openapi_json),
        *api_routes,
        Route("/api/{rest:path}", _api_fallback(api_routes), methods=all_methods),
        *media.routes,
    ]
    web_dir = settings.web_dir or _default_web_dir()
    if (web_dir / "index.html").is_file():
        routes.append(Mount("/", SpaFiles(directory=web_dir, html=True), name="web"))
    else:

        async def no_client(request: Request) -> Response:
            return JSONResponse(
                {
                    "name": "TwinSpaces",
                    "web_client": "not built",
                    "api": API_PREFIX + "/openapi.json",
                }
            )

        routes.append(Route("/", no_client))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        services = await Services.start(settings, metrics)
        app.state.services = services
        services.start_background()
        settle_collector()
        maintenance = asyncio.create_task(_maintenance(services), name="maintenance")
        heartbeat = _cluster_heartbeat(services)
        try:
            yield {}
        finally:
            maintenance.cancel()
            await asyncio.gather(maintenance, return_exceptions=True)
            if heartbeat is not None:
                await heartbeat.stop()  # the link is the cluster's: services.stop() closes it
            await services.stop()

    app = TwinSpacesApp(
        routes=routes,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
        middleware=[
            Middleware(ObservabilityMiddleware, metrics=metrics),
            Middleware(SecurityHeadersMiddleware),
            Middleware(
                BodyLimitMiddleware,
                limit=settings.max_body_bytes,
                upload_limit=settings.max_upload_bytes + 64 * 1024,
                is_upload=lambda path: bool(UPLOAD_PATH.match(path)),
                idle_timeout=settings.body_idle_timeout_seconds,
            ),
        ],
    )
    app.fast_route = docs_route
    app.fast_app = ObservabilityMiddleware(docs_route.app, metrics=metrics)
    app.state.settings = settings
    app.state.drain = drain or Drain(settings.drain_seconds, settings.drain_close_seconds)
    app.state.endpoints = endpoints
    return app
