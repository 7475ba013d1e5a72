"""Changing the delivery address of a paid, unshipped order: the order's verified customer
types the new address; ``intents.address`` reads the receiver's name, phone, province, city,
district and street out of it; the bot shows what it read (the address in full, the phone
masked as the order's own is; never logged) with Confirm / Edit buttons; only a confirmed address
goes to the worker (``orders.change_address``, a command with an idempotency key), which
changes it or says why not. The phone the order was placed with — its proof — never changes.
"""

from __future__ import annotations

import logging
import re

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.state import State, StatesGroup

from bot import keyboards
from bot.flows.base import Draft, Flow
from bot.flows.notes import NoteBeside, after_change, beside_line
from bot.keyboards import ConfirmAddressCallback
from bot.services import choices, done, outcomes
from bot.services.escalation import call_command, idempotency_key
from bot.services.orders import lookup, show_card
from bus.contracts import (
    AddressChanged,
    AddressChangeRefused,
    ChangeAddress,
    ContactRequired,
    OrderFound,
    OrderView,
)
from intents import Decision
from intents.address import ParsedAddress, parse_address
from shop.enums import DEFAULT_LOCALE
from shop.masking import mask_phone
from shop.regions import region_display_name

_CJK = re.compile(r"[\u4e00-\u9fff]")
logger = logging.getLogger(__name__)

ASKED_AGAIN = (
    "missing_region",
    "missing_street",
    "ambiguous_name",
    "ambiguous_phone",
    "invalid_phone",
    "region_mismatch",
)
"""What the parser could not settle that stops the address: asked again, naming the problem
(a missing name or phone is fine: the receiver stays as on the order)."""


class AddressChange(StatesGroup):
    waiting_for_address = State()
    waiting_for_confirm = State()


class AddressDraft(Draft):
    order_no: str | None = None
    key: str | None = None
    """The idempotency key of the change (kept, so a retry never changes it twice)."""
    receiver_name: str | None = None
    phone: str | None = None
    """The receiver's new phone (the order's own, which proves it, never changes)."""
    name_on_order: str | None = None
    phone_on_order: str | None = None
    """The order's receiver now, masked as the worker sends it (张**, 139****5678): what the
    parcel keeps where no new name or phone is given."""
    province: str | None = None
    city: str | None = None
    district: str | None = None
    street: str | None = None
    confirmed: bool = False
    note: NoteBeside | None = None
    """A note asked in the same message ("地址改成… 放门卫就行"): shown with the address and
    written with it (``bot.flows.notes.NoteBeside``)."""

    def receiver(self) -> tuple[str | None, str | None]:
        """The name and phone that will be on the parcel: a new name the customer typed (shown
        back to her, to check, as the address is), else the order's own; a new phone masked as
        the order's own is (139****1111: a chat's messages are seen over shoulders and in
        screenshots, and she knows the number she typed), else the order's (was "（不变）")."""
        phone = mask_phone(self.phone) if self.phone else self.phone_on_order
        return self.receiver_name or self.name_on_order, phone

    def carried(self) -> AddressDraft:
        """A fresh draft for the same order (the address asked again)."""
        return AddressDraft(
            order_no=self.order_no,
            name_on_order=self.name_on_order,
            phone_on_order=self.phone_on_order,
            note=self.note.model_copy(update={"shown": False}) if self.note else None,
        )

    def region(self, locale: str) -> str:
        """Province, city and district as the customer reads them (the province in English in
        an English chat: "Jiangsu", not 江苏) — unless the city or district was written in
        Chinese: then all of it as written, as the parcel's label will read ("Jiangsu 南京市
        鼓楼区" mixed the two, the district left in Chinese: there is no table of districts'
        English names to put it in English)."""
        parts: list[str] = []
        written_zh = any(_CJK.search(part or "") for part in (self.city, self.district))
        shown_in = DEFAULT_LOCALE if written_zh else locale
        province = region_display_name(self.province, shown_in) if self.province else None
        for part in (province, self.city, self.district):
            if part and not any(part.startswith(p) or p.startswith(part) for p in parts):
                parts.append(part)
        return " ".join(parts)


def _fits(value: str | None, low: int, high: int) -> str | None:
    return value if value is not None and low <= len(value) <= high else None


_NAME_CUE = re.compile(
    r"^(?:收件人|收货人|姓名|名字|(?:receiver'?s? |recipient'?s? )?name)"
    r"\s*(?:改成|改为|换成|是|:|：|is)?\s*",
    re.IGNORECASE,
)


def _receiver(name: str | None) -> str | None:
    """The receiver's name without the words that cue it ("name Li Lei", "收件人是李雷")."""
    if name is None:
        return None
    return _fits(_NAME_CUE.sub("", name.strip()).strip(" ,，"), 1, 50)


