"""The sync tests write through the ledger tests' plan (importLedger) too."""

from tests.resolvers.ledger.conftest import ledger

__all__ = ["ledger"]
