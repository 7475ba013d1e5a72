"""What a proof is worth (``worker.proof.classify``) and what makes two commands the same
request (``worker.service.request_hash``), as pure functions."""

from __future__ import annotations

from bus.contracts import ChangeAddress, LookupOrder, OpenTicket
from worker.proof import Access, classify
from worker.service import request_hash

PLACED = "13712345678"


def ask(user: int = 7, last4: str | None = None) -> LookupOrder:
    return LookupOrder(order_no="KF20260001", telegram_user_id=user, phone_last4=last4)


def test_what_a_proof_opens() -> None:
    def access(request: LookupOrder, *, owner: int | None = 42, proven: bool = False) -> Access:
        placed = PLACED if owner is not None else None
        return classify(request, owner_telegram_id=owner, placed_phone=placed, proven=proven)

    assert access(ask(user=42)) is Access.OWNER
    assert access(ask(user=42, last4="0000")) is Access.OWNER  # digits don't matter then
    assert access(ask()) is Access.DENIED  # no digits: not a guess, nothing to count
    assert access(ask(last4="5678")) is Access.CHECK  # right or wrong, checked and counted
    assert access(ask(last4="0000")) is Access.CHECK
    assert access(ask(last4="5678"), proven=True) is Access.LAST4  # never counted again
    assert access(ask(last4="0000"), proven=True) is Access.DENIED
    assert access(ask(last4="5678"), owner=None) is Access.CHECK  # a missing order: the same


def test_the_same_request_under_its_key_and_nothing_else() -> None:
    def move(key: str, address: str = "浦东新区世纪大道 100 号") -> ChangeAddress:
        return ChangeAddress(
            idempotency_key=key,
            order_no="KF20260001",
            telegram_user_id=7,
            province="上海",
            street=address,
        )

    assert request_hash(move("key-aaaaaaaa")) == request_hash(move("key-bbbbbbbb"))
    assert request_hash(move("key-aaaaaaaa")) != request_hash(move("key-aaaaaaaa", "别处 1 号"))
    ticket = OpenTicket(idempotency_key="key-aaaaaaaa", telegram_user_id=7, chat_id=7,
                        reason="other")
    assert request_hash(ticket) != request_hash(move("key-aaaaaaaa"))
    assert len(request_hash(ticket)) == 64
