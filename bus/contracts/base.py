"""What every contract is: frozen strict models; requests that know their replies.

A request class names its bus method (``METHOD``), whether it is a query or a command
(``KIND``) and, as its type parameter, the replies it can get::

    class LookupOrder(Request[OrderFound | OrderNotFound | Throttled]):
        METHOD: ClassVar[str] = "orders.lookup"

The type checker follows that parameter through ``Bus.call`` (the reply's type is the union)
and through ``Request.served_by`` (a handler must take the request and return one of its
replies); at run time ``REPLIES`` is derived from it and :func:`reply_adapter` parses a reply
by its ``kind``. Nobody keeps a list of replies by hand.

Schema versions: every model has ``SCHEMA_VERSION``; the RPC layer sends the request's version
in the ``x-kefu-schema`` header and the server refuses a version it does not speak with the
error code ``unsupported_version``. Add optional fields freely; bump the version for anything
an older peer would misread. ``orders.lookup`` and ``orders.change_address`` are at version 3
(the order view's due dates and attention flags; the address in parts); every other request is
at version 2: the products ones for categories and per-category charts, all the others for
strict models, bounded ids, the ``contact_required`` reply and the ``idempotency_conflict`` /
``wrong_route`` error codes.

A server may still take a request's older versions (``OLDER_SCHEMAS``): a command published
by a bot of the version before sits in the durable queue through a deploy, and must be applied,
not dead-lettered. The reply to such a request leaves out the fields added since
(``since(n)``), so the older peer parses it as before (its models forbid unknown fields).

Strict means what it says on the wire: ``"1"`` is not an integer and ``1.5`` is not an id;
JSON's own forms stay valid (ISO strings for datetimes, numbers or strings for decimals).
Validation errors never echo the input (``hide_input_in_errors``): a rejected phone number or
address does not reach a log through an error message. Ids that come from outside (callback
data, forged requests) are bounded, so a 20-digit id is bad input, not a database overflow.
"""

from __future__ import annotations

