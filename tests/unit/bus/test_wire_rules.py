"""The wire's own rules, without a broker: strict and bounded contracts that never echo their
input, the schema header read as a number, dead-letter reasons without values, bounded
callback data, and the log scan that checks the whole test run."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from bot.keyboards import ItemPickCallback, OrderPickCallback, ProductPickCallback
from bus import contracts as c
from bus.rpc import describe_errors, schema_version, shown_method
from tests.logscan import LogScan, find_leaks

PHONE = "13912345678"


def test_a_string_is_not_an_integer_id() -> None:
    with pytest.raises(ValidationError) as error:
        c.LookupOrder.model_validate_json('{"order_no": "KF20260001", "telegram_user_id": "1"}')
    assert error.value.errors()[0]["type"] == "int_type"
    for bad in ("true", "1.0", '"0x1"'):
        with pytest.raises(ValidationError):
            c.GetProduct.model_validate_json(f'{{"product_id": {bad}}}')


@pytest.mark.parametrize(
    "body",
    [
        '{"product_id": 12345678901234567890}',
        '{"product_id": 0}',
        '{"product_id": -3}',
        '{"product_id": 2147483648}',
    ],
)
def test_ids_from_outside_are_bounded(body: str) -> None:
    with pytest.raises(ValidationError) as error:
        c.GetProduct.model_validate_json(body)
    assert describe_errors(error.value).startswith("product_id: ")
    assert c.GetProduct.model_validate_json('{"product_id": 2147483647}').product_id == 2**31 - 1


def test_group_chat_ids_are_negative_and_valid() -> None:
    ticket = c.OpenTicket(
        idempotency_key="tg:1:abcdef12",
        telegram_user_id=7,
        chat_id=-1001234567890,
        reason="other",
    )
    assert ticket.chat_id == -1001234567890


def test_valid_wire_data_stays_valid_in_strict_mode() -> None:
    """JSON's own forms: ISO strings for times, strings or numbers for money."""
    view = c.OrderView(
        order_no="KF20260001",
        state="shipped",
        created_at=datetime(2026, 5, 1, 8, 30, tzinfo=UTC),
        total=Decimal("259.00"),
        postage=Decimal(0),
        items=[
            c.OrderItemView(
                item_id=1,
                product_id=2,
                product_name="纯棉圆领T恤",
                kind="regular",
                sku="P001-0-M",
                size="M",
                color="黑色",
                price=Decimal("79.00"),
                quantity=2,
            )
        ],
        receiver_name_masked="王**",
        phone_masked="139****5678",
        province="江苏",
        address_masked="南京市鼓楼****",
    )
    found = c.OrderFound(order=view, access="owner")
    again = c.reply_adapter(c.LookupOrder).validate_json(found.model_dump_json())
    assert again == found
    assert c.ExchangeTerms.model_validate_json(
        '{"eligible": true, "postage_payer": "customer", "return_address": "仓库",'
        ' "deadline": "2026-05-03T08:30:00Z"}'
    ).deadline == datetime(2026, 5, 3, 8, 30, tzinfo=UTC)
    assert c.ProductSummary.model_validate_json(
        '{"product_id": 1, "name": "帽", "kind": "regular", "category": "accessories",'
        ' "price": 49.5}'
    ).price == Decimal("49.5")


def test_validation_errors_never_show_their_input() -> None:
    with pytest.raises(ValidationError) as error:
        c.LinkCustomer(telegram_user_id=1, phone=f"+86 {PHONE} ext 9")
    assert PHONE not in str(error.value)
    with pytest.raises(ValidationError) as error:
        c.ChangeAddress.model_validate_json(
            '{"idempotency_key": "k-12345678", "order_no": "KF20260001",'
            ' "telegram_user_id": 1, "province": "江", "street": "中山路 12 号"}'
        )
    assert "中山路" not in str(error.value)


def test_dead_letter_reasons_name_fields_and_error_types_not_values() -> None:
    body = f'{{"telegram_user_id": 1, "phone": "{PHONE}x", "{PHONE}": 1}}'
    with pytest.raises(ValidationError) as error:
        c.LinkCustomer.model_validate_json(body)
    reason = describe_errors(error.value)
    assert "phone: string_pattern_mismatch" in reason
    assert "?: extra_forbidden" in reason  # the made-up key is not repeated
    assert PHONE not in reason


