"""The raw stack: plain FastAPI + uvicorn + an asyncpg pool, none of kasse's code.

The ceiling that kasse's own stack is measured against (issue 15): the same web framework and
server with the same worker count and the same uvicorn settings (access log on, log level info),
but without kasse's middleware, dependencies or SQLAlchemy session.

- ``GET /raw/json``: a trivial JSON answer;
- ``GET /raw/select1``: one ``SELECT 1`` on a pooled asyncpg connection (autocommit: one round
  trip), the least a request that reads the database can cost.

    python -m bench.raw_app --dsn postgresql://postgres@127.0.0.1/db --port 8124 --workers 2
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import uvicorn
from fastapi import FastAPI

DSN_VARIABLE = "BENCH_RAW_DSN"
POOL_SIZE = 10  # kasse's default KASSE_DB_POOL_SIZE


def create_app() -> FastAPI:
    pool: asyncpg.Pool | None = None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        nonlocal pool
        pool = await asyncpg.create_pool(
            os.environ[DSN_VARIABLE], min_size=POOL_SIZE, max_size=POOL_SIZE
        )
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/raw/json")
    async def trivial_json() -> dict[str, object]:
        return {"ok": True}

    @app.get("/raw/select1")
    async def select_one() -> dict[str, object]:
        assert pool is not None
        async with pool.acquire() as connection:
            return {"ok": await connection.fetchval("SELECT 1")}

    return app


def main() -> None:
    # Imported here: the workers import only create_app (kasse's log configuration is plain
    # uvicorn's plus a filter; the raw stack gets uvicorn's own, as a plain app would).
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ[DSN_VARIABLE] = args.dsn
    uvicorn.run(
        "bench.raw_app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )


if __name__ == "__main__":
    main()
