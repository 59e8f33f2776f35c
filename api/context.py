"""The typed per-request context handed to every resolver."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from api.database import Database
from api.settings import Settings
from models.rules import calendar
from models.viewer import ANONYMOUS, Viewer

if TYPE_CHECKING:
    from api.events import Broker
    from resolvers.loaders import Loaders
    from resolvers.scope import Scope


@dataclass
class Context:
    """Database handle, loaders, settings and request id of one GraphQL operation."""

    db: Database
    loaders: Loaders
    settings: Settings
    request_id: str
    viewer: Viewer = ANONYMOUS
    request: Any = None
    response: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    broker: Broker | None = None  # change events of committed writes (api/events.py)

    @property
    def scope(self) -> Scope:
        """What the viewer may see (resolvers.scope)."""
        from resolvers.scope import scope_for

        return scope_for(self.viewer)

    def now(self) -> datetime:
        """The request's clock (UTC); one value for every row a request writes."""
        stamp = self.extra.get("now")
        if stamp is None:
            stamp = self.extra["now"] = datetime.now(UTC)
        assert isinstance(stamp, datetime)
        return stamp

    def today(self) -> date:
        """Today in the configured time zone (Asia/Shanghai): the default `asOf`."""
        return calendar.today()
