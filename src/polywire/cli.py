"""The ``polywire`` command: serve, keys, subscribers import.

polywire serve [--host H] [--port P]
polywire keys create --role admin|publisher|subscriber --name NAME [--org ORG] [--subscriber ID]
polywire subscribers import FILE.jsonl
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from polywire.config import Settings
from polywire.domain.roles import Role
from polywire.errors import InvalidInput
from polywire.localize.commands import add_localize_commands
from polywire.localize.qa_command import add_qa_command
from polywire.secretbox import SecretBox
from polywire.services.inputs import SubscriberIn
from polywire.services.keys import create_key
from polywire.services.subscribers import EndpointPolicy, create_subscriber
from polywire.store.db import make_engine, migrate


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from polywire.web.app import create_app

    app = create_app(settings)
    print(f"polywire serving on http://{args.host}:{args.port} (database: {_safe_url(settings)})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    """A delivery runner without the API: more of them share the outbox through leases."""
    import asyncio
    import signal

    from polywire.deliver.dispatcher import Dispatcher
    from polywire.deliver.webhook import WebhookChannel

    engine = make_engine(settings.database_url)
    migrate(engine)
    box = SecretBox.from_settings(secret_key=settings.secret_key, data_dir=settings.data_dir)

    async def run() -> None:
        channel = WebhookChannel(
            allow_private=settings.allow_private_endpoints,
            timeout_seconds=settings.delivery.timeout_seconds,
            concurrency=settings.delivery.concurrency,
        )
        # Not embedded: other runners may hold leases, so none are released on start; expired ones come back.
        dispatcher = Dispatcher(engine=engine, box=box, channel=channel, settings=settings.delivery, embedded=False)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await dispatcher.start()
        print("polywire worker delivering", flush=True)
        await stop.wait()
        await dispatcher.stop()

    try:
        import uvloop

        uvloop.run(run())
    except ImportError:
        asyncio.run(run())
    engine.dispose()
    return 0


def _safe_url(settings: Settings) -> str:
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)


def _keys_create(args: argparse.Namespace, settings: Settings) -> int:
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        with engine.begin() as db:
            principal, token = create_key(
                db=db,
                role=Role(args.role),
                name=args.name,
                organization=args.org,
                subscriber_id=args.subscriber,
            )
    except InvalidInput as exc:
        print(f"polywire keys create: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    scope = f" for {principal.organization}" if principal.organization else ""
    print(f"created {principal.role.value} key {principal.key_id} ({principal.name}){scope}; it is shown only once:")
    print(token)
    return 0


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "line"
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{field}: {message}"


def _subscribers_import(args: argparse.Namespace, settings: Settings) -> int:
    """One subscriber per line; a line is imported whole or not at all, and every refusal is reported."""
    engine = make_engine(settings.database_url)
    migrate(engine)
    box = SecretBox.from_settings(secret_key=settings.secret_key, data_dir=settings.data_dir)
    policy = EndpointPolicy(box=box, allow_private=settings.allow_private_endpoints)
    started = time.perf_counter()
    imported = 0
    rejected: list[str] = []
    path = Path(args.file)
    try:
        # Read bytes and decode line by line: with a text handle, one line that is not UTF-8 raised
        # UnicodeDecodeError out of the loop, which rolled back every line imported before it.
        handle = sys.stdin.buffer if args.file == "-" else path.open("rb")
    except OSError as exc:
        print(f"polywire subscribers import: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    with handle, engine.begin() as db:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                rejected.append(f"line {number}: line: not valid UTF-8 (byte {exc.start + 1})")
                continue
            if not line.strip():
                continue
            try:
                draft = SubscriberIn.model_validate_json(line)
            except ValidationError as exc:
                first = exc.errors()[0]
                if first.get("type") == "json_invalid":
                    reason = (first.get("ctx") or {}).get("error", "cannot be parsed")
                    rejected.append(f"line {number}: line: not valid JSON ({reason})")
                else:
                    rejected.append(f"line {number}: {_describe(exc)}")
                continue
            savepoint = db.begin_nested()
            try:
                created = create_subscriber(db=db, draft=draft, policy=policy)
            except InvalidInput as exc:
                savepoint.rollback()
                rejected.append(f"line {number}: {exc}")
                continue
            savepoint.commit()
            imported += 1
            # Generated secrets exist only in this output: it is the one chance to hand them to the outlets.
            print(json.dumps({"line": number, **created}, ensure_ascii=False))
    engine.dispose()
    elapsed = time.perf_counter() - started
    for message in rejected:
        print(message, file=sys.stderr)
    print(
        f"imported {imported} subscribers, rejected {len(rejected)} lines, in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 1 if rejected else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="polywire", description="A multilingual newswire.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API and the delivery runners in one process")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser("worker", help="run delivery runners only (more processes share the outbox)")
    worker.set_defaults(handler=_worker)

    keys = commands.add_parser("keys", help="manage API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="create an API key; it is printed once, alone on the last line")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", required=True)
    create.add_argument("--org", help="the organisation a publisher key submits for")
    create.add_argument("--subscriber", help="the subscriber id a subscriber key speaks for")
    create.set_defaults(handler=_keys_create)

    subs = commands.add_parser("subscribers", help="manage subscribers").add_subparsers(
        dest="subscribers_command", required=True
    )
    load = subs.add_parser("import", help="import subscribers from JSON Lines (one per line, as in the API)")
    load.add_argument("file", help="the .jsonl file, or - for standard input")
    load.set_defaults(handler=_subscribers_import)

    add_qa_command(commands)
    add_localize_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"polywire: {exc}", file=sys.stderr)
        return 2
    return int(args.handler(args, settings))


if __name__ == "__main__":
    raise SystemExit(main())