@pytest.mark.parametrize(
    ("header", "version"),
    [(2, 2), ("2", 2), (b"2", 2), (" 3 ", 3), (2.0, 2), (2.5, None), (True, None), ("v2", None)],
)
def test_the_schema_header_is_read_as_a_number(header: object, version: int | None) -> None:
    assert schema_version({"x-kefu-schema": header}, 9) == version
    assert schema_version({}, 9) == 9


def test_method_names_that_are_not_ours_are_not_repeated() -> None:
    assert shown_method("orders.lookup") == "orders.lookup"
    assert shown_method("orders.steal") == "orders.steal"  # shaped like ours: useful to ops
    assert shown_method(PHONE) == "?"
    assert shown_method("收货地址.中山路") == "?"


def test_callback_data_is_bounded_and_patterned() -> None:
    assert ItemPickCallback.unpack("itm:12").item_id == 12  # text from the client: lax
    for forged in ("itm:12345678901234567890", "itm:0", "itm:-1", "itm:x"):
        with pytest.raises(ValueError):
            ItemPickCallback.unpack(forged)
    with pytest.raises(ValueError):
        ProductPickCallback.unpack("prd:99999999999999999999")
    with pytest.raises(ValueError):
        OrderPickCallback.unpack("ord:q:KF1 OR 1=1")
    with pytest.raises(ValueError) as error:
        OrderPickCallback.unpack(f"ord:z:{PHONE}")
    assert PHONE not in str(error.value)


def test_the_log_scan_finds_phones_addresses_and_messages() -> None:
    lines = [
        "bot INFO: ticket T2026050100001 opened for chat 700001",
        "worker INFO: order KF20260001 shipped with ZTO139123456789",  # a tracking number
        "bus WARNING: bus call timed out [cid=a13912345678b]",
        "bot INFO: phone 139****5678 masked is fine",
        f"bot INFO: contact +86{PHONE} linked",
        f"bot ERROR: input_value='{PHONE}'",
        "worker INFO: new address 南京市鼓楼区中山路 12 号",
        "worker INFO: 12号3栋501室",
        "bot INFO: 我想把地址改成我妈家 please",
    ]
    leaks = find_leaks(lines, {"我想把地址改成我妈家 please"})
    assert len(leaks) == 5
    assert all(not leak.endswith(("fine", "chat 700001")) for leak in leaks)


def test_the_scan_takes_an_order_number_alone_for_no_message():
    """A customer who types only her order number said nothing about herself: the logs name
    orders (that is what they are for); the same number inside a sentence is still a message."""
    scan = LogScan()
    scan.customer_said("KF90001075")
    scan.customer_said("KF90001075 寄到我家 中山路")
    assert scan.messages == {"KF90001075 寄到我家 中山路"}
    assert find_leaks(["bot INFO: order KF90001075 urged by chat 700010"], scan.messages) == []


def test_a_reply_to_an_older_schema_leaves_out_the_fields_added_since() -> None:
    """``returns.create`` speaks 3 and still takes 2: its reply to a 2 goes without the items'
    causes (a bot of 2 forbids unknown fields), everything else exactly as before."""
    from bus.contracts.base import dump_as_of

    assert c.CreateReturn.SCHEMA_VERSION == 3 and 2 in c.CreateReturn.OLDER_SCHEMAS
    item = c.ReturnItemView(
        item_id=1, product_name="T恤", sku="T-M", size="M", color="白色", quantity=1,
        unit_price=Decimal(99), amount=Decimal(99), cause="quality", return_postage_payer="seller",
    )
    record = c.ReturnView(
        return_no="RT2026120400001", order_no="KF20260001", state="awaiting_return",
        cause="quality", items=[item], items_amount=Decimal(99), postage_refund=Decimal(0),
        refund_amount=Decimal(99), return_postage_payer="seller", seller_postage="reimbursed",
        created_at=datetime(2026, 12, 4, tzinfo=UTC),
    )
    reply = c.ReturnCreated(
        record=record, return_address="杭州", refund_process_days=c.DaySpan(min=1, max=2),
        refund_arrival_days=c.DaySpan(min=1, max=5),
    )
    old = dump_as_of(reply, 2)
    import json

    sent = json.loads(old)
    assert {"cause", "return_postage_payer"}.isdisjoint(sent["record"]["items"][0])
    assert sent["record"]["cause"] == "quality"  # the return's own: a field of 2
    parsed = c.ReturnCreated.model_validate_json(old)
    assert parsed.model_copy(
        update={"record": record.model_copy(update={"items": [item]})}
    ) == reply
    assert c.ReturnCreated.model_validate_json(dump_as_of(reply, 3)) == reply
