"""A stack's queues and exchanges are gone from the broker once its fixture has torn it down
(every test module's ``stack`` is one; a leftover prefix also fails the run at its end, see
``tests/conftest.py``)."""

import pytest

from tests.e2e.conftest import start_stack, stop_stack
from tests.support.topology import leftovers

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_stopped_stack_leaves_nothing_on_the_broker(
    amqp_url, amqp_connection, tmp_path
) -> None:
    built, polling = await start_stack(amqp_url, tmp_path)
    prefix = built.shop.worker.topology.prefix
    customer = built.customer()
    await customer.says("你好")  # the bot and the worker have both used the bus
    declared = {left.name for left in leftovers({prefix})}
    assert f"{prefix}.commands" in declared and f"{prefix}.rpc" in declared, declared
    await stop_stack(built, polling, amqp_connection)
    assert leftovers({prefix}) == []


async def test_the_shop_topology_is_deleted_even_when_the_bot_failed(
    amqp_url, amqp_connection, tmp_path
) -> None:
    built, polling = await start_stack(amqp_url, tmp_path)
    prefix = built.shop.worker.topology.prefix
    await built.fake.wait_for_call("getUpdates")  # polling has started
    await built.dp.stop_polling()
    await polling
    crashed = polling.get_loop().create_future()  # a polling task that ended in an error
    crashed.set_exception(RuntimeError("polling crashed"))
    with pytest.raises(RuntimeError, match="polling crashed"):
        await stop_stack(built, crashed, amqp_connection)
    assert leftovers({prefix}) == []
    await built.bot.session.close()
    await built.rpc.close()
    await built.fake.stop()
