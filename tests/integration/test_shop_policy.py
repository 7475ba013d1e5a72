"""The worker enforces the shop policy file the bot quotes (``KEFU_SHOP_POLICY``): a shop
owner's edit changes the rule the worker applies, not only the words the bot says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
import yaml

from bus.contracts import ExchangeCreated, ExchangeTerms
from shop.policy import DEFAULT_POLICY_PATH, load_policy
from tests.integration.conftest import (
    Shop,
    create_order,
    exchange_request,
    quote_request,
    start_shop,
    stop_shop,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


def edited_policy(directory: Path) -> Path:
    """The demo policy with another owner's rules: custom-made exchanges within 24 hours and
    on the shop's postage; regular items for another size only, the return leg paid by the
    customer; proxy items never; a new return address."""
    raw = yaml.safe_load(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    returns = raw["returns"]
    returns["custom"].update(exchange_window_hours=24, postage="shop")
    returns["regular"].update(exchange_changes=["size"], postage="customer_return_leg")
    returns["proxy"].update(exchange="no", exchange_changes=[])
    returns["address"]["address"]["zh_CN"] = "江苏省苏州市工业园区另一条路 9 号"
    path = directory / "shop.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def owned_shop(amqp_url, amqp_connection, tmp_path_factory) -> AsyncIterator[Shop]:
    directory = tmp_path_factory.mktemp("owned")
    shop = await start_shop(amqp_url, directory, shop_policy=edited_policy(directory))
    try:
        yield shop
    finally:
        await stop_shop(shop, amqp_connection)


async def test_the_worker_loads_the_file_it_is_pointed_at(owned_shop):
    policy = owned_shop.worker.policy
    assert policy.returns.custom.exchange_window_hours == 24
    assert policy == load_policy(owned_shop.worker.settings.shop_policy)


async def test_custom_window_and_postage_follow_the_file(owned_shop):
    inside = await create_order(owned_shop, kind="custom", delivered_ago=timedelta(hours=20))
    terms = await owned_shop.rpc.call(quote_request(inside))
    assert isinstance(terms, ExchangeTerms)
    assert terms.eligible, terms.reasons
    assert terms.postage_payer == "seller"
    # 30 hours: inside the demo shop's 48, outside this owner's 24.
    late = await create_order(owned_shop, kind="custom", delivered_ago=timedelta(hours=30))
    refused = await owned_shop.rpc.call(quote_request(late))
    assert isinstance(refused, ExchangeTerms)
    assert refused.reasons == ["window_expired"]


async def test_what_an_item_kind_allows_follows_the_file(owned_shop):
    regular = await create_order(owned_shop, kind="regular")
    size_only = await owned_shop.rpc.call(quote_request(regular, new_size="M", new_color="白色"))
    assert isinstance(size_only, ExchangeTerms)
    assert "color_change_not_allowed" in size_only.reasons
    bigger = await owned_shop.rpc.call(quote_request(regular))
    assert isinstance(bigger, ExchangeTerms)
    assert bigger.eligible and bigger.postage_payer == "split"
    proxy = await create_order(owned_shop, kind="proxy")
    never = await owned_shop.rpc.call(quote_request(proxy))
    assert isinstance(never, ExchangeTerms)
    assert "proxy_no_exchange" in never.reasons
    assert not never.needs_supervisor  # "no" without supervisor_exception: no one to ask


async def test_the_return_address_sent_is_the_files(owned_shop):
    order = await create_order(owned_shop, kind="custom", delivered_ago=timedelta(hours=2))
    created = await owned_shop.rpc.call(exchange_request(order))
    assert isinstance(created, ExchangeCreated)
    assert "江苏省苏州市工业园区另一条路 9 号" in created.return_address
    assert created.return_address == owned_shop.worker.policy.returns.address.one_line()
