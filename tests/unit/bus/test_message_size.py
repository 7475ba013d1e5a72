"""The consumers' size limit (``KEFU_MAX_MESSAGE_BYTES``) never refuses a legal request."""

from datetime import UTC, datetime

from bus.contracts import OpenTicket
from bus.contracts.tickets import Attachment, TranscriptLine
from bus.settings import DEFAULT_MAX_BODY, BusSettings


def test_the_largest_legal_request_fits_under_the_default_limit():
    # Every field at its maximum, in the characters JSON spells out longest ("\u0001").
    worst = "\x01" * 4096
    ticket = OpenTicket(
        idempotency_key="k" * 100,
        telegram_user_id=8_000_000_000,
        chat_id=8_000_000_000,
        customer_name="\x01" * 100,
        reason="customer_asked",
        intent="i" * 60,
        confidence=0.5,
        order_no="KF26200341",
        transcript=[
            TranscriptLine(role="customer", text=worst, at=datetime.now(UTC), message_id=1)
            for _ in range(200)
        ],
        attachments=[
            Attachment(kind="photo", file_id="f" * 200, caption="\x01" * 1024) for _ in range(50)
        ],
    )
    size = len(ticket.model_dump_json().encode())
    assert 5_000_000 < size < DEFAULT_MAX_BODY
    assert BusSettings().max_message_bytes == DEFAULT_MAX_BODY
