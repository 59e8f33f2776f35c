"""The typed per-request context handed to every resolver (`info.context`).

api/ builds it for each operation (api/context.py adds what only the HTTP layer reads); the
services below take it as their ServiceContext.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.rules.evidence import DEFAULT_MAX_BYTES as EVIDENCE_MAX_BYTES
from models.rules.ledger import LedgerLimits
from resolvers.events import Broker
from resolvers.loaders import Loaders
from resolvers.service_context import ServiceContext
from resolvers.storage import Storage

# importLedger's default upload limit (GOVGRAPH settings: max_upload_bytes).
MAX_UPLOAD_BYTES = 20_000_000


@dataclass(kw_only=True)
class Context(ServiceContext):
    """A ServiceContext plus the operation's loaders and the change broker."""

    loaders: Loaders
    broker: Broker | None = None  # change events of committed writes (api/events.py)
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    # importLedger's files (GOVGRAPH_LEDGER_*)
    ledger_limits: LedgerLimits = field(default_factory=LedgerLimits)
    # Evidence files (GOVGRAPH_STORAGE_URL, GOVGRAPH_EVIDENCE_MAX_BYTES; resolvers/storage.py)
    storage: Storage | None = None
    evidence_max_bytes: int = EVIDENCE_MAX_BYTES