def address_in(text: str) -> ParsedAddress | None:
    """A whole new address in the customer's words (one the parser settles), if any."""
    if not text:
        return None
    parsed = parse_address(text)
    if not parsed.has_address and (chinese := _CHINESE_RUN.search(text)) is not None:
        # "please change the address on my hoodie order to 上海市徐汇区漕溪北路398号": the
        # Chinese address inside English words (the words were read as its street)
        parsed = parse_address(chinese.group(0))
    if not parsed.has_address or any(p in ASKED_AGAIN for p in parsed.problems):
        return None
    return parsed


# "收件人改成李静", "receiver is Wang Lei": the receiver named apart from the address (the label
# read without case, the name with it: "Wang Lei, phone" ends at the comma)
_RECEIVER_TOLD = re.compile(
    r"(?i:收件人|收货人|联系人|receiver|recipient)\s*(?i:改成|改为|换成|是|为|is|should be|to)?\s*"
    r"[:：]?\s*(?P<name>[\u4e00-\u9fff]{2,4}(?![\u4e00-\u9fff])|[A-Z][a-z]+(?: [A-Z][a-z]+){0,2})"
)


def receiver_told(text: str) -> tuple[str | None, str | None]:
    """The receiver's name and phone told without an address ("收件人改成李静 电话138…",
    "receiver is Wang Lei, phone 186…"), each ``None`` when not told."""
    match = _RECEIVER_TOLD.search(text or "")
    name = match.group("name") if match else None
    if name and any(word in name for word in ("不变", "改成", "电话", "手机")):
        name = None
    return name, (parse_address(text).phone if text else None)


def with_receiver(earlier: str, address_text: str) -> str:
    """A new address typed after the receiver was told apart (the receiver and phone first, the
    address a message later, the order after both): the two as one address the parser reads,
    in labels; ``address_text`` alone when the earlier words told no receiver, or the address
    names its own."""
    name, phone = receiver_told(earlier)
    parsed = address_in(address_text)
    if (name is None and phone is None) or parsed is None or parsed.receiver_name:
        return address_text
    place = "".join(
        part or "" for part in (parsed.province, parsed.city, parsed.district, parsed.street)
    )
    fields = [f"收件人：{name}"] if name else []
    phone = parsed.phone or phone
    if phone:
        fields.append(f"电话：{phone}")
    fields.append(f"地址：{place}")
    joined = " ".join(fields)
    return joined if address_in(joined) is not None else address_text


# from the first Chinese character to the last Chinese character or digit of the message
_CHINESE_RUN = re.compile(r"[\u4e00-\u9fff].*[\u4e00-\u9fff0-9]", re.DOTALL)


