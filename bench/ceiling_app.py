"""The ceilings' server: kasse's own app with two extra routes, served exactly like ``kasse serve``.

- ``GET /bench/json``: a trivial JSON answer through the same middleware (CORS, NUL guard), error
  handlers, lifespan (mail sender, housekeeping) and uvicorn settings as the product;
- ``GET /bench/select1``: the same plus the request's transaction from kasse's own ``Session``
  dependency running one ``SELECT 1`` (BEGIN, SELECT 1, COMMIT on a pooled connection): the least
  a request that touches the database can cost on this stack.

The routes live here, not in the product: they exist only while the benchmark measures ceilings.

    python -m bench.ceiling_app --port 8123 --workers 2   (from the repository root)
"""

from __future__ import annotations

import argparse
import os

import uvicorn
from fastapi import FastAPI
from sqlalchemy import text

from kasse.app import create_app as create_kasse_app
from kasse.cli import uvicorn_log_config
from kasse.core.deps import Session
from kasse.settings import Settings


def create_app() -> FastAPI:
    app = create_kasse_app()

    @app.get("/bench/json", include_in_schema=False)
    async def trivial_json() -> dict[str, object]:
        return {"ok": True}

    @app.get("/bench/select1", include_in_schema=False)
    async def select_one(session: Session) -> dict[str, object]:
        return {"ok": await session.scalar(text("SELECT 1"))}

    # First in the routing table: a ceiling is the cheapest way through the stack, and FastAPI
    # matches routes one by one (a product route pays for the routes before it, a ceiling not).
    routes = app.router.routes
    routes[:0] = [routes.pop(), routes.pop()][::-1]
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    # The same call as kasse.cli._uvicorn, with this module's factory instead of kasse.app's.
    uvicorn.run(
        "bench.ceiling_app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=Settings().log_level.lower(),
        log_config=uvicorn_log_config(),
    )


if __name__ == "__main__":
    main()
