"""Every way a bus call can fail, as one small family of typed errors.

Business outcomes (an order not found, an exchange refused) are replies, not errors. These
are for the transport and for a server that could not handle a request at all.
"""

from bus.contracts.base import ErrorCode


class BusError(Exception):
    """Base class: the call did not produce a business reply."""


class BusUnavailable(BusError):
    """No connection to the broker, nobody serves the method (the request was returned), or
    the worker answered that its database is unavailable for a query (code ``unavailable``)."""


class BusTimeout(BusError):
    """The deadline passed before a reply came back.

    ``accepted`` is true for a command the broker had already confirmed: it waits, persistent,
    in its durable queue and will be applied once (by its idempotency key) when a worker takes
    it. The caller can say "recorded" rather than "failed".
    """

    def __init__(self, message: str, *, accepted: bool = False) -> None:
        super().__init__(message)
        self.accepted = accepted


class BusDeferred(BusTimeout):
    """The worker took the command but could not apply it now (its database was unavailable):
    it is kept and applied once, by its idempotency key, when the database is back. Like a
    timed-out command the broker accepted (``accepted`` is true), so every caller that handles
    that case handles this one."""

    def __init__(self, message: str) -> None:
        super().__init__(message, accepted=True)


class BusRemoteError(BusError):
    """The server answered with an error: a stable ``code`` and a message safe to log."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Refusal(Exception):
    """Raised by a server-side handler to refuse a well-formed request with a stable error
    ``code`` (e.g. ``idempotency_conflict``): the caller gets that code as ``BusRemoteError``,
    the message is acked, never retried, and not parked as a dead letter (it is not broken,
    and replaying it can only be refused again). ``message`` must be safe to log.
    """

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
