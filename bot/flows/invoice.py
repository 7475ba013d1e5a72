"""An invoice request (开发票), recorded by the worker (``invoices.request``) with its number.

order → personal or company → the title (a person's name, or the company's name) → the
company's taxpayer number → ``invoices.request`` → the INV number. What the first message
already says (an order number, "公司", a 15–20 character tax number, the title after "抬头")
is taken from it, so nothing is asked twice; a step that gets nothing it can use asks once
more, or leaves the flow to a clear new question. Changing an order's paperwork is the
verified customer's: without the linked contact the flow asks for it and goes on once shared.
"""

from __future__ import annotations

import logging
import re
from typing import ClassVar

from aiogram.fsm.state import State, StatesGroup

from bot import keyboards
from bot.flows.base import Draft, Flow
from bot.services import outcomes
from bot.services.choices import yes_or_no
from bot.services.escalation import call_command, idempotency_key, owns_key
from bot.services.orders import is_linked, offer_alike, offer_orders, order_mentioned
from bus.contracts import (
    ContactRequired,
    InvoiceRefused,
    InvoiceRequested,
    OrderNotFound,
    RequestInvoice,
    Throttled,
)
from intents import Decision, Slots
from intents.garments import names_a_garment
from intents.normalize import cjk_count
from intents.slots import only_last4
from shop.enums import InvoiceTitleType, OrderState

logger = logging.getLogger(__name__)

