"""`govgraph deliver` (the outbox's delivery worker), `govgraph digest` (the daily digests) and
`govgraph webhook …` (subscriptions)."""

from __future__ import annotations

import argparse
import asyncio
import uuid
from datetime import UTC, date, datetime
from typing import Any

from api.cli_ops import _find_unit, _url
from api.db import create_engine
from models.rules import calendar
from resolvers.delivery import people, subscriptions
from resolvers.delivery.channels import channels_from_env
from resolvers.delivery.digest import build_digests
from resolvers.delivery.stream import Publisher
from resolvers.delivery.transactions import write_transaction
from resolvers.delivery.worker import DeliveryConfig, backoff, replay, run_forever, run_once
from resolvers.errors import DomainError


def cmd_deliver(args: argparse.Namespace) -> int:
    """Run the delivery worker (or one round, or a replay)."""
    config = DeliveryConfig.from_env()

    async def run() -> int:
        engine = create_engine(_url(args))
        try:
            if args.replay or args.replay_subscription:
                count = await replay(
                    engine,
                    uuid.UUID(args.replay) if args.replay else None,
                    subscription=(
                        uuid.UUID(args.replay_subscription) if args.replay_subscription else None
                    ),
                    since=_since(args.since),
                )
                print(f"re-queued {count} dead deliveries")
                return 0 if count else 1
            if args.once:
                publisher = (
                    Publisher(
                        config.nats_url,
                        config.nats_stream,
                        source=config.source,
                        prefix=config.nats_prefix,
                        horizon=config.nats_backlog,
                    )
                    if config.nats_url
                    else None
                )
                try:
                    done = await run_once(
                        engine,
                        config,
                        deadlines=config.deadlines_every is not None,
                        digests=True,
                        publisher=publisher,
                    )
                finally:
                    if publisher is not None:
                        await publisher.close()
                print(
                    f"{done.deadline_events} deadline events; fanned out {done.fanned_out}"
                    f" events; {dict(done.outcomes)}; {done.digests} digests; messages"
                    f" {done.messages}; streamed {done.streamed}"
                )
                return 0
            await run_forever(engine, config, interval=args.interval)
            return 0
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        return 0


def cmd_digest(args: argparse.Namespace) -> int:
    """Build the day's digests not yet built (once per unit and day) and send what is due."""
    config = DeliveryConfig.from_env()

    async def run() -> int:
        engine = create_engine(_url(args))
        try:
            now = datetime.now(UTC)
            day = calendar.parse_date(args.date) if args.date else calendar.today(now)
            built = await build_digests(engine, day, now)
            sent = await people.send_due(
                engine,
                channels_from_env(),
                batch=config.batch,
                lease=config.lease,
                max_attempts=config.max_attempts,
                backoff=lambda attempts: backoff(config, attempts),
            )
            print(f"{built} digests built for {day.isoformat()}; messages {sent}")
            return 0
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _since(value: str | None) -> datetime | None:
    """An ISO instant (a date: its start in the configured zone); None when not given."""
    if not value:
        return None
    if len(value) == 10:
        return calendar.start_of_day(date.fromisoformat(value))
    instant = datetime.fromisoformat(value)
    return instant if instant.tzinfo else instant.replace(tzinfo=calendar.zone())


def cmd_webhook(args: argparse.Namespace) -> int:
    """Manage webhook subscriptions."""
    config = DeliveryConfig.from_env()

    async def run() -> int:
        url = _url(args)
        unit_id = None
        if getattr(args, "unit", None):
            unit = await _find_unit(url, args.unit)
            if unit is None:
                print(f"no unit {args.unit}")
                return 2
            unit_id = unit["id"]
        engine = create_engine(url)
        try:
            async with write_transaction(engine) as conn:
                if args.action == "create":
                    row = await subscriptions.create_subscription(
                        conn,
                        key_prefix=args.key,
                        url=args.url,
                        event_types=[t for t in (args.events or "").split(",") if t],
                        unit_id=unit_id,
                    )
                    print(f"subscription {row['id']}\nsecret {row['secret']}  (shown once)")
                elif args.action == "rotate-secret":
                    secret = await subscriptions.rotate_secret(
                        conn, uuid.UUID(args.subscription), config
                    )
                    print(
                        f"secret {secret}  (shown once; the old one signs too for "
                        f"{config.rotation_grace})"
                    )
                else:
                    active = args.action == "enable"
                    await subscriptions.set_active(conn, uuid.UUID(args.subscription), active)
                    print(f"subscription {args.subscription} {args.action}d")
        except DomainError as exc:
            print(f"govgraph webhook: {exc}")
            return 2
        finally:
            await engine.dispose()
        return 0

    return asyncio.run(run())


def add_delivery_commands(sub: Any) -> None:
    """Register `deliver` and `webhook`."""
    deliver = sub.add_parser("deliver", help="deliver the outbox to webhook subscriptions")
    deliver.add_argument("--once", action="store_true", help="one round, then exit")
    deliver.add_argument("--interval", type=float, default=1.0, help="idle pause (seconds)")
    deliver.add_argument("--replay", default=None, help="re-queue a dead delivery (or event) id")
    deliver.add_argument(
        "--replay-subscription",
        default=None,
        help="re-queue a subscription's dead letters (with --since: those dead since then)",
    )
    deliver.add_argument("--since", default=None, help="ISO date or instant (with --replay-…)")
    deliver.add_argument("--database-url", default=None)
    deliver.set_defaults(func=cmd_deliver)

    digest = sub.add_parser(
        "digest", help="build and send the daily digests (每日督办摘要) not yet sent"
    )
    digest.add_argument("--date", default=None, help="the day (YYYY-MM-DD; default today)")
    digest.add_argument("--database-url", default=None)
    digest.set_defaults(func=cmd_digest)

    webhook = sub.add_parser("webhook", help="sharing partners' webhook subscriptions")
    actions = webhook.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="subscribe a partner's key (secret shown once)")
    create.add_argument("--key", required=True, help="the API key's prefix")
    create.add_argument("--url", required=True)
    create.add_argument("--events", default="", help="event types, comma-separated (default all)")
    create.add_argument("--unit", default=None, help="a unit in the key's subtree")
    create.add_argument("--database-url", default=None)
    create.set_defaults(func=cmd_webhook)
    for name, text in (
        ("rotate-secret", "a new secret (the old one signs too for the grace period)"),
        ("enable", "enable (after an automatic disable)"),
        ("disable", "disable"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("subscription")
        action.add_argument("--database-url", default=None)
        action.set_defaults(func=cmd_webhook)