class AddressFlow(Flow):
    states = AddressChange
    keeps_waiting = True

    async def draft(self) -> AddressDraft:
        return await self.load(AddressDraft)

    async def start(
        self, order: OrderView, access: str, typed: str = "", note: NoteBeside | None = None
    ) -> None:
        """After the order card: can the address change, and may this customer change it?
        The worker decides (``address_refusal`` in the order view); the bot words it.
        ``typed``: what the customer wrote before the order was settled ("地址改成…", an
        address typed at "which order?"): an address in it is shown to confirm, not asked for
        again (after the contact, when that is needed first). ``note``: a note asked in the
        same message, shown and written with the address."""
        if order.address_refusal == "already_shipped" and order.delivered_at is not None:
            # signed for already: no courier can redirect it — unless it never reached them
            conv = self.conv
            when = conv.replies.format_datetime(order.delivered_at, conv.locale)
            await conv.say(
                conv.t("address.refused_delivered", delivered_at=when),
                reply_markup=conv.offer_human("other"),
            )
            return
        if order.address_refusal is not None:
            await outcomes.address_refused(
                self.conv, AddressChangeRefused(reason=order.address_refusal)
            )
            if order.address_refusal == "already_shipped":
                # "so what are my options then?" next is about this order (address_options)
                self.conv.memory.address_refused = (self.conv.memory.turns, order.order_no)
            if order.state in ("awaiting_payment", "paid"):
                # (an unpaid order takes a note, not yet a new address): the note on its own
                await after_change(
                    self.conv, self.rpc, self.state, order.order_no, note, made=False
                )
            return
        draft = AddressDraft(
            order_no=order.order_no,
            name_on_order=order.receiver_name_masked or None,
            phone_on_order=order.phone_masked or None,
            note=note,
        )
        given = address_in(typed)
        if given is not None:
            self.fill(draft, given)
        if access != "owner":
            # Digits open an order for reading only: the contact first, before the customer
            # types an address for nothing; the address step (or the one typed, shown to
            # confirm) follows once it is linked.
            await self.pause_for_contact(draft, "write", AddressChange.waiting_for_address)
            return
        draft.key = idempotency_key(self.conv.user_id)
        if given is not None:
            await self.show(draft)
            return
        await self.wait(AddressChange.waiting_for_address, draft)
        await self.conv.say(self.conv.t("address.ask_new"))

    async def kept_while_paused(self, text: str) -> bool:
        """An address typed while the change waits for the customer's contact: kept, and
        shown to confirm once the contact is linked (``resume``). ``False`` when no address
        change is waiting, or the text is no whole address."""
        draft = await self.draft()
        waiting = (AddressChange.waiting_for_address.state, AddressChange.waiting_for_confirm.state)
        given = address_in(text) if draft.paused_at in waiting else None
        if given is None:
            return False
        self.fill(draft, given)
        await self.keep(draft)
        return True

    async def address_typed(self, text: str, decision: Decision | None) -> None:
        """The new address, read by the parser and shown back for the customer to confirm."""
        parsed = parse_address(text)
        if (
            parsed.province is None
            and parsed.phone is None
            and decision is not None
            and decision.outcome == "accept"
        ):
            # A clear new question rather than an address: the intent handlers take it; one the
            # policy answers ("能发顺丰吗", "运费多少") keeps the address waiting after it (the
            # address typed next was read as a question of its own, and never changed)
            self.step_aside(decision)
            await self.finish()
            raise SkipHandler
        draft = await self.draft()
        if self.receiver_only(parsed):
            # "李雷 13700002222" before the address: kept, the address asked for
            self.take_receiver(draft, parsed)
            await self.keep(draft)
            await self.conv.say(self.conv.t("address.receiver_noted"))
            return
        problems = [p for p in parsed.problems if p in ASKED_AGAIN]
        if problems or not parsed.has_address:
            lines = [self.conv.t(f"address.problem.{p}") for p in problems]
            await self.conv.say("\n".join(lines) or self.conv.t("address.too_short"))
            return
        self.fill(draft, parsed)
        await self.show(draft)

    @staticmethod
    def receiver_only(parsed: ParsedAddress) -> bool:
        """A receiver's name and phone with no address ("李雷 13700002222"): a part of the
        change said on its own, not an address missing its province."""
        return (
            parsed.phone is not None
            and parsed.province is None
            and parsed.street is None
            and "invalid_phone" not in parsed.problems
            and "ambiguous_phone" not in parsed.problems
        )

    def take_receiver(self, draft: AddressDraft, parsed: ParsedAddress) -> None:
        draft.receiver_name = _receiver(parsed.receiver_name) or draft.receiver_name
        draft.phone = parsed.phone or draft.phone
        draft.confirmed = False

    def fill(self, draft: AddressDraft, parsed: ParsedAddress) -> None:
        # a name and phone said before the address, in their own message, are kept
        draft.receiver_name = _fits(parsed.receiver_name, 1, 50) or draft.receiver_name
        draft.phone = parsed.phone or draft.phone
        draft.province = parsed.province
        draft.city = _fits(parsed.city, 2, 30)
        draft.district = _fits(parsed.district, 2, 30)
        draft.street = (parsed.street or "")[:150] or None
        draft.confirmed = False

    async def show(self, draft: AddressDraft) -> None:
        """What was read, in full, with Confirm / Edit: nothing is written before the press."""
        conv = self.conv
        keep = conv.t("address.parsed.keep")
        name, phone = draft.receiver()
        text = conv.t(
            "address.parsed",
            name=name or keep,
            phone=phone or keep,
            region=draft.region(self.conv.locale),
            street=draft.street or "",
        )
        if draft.note is not None:
            # the note asked with it goes on with the address: her yes is to both
            # (said before the read-back's question, its last line)
            draft.note.shown = True
            head, _, ask = text.rpartition("\n")
            text = "\n".join(filter(None, (head, beside_line(conv, draft.note), ask)))
        await self.wait(AddressChange.waiting_for_confirm, draft)
        await conv.say(
            text,
            reply_markup=keyboards.confirm_or_edit(
                conv.t, lambda yes: ConfirmAddressCallback(confirm=yes)
            ),
        )

    async def confirm_typed(self, text: str, decision: Decision | None) -> None:
        """ "对" / "不对" to the address shown back; an address typed instead replaces it; a
        slip put right ("打错了 是浦东新区 不是新去", "its 西湖区 not 西胡区") mends the address
        shown and shows it again."""
        if await self.mend(text):
            return
        answer = choices.yes_or_no(text)
        if answer is not None:
            await self.confirmed(answer)
            return
        parsed = parse_address(text)
        if self.receiver_only(parsed):
            # the name and phone sent after the address: added to it and shown again (it
            # was read as a whole new address missing its province, and the change went
            # through without them)
            draft = await self.draft()
            self.take_receiver(draft, parsed)
            await self.show(draft)
            return
        if parsed.province is not None or parsed.phone is not None:
            # another address: the one shown is no longer what she wants — a yes after a
            # question about the new one must not write the old (jobs batch 10)
            await self.wait(AddressChange.waiting_for_address, await self.draft())
            await self.address_typed(text, decision)
            return
        await self.ask_again_or_step_aside(decision, "choice.again.yes_no")

    async def mend(self, text: str) -> bool:
        """The slip she names, put right in the one part of the address shown back that holds
        it (name, city, district, street), and the address shown again; ``False`` when the
        message corrects nothing shown (jobs batch 6: "yes or no?" to the correction, and her
        yes after it changed nothing)."""
        slip = choices.correction(text)
        if slip is None:
            return False
        draft = await self.draft()
        right, wrong = slip
        for field in ("district", "street", "city", "receiver_name"):
            now = getattr(draft, field)
            mended = choices.corrected(now, right, wrong) if now else None
            if mended is not None and mended != now:
                setattr(draft, field, mended[:150])
                draft.confirmed = False
                await self.show(draft)
                return True
        return False

    async def confirmed(self, confirm: bool) -> None:
        draft = await self.draft()
        if not confirm:
            fresh = draft.carried()
            fresh.key = draft.key
            await self.wait(AddressChange.waiting_for_address, fresh)
            await self.conv.say(self.conv.t("address.ask_again"))
            return
        draft.confirmed = True
        await self.submit(draft)

    async def submit(self, draft: AddressDraft) -> None:
        """Send the confirmed change and say how it went. A change the worker wants the contact
        for waits, with the address, for the customer to share it."""
        assert draft.order_no is not None and draft.province and draft.street
        conv = self.conv
        key = draft.key or idempotency_key(conv.user_id)
        request = ChangeAddress(
            idempotency_key=key,
            order_no=draft.order_no,
            telegram_user_id=conv.user_id,
            phone_last4=conv.memory.proof_for(draft.order_no),
            receiver_name=draft.receiver_name,
            receiver_phone=draft.phone,
            province=draft.province,
            city=draft.city,
            district=draft.district,
            street=draft.street,
        )
        reply = await call_command(conv, self.rpc, request)
        if isinstance(reply, ContactRequired):
            draft.key = None  # this key stands for the refused request now
            await self.pause_for_contact(draft, reply.reason, AddressChange.waiting_for_confirm)
            return
        if isinstance(reply, AddressChangeRefused) and reply.reason == "unknown_region":
            # Nothing changed: the address again, as a new request.
            await self.wait(AddressChange.waiting_for_address, draft.carried())
            await outcomes.address_refused(conv, reply)
            return
        await self.finish()
        made = isinstance(reply, AddressChanged)
        if isinstance(reply, AddressChanged):
            logger.info("address changed for order %s by chat %s", draft.order_no, conv.chat_id)
            keep = conv.t("address.parsed.keep")
            name, phone = draft.receiver()
            text = conv.t(
                "address.done_full",
                name=name or keep,
                phone=phone or keep,
                region=draft.region(self.conv.locale),
                street=draft.street,
            )
            await done.say(conv, "address", text, order_no=draft.order_no)
        else:
            await outcomes.explain(conv, reply)
        if made or (isinstance(reply, AddressChangeRefused) and reply.reason == "not_paid"):
            # the note asked with it: written now, or (an unpaid order) asked on its own; a
            # parcel gone already takes no note either (the refusal said so)
            await after_change(conv, self.rpc, self.state, draft.order_no, draft.note, made=made)

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if draft.province and draft.street:
            # The address they already typed: submitted if they had confirmed it, else shown.
            if draft.confirmed:
                await self.submit(draft)
            else:
                await self.show(draft)
            return
        if draft.order_no is None:
            await self.finish()
            return
        # The card again, as the owner sees it now, and the address step.
        result = await lookup(self.rpc, self.conv, draft.order_no)
        if isinstance(result, OrderFound):
            feedback = self.conv.feedback("order.change_address")
            await show_card(self.conv, result.order, reply_markup=feedback)
            await self.start(result.order, result.access)
        elif isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, AddressChange.waiting_for_address)
        else:
            await self.finish()
            await outcomes.explain(self.conv, result)