TAX_NO = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Za-z]*\d)[0-9A-Za-z]{15,20}(?![0-9A-Za-z])")
"""A taxpayer number: 15–20 letters and digits (the 18-character 统一社会信用代码 mostly)."""
PERSONAL_WORDS = ("个人", "personal", "private", "myself", "my name")
COMPANY_WORDS = (
    "公司",
    "企业",
    "单位",
    "有限",
    "集团",
    "工作室",
    "company",
    "business",
    "corporate",
    "ltd",
    "inc",
    "llc",
    "co.",
)
LABELS = re.compile(
    r"(公司抬头|单位抬头|个人抬头|企业抬头|发票|抬头|税号|纳税人识别号|识别号|统一社会信用代码|信用代码|开票|名称|单位|个人|公司全称|"
    r"\b(?:invoice|title|tax\s*(?:id|no\.?|number)|company\s+name|personal|name|is|for|the)\b|"
    r"[:：,，。;；\s])+",
    re.IGNORECASE,
)
_LEADING_LABELS = re.compile("^" + LABELS.pattern, re.IGNORECASE)
_TRAILING_LABELS = re.compile(LABELS.pattern + "$", re.IGNORECASE)
ORDER_NO = re.compile(r"KF\d{8}", re.IGNORECASE)
_AFTER_LABEL = re.compile(
    r"(?:抬头|\btitle\b)\s*"
    r"(?:(?:就|要|请|帮我|麻烦)?(?:是|为|写成?|填)|[:：]|\bis\b|\bshould be\b)?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
"""What follows "抬头" / "title" in a message that asks for the invoice: the title, if any
("我要开发票 抬头是杭州某某有限公司"; "我要开发票 公司抬头" gives none)."""
_REQUEST = re.compile(
    r"(我|我们)?(要|想|想要|需要|帮我|麻烦|请)(开|开个|开一张|开张)(一下|个)?(发票)?"
    r"|开(个|一张|张)?发票"
    r"|\b(i|we)('d| would)? ?(need|want|like)( to get| to have)?( an?)?\b|\bplease\b"
    r"|\bcan (i|you|we) (get|have|issue)( an?)?\b",
    re.IGNORECASE,
)
"""The words that ask for an invoice: never part of its title."""
_OWN_NAME = re.compile(
    r"\b(?:my|me) (?:own |full |real )?name\b(?!\s*(?:is\b|'s\b|[:：]))|\bunder me\b"
    r"|我(?:自己)?的?(?:名字|姓名)(?![是叫为:：])|写我(?:自己)?的?名|我本人|本人(?:的)?(?:名字|姓名)",
    re.IGNORECASE,
)
"""Her own name asked for as the title ("just put it under my name", "写我名字就行"): the name
the shop has for her (the worker's, ``RequestInvoice.own_name``), never these words."""


INVOICEABLE: tuple[OrderState, ...] = ("paid", "shipped", "completed")
"""The states of an order an invoice can be asked for (paid, not closed)."""


class InvoiceRequest(StatesGroup):
    waiting_for_order = State()
    waiting_for_type = State()
    waiting_for_title = State()
    waiting_for_tax_no = State()


class InvoiceDraft(Draft):
    order_no: str | None = None
    title_type: InvoiceTitleType | None = None
    title: str | None = None
    own_name: bool = False
    """The title is her own name, as the shop has it ("put it under my name")."""
    tax_no: str | None = None
    key: str | None = None
    """The command's idempotency key, kept until the request is recorded (a retry after a
    timeout must not record a second request)."""
    request: str = ""
    """The words that asked for it: the item they name picks its order from her list ("a
    company invoice for the linen trousers"; she was asked which order)."""

    def read(self, text: str, *, title_expected: bool = False, title_typed: bool = False) -> bool:
        """Take what the message says; True when it said anything the draft lacked.
        ``title_typed``: the flow asked for the type ("个人还是公司？") — a company's name
        alone answers it, and is the title."""
        found = False
        lowered = text.lower()
        company = self.title_type == "company" or any(w in lowered for w in COMPANY_WORDS)
        # at the step that asks the title (her first words take the type only: "personal, under
        # my name", then "wait, my company is paying" at that step is hers to change)
        if title_expected and self.title is None and not company and (
            _OWN_NAME.search(text)
            # "yes" to "your name, or just 'Personal'?": her name (it was the title "yes")
            or (self.title_type == "personal" and yes_or_no(text) is True)
        ):
            self.title_type, self.own_name = "personal", True
            self.title = "本人" if cjk_count(text) else "Personal"  # (the worker's name wins)
            found = True
        tax = TAX_NO.search(ORDER_NO.sub(" ", text))
        if tax is not None and self.tax_no is None:
            self.tax_no = tax.group(0).upper()
            self.title_type = self.title_type or "company"
            found = True
        if self.title_type is None:
            if any(word in lowered for word in PERSONAL_WORDS):
                self.title_type, found = "personal", True
            elif any(word in lowered for word in COMPANY_WORDS):
                self.title_type, found = "company", True
        rest = ORDER_NO.sub(" ", text)
        if tax is not None:
            rest = rest.replace(tax.group(0), " ")
        labelled = None if title_expected else _AFTER_LABEL.search(rest)
        # A title only where the customer gives one: the step that asks for it, what follows
        # "抬头…", or a company's name beside its tax number — never words of the request itself
        # ("我要开公司发票", "我要开发票 公司抬头" are no title).
        given = labelled.group(1) if labelled else rest
        title = title_of(given if title_expected else _REQUEST.sub(" ", given))
        said_title = (
            title_expected
            or labelled is not None
            or (tax is not None and title is not None and looks_like_company(title))
            or (title_typed and title is not None and title_alone(rest))
        )
        if self.title is None and title and said_title:
            self.title, found = title, True
            if self.title_type is None and looks_like_company(title):
                self.title_type = "company"
        if self.title is None and self.title_type == "personal" and title_expected:
            if any(word in lowered for word in PERSONAL_WORDS):
                self.title, found = ("个人" if "个人" in text else "Personal"), True
        return found


def tax_no_refusal(reply: InvoiceRefused) -> str:
    """The words for a tax number refused: what is wrong with it, when the worker says."""
    if reply.tax_no_problem in ("characters", "check_character"):
        return f"invoice.refused.tax_no_invalid.{reply.tax_no_problem}"
    return "invoice.refused.tax_no_invalid"


# "put 陈思雨 on it", "just write Li Na please", "就写陈思雨吧": the title inside the ask to write
# it ("put it under my name" is left to the words around a name)
_PUT_ON_IT = re.compile(
    r"^(?:(?:just|please|pls|can you|could you)\s+)*(?:put|write|use|make it out to)\s+"
    r"(?!it\b|my\b|our\b)(.+?)"
    r"(?:\s+(?:on|as)\s+(?:it|the invoice|the title|there))?(?:\s*,?\s*(?:please|pls|thanks))?"
    r"[.!]?$"
    r"|^(?:就|请|麻烦)?(?:写|填)(?:成|上)?(?!我)(.+?)(?:就行了?|就好|就可以了?|吧)?[。！]?$",
    re.IGNORECASE,
)


# a name given as hers ("my name is Li Na", "我叫陈思雨"): the name is the title
_MY_NAME = re.compile(
    r"^(?:(?:(?:my|the)\s+(?:full\s+)?name(?:'s|\s+is)|i\s+am|i'm|im|this\s+is)\s+"
    r"|(?:我叫|我的?(?:名字|姓名)(?:是|叫)|(?:名字|姓名)(?:是|叫))\s*)(.+?)[.!。！]?$",
    re.IGNORECASE,
)


def title_of(text: str) -> str | None:
    """The title a message gives, without the words around it ("抬头：杭州某某科技有限公司";
    English labels only as whole words: "Isabella Chen" keeps its "Is")."""
    put = _PUT_ON_IT.match(text.strip()) or _MY_NAME.match(text.strip())
    if put:
        text = next(group for group in put.groups() if group)
    # the labels around it, never inside it ("杭州个人护理用品有限公司", "Bright Star for Kids
    # Ltd" keep their 个人 and for)
    cleaned = _LEADING_LABELS.sub(" ", _TRAILING_LABELS.sub(" ", text.strip()))
    cleaned = cleaned.strip(" \"'“”‘’「」")
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned[:100] if len(cleaned) >= 2 else None


_NOT_A_NAME = re.compile(
    r"发票|开票|抬头|税号|[?？吗呢]|\b(invoice|tax|receipt|vat|what|how|when|can|do)\b", re.I
)


_NAME_ZH = re.compile(
    r"^[\u4e00-\u9fffA-Za-z0-9（）()·]{2,40}?(有限责任公司|股份有限公司|有限公司|公司|集团|工作室|事务所|商行|厂)$"
)
_NAME_EN = re.compile(
    r"^(?!(?:a|an|the|my|our|one|for)\b)[A-Za-z0-9&'., -]{2,50}?\s"
    r"(?:ltd\.?|limited|inc\.?|llc|co\.?|corp\.?|corporation|company|gmbh|plc)$",
    re.IGNORECASE,
)


def title_alone(text: str) -> bool:
    """The message is a company's name and nothing else ("杭州星辰服饰有限公司", "Bright Star
    Trading Ltd"): no request, label or question around it, nor only the type ("公司")."""
    name = re.sub(r"\s+", " ", text.strip(" 。.!！"))
    if _NOT_A_NAME.search(name):
        return False
    return bool(_NAME_ZH.match(name) or _NAME_EN.match(name))


def looks_like_company(title: str) -> bool:
    lowered = title.lower()
    return any(
        word in lowered
        for word in (
            "公司",
            "有限",
            "集团",
            "工作室",
            "ltd",
            "inc",
            "llc",
            "co.",
            "company",
            "gmbh",
        )
    )


_PARCEL = re.compile(r"快递|包裹|发货|到货|物流|parcel|package|deliver|ship|arrive", re.I)
"""A time asked about the parcel, not the invoice."""


_WHEN_READY = re.compile(
    r"(?:什么时候|啥时候|多久|几天|多长时间|要多久)(?:能|可以|才能|会)?(?:开好|开出来|开出|好|出来|拿到|收到)"
    r"|\b(?:when|how (?:long|soon))\b.*"
    r"\b(?:ready|done|issued|get it|receive it|come|arrive|take)\b",
    re.IGNORECASE,
)
"""When the invoice will be ready, asked in words the engine places nowhere ("什么时候能开好")."""


class InvoiceFlow(Flow):
    states = InvoiceRequest
    keeps_waiting = True
    about_the_job: ClassVar[dict[str, str]] = {
        "payment.invoice": "invoice.when",
        "shipping.delivery_time": "invoice.when",
        "shipping.dispatch_time": "invoice.when",
    }

    def about(self, decision: Decision, text: str) -> str | None:
        """ "发票什么时候能开好", "how long will it take" half way through: this invoice's time
        (answered honestly: finance issues it against the request number) — unless the words
        are about the parcel ("how long does delivery take")."""
        if decision.intent != "payment.invoice" and _PARCEL.search(text):
            return None
        return super().about(decision, text)

    async def draft(self) -> InvoiceDraft:
        return await self.load(InvoiceDraft)

    async def start(self, text: str, slots: Slots) -> None:
        await self.finish()
        order_no = slots.order_no
        if order_no is None and names_a_garment(text):
            # "卫衣那单帮我开张发票": the order of the item named (or her list of those), not the
            # order the chat was last on (just cancelled: "this order is closed")
            order_no = await order_mentioned(self.rpc, self.conv, text, INVOICEABLE)
        elif order_no is None:
            order_no = self.conv.memory.last_order
        draft = InvoiceDraft(order_no=order_no, request=text.strip()[:200])
        draft.read(text)
        await self.conv.say(self.conv.replies.answer("payment.invoice", self.conv.locale))
        await self.next_step(draft)

    async def next_step(self, draft: InvoiceDraft) -> None:
        """Ask for the first thing still missing, or record the request."""
        conv = self.conv
        if draft.order_no is None:
            await self.wait(InvoiceRequest.waiting_for_order, draft)
            found = await offer_orders(conv, self.rpc, "i", ask_contact=False, text=draft.request)
            if found is not None:
                draft.order_no = found.order.order_no
                await self.next_step(draft)
            return
        if draft.title_type is None:
            await self.wait(InvoiceRequest.waiting_for_type, draft)
            await conv.say(
                conv.t("invoice.ask_type", order_no=draft.order_no),
                reply_markup=keyboards.invoice_types(conv.t),
            )
            return
        if draft.title is None:
            await self.wait(InvoiceRequest.waiting_for_title, draft)
            await conv.say(conv.t(f"invoice.ask_title.{draft.title_type}"))
            return
        if draft.title_type == "company" and draft.tax_no is None:
            await self.wait(InvoiceRequest.waiting_for_tax_no, draft)
            await conv.say(conv.t("invoice.ask_tax_no"))
            return
        await self.submit(draft)

    # -- the customer's answers ----------------------------------------------------------------
    async def order_typed(self, text: str, decision: Decision | None) -> None:
        order_no = await self.order_named(text, "i")
        if order_no is None:
            draft = await self.draft()
            if draft.read(text):
                # the company's name and tax number typed before the order is picked: kept
                # (they were lost, and asked for again after the order)
                await self.keep(draft)
                # which order, as this chat is asked it (its list above, or the number)
                kept = self.conv.t("invoice.details_kept")
                await self.conv.say(f"{kept}\n{self.conv.t(self.order_ask_key())}")
                return
            if await self.when_ready_asked(text):
                return
            if not await offer_alike(self.conv, self.rpc, text, "i"):
                await self.ask_order_again_or_step_aside(decision, text)
            return
        draft = await self.draft()
        draft.order_no = order_no
        draft.read(text)
        await self.next_step(draft)

    async def when_ready_asked(self, text: str) -> bool:
        """ "什么时候能开好" at the order list (the engine read nothing in it, and the list was
        asked for again): when it is ready, answered plainly (finance issues it against the
        request's number; the day is not known here) — the list keeps waiting."""
        if _WHEN_READY.search(text) is None or _PARCEL.search(text) is not None:
            return False
        self.keep_waiting()
        await self.conv.say(self.conv.t("invoice.when"))
        return True

    async def order_picked(self, order_no: str) -> None:
        draft = await self.draft()
        draft.order_no = order_no
        await self.next_step(draft)

    async def type_picked(self, title_type: InvoiceTitleType) -> None:
        draft = await self.draft()
        draft.title_type = title_type
        await self.next_step(draft)

    async def details_typed(self, text: str, decision: Decision | None) -> None:
        """A type, a title or a tax number, whichever the flow waits for (and any other the
        message gives as well)."""
        draft = await self.draft()
        waiting_for_title = draft.title_type is not None and draft.title is None
        step = await self.state.get_state()
        at_type = step == InvoiceRequest.waiting_for_type.state
        ask = {
            InvoiceRequest.waiting_for_type.state: "invoice.ask_type",
            InvoiceRequest.waiting_for_tax_no.state: "invoice.ask_tax_no",
        }.get(step or "", f"invoice.ask_title.{draft.title_type or 'personal'}")
        if only_last4(text):
            # "last four digits 5280" (her proof of the order, offered): no title and no tax
            # number — it was recorded as the company's name. The step is asked again; the
            # request itself takes her contact when it is recorded (a write, ``worker.proof``)
            await self.conv.say(self.conv.t(ask, order_no=draft.order_no or ""))
            return
        if (
            waiting_for_title
            and draft.title_type == "personal"
            and TAX_NO.search(ORDER_NO.sub(" ", text)) is not None
        ):
            # "wait sorry, my company is paying actually. title …, tax id …" asked for the
            # personal title: her mind changed — the company's title and tax number (the whole
            # message was recorded as a personal title)
            draft.title_type, waiting_for_title = None, False
        if not draft.read(text, title_expected=waiting_for_title, title_typed=at_type):
            if decision is not None and decision.outcome == "accept":
                # "发票什么时候能开好" half way is this invoice's (answered, the step waits on;
                # it started the request over, the details given lost); a question the policy
                # answers is answered aside; another leaves the flow
                await self.ask_again_or_step_aside(decision, ask)
                return
            await self.conv.say(self.conv.t(ask, order_no=draft.order_no or ""))
            return
        await self.next_step(draft)

    # -- recording it --------------------------------------------------------------------------
    async def submit(self, draft: InvoiceDraft) -> None:
        conv = self.conv
        assert draft.order_no is not None and draft.title_type is not None and draft.title
        if not await is_linked(self.rpc, conv):
            # Paperwork for an order is its verified customer's: the worker would refuse.
            await self.pause_for_contact(draft, "write", InvoiceRequest.waiting_for_tax_no)
            return
        if draft.key is None or not owns_key(conv.user_id, draft.key):
            draft.key = idempotency_key(conv.user_id)
        await self.keep(draft)  # a retry after a crash must find the same key

        def remember(fresh: str) -> None:
            draft.key = fresh

        reply = await call_command(
            conv,
            self.rpc,
            RequestInvoice(
                idempotency_key=draft.key,
                order_no=draft.order_no,
                telegram_user_id=conv.user_id,
                phone_last4=conv.memory.proof_for(draft.order_no),
                title_type=draft.title_type,
                title=draft.title,
                tax_no=draft.tax_no if draft.title_type == "company" else None,
                own_name=draft.own_name and draft.title_type == "personal",
            ),
            remember=remember,
        )
        if isinstance(reply, InvoiceRequested):
            await self.finish()
            invoice = reply.invoice
            logger.info("invoice %s requested from chat %s", invoice.invoice_no, conv.chat_id)
            tax_line = (
                conv.t("invoice.tax_line", last4=invoice.tax_no_masked[-4:])
                if invoice.tax_no_masked
                else ""
            )
            await conv.say(
                conv.t(
                    "invoice.recorded",
                    invoice_no=invoice.invoice_no,
                    order_no=invoice.order_no,
                    title_type=conv.t(f"invoice.type.{invoice.title_type}"),
                    title=invoice.title,
                    tax_line=tax_line,
                ),
                reply_markup=conv.feedback("payment.invoice"),
            )
            return
        if isinstance(reply, InvoiceRefused):
            await self.refused(draft, reply)
            return
        if isinstance(reply, ContactRequired):
            await self.pause_for_contact(draft, reply.reason, InvoiceRequest.waiting_for_tax_no)
            return
        if isinstance(reply, OrderNotFound):
            draft.order_no, draft.key = None, None
            await self.wait(InvoiceRequest.waiting_for_order, draft)
        else:
            assert isinstance(reply, Throttled)
            await self.finish()
        await outcomes.explain(conv, reply)

    async def refused(self, draft: InvoiceDraft, reply: InvoiceRefused) -> None:
        conv = self.conv
        if reply.reasons == ["tax_no_invalid"]:
            # The one thing to put right: ask for the number again (a fresh request), saying
            # what is wrong with it (an 18-character number is never told "usually 18")
            draft.tax_no, draft.key = None, None
            await self.wait(InvoiceRequest.waiting_for_tax_no, draft)
            await conv.say(conv.t(tax_no_refusal(reply)))
            return
        await self.finish()
        keys = [
            tax_no_refusal(reply) if reason == "tax_no_invalid" else f"invoice.refused.{reason}"
            for reason in reply.reasons
        ]
        lines = [conv.t(key, invoice_no=reply.existing_invoice_no or "") for key in keys]
        await conv.say("\n".join(lines))

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        await self.next_step(draft)
