"""The bot's routers, composed in order: commands → flows → intents → fallback.

Routers are built inside functions because a router can be attached to one dispatcher only,
and tests build several. The flow and intent routers sit under two parent routers whose
message filters (the chat is in a flow / the message was matched with confidence) let every
other message skip them with one check; all filters are async (aiogram runs sync ones in a
thread pool). Private chats only: the scope is set once, on the router that holds them all.
"""

from __future__ import annotations

from typing import Any

from aiogram import Router

from bot.filters import InState, MayBeBeforeIntents, Outcome, PrivateChat
from bot.flows import FLOWS
from bot.handlers import (
    clarify,
    commands,
    compensation,
    done,
    errors,
    exchange,
    feedback,
    identity,
    invoice,
    media,
    midjob,
    notes,
    offers,
    orders,
    person,
    policy,
    products,
    purchases,
    refusals,
    returns,
    shipping,
    size,
    staff,
    thanks,
)


def get_routers(
    titles: dict[str, dict[str, str]],
    actions: dict[str, tuple[str, str]],
    *,
    desk: Any = None,
) -> list[Router]:
    """``titles``: intent id → {locale: title}; ``actions``: intent id → (group, action);
    ``desk``: the agents' desk (bot/desk), whose routers go first when it is installed."""
    exchange_flow, exchange_intents = exchange.get_routers()
    orders_flow, orders_intents, order_job_words = orders.get_routers()
    size_flow, size_intents = size.get_routers()
    shipping_flow, shipping_intents = shipping.get_routers()
    # a new question, matched with confidence: each intent has exactly one handler
    # (bot/routing.py), so the order is for speed only — policy answers are the most frequent.
    # The router's own handlers come before its sub-routers: first the jobs about an order that
    # an intent names only by its topic (returns.return, …: before the intent's own handler,
    # which answers everything else as before), then the policy answers.
    intents = Router(name="bot.intents")
    intents.message.filter(Outcome("accept"))
    # a person asked for in so many words beside anything else: the person, first
    person.register_in_words(intents)
    person.register_payment_problem(intents)
    compensation.register(intents)
    shipping.register_exact(intents)
    # "the tee runs small, can i get the next size up": an exchange, not a fit question
    exchange.register_size_step(intents)
    size_steps = Router(name="bot.size_steps")
    exchange.register_size_step(size_steps)
    exchange.register_swap_torn(size_steps)  # "change my white tee to the grey one?", unsure
    returns_flow, _, order_references = returns.get_routers(jobs=intents)
    policy.get_router(intents)
    invoice_flow, invoice_intents = invoice.get_routers()
    products_flow, products_intents, stock_questions = products.get_routers()

    # what a conversation in progress is waiting for (buttons of a flow pass at any time)
    flows = Router(name="bot.flows")
    flows.message.filter(InState(*(flow.states for flow in FLOWS)))
    flows.include_routers(
        exchange_flow,
        orders_flow,
        returns_flow,
        size_flow,
        shipping_flow,
        invoice_flow,
        products_flow,
        notes.get_router(),
    )

    intents.include_routers(
        shipping_intents,
        orders_intents,
        exchange_intents,
        size_intents,
        invoice_intents,
        products_intents,
    )

    agents_router: Router | None = None
    handoff_routers: list[Router] = []
    if desk is not None:
        from bot.desk import desk_routers  # bot.desk uses handler helpers: imported late

        agents_router, handoff_routers = desk_routers(desk)
    else:
        # no desk: her answer to the staff's answer on her ticket (one memory check otherwise)
        handoff_routers = [staff.get_router()]
    # a return's tracking number, commands, a shared contact, the flows and a bare yes or no to
    # an offer, behind one check that plain questions fail
    before_intents = Router(name="bot.before_intents")
    before_intents.message.filter(MayBeBeforeIntents())
    # (a bare yes or no to what the bot's last message offered first: the offer is the last
    # thing the customer was asked, even while a flow waits)
    before_intents.include_routers(
        # a return's parcel sent back with its tracking number, whatever the engine or a
        # waiting flow would make of it (the flows' buttons are checked before it all)
        returns.get_parcel_router(),
        offers.get_router(),
        done.get_router(),
        commands.get_router(),
        identity.get_router(),
        # a person or a call asked for ends any wait ("能给个电话吗" at "which order?")
        person.get_router(waiting=True),
        # "算了", "还是换吧", another order's number, "why do you need that?" while a job waits,
        # and a bare yes after a job was left for another question
        midjob.get_router(),
        # "谢谢" while a job waits: acknowledged, the wait kept (not the chat's goodbye)
        thanks.get_router(),
        flows,
        identity.get_waiting_router(),
    )

    routers = [
        # the agents' desk: a chat handed to a person (ratings first, then the relay); without
        # it, her answer to the shop's staff
        *handoff_routers,
        # "代购的呢", "那尺码不合适怎么办" right after a return or exchange rule (one memory check)
        policy.get_rule_for_kind_router(),
        before_intents,
        # "so what are my options then?" right after a shipped order's address was refused
        refusals.get_router(),
        # "取消以后券还能退回来吗": the coupon's question, not the return its words look like
        policy.get_coupon_router(),
        # "我最近一个月都买了些什么": her orders of that time (the engine heard a complaint)
        purchases.get_router(),
        # "我把手机号发你", "my phone number is …": the button to share the contact
        identity.get_announce_router(),
        # "ok那什么时候到", "where is it now?" right after an order's card: that order's answer
        orders.get_in_view_router(),
        # "那帮我换成合适的码" right after size advice: her item to the size advised
        size.get_advised_change_router(),
        intents,
        invoice.get_named_order_router(),  # "KF… 这个订单帮我开张发票", the engine unsure
        order_references,  # an order number typed alone, before "did you mean…?"
        size_steps,  # "this runs small can i get a bigger one", the engine unsure
        order_job_words,  # "can you chase it?" about the chat's order, the engine unsure
        # "is it true to size? im 165cm 52kg", the engine torn between size questions: advice
        size.get_measured_router(),
        person.get_router(waiting=False),  # "能给个电话吗 打字说不清楚", the engine unsure
        person.get_payment_router(),  # "扣了两次钱", the engine unsure: a person with a ticket
        compensation.get_router(),  # "我不退了 给我补偿", the engine unsure: a person, a ticket
        shipping.get_exact_router(),  # "那具体多少钱" after a postage answer, the engine unsure
        # what the engine could not place but the catalogue or the policy answers: "黑色M还有吗",
        # "can I have a gift with it"
        stock_questions,
        policy.get_fallback_router(),
        # buttons that work at any time, then everything else
        feedback.get_router(set(actions)),
        clarify.get_router(titles, actions),
        media.get_router(),
    ]
    customers = Router(name="bot.customers")
    customers.message.filter(PrivateChat())  # checked once per message for all of them
    customers.callback_query.filter(PrivateChat())
    customers.include_routers(*routers)
    # the agents' group first (its own filter), then the customers, a button pressed anywhere
    # else (answered, nothing more), the errors last
    return [
        *([agents_router] if agents_router is not None else []),
        customers,
        media.get_stray_buttons_router(),
        errors.get_router(),
    ]
