"""Ledger files read off the event loop: parsing runs in a worker process.

openpyxl and the csv/row checks are pure Python: in a thread they would still hold the GIL
and starve the event loop (every /healthz, every other request of the worker would wait
behind a 100,000-row sheet). A worker process parses instead (models/rules/ledger.py
parse_ledger, with the file's LedgerLimits checked before it is read in full) and sends the
checked rows back pickled in chunks; the loop unpickles one chunk at a time and yields in
between, so no step holds it for long. A hostile file can at worst keep the worker process
busy; the server's loop keeps answering.

The workers run at a lower CPU priority (nice 10) than the server. The pool is created on
first use (forkserver where the platform has it: forking a process that runs threads and an
event loop is unsafe) and shared by the process's requests; two imports parse at once, a
third waits. Workers end with the server, even one killed without shutting its pool down.
As with any multiprocessing start method but fork, the server's main module must be
importable by path or name (uvicorn, `govgraph`, pytest are; code piped to `python -` is not,
and its imports fail as unreadable files).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

from models.rules.ledger import (
    DEFAULT_LIMITS,
    LedgerFormatError,
    LedgerLimits,
    LedgerRow,
    ParsedLedger,
    parse_ledger,
)

__all__ = ["parse_off_loop"]

WORKERS = 2
ROWS_PER_CHUNK = 1_000
WORKER_NICENESS = 10

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            context: multiprocessing.context.BaseContext
            if "forkserver" in multiprocessing.get_all_start_methods():
                forkserver = multiprocessing.get_context("forkserver")
                # What the server process preloads: the parser (not the main module).
                forkserver.set_forkserver_preload(["models.rules.ledger"])
                context = forkserver
            else:
                context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(
                max_workers=WORKERS,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _start_worker(server_pid: int) -> None:
    """In the worker: parsing yields the CPU to the server's own processes (on 2 cores a
    busy parser at equal priority would slow every request while it runs), and the worker
    ends with the server (a server killed without shutting its pool down would leave it)."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)

    def watch() -> None:
        while True:
            time.sleep(2)
            try:
                os.kill(server_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass  # alive, as another user

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def _parse_in_worker(
    data: bytes, filename: str | None, limits: LedgerLimits
) -> tuple[bytes, list[bytes]]:
    """In the worker: the parsed ledger without its rows, and its rows in pickled chunks."""
    parsed = parse_ledger(data, filename, limits)
    rows = parsed.rows
    head = pickle.dumps(replace(parsed, rows=[]), protocol=pickle.HIGHEST_PROTOCOL)
    chunks = [
        pickle.dumps(rows[start : start + ROWS_PER_CHUNK], protocol=pickle.HIGHEST_PROTOCOL)
        for start in range(0, len(rows), ROWS_PER_CHUNK)
    ]
    return head, chunks


async def parse_off_loop(
    data: bytes, filename: str | None, limits: LedgerLimits = DEFAULT_LIMITS
) -> ParsedLedger:
    """parse_ledger in a worker process; LedgerFormatError (LedgerTooLarge) as it raises."""
    # Starting the pool (the fork server, a worker) blocks for a while: not on the loop.
    pool = await asyncio.to_thread(_executor)
    try:
        future = await asyncio.to_thread(pool.submit, _parse_in_worker, data, filename, limits)
        head, chunks = await asyncio.wrap_future(future)
    except BrokenProcessPool as exc:
        # The worker died (out of memory …): a file this server cannot read; the next
        # import gets a fresh pool.
        _discard(pool)
        raise LedgerFormatError("the file could not be read: its reader stopped") from exc
    parsed: ParsedLedger = pickle.loads(head)
    rows: list[LedgerRow] = []
    for chunk in chunks:
        rows.extend(pickle.loads(chunk))
        await asyncio.sleep(0)  # one chunk at a time: other requests run in between
    parsed.rows = rows
    return parsed
