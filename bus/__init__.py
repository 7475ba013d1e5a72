"""The only code the bot and the worker share: wire contracts (``bus.contracts``), the typed
seams (``bus.protocol``: ``Bus``, ``Handlers``), the RPC client and server over RabbitMQ
(``bus.rpc``), the topology and an in-memory bus for tests (``bus.testing``)."""

from bus.protocol import Bus, EventPublisher, Handlers

__all__ = ["Bus", "EventPublisher", "Handlers"]
