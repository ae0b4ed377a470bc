"""The contract test fetches documents too: the document tests' app that signs Wallet passes."""

from tests.documents.conftest import wallet

__all__ = ["wallet"]
