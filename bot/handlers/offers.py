"""A bare yes or no typed to what the bot's last message offered (``bot.services.offers``):
"好的" to "要我帮您催一下吗？" urges the order, "yes please" to "shall I pass you to a
colleague?" opens the ticket, "不用了" leaves it. A yes with nothing offered goes on to the
intents as before."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot import keyboards
from bot.flows import start_remedy
from bot.flows.base import Flows
from bot.flows.exchange import ExchangeFlow
from bot.flows.orders import ChangeJob, OrderChangeFlow, order_job
from bot.flows.returns import ReturnFlow
from bot.services import offers
from bot.services.choices import (
    asks_a_question,
    bare_yes_or_no,
    button_typed,
    remedy_asked,
    yes_or_no,
)
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bot.services.memory import Offer
from bot.services.orders import lookup
from bot.services.person import person_asked, someone_senior_asked
from bot.services.sizes import size_wish, wanted_color
from bus import Bus
from bus.contracts import OrderFound
from intents import Decision, Slots
from intents.address import parse_address
from intents.slots import order_number
from shop.enums import SIZE_LETTERS, TICKET_REASONS, TicketReason


class AnswersOffer(Filter):
    """The message is a bare yes or no, and the bot's last message offered something (not
    long ago): ``yes`` and the ``offer`` go to the handler."""

    async def __call__(
        self,
        message: Message,
        conv: Conversation | None = None,
        decision: Decision | None = None,
        raw_state: str | None = None,
    ) -> bool | dict[str, Any]:
        offer = conv.offer if conv is not None else None
        if offer is None or message.text is None or not offers.fresh(offer):
            return False
        yes = _cancel_answer(message.text) if offer.job == "cancel" else None
        if yes is None:
            yes = bare_yes_or_no(message.text)
        if yes is None and conv is not None:
            yes = _same_job_asked(message.text, offer, conv, decision)
        if yes is None and _variant_for_exchange(message.text, offer):
            yes = True  # "ok fine, then go ahead with the L" to "exchange it instead?"
        if yes is None and offer.kind == "human" and _person_wanted(message.text, decision):
            yes = True  # "can a supervisor make an exception then?" to "shall I pass you…?"
        if yes is None and offer.kind == "human" and raw_state is None and (
            parse_address(message.text).has_address
        ):
            # "改成杭州市西湖区文三路100号" to "shipped, the address can't change: a person?":
            # she still wants it sent there — the person (her words go with the ticket); not
            # while a flow waits for an address (the address flow asked it beside the offer)
            yes = True
        if yes is None and offer.kind == "human" and offer.about:
            # "can i just get a refund instead" to "shall I pass you…?" after a fault told:
            # the return (or the new one) the policy allows for it
            remedy = remedy_asked(message.text)
            if remedy is not None:
                return {"yes": False, "offer": offer, "remedy": remedy}
        if yes is None:
            return False
        return {"yes": yes, "offer": offer}


# "ok then get me one", "那帮我转吧" to "shall I pass you to a colleague?": the offer taken in
# words that name no person themselves
_TAKE_THE_PERSON = re.compile(
    r"\b(get|find|give) me (one|someone|somebody|a colleague)\b"
    r"|\b(put|connect|pass|transfer) me (through|over|on)\b|\bgo ahead\b|\bplease do\b"
    r"|帮我(转|找|接)|(那就?|就)转|转(过去|一下)?吧|找(一)?个(同事)?吧|叫(一)?个(同事)?(吧|来)"
    # "then please ask them for me" to "shall I ask a supervisor?" (jobs batch 5: "行 那麻烦帮我
    # 问一下" was the chat's goodbye)
    r"|(帮我|替我|给我)(问|查|申请)(一下|问|下)|麻烦(你)?(问|查)(一下|问)"
    r"|\b(check|ask) with (someone|somebody|them|a colleague|your (boss|supervisor|manager))\b"
    r"|\bask (them|someone|somebody|a colleague)( for me)?\b"
    # "ok can someone sort it out for me then" (jobs batch 12: "did you mean…?")
    r"|\b(can|could) (someone|somebody|a colleague|they|one of them)( else)? "
    r"(sort|handle|deal with|fix|take care of|look at|look into|do)\b"
    r"|找(个)?人(帮我)?(弄|处理|办|看)",
    re.I,
)


# a size letter named as the one wanted ("go ahead with the L", "an M then", "XL please")
_SIZE_NAMED = re.compile(
    rf"(?:\b(?i:the|an?|size|in|with)\s+|^)({SIZE_LETTERS})\b(?!')"
    rf"|(?<![\w'])({SIZE_LETTERS})\s+(?i:then|please|pls|instead)\b"
)


def _exchange_wish(text: str) -> str:
    """The customer's words for the exchange's size reader: a size letter named alone ("the L")
    as "size L" (``size_wish`` reads a letter only where it is plainly a size)."""
    named = _SIZE_NAMED.search(text)
    if named is not None and not size_wish(text).said:
        return f"{text} size {named.group(1) or named.group(2)}"
    return text


def _variant_for_exchange(text: str, offer: Offer) -> bool:
    """A size or colour said (with a yes, or nothing against it) to an exchange offered — after
    a refused return, "ok fine, then go ahead with the L" was "did you mean…?" (jobs batch 5)."""
    if offer.kind != "job" or offer.job != "exchange" or offer.order_no is None:
        return False
    if yes_or_no(text) is False:
        return False
    # a size or colour named, not a fit told ("it's too big" is the return's reason, answered
    # as such: ``returns.refused_reason_no_change``)
    wish = _exchange_wish(text)
    return size_wish(wish).target is not None or wanted_color(wish) is not None


def _person_wanted(text: str, decision: Decision | None) -> bool:
    return (
        person_asked(text, decision) is not None
        or someone_senior_asked(text)
        or _TAKE_THE_PERSON.search(text) is not None
    )


_BUTTONS: dict[str, tuple[str, str]] = {"cancel": ("button.cancel_order", "button.keep_order")}
"""A job offered by two buttons whose words typed answer it ("确认取消订单", "先不取消")."""
_JOB_INTENTS = {"cancel": "order.cancel", "exchange": "returns.exchange"}
"""The intent that asks for the job again ("取消订单" at "确定要取消订单…吗？"; "那换个黑色的吧"
at a refused return's "要不要换成别的尺码或颜色？")."""
# at "确定要取消订单…吗？" the cancel said again in other words is the yes ("不想要了",
# "cancel it"); "先不取消" / "留着吧" / "keep it" the no
_CANCEL_YES = re.compile(
    r"^(嗯|对|是的?|好的?)?[，, ]*(就|那就|还是)?(取消|不要了|不想要了|退掉|删掉)"
    r"(吧|了|订单|掉)*[!！。~～]*$"
    r"|^(yes,? )?(please )?cancel( it| the order)?( please)?[!.]*$"
    r"|^i don'?t want (it|them)( any ?more)?[!.]*$",
    re.I,
)
_CANCEL_NO = re.compile(
    r"^(算了|哦|那)?[，, ]*"
    r"((先|还是)?不(要)?(取消|退)了?|(先|还是)?留着|(no,? )?(don'?t cancel|keep it))",
    re.I,
)


# "等下 先别取消 其实是卫衣买小了": the cancel stopped anywhere in the message (the engine read
# the 取消 in it as the cancel asked again, and the order was cancelled and refunded)
_CANCEL_STOPPED = re.compile(
    r"(别|不要|不用|先不|暂时不|还是不|不)(帮我)?取消|\b(don'?t|do not|not) cancel\b"
    r"|\b(keep|hold) (it|the order|them)\b",
    re.I,
)


def _cancel_answer(text: str) -> bool | None:
    """Typed at the cancel asked back, before the general yes or no: there "取消" and "不要了"
    say cancel (read as a plain "no", they kept the order), "不想要了" too."""
    said = text.strip()
    if _CANCEL_NO.search(said) or _CANCEL_STOPPED.search(said):
        return False
    if _CANCEL_YES.search(said):
        return True
    return None


# "取消的话钱是原路退回吗", "will i be charged anything if i cancel?" at "确定要取消订单…吗？":
# a question about the money (the engine read it as a refund asked and listed her orders, and
# the cancel asked was lost — jobs batch 11)
_CANCEL_MONEY = re.compile(
    r"钱|退款|退回|原路|到账|扣费|扣款|收费|手续费|\b(refund(ed)?|money|charged?|fees?|"
    r"pay(ment)? back)\b",
    re.I,
)


class CancelMoneyAsked(Filter):
    """A question about the money at the cancel asked back (not its answer)."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        offer = conv.offer if conv is not None else None
        text = message.text or ""
        return (
            offer is not None
            and offer.job == "cancel"
            and offer.order_no is not None
            and offers.fresh(offer)
            and _CANCEL_MONEY.search(text) is not None
            and asks_a_question(text)
            and _cancel_answer(text) is None
        )


def _same_job_asked(
    text: str, offer: Offer, conv: Conversation, decision: Decision | None
) -> bool | None:
    """The offered job's button typed, or the same job asked for again about the same order:
    the answer to the offer (the engine read "取消订单" at the cancel confirmation as a new
    cancel request and asked the same question again)."""
    if offer.kind != "job" or offer.job is None:
        return None
    keys = _BUTTONS.get(offer.job)
    if keys is not None:
        typed = button_typed(text, {conv.t(keys[0]): True, conv.t(keys[1]): False})
        if typed is not None:
            return typed
    if order_number(text) not in (None, offer.order_no):
        return None  # another order named: its own question
    if offer.job == "urge" and order_job(text) == "urge":
        # "帮我催一下" / "please chase it" (the button's words, or the chase asked again): the
        # chase offered — the order card again first was the engine's reading of it
        return True
    if (
        decision is not None
        and decision.outcome == "accept"
        and decision.intent == _JOB_INTENTS.get(offer.job)
    ):
        return True
    return None


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(CancelMoneyAsked())
    async def on_cancel_money_asked(message: Message, conv: Conversation, rpc: Bus) -> None:
        """Answered — what was paid comes back the way it was paid, in the policy's days; an
        unpaid order costs nothing — and the cancel asked again with its buttons."""
        offer = conv.offer
        assert offer is not None and offer.order_no is not None
        await offers.take_buttons_off(conv.bot, conv.chat_id, offer)
        found = await lookup(rpc, conv, offer.order_no)
        if not isinstance(found, OrderFound):
            await conv.say(conv.t("order.cancel.money_asked.unknown"),
                           reply_markup=keyboards.confirm_cancel(conv.t, offer.order_no))
            return
        order = found.order
        if order.state == "awaiting_payment":
            text = conv.t("order.cancel.money_asked.unpaid")
        else:
            span = conv.replies.policy.returns.refund.arrival_days
            text = conv.t(
                "order.cancel.money_asked.paid",
                total=conv.replies.format_money(order.total + order.postage, conv.locale),
                arrival=conv.replies.text(
                    "returns.days_span", conv.locale, low=span.min, high=span.max
                ),
            )
        await conv.say(text, reply_markup=keyboards.confirm_cancel(conv.t, offer.order_no))

    @router.message(AnswersOffer())
    async def on_offer_answered(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        flows: Flows,
        yes: bool,
        offer: Offer,
        remedy: str | None = None,
        decision: Decision | None = None,
    ) -> None:
        await offers.take_buttons_off(conv.bot, conv.chat_id, offer)
        if remedy is not None and offer.about:
            slots = decision.slots if decision is not None else Slots()
            # (the apology came with the quality answer that offered the person)
            told = f"{offer.about} {message.text or ''}"
            await start_remedy(flows, remedy, slots, told, sorry=False)
            return
        if offer.kind == "job" and offer.order_no is not None:
            if yes and offer.job in ("urge", "cancel"):
                job: ChangeJob = "urge" if offer.job == "urge" else "cancel"
                await flows.get(OrderChangeFlow).pressed(job, offer.order_no)
            elif yes and offer.job == "exchange":
                text = _exchange_wish(message.text or "")
                if size_wish(text).said or wanted_color(text):
                    # "不能退的话 那换个黑色的吧 码不变", "ok fine, then go ahead with the L" under
                    # a refused return: the exchange of that order, in the colour or size she
                    # names (it asked which order again, or "did you mean…?")
                    await flows.get(ExchangeFlow).instead_of_return(offer.order_no, None, text)
                else:
                    await flows.get(ExchangeFlow).start_for(offer.order_no)
            elif yes and offer.job == "return":
                await flows.get(ReturnFlow).start_for(offer.order_no)
            elif offer.job == "cancel":
                await conv.say(conv.t("order.cancel.kept"))
                text = _exchange_wish(message.text or "")
                if size_wish(text).said or wanted_color(text):
                    # "先别取消 其实是卫衣买小了 改成XL可以吗": what she wants instead
                    await flows.get(OrderChangeFlow).modify_asked(offer.order_no, text)
            else:
                await conv.say(conv.t("offer.declined"))
            return
        if yes:
            reason: TicketReason = next((r for r in TICKET_REASONS if r == offer.reason), "other")
            await open_ticket(conv, rpc, reason=reason)
            return
        conv.memory.misses = 0
        await conv.say(conv.t("offer.declined"))

    return router
