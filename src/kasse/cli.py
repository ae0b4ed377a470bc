"""The ``kasse`` command: migrate, load catalogs, create tokens, serve, and a one-command demo.

Every command reads its configuration from ``KASSE_*`` environment variables (``Settings()``).
The commands that touch the database are plain synchronous commands that run their async work with
``asyncio.run`` and finish; ``serve`` and ``demo`` hand over to uvicorn.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer
import uvicorn
import yaml
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from kasse import __version__
from kasse.catalog.demo import demo_catalog
from kasse.catalog.file_parts import WEEKDAYS
from kasse.catalog.loader import LoadReport, load_catalog_data
from kasse.core.auth import create_api_token
from kasse.core.clock import Clock
from kasse.core.db import Instance, open_instance
from kasse.core.errors import KasseError
from kasse.migrations import alembic_config, upgrade
from kasse.models import ApiToken, Museum
from kasse.orders.customers import find_or_create_by_foreign_id
from kasse.serving import APP, run_workers, uvicorn_log_config
from kasse.settings import Settings

T = TypeVar("T")

app = typer.Typer(
    name="kasse",
    help="kasse: museum ticketing server speaking the go~mus REST API v4.",
    no_args_is_help=True,
    add_completion=False,
    # Tracebacks with local variables would print database URLs and tokens.
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")

# soft_wrap: long messages (error paths, curl lines, tokens) stay on one line, copy-pastable.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


class AccessLevel(StrEnum):
    reseller = "reseller"
    cashpoint = "cashpoint"
    user = "user"
    customer = "customer"


class Flow(StrEnum):
    direct = "direct"
    two_phase = "two-phase"


InstanceOption = Annotated[
    str | None,
    typer.Option(
        "--instance",
        metavar="HOST",
        help="Which instance (a host name of KASSE_INSTANCES); needed when several are configured.",
    ),
]


class CliError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 1."""

    def __init__(self, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


def _fail(error: CliError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(error.message)}")
    for detail in error.details:
        err.print(f"  - {escape(str(detail))}")
    return typer.Exit(code=1)


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


# --- instances and their databases -------------------------------------------------------------


def _settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:  # pydantic's ValidationError, e.g. KASSE_INSTANCES is not JSON
        raise CliError(f"invalid KASSE_* configuration: {exc}") from exc


def _all_databases(settings: Settings) -> dict[str, str]:
    """Instance name -> database URL, the same set ``open_instances`` serves."""
    if not settings.instances:
        return {"default": settings.database_url}
    return dict(settings.instances)


def _chosen_databases(settings: Settings, host: str | None, *, all_if_none: bool) -> dict[str, str]:
    databases = _all_databases(settings)
    if host is not None:
        if not settings.instances:
            raise CliError(
                f"--instance {host}: no instances are configured (KASSE_INSTANCES); "
                "the default database serves every host"
            )
        url = databases.get(host.lower())
        if url is None:
            raise CliError(
                f"--instance {host}: unknown instance", [f"configured: {', '.join(databases)}"]
            )
        return {host.lower(): url}
    if len(databases) > 1 and not all_if_none:
        raise CliError(
            "several instances are configured; choose one with --instance HOST",
            [f"configured: {', '.join(databases)}"],
        )
    return databases


def _one_database(settings: Settings, host: str | None) -> tuple[str, str]:
    ((name, url),) = _chosen_databases(settings, host, all_if_none=False).items()
    return name, url


def ensure_sqlite_folder(database_url: str) -> None:
    """SQLite creates the database file but not the folder it lives in."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite"):
        return
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _head_revisions(database_url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def _current_revisions(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def _check_schema(instance: Instance) -> None:
    async with instance.read_engine.connect() as connection:
        current = await connection.run_sync(_current_revisions)
    if current != _head_revisions(instance.database_url):
        raise CliError(
            f"the database of instance {instance.name} ({_redacted(instance.database_url)}) "
            "is not at the latest schema: run `kasse db upgrade` first"
        )


def _run_on_instance(
    settings: Settings,
    name: str,
    url: str,
    work: Callable[[Instance], Awaitable[T]],
) -> T:
    """Open the instance's engines, check its schema, run ``work``, dispose, all in one event loop."""
    ensure_sqlite_folder(url)

    async def main() -> T:
        instance = open_instance(name, url, settings)
        try:
            await _check_schema(instance)
            return await work(instance)
        finally:
            await instance.dispose()

    try:
        return asyncio.run(main())
    except (SQLAlchemyError, OSError) as exc:
        raise CliError(f"database {_redacted(url)}: {exc}") from exc


# --- loading catalogs --------------------------------------------------------------------------


class _CatalogYamlLoader(yaml.SafeLoader):
    """YAML 1.1 reads an unquoted ``10:00`` as the base-60 number 600; a catalog means a time."""


def _int_or_clock(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    value = loader.construct_scalar(node)  # type: ignore[arg-type]
    if isinstance(value, str) and ":" in value:
        return value
    return loader.construct_yaml_int(node)  # type: ignore[arg-type]


def _float_or_clock(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    value = loader.construct_scalar(node)  # type: ignore[arg-type]
    if isinstance(value, str) and ":" in value:
        return value
    return loader.construct_yaml_float(node)  # type: ignore[arg-type]


_CatalogYamlLoader.add_constructor("tag:yaml.org,2002:int", _int_or_clock)
_CatalogYamlLoader.add_constructor("tag:yaml.org,2002:float", _float_or_clock)


def read_catalog_file(path: Path) -> Any:
    """The decoded content of a ``.yaml``/``.yml`` or ``.json`` catalog file."""
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise CliError(
            f"{path}: unknown file type {suffix or '(none)'!r}; use .yaml, .yml or .json"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CliError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise CliError(f"{path}: is a folder, not a catalog file") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise CliError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CliError(
                f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from exc
    try:
        return yaml.load(text, Loader=_CatalogYamlLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CliError(f"{path}: invalid YAML: {exc}") from exc


async def _load(instance: Instance, data: Any) -> LoadReport:
    async with instance.write_sessions() as session, session.begin():
        return await load_catalog_data(session, data, locale=instance.settings.default_locale)


def _load_into(settings: Settings, name: str, url: str, data: Any) -> LoadReport:
    try:
        return _run_on_instance(settings, name, url, lambda instance: _load(instance, data))
    except KasseError as exc:
        raise CliError(exc.message, list(exc.errors or [])) from exc


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _print_report(name: str, report: LoadReport) -> None:
    out.print(
        f"[green]Loaded[/] into instance {escape(name)}: "
        f"{_plural(report.museums, 'museum')}, {_plural(report.exhibitions, 'exhibition')}, "
        f"{_plural(report.quotas, 'quota')}, {_plural(report.tickets, 'ticket')} "
        f"(sub tickets included), {_plural(report.coupons, 'coupon')}, "
        f"{_plural(report.events, 'event')} with {_plural(report.event_dates, 'date')}, "
        f"{_plural(report.tours, 'tour')}"
    )


def _local_today(settings: Settings) -> date:
    return Clock().now().astimezone(ZoneInfo(settings.time_zone)).date()


# --- tokens --------------------------------------------------------------------------------------


async def _owner_token_id(session: AsyncSession, ref: str) -> int:
    """The token, by id or name, whose customers a new customer token may speak for."""
    named = ApiToken.id == int(ref) if ref.isascii() and ref.isdigit() else ApiToken.name == ref
    rows = (await session.execute(select(ApiToken.id, ApiToken.access).where(named))).all()
    if not rows:
        raise CliError(f"--customer-of: no token {ref!r} (give a token's id or name)")
    if len(rows) > 1:
        raise CliError(f"--customer-of: several tokens are named {ref!r}, give the token's id")
    [(token_id, access)] = rows
    if access == "customer":
        raise CliError("--customer-of names the token that makes the customer's orders")
    return int(token_id)


async def _create_token(
    instance: Instance,
    access: AccessLevel,
    museum_ids: list[int],
    name: str,
    flow: str = "direct",
    customer: str | None = None,
    customer_of: str | None = None,
) -> str:
    if customer is not None and access is not AccessLevel.customer:
        raise CliError("--customer goes with --access customer")
    if (customer is None) != (customer_of is None):
        # foreign ids are per token: without the owner, "C-7" could be any shop's customer
        raise CliError("--customer FOREIGN_ID and --customer-of TOKEN go together")
    async with instance.write_sessions() as session, session.begin():
        customer_id = None
        if customer is not None and customer_of is not None:
            owner = await _owner_token_id(session, customer_of)
            row = await find_or_create_by_foreign_id(session, owner, customer, Clock().now())
            customer_id = row.id
        if museum_ids:
            known = set(await session.scalars(select(Museum.id).where(Museum.id.in_(museum_ids))))
            unknown = sorted(set(museum_ids) - known)
            if unknown:
                raise CliError(
                    f"unknown museum {', '.join(str(m) for m in unknown)}: "
                    "load the catalog first or check the ids"
                )
        return await create_api_token(
            session,
            access=access.value,
            museum_ids=sorted(set(museum_ids)),
            name=name,
            now=Clock().now(),
            flow=flow,
            customer_id=customer_id,
        )


# --- serving ---------------------------------------------------------------------------------------


def _warn_if_not_migrated(settings: Settings) -> None:
    for name, url in _all_databases(settings).items():
        try:
            _run_on_instance(settings, name, url, _noop)
        except CliError as exc:
            err.print(f"[yellow]warning:[/] {escape(exc.message)}")


async def _noop(_instance: Instance) -> None:
    return None


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    for url in _all_databases(settings).values():
        ensure_sqlite_folder(url)
    _warn_if_not_migrated(settings)
    _uvicorn(settings, host, port, workers)


def _uvicorn(settings: Settings, host: str, port: int, workers: int) -> None:
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "log_level": settings.log_level.lower(),
        "log_config": uvicorn_log_config(settings.log_level),
        # The app believes forwarded headers only from KASSE_TRUSTED_PROXIES; uvicorn's own
        # default would believe anyone on 127.0.0.1.
        "proxy_headers": False,
        "timeout_worker_healthcheck": settings.worker_healthcheck_seconds,
    }
    if workers == 1:
        uvicorn.run(APP, **options)
        return
    run_workers(uvicorn.Config(APP, **options))


# --- commands --------------------------------------------------------------------------------------


def _version(value: bool) -> None:
    if value:
        out.print(f"kasse {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    _version_flag: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """kasse: museum ticketing server speaking the go~mus REST API v4.

    Configuration comes from KASSE_* environment variables (KASSE_DATABASE_URL, ...).
    """


@db_app.command("upgrade")
def db_upgrade(instance: InstanceOption = None) -> None:
    """Migrate the database of every instance (or of --instance) to the latest schema."""
    try:
        settings = _settings()
        for name, url in _chosen_databases(settings, instance, all_if_none=True).items():
            ensure_sqlite_folder(url)
            try:
                upgrade(url)
            except (SQLAlchemyError, OSError) as exc:
                raise CliError(f"database {_redacted(url)}: {exc}") from exc
            heads = ", ".join(sorted(_head_revisions(url)))
            out.print(
                f"[green]Upgraded[/] instance {escape(name)} "
                f"({escape(_redacted(url))}) to revision {heads}"
            )
    except CliError as exc:
        raise _fail(exc) from exc


@app.command("load-demo")
def load_demo(instance: InstanceOption = None) -> None:
    """Load the demo museums, quotas and tickets (idempotent: the same catalog every time)."""
    try:
        settings = _settings()
        name, url = _one_database(settings, instance)
        report = _load_into(settings, name, url, demo_catalog(_local_today(settings)))
        _print_report(name, report)
    except CliError as exc:
        raise _fail(exc) from exc


@app.command("load")
def load(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="Catalog file: .yaml, .yml or .json.")
    ],
    instance: InstanceOption = None,
) -> None:
    """Load a catalog file: validated first, then upserted by id in one transaction.

    See docs/operations.md for the format and docs/examples/catalog.yaml for an example.
    """
    try:
        settings = _settings()
        name, url = _one_database(settings, instance)
        data = read_catalog_file(file)
        report = _load_into(settings, name, url, data)
        _print_report(name, report)
    except CliError as exc:
        raise _fail(exc) from exc


@token_app.command("create")
def token_create(
    access: Annotated[
        AccessLevel,
        typer.Option("--access", case_sensitive=False, help="Access level of the token."),
    ],
    museum: Annotated[
        list[int] | None,
        typer.Option(
            "--museum",
            metavar="ID",
            help="Limit the token to this museum (repeat for several). Default: every museum.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="A label to recognise the token by.")
    ] = None,
    flow: Annotated[
        Flow,
        typer.Option(
            "--flow",
            case_sensitive=False,
            help="direct: orders are binding at creation; two-phase: only after finalize.",
        ),
    ] = Flow.direct,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer",
            metavar="FOREIGN_ID",
            help="With --access customer: the customer (by foreign_id) whose orders it sees and rates.",
        ),
    ] = None,
    customer_of: Annotated[
        str | None,
        typer.Option(
            "--customer-of",
            metavar="TOKEN",
            help="With --customer: the token (id or name) whose customer FOREIGN_ID is.",
        ),
    ] = None,
    instance: InstanceOption = None,
) -> None:
    """Create an API token and print it: the only time it is ever shown (only its hash is stored).

    Nothing but the token is written to standard output, so `TOKEN=$(kasse token create ...)` works.
    """
    try:
        settings = _settings()
        instance_name, url = _one_database(settings, instance)
        label = name if name is not None else f"{access.value} token"
        token = _run_on_instance(
            settings,
            instance_name,
            url,
            lambda inst: _create_token(
                inst, access, museum or [], label, flow.value, customer, customer_of
            ),
        )
    except CliError as exc:
        raise _fail(exc) from exc
    typer.echo(token)


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the HTTP API with uvicorn (log level: KASSE_LOG_LEVEL)."""
    try:
        settings = _settings()
    except CliError as exc:
        raise _fail(exc) from exc
    _serve(settings, host, port, workers)


# --- demo ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoInstance:
    name: str
    url: str
    tokens: dict[str, str]
    open_day: date


def next_open_day(catalog: dict[str, Any], museum_id: int, start: date) -> date:
    """The first day on or after ``start`` on which the museum is open."""
    museum = next(m for m in catalog["museums"] if m["id"] == museum_id)
    open_weekdays = {WEEKDAYS.index(day) for day, span in museum["opening_hours"].items() if span}
    closed = {date.fromisoformat(day) for day in museum.get("closed_on", [])}
    day = start
    while day.weekday() not in open_weekdays or day in closed:
        day += timedelta(days=1)
    return day


async def _demo_setup(instance: Instance, catalog: dict[str, Any]) -> dict[str, str]:
    await _load(instance, catalog)
    tokens: dict[str, str] = {}
    for access in (AccessLevel.reseller, AccessLevel.cashpoint, AccessLevel.user):
        tokens[access.value] = await _create_token(instance, access, [], f"demo {access.value}")
    return tokens


def _print_demo(instances: list[DemoInstance], host: str, port: int, multi: bool) -> None:
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{shown_host}:{port}"
    out.rule("[bold]kasse demo")
    out.print(f"Base URL     {base}/api/v4")
    out.print(f"Swagger UI   {base}/docs")
    out.print(f"OpenAPI      {base}/openapi.json")
    for demo in instances:
        out.print()
        title = f"Instance {demo.name}" + (f" (send Host: {demo.name})" if multi else "")
        table = Table(title=f"{title}: {_redacted(demo.url)}", title_justify="left")
        table.add_column("access")
        table.add_column("token (shown once)", no_wrap=True)
        for access, token in demo.tokens.items():
            table.add_row(access, token)
        out.print(table)
        host_header = f' -H "Host: {demo.name}"' if multi else ""
        auth = f'-H "Authorization: Bearer {demo.tokens["reseller"]}"{host_header}'
        out.print("Try (reseller token):")
        out.print(f"  curl {auth} {base}/api/v4/tickets", highlight=False)
        out.print(
            f'  curl {auth} "{base}/api/v4/tickets/3/capacity?date={demo.open_day.isoformat()}"',
            highlight=False,
        )
    out.rule()


@app.command("demo")
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Migrate, load the demo museum, create a reseller, a cashpoint and a user token, and serve."""
    try:
        settings = _settings()
        databases = _all_databases(settings)
        today = _local_today(settings)
        catalog = demo_catalog(today)
        day = next_open_day(catalog, 1, today + timedelta(days=1))
        prepared: list[DemoInstance] = []
        for name, url in databases.items():
            ensure_sqlite_folder(url)
            try:
                upgrade(url)
            except (SQLAlchemyError, OSError) as exc:
                raise CliError(f"database {_redacted(url)}: {exc}") from exc
            try:
                tokens = _run_on_instance(
                    settings, name, url, lambda inst: _demo_setup(inst, catalog)
                )
            except KasseError as exc:
                raise CliError(exc.message, list(exc.errors or [])) from exc
            prepared.append(DemoInstance(name=name, url=url, tokens=tokens, open_day=day))
    except CliError as exc:
        raise _fail(exc) from exc
    _print_demo(prepared, host, port, multi=bool(settings.instances))
    _uvicorn(settings, host, port, 1)
