"""Long loops of a request give the event loop back now and then.

A write of 100,000 ledger rows builds its rows, audit events, change notes and outbox events
in Python loops; each is quick, but together they would hold the event loop for seconds and
every other request of the worker (/healthz too) would wait. Such loops call
`await pacer.tick()` once per item: after `budget` seconds of holding the loop, the tick
yields (`asyncio.sleep(0)`), so other tasks run at least every few milliseconds.
"""

from __future__ import annotations

import asyncio
import time

__all__ = ["BUDGET", "Pacer"]

BUDGET = 0.002  # seconds a loop may hold the event loop between yields


class Pacer:
    """Yields to the event loop once `budget` seconds have passed since the last yield."""

    __slots__ = ("_budget", "_since")

    def __init__(self, budget: float = BUDGET) -> None:
        self._budget = budget
        self._since = time.monotonic()

    async def tick(self) -> None:
        """Yield if this loop has held the event loop for its budget."""
        if time.monotonic() - self._since >= self._budget:
            await asyncio.sleep(0)
            self._since = time.monotonic()
