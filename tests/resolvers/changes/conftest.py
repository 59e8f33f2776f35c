"""The change-feed tests write through the ledger tests' plan (importLedger)."""

from tests.resolvers.ledger.conftest import ledger

__all__ = ["ledger"]