import functools
import json
import types
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import (
    Annotated,
    Any,
    ClassVar,
    Generic,
    Literal,
    Self,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

ORDER_NO_PATTERN = r"^KF\d{8}$"
MAX_ROW_ID = 2**31 - 1
"""Row ids are PostgreSQL ``integer`` columns."""
MAX_TELEGRAM_ID = 2**53 - 1
"""Telegram user and chat ids have at most 52 significant bits (chat ids may be negative)."""
PHONE_PATTERN = r"^\+?\d{6,15}$"
LAST4_PATTERN = r"^\d{4}$"

RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""A database row id (product, order item): positive and within PostgreSQL's ``integer``."""
TelegramUserId = Annotated[int, Field(ge=1, le=MAX_TELEGRAM_ID)]
ChatId = Annotated[int, Field(ge=-MAX_TELEGRAM_ID, le=MAX_TELEGRAM_ID)]


class Contract(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        hide_input_in_errors=True,
        str_strip_whitespace=True,
        # Each contract's validator is built when it is first used, not at import: a process
        # uses a few of the ~210 (the ``kefu`` command one or two), and building them all took
        # ~0.4 s of every start.
        defer_build=True,
    )

    SCHEMA_VERSION: ClassVar[int] = 2


def since(version: int) -> dict[str, Any]:
    """``Field(json_schema_extra=since(3))``: the field came with schema ``version``; a reply to
    a request of an older version (``Request.OLDER_SCHEMAS``) is sent without it."""
    return {"since": version}


def _added_in(model: type[BaseModel], name: str) -> int:
    extra = model.model_fields[name].json_schema_extra
    version = extra.get("since") if isinstance(extra, dict) else None
    return version if isinstance(version, int) else 0


def _as_of(value: Any, data: Any, version: int) -> Any:
    if isinstance(value, BaseModel) and isinstance(data, dict):
        return {
            name: _as_of(getattr(value, name), data[name], version)
            for name in type(value).model_fields
            if name in data and _added_in(type(value), name) <= version
        }
    if isinstance(value, list | tuple) and isinstance(data, list):
        return [_as_of(v, d, version) for v, d in zip(value, data, strict=True)]
    return data


def dump_as_of(model: BaseModel, version: int) -> bytes:
    """``model`` as JSON for a peer of schema ``version``: without the fields marked
    ``since`` a later one (the rest exactly as ``model_dump_json`` writes them)."""
    return json.dumps(
        _as_of(model, model.model_dump(mode="json"), version),
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


R = TypeVar("R", bound=Contract, covariant=True)


ErrorCode = Literal[
    "bad_request",
    "unknown_method",
    "unsupported_version",
    "wrong_route",
    "idempotency_conflict",
    "too_large",
    "unavailable",
    "deferred",
    "internal",
]
"""Why a server could not answer a request with one of its replies (docs/bus.md)."""


class RemoteError(Contract):
    """What the server answers when it cannot handle a request at all."""

    kind: Literal["error"] = "error"
    code: ErrorCode
    message: str


def _members(reply: Any) -> tuple[type[Contract], ...]:
    """``A | B`` (or ``Union[A, B]``, or ``A``) → ``(A, B)``."""
    if isinstance(reply, types.UnionType) or get_origin(reply) is Union:
        return tuple(member for arg in get_args(reply) for member in _members(arg))
    if isinstance(reply, type) and issubclass(reply, Contract):
        return (reply,)
    raise TypeError(f"a reply must be a Contract class or a union of them, not {reply!r}")


class Request(Contract, Generic[R]):
    """A query or a command; a concrete subclass sets ``METHOD`` and its reply type ``R``."""

    METHOD: ClassVar[str]
    KIND: ClassVar[Literal["query", "command"]] = "query"
    OLDER_SCHEMAS: ClassVar[frozenset[int]] = frozenset()
    """Older versions the server still takes (see the module's docstring)."""
    REPLIES: ClassVar[tuple[type[Contract], ...]] = ()
    """Derived from the type parameter: the reply classes, in the order written."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # The nearest parametrised base (``Request[X]``, ``Command[X]``) carries the replies.
        for base in cls.__mro__[1:]:
            metadata = getattr(base, "__pydantic_generic_metadata__", None)
            if not metadata or not metadata["args"] or not issubclass(metadata["origin"], Request):
                continue
            reply = metadata["args"][0]
            if not isinstance(reply, TypeVar):
                cls.REPLIES = _members(reply)
            return

    @classmethod
    def served_by(cls, handler: Callable[[Self], Awaitable[R]]) -> Route:
        """Pair this request with the handler that answers it (see ``bus.rpc.RpcServer``).

        The type checker holds the handler to the request and its replies; :meth:`Route.check`
        does the same from the annotations when the server starts."""
        return Route(cls, handler)


class Command(Request[R]):
    """A state change: persistent, confirmed, applied at most once per idempotency key."""

    KIND: ClassVar[Literal["query", "command"]] = "command"

    idempotency_key: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9:._-]+$")


class Event(Contract):
    """Published on the topic exchange under ``ROUTING_KEY``, for whoever listens."""

    ROUTING_KEY: ClassVar[str]
    occurred_at: datetime


@dataclass(frozen=True)
class Route:
    """A request type and the handler that answers it: one entry of a server's registry."""

    request_type: type[Request[Any]]
    handler: Callable[[Any], Awaitable[Contract]]

    @property
    def method(self) -> str:
        return self.request_type.METHOD

    def check(self) -> None:
        """Refuse a handler whose annotations disagree with the request: it must take the
        request (or a base of it) and return only replies the request declares. Handlers
        without annotations (test doubles) pass."""
        request_type = self.request_type
        if not request_type.REPLIES:
            raise TypeError(f"{request_type.__name__} declares no replies (Request[...])")
        try:
            hints = get_type_hints(self.handler)
        except NameError as exc:
            raise TypeError(
                f"handler {self._name} for {self.method}: annotation not importable ({exc})"
            ) from exc
        returned = hints.pop("return", None)
        takes = next(iter(hints.values()), None)
        if isinstance(takes, type) and not issubclass(request_type, takes):
            raise TypeError(
                f"handler {self._name} takes {takes.__name__}, "
                f"but serves {self.method} ({request_type.__name__})"
            )
        if returned is not None:
            extra = [m.__name__ for m in _members(returned) if m not in request_type.REPLIES]
            if extra:
                allowed = ", ".join(m.__name__ for m in request_type.REPLIES)
                raise TypeError(
                    f"handler {self._name} for {self.method} may return {', '.join(extra)}; "
                    f"{request_type.__name__} replies {allowed}"
                )

    @property
    def _name(self) -> str:
        return getattr(self.handler, "__qualname__", repr(self.handler))


@functools.cache
def reply_adapter(request_type: type[Request[Any]]) -> TypeAdapter[Any]:
    """Parses any reply to this request, ``RemoteError`` included, by its ``kind`` (built once
    per request type)."""
    members = (*request_type.REPLIES, RemoteError)
    return TypeAdapter(Annotated[Union[members], Field(discriminator="kind")])  # noqa: UP007
