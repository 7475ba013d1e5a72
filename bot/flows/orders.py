"""A question about an order (status, refund, address, cancelling, changing it, urging it,
"delivered but not received"): find the customer's order — from their linked orders, by its
number and the last four digits of its phone, or the order the chat is about — show it, and do
what was asked about it.

Changes before shipping are the worker's commands (``orders.modify_item``, ``orders.cancel``,
``orders.request_courier``, ``orders.urge``), the order's verified customer's only: a customer
who proved the order by its digits is asked for their contact, and once it is linked the change
goes on (:class:`OrderChangeFlow`)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Literal

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot import keyboards
from bot.flows.address import AddressFlow, address_in, with_receiver
from bot.flows.base import Draft, Flow, OrderDraft
from bot.flows.notes import NoteBeside, OrderNoteFlow, after_change, beside_line, note_beside
from bot.keyboards import ConfirmSizeCallback
from bot.services import choices, done, outcomes
from bot.services.conversation import Conversation
from bot.services.escalation import call_command, idempotency_key, open_ticket
from bot.services.orders import (
    LIST_SHOWN,
    ORDERS_KNOWN,
    Keep,
    card_as_read,
    item_label,
    item_name,
    left_out,
    list_orders,
    lookup,
    offer_alike,
    offer_orders,
    order_ask,
    order_brief,
    order_button_label,
    order_card,
    order_mentioned,
    refund_under_way,
    show_card,
)
from bot.services.parcels import points_at_a_return, says_sent_back
from bot.services.several import WITH_A_NOTE
from bot.services.sizes import (
    SizeWish,
    in_stock_others,
    not_made_in,
    size_wish,
    sold_out,
    wanted_color,
    wanted_size,
)
from bus.contracts import (
    CancelOrder,
    CancelRefused,
    ConfirmReceipt,
    ContactRequired,
    CourierRequestRecorded,
    CourierRequestRefused,
    GetProduct,
    ItemModified,
    ItemModifyRefused,
    ModifyItem,
    OrderCancelled,
    OrderFound,
    OrderReturnView,
    OrderSummary,
    OrderUrged,
    OrderView,
    ProductFound,
    ReceiptConfirmed,
    ReceiptRefused,
    RequestCourier,
    UrgeOrder,
    UrgeRefused,
)
from bus.errors import BusError
from intents import Decision, Slots
from intents.garments import names_a_garment
from intents.not_received import not_received
from intents.order_note import order_note
from intents.paying import asks_if_order_still_open
from intents.slots import answered_last4, order_number
from intents.wrong_item import wrong_item
from shop.colours import colour_name
from shop.enums import CourierCode, OrderState

Job = Literal[
    "not_received", "missing_item", "wrong_item", "urge", "courier", "returned", "receipt", "note"
]
"""What a customer asks to have done about an order beside the intent's own answer."""

# "包裹到了但是少了一条裤子", "the jeans were not in the parcel": something of the order missing
_MISSING = re.compile(
    r"漏发|少发|漏寄|少寄|(包裹|快递|箱子|袋子)(里)?少了|少了一?(件|条|样|双)(?!扣)|(只|就)收到一?(件|条)"
    # "里面只有一条牛仔裤 T恤根本没有", "拆开没看到裤子": one item came, the other is not there
    r"|(里面|里头|包裹里|箱子里|盒子里|袋子里|打开|拆开)[^，,。？?!！]{0,4}(只有|就有|只放了|就一)一?(件|条|双|样)"
    r"|[衣裤裙衫服帽巾恤鞋袜袄褂](根本|压根|完全|都)没(有|在|放)(?![货码色])"
    r"|[衣裤裙衫服帽巾恤鞋袜袄褂](没|不)在(里面|里头|包裹里|箱子里|盒子里)"
    r"|(里面|里头|包裹里|箱子里|盒子里|拆开)[^，,。？?!！]{0,4}没(有|看到|见到|找到)[^，,。？?!！]{0,8}"
    r"[衣裤裙衫服帽巾恤鞋袜袄褂]"
    r"|\bmissing\b|(was|were|is|are)(n'?t| not) in (it|the (box|parcel|package|bag))"
    r"|only (got|received) (one|1|part)|didn'?t come with",
    re.IGNORECASE,
)
# "物流写着退回发件人", "tracking says returned to sender": the courier is taking the parcel
# back to the shop (never the customer's own return: "我要退回去", "I sent it back")
_RETURNED = re.compile(
    r"退回(给)?(发件人|寄件人|发货人|发件方)|被(快递)?退回|被拒收|已拒收"
    r"|(物流|快递|单号|显示|写着|提示|状态).{0,10}(退回|返回发件|退件|拒收)"
    r"|return(ed|ing)? to (the )?sender|\bRTS\b"
    r"|(tracking|status|courier)\b.{0,20}\b(says|shows|marked|showing)\b.{0,30}\breturn(ed|ing)\b",
    re.IGNORECASE,
)
# "我收到了 确认收货", "got it, mark as received", "how do I confirm I received it?": the
# parcel is with her, the order to be completed (确认收货)
_RECEIPT = re.compile(
    r"确认收货|确认一下收货|点收货|收货确认|帮我(点|确认)一?下?收货"
    r"|\bmark(ed)? (it |this |the order |my order )?as (received|delivered)\b"
    r"|\bconfirm (the |my )?(receipt|delivery)\b|\bconfirm (that )?i (got|received|have)\b",
    re.IGNORECASE,
)
# two orders (or their items) sent in one parcel: "两单能合并发货吗", "ship my two orders together"
_SHIP_TOGETHER = re.compile(
    r"合并(?:发货|发|寄|邮寄|打包|一起|成一个)|(?:两|2|几)单[^，,。？?]{0,10}一起(?:发|寄)"
    r"|(?:放|打|装|包)(?:在|成|到)?(?:0|一)个(?:包裹|包|快递|箱子)(?:里)?(?:发|寄)"
    r"|\b(?:ship|send|post|pack|dispatch)\b[^.?!]{0,30}\b(?:together|in (?:one|a single) "
    r"(?:parcel|package|box|shipment))\b"
    r"|\b(?:combine|merge)\b (?:my |the |both |these |two |2 )*"
    r"(?:orders|parcels|shipments|shipping)\b",
    re.IGNORECASE,
)
# two orders in one parcel asked to save postage ("能跟昨天那单一起寄吗 省一份运费", "combine my
# orders to save shipping"): the policy's combine rule answers it (its orders within a few days
# count together), no note written
_TOGETHER = re.compile(
    r"合并|合(?:在|成)一起|一起(?:发|寄)|一块(?:发|寄)|(?:一|0)个包裹"
    r"|\btogether\b|\b(?:combine|merge)\b|\b(?:one|a single) (?:parcel|package|box|shipment)\b",
    re.IGNORECASE,
)
_POSTAGE_WORDS = re.compile(
    r"运费|邮费|包邮|免邮|\bpostage\b|\bshipping (?:cost|fee|charge)s?\b|\bfree shipping\b"
    r"|\bsave (?:on )?(?:shipping|postage|delivery)\b",
    re.IGNORECASE,
)


def postage_together(text: str) -> bool:
    """ "…能跟昨天那单卫衣一起寄吗 省一份运费": orders sent together asked to save postage."""
    return _TOGETHER.search(text) is not None and _POSTAGE_WORDS.search(text) is not None


_PAY_TOGETHER = re.compile(r"合并(?:付款|支付)|\b(?:pay|payment)\b", re.IGNORECASE)
_HOW = re.compile(r"怎么|如何|在哪|哪里|吗|\bhow\b|\bwhere\b|\?|？", re.IGNORECASE)
_URGE = re.compile(r"催一?下|催催|帮我催|加急|快点发|chase|hurry|speed (it|this) up|urge", re.I)
_COURIER = re.compile(
    r"(改发|换成?|改成?|用|走|发)\s*(顺丰|SF|sf|EMS|ems|邮政)|(by|with|via|use|switch to|send it) "
    r"(sf|s\.f\.|sf express|ems)\b",
    re.IGNORECASE,
)


_NUMBER_THEN_DIGITS = re.compile(
    r"KF\d{8}\s*[,，/、 ]\s*(\d{4})(?!\d|\s*[年月日号元块件个])", re.IGNORECASE
)


def last4_beside_number(text: str) -> str | None:
    """ "KF26200341 5280": four digits right after the order number are its last four (the
    slot extractor takes only cued ones, 尾号5280, since four digits elsewhere can be anything)."""
    found = _NUMBER_THEN_DIGITS.search(text)
    return found.group(1) if found else None


def order_job(text: str) -> Job | None:
    """The job a message about an order asks for, read from its words (the catalogue's intent
    says it is about an order; these say what to do)."""
    if not_received(text):
        return "not_received"
    if _MISSING.search(text):
        return "missing_item"
    if _RETURNED.search(text):
        return "returned"
    if wrong_item(text):  # (never an address written wrong: intents.wrong_item)
        return "wrong_item"
    if _RECEIPT.search(text):
        return "receipt"
    if courier_asked(text) is not None:
        return "courier"
    if _URGE.search(text):
        return "urge"
    if order_note(text):  # "是送人的 包裹里别放价格单": written on the order (bot.flows.notes)
        return "note"
    if _SHIP_TOGETHER.search(text) and not _PAY_TOGETHER.search(text):
        # "两单能合并一起发吗": whether two orders go in one parcel is the warehouse's to do
        # when it packs (the policy's combine rule is about postage: orders within a few days
        # count together); her wish goes on the order as a note the warehouse reads — nothing
        # promised (it started a change of size or colour, or "can't change an unpaid order")
        return "note"
    return None


def courier_asked(text: str) -> CourierCode | None:
    found = _COURIER.search(text)
    if found is None:
        return None
    named = (found.group(2) or found.group(4) or "").lower()
    return "ems" if named in ("ems", "邮政") else "sf"


logger = logging.getLogger(__name__)


_BEFORE_SHIPPING: frozenset[OrderState] = frozenset({"awaiting_payment", "paid"})
_JOB_STATES: dict[str, frozenset[OrderState]] = {
    "not_received": frozenset({"shipped", "completed"}),
    "missing_item": frozenset({"shipped", "completed"}),
    "wrong_item": frozenset({"shipped", "completed"}),
    "urge": frozenset({"paid", "shipped"}),
    "courier": frozenset({"paid"}),
    "returned": frozenset({"shipped"}),
    "receipt": frozenset({"shipped"}),
    "note": _BEFORE_SHIPPING,
    "order.change_address": _BEFORE_SHIPPING,
    "order.cancel": _BEFORE_SHIPPING,
    "order.modify": _BEFORE_SHIPPING,
    "returns.refund_progress": frozenset({"shipped", "completed", "closed"}),
}


_PENDING_NAMES: frozenset[str] = frozenset({"order.cancel", "order.change_address", "order.modify"})
"""Jobs whose order the question left waiting names, when her words now name none ("嗯 取消吧"
at "did you mean…?")."""


ONLY_FITTING: frozenset[str] = frozenset({"returned"})
"""Jobs whose list shows only the orders they can be about, or says plainly there is none
("退回发件人" is about a parcel on its way: never an unpaid or a completed order)."""


# "我的包裹到哪了", "where is my parcel": a parcel on its way; "怎么还没发货", "when will it
# ship": an order paid and waiting to ship
_WHERE_IS_IT = re.compile(
    r"到哪|在哪|哪儿了|到了吗|还没到|没收到|还没收|寄出|包裹|物流|快递.{0,6}(到|在|呢)"
    r"|\bwhere\b|\btrack|\bparcel\b|\bpackage\b|\barriv",
    re.IGNORECASE,
)
_NOT_SHIPPED_YET = re.compile(
    r"还没发|没发货|还不发|不发货|什么时候发|何时发|发货了吗|发了吗"
    r"|\b(ship|dispatch|send)(ped|ed)? (it )?yet\b"
    r"|when (will|do) you (ship|send|dispatch)|when (will|does) it (ship|be sent)|not shipped",
    re.IGNORECASE,
)


# "阔腿裤那单怎么样了", "did my puffer jacket ship yet": how an order of an item named is
# getting on, asked in so many words (its card and a one-line answer)
_STATUS_ASKED = re.compile(
    r"怎么样了|咋样了|什么情况|啥情况|进度|到哪|发货了?[吗没么]|发了[吗没么]|寄出来?了?[吗没么]"
    r"|到了[吗没么]|\bship(?:ped)?\b.{0,12}\byet\b|\bstatus\b|\bon (?:its|the) way\b"
    r"|\barrived?\b.{0,8}\byet\b",
    re.IGNORECASE,
)
# "羽绒服收到了", "衬衫到了 谢谢", "got my jeans, thanks", "got the shirt, thanks!": her parcel
# reported come — no question, nothing wrong said after it (the message ends with it)
_RECEIVED = re.compile(
    r"(?:已经?|刚刚?|终于)?(?:收到|到|签收)(?:了|啦)[\s!！~～。.,，]*(?:(?:谢谢|谢啦|多谢|感谢)(?:啦|了|你|您|哈|亲)?)?"
    r"[\s!！~～。.]*$"
    r"|\b(?:got|received) (?:it|them|(?:my|the|both) (?!(?:wrong|damaged|broken|torn|dirty"
    r"|stained|faulty|defective|ripped)\b)[a-z -]{2,30}?)[\s!.~,]*"
    r"(?:thanks?(?: you)?[\s!.]*)?$"
    r"|\b(?:has |have |just )?(?:arrived|came)\b[\s!.~,]*(?:thanks?(?: you)?[\s!.]*)?$",
    re.IGNORECASE,
)
_ASKING = re.compile(r"[?？吗么没]|\b(?:did|has|have|is|was|when|where)\b", re.IGNORECASE)
# a garment word that names no item of hers in particular ("我的衣服到哪了")
_ANY_GARMENT = re.compile(r"衣服|服装|\bclothes\b|\bclothing\b", re.IGNORECASE)


def status_asked(text: str) -> bool:
    """How an order is getting on, asked in so many words ("阔腿裤那单怎么样了", "has the
    hoodie shipped yet?")."""
    return _STATUS_ASKED.search(text) is not None or _NOT_SHIPPED_YET.search(text) is not None


def received_said(text: str) -> bool:
    """Her parcel reported come ("羽绒服收到了", "got my down jacket, thanks"), not asked."""
    stripped = text.strip()
    return _RECEIVED.search(stripped) is not None and _ASKING.search(stripped) is None


def names_her_item(text: str) -> bool:
    """An item of hers named (a garment word), not "衣服" / "clothes" alone."""
    return names_a_garment(_ANY_GARMENT.sub(" ", text))


_ANOTHER_ORDER = re.compile(
    r"付(完|了|好)?款|刚(付|拍|下单|买)|另(一|外)|别的|其他|还没发|没发货的|新(下|拍)的"
    r"|\bjust (paid|ordered|bought)\b|\b(other|another|new|second) order\b|not (shipped|sent)",
    re.IGNORECASE,
)
"""Words that point away from the order just shown ("付完款才看见地址选错了": a paid one)."""


# "等了一个星期了还没发货", "付款一个多月了还不发货", "it's been ages, where is it": she has
# waited too long — about an order already late, it is urged at once (never "shall I chase it?")
_WAITED = re.compile(
    r"等了|等(很|好|这么|那么|太)?久|这么久|好久|太久|半天了|迟迟|一直(没|不)|还不发"
    r"|[一两二三四五六七八九十几\d]+个?多?(星期|礼拜|周|月)了?(了|还|都)"
    r"|[一两二三四五六七八九十几\d]+个?多?(星期|礼拜|周|月)$|多少?天了|几天了"
    r"|这么慢|太慢|好慢|真慢|慢死|慢吞吞|\bso slow\b|\btoo slow\b|\btaking (so|this) long\b"
    r"|\bages\b|so long|too long|forever|been waiting|\bwaited\b|still (not|hasn'?t|haven'?t)\b"
    r"|(for|over|almost|nearly|more than) (a|one|two|three|four|\d+) (week|month)s?\b"
    # "i paid a month ago", "ordered 2 weeks ago" (jobs batch 4: asked "shall I chase it?")
    r"|\b(paid|ordered|bought|placed (it|the order)) (for it )?(about |almost |over |like )?"
    r"(a|one|two|three|four|\d+|a few|several) (week|month)s? ago\b"
    r"|(付|付款|付钱|下单|拍)(了)?(都|已经)?(快|有)?[一两二三四五六七八九十几\d]+个?多?(星期|礼拜|周|月)",
    re.IGNORECASE,
)


# a cancel asked in so many words beside the wait ("等太久了 不要了 取消吧", "taking forever,
# can I just cancel?"): asked back before anything is done; never "先不取消" / "don't cancel"
_CANCEL_ASKED = re.compile(
    r"(?<![不别先])取消|\b(?<!don't )(?<!not )cancel\b",
    re.IGNORECASE,
)


_WHOLE_ORDER = re.compile(r"整单|整个订单|全部取消|都取消|\bwhole order\b|\bentire order\b", re.I)
"""The whole order asked cancelled, whatever items the message names."""


def cancel_asked(text: str) -> bool:
    """ "取消", "cancel" — not "先不取消", "don't cancel"."""
    return _CANCEL_ASKED.search(text) is not None


# the change asked back ("改成 XL，对吗？") answered by the change itself: "可以 改吧", "那就改吧",
# "帮我改一下", "change it", "go ahead and change it"
_CHANGE_IT = re.compile(
    r"(可以|好的?|行|嗯|对|是的?|那)?[\s,，]*(就|那就)?(帮我|给我)?改(吧|了|掉|一下)?(吧)?[!！。~～]*"
    r"|(yes,? |ok,? |sure,? )?(please )?(go ahead and )?change it( please)?[!.]*",
    re.IGNORECASE,
)


# her money back asked for a late parcel ("i want my money back", "我要退款")
_MONEY_BACK = re.compile(
    r"退款|退钱|把钱退|钱退|\bmoney back\b|\brefund\b|\bmy money\b",
    re.IGNORECASE,
)


# whether the order is still open, answered by its state: paid or shipped, yes; unpaid, yes and
# pay by the card's time; completed, done; closed, no
_STILL_OPEN_SAID: dict[str, str] = {
    "awaiting_payment": "order.still_open.unpaid",
    "completed": "order.still_open.completed",
    "closed": "order.still_open.no",
}


def waited_too_long(text: str) -> bool:
    """She complains of the wait ("等了一个星期了还没发货", "it's been ages where is it")."""
    return _WAITED.search(text) is not None


def job_states(draft: OrderQueryDraft) -> frozenset[OrderState]:
    """The orders a question's list shows: those the job can be about ("改地址": not shipped
    yet; "我的包裹到哪了": shipped; "怎么还没发货": paid); every order for a plain question
    about an order."""
    states = _JOB_STATES.get(draft.job or draft.intent, frozenset())
    if states or draft.job is not None or draft.intent != "order.status":
        return states
    if _NOT_SHIPPED_YET.search(draft.text):
        return frozenset({"paid"})
    if received_said(draft.text):
        # "衬衫收到了 谢谢" of a shirt on its way and one received weeks ago: the one on its way
        # (both were offered, as if either could be the parcel that came: console tryout 22)
        return frozenset({"shipped"})
    if _WHERE_IS_IT.search(draft.text):
        return frozenset({"shipped"})
    return states


def _has_a_return(order: OrderSummary) -> bool:
    return order.latest_return is not None


_CARD_ASKED = re.compile(
    r"详情|明细|完整|全部信息|再(?:发|看|给我看|显示)|重新(?:发|看)|看(?:一下|下)?订单|订单(?:信息|内容)"
    r"|\b(?:show|send|give)\b.{0,12}\b(?:order|card|details)\b|\bfull (?:order|details)\b"
    r"|\border (?:details|info)\b",
    re.IGNORECASE,
)


def card_asked(text: str) -> bool:
    """ "show me the order again", "订单详情发一下", or the order's number typed: the whole
    card, even just shown (not the short answer)."""
    return _CARD_ASKED.search(text) is not None or order_number(text) is not None


class OrderQuery(StatesGroup):
    """Finding the customer's order for a question about it."""

    waiting_for_order = State()
    waiting_for_last4 = State()


# "还有别的吗 更早的", "show me older ones" at her list: the orders it left out
_OLDER = re.compile(
    r"更早|早一点的|以前的|之前的(?:订单|单)|更多(?:订单|的)|还有(?:别的|其他)|其他(?:的)?订单|别的订单"
    r"|\bolder\b|\bearlier\b|\bmore orders\b|\bthe rest\b|\bother orders\b",
    re.IGNORECASE,
)


_ORDER_IN_WORDS = re.compile(r"(?:那|这)一?(?:单|笔)|订单|\b(?:order|one)\b", re.IGNORECASE)
"""An order pointed at in words ("卫衣那一单", "my hoodie order")."""


class OrderQueryDraft(Draft):
    intent: str = "order.status"
    """What the customer asked about the order (a lookup intent of the catalogue)."""
    order_no: str | None = None
    job: Job | None = None
    text: str = ""
    """The customer's words (a size or colour to change to, a courier)."""
    in_view: bool = False
    """The order is the one whose card was just shown: not shown again before the answer."""
    note: NoteBeside | None = None
    """A note asked beside the address or item change ("地址改成… 放门卫就行"): written with it."""
    order_words: str = ""
    """The order named in words before the chat was verified ("是卫衣和格子裙那一单"): the list
    takes it as soon as the contact is linked."""

    @property
    def refund_asked(self) -> bool:
        """Where a refund is: the order is looked up with its returns."""
        return self.intent == "returns.refund_progress"


class OrderQueryFlow(Flow):
    states = OrderQuery
    keeps_waiting = True

    async def draft(self) -> OrderQueryDraft:
        return await self.load(OrderQueryDraft)

    async def ask(
        self, intent: str, order_no: str | None, last4: str | None, text: str = ""
    ) -> None:
        """A question about an order: find it, by its number, or — to get something done about
        it — the order the chat is about, or among the customer's own."""
        if intent == "order.status" and points_at_a_return(text):
            # "我昨天申请退的那件T恤现在什么状态": the return's state, not only the order's card
            # (jobs batch 6)
            intent = "returns.refund_progress"
        job = order_job(text)
        last4 = last4 or last4_beside_number(text)
        if (
            order_no is not None
            and order_no == self.conv.memory.last_order
            and order_number(text) is None
            and (job is not None or intent != "order.status")
        ):
            order_no = None  # carried from the chat's topic, not named: the chat's order, below
        if order_no is None:
            # the order whose item is named ("阔腿裤怎么还没发货"), else — for a job — the one
            # the chat is about
            order_no = await order_mentioned(self.rpc, self.conv, text)
        waiting = order_no is None and intent in _PENDING_NAMES
        pending = self.conv.memory.pending() if waiting else None
        if pending and pending != text and not names_a_garment(text):
            # "嗯 取消吧" typed at "did you mean…?" for "碎花裙那单我不想要了 还没付钱": the
            # order of the question left waiting (every order she could cancel was listed)
            states = _JOB_STATES.get(intent, ())
            order_no = await order_mentioned(self.rpc, self.conv, pending, states)
        if order_no is None and choices.points_back(text):
            # "where is that order now?" / "它什么时候发货" right after an order's job: that
            # order, whatever state it is in (its card says where it is), not a list to pick from
            order_no = self.conv.memory.last_order
        if (
            order_no is None
            and job is None
            and choices.bare_follow_up(text)
            and self.conv.memory.order_in_view() is not None
        ):
            # "那现在到哪了" right after the address of an order was changed: that order too
            order_no = self.conv.memory.last_order
        note: NoteBeside | None = None
        if job == "note" and intent in WITH_A_NOTE and (
            (beside := note_beside(text)) is not None
        ):
            # "地址改成… 放门卫就行", "change my hoodie to XL, and add a note to leave it in the
            # parcel locker": the change, with the note in its own words beside it (the whole
            # message was written as the note, and the change dropped)
            note, text = beside
            job = None
        draft = OrderQueryDraft(
            intent=intent, order_no=order_no, job=job, text=text[:300], note=note
        )
        # its card shown a message or two ago ("怎么这么慢" under it): not shown again for a wait
        draft.in_view = order_no is not None and order_no == self.conv.memory.order_in_view()
        if order_no is None and (job is not None or intent != "order.status"):
            draft.order_no = order_no = await self.chat_order_for(draft)
        if order_no is not None:
            await self.find(draft, last4)
            return
        if await self.none_fitting(draft) or await self.no_refund_under_way(draft):
            return
        if await self.item_not_hers(draft):
            # "where is my trench coat" with no trench coat in any of her orders: said plainly,
            # then her list (all of it: the item is not in any)
            draft.text = ""
            text = ""
        if job in SORRY_FIRST and (
            await order_ask(self.conv, self.rpc, "q", states=job_states(draft), text=text)
        ) != "none":
            # "你们发错货了" from a customer with several orders: the problem owned first, then
            # which order (it was the bare list, as if nothing had been said); her only order
            # is taken at once, and its own answer says sorry
            await self.conv.say(self.conv.t(f"order.{job}.which"))
        found = await offer_orders(
            self.conv,
            self.rpc,
            "q",
            states=job_states(draft),
            text=text,
            with_returns=draft.refund_asked,
            keep=self.refund_filter(draft),
        )
        if found is None:
            await self.wait(OrderQuery.waiting_for_order, draft)
            return
        await self.finish()
        await self.answer(found, draft)

    async def courier_of(self, order_no: str | None, last4: str | None, text: str) -> None:
        """ "哪个快递" about one order: the courier it went (or will go) by, and its tracking
        number once shipped; the order's card when it has neither (closed before shipping)."""
        if order_no is None:
            await self.ask("order.status", None, last4, text)
            return
        result = await lookup(self.rpc, self.conv, order_no, last4)
        if not isinstance(result, OrderFound):
            await self.ask("order.status", order_no, last4, text)
            return
        order = result.order
        conv = self.conv
        self.conv.memory.last_order = order.order_no
        if order.tracking_no and order.courier:
            name = conv.replies.courier_name(order.courier, conv.locale)
            await conv.say(
                conv.t(
                    "order.courier_of.shipped",
                    order_no=order.order_no,
                    courier=name,
                    tracking_no=order.tracking_no,
                )
            )
        elif order.state in ("awaiting_payment", "paid"):
            name = (
                conv.replies.courier_name(order.courier, conv.locale)
                if order.courier
                else conv.replies.policy.shipping.default_courier.name.get(conv.locale)
            )
            await conv.say(
                conv.t("order.courier_of.pending", order_no=order.order_no, courier=name)
            )
        else:
            await self.answer(result, OrderQueryDraft(intent="order.status", order_no=order_no))

    async def chat_order_for(self, draft: OrderQueryDraft) -> str | None:
        """The order the chat is about, for a job named without one — unless a verified
        customer's list has orders the job can be about and that one is not among them ("付完款
        才看见地址选错了" right after the shipped parcel was shown: the paid order is meant, the
        list is offered)."""
        last = self.conv.memory.last_order
        states = job_states(draft)
        draft.in_view = last is not None and self.conv.memory.order_in_view() == last
        if last is None or not states or self.conv.memory.linked is not True:
            return last
        if (
            draft.intent == "order.change_address"
            and draft.in_view
            and _ANOTHER_ORDER.search(draft.text) is None
        ):
            # "我想改一下收货地址" with a shipped order's card just shown: that order — it
            # can't change, said plainly first (a list of the others hid why)
            return last
        orders = await list_orders(self.rpc, self.conv, limit=ORDERS_KNOWN) or []
        shown = next((o for o in orders if o.order_no == last), None)
        if shown is None or shown.state in states or not any(o.state in states for o in orders):
            return last  # (no other could be meant: its own refusal says why not)
        return None

    async def item_not_hers(self, draft: OrderQueryDraft) -> bool:
        """A verified customer asks how her order of an item is getting on, and no order of
        hers, however old, has it: said so (``True``), before her list."""
        if (
            draft.intent != "order.status"
            or draft.job is not None
            or self.conv.memory.linked is not True
            or not names_her_item(draft.text)
        ):
            return False
        orders = await list_orders(self.rpc, self.conv, limit=ORDERS_KNOWN)
        if not orders or choices.orders_mentioned(draft.text, orders):
            return False
        await self.conv.say(self.conv.t("order.item_not_found"))
        return True

    async def none_fitting(self, draft: OrderQueryDraft) -> bool:
        """A verified customer none of whose orders the job can be about (``ONLY_FITTING``):
        said plainly, and the number of an order placed otherwise asked for. ``False`` when
        the list has one, or the chat is not verified."""
        if draft.job not in ONLY_FITTING or self.conv.memory.linked is False:
            return False
        orders = await list_orders(self.rpc, self.conv, limit=ORDERS_KNOWN)
        states = job_states(draft)
        if orders is None or any(o.state in states for o in orders):
            return False
        await self.wait(OrderQuery.waiting_for_order, draft)
        await self.conv.say(self.conv.t(f"order.{draft.job}.none"))
        return True

    def refund_filter(self, draft: OrderQueryDraft) -> Keep | None:
        """A refund asked about lists only the orders with one under way."""
        if not draft.refund_asked:
            return None
        if points_at_a_return(draft.text):
            return _has_a_return  # "就是上次退的那件": whatever state that return is in
        return refund_under_way(self.conv.replies.policy.returns.refund.arrival_days.max)

    async def no_refund_under_way(self, draft: OrderQueryDraft) -> bool:
        """ "我的退款到哪了" from a verified customer none of whose orders has a refund under
        way: said plainly (with how a cancelled order's refund comes back, and the way to start
        a return), the number of an order placed otherwise asked for. ``False`` when one has,
        when she has one order it could be about (its own answer says so), when she says she
        sent something back, or when the chat is not verified."""
        keep = self.refund_filter(draft)
        if keep is None or self.conv.memory.linked is False or says_sent_back(draft.text):
            return False  # ("I sent it back": the order picked gets a person to check)
        orders = await list_orders(self.rpc, self.conv, limit=ORDERS_KNOWN)
        if orders is None or any(keep(o) for o in orders):
            return False
        if sum(o.state in job_states(draft) for o in orders) < 2:
            return False  # her only order answers for itself (nothing coming back for it)
        await self.wait(OrderQuery.waiting_for_order, draft)
        if points_at_a_return(draft.text):
            await self.conv.say(self.conv.t("refund.no_return_on_record"))
            return True
        days = str(self.conv.replies.policy.returns.refund.arrival_days)
        await self.conv.say(self.conv.t("refund.none_under_way", days=days))
        return True

    async def number_typed(self, text: str, decision: Decision | None) -> None:
        draft = await self.draft()
        order_no = self.digits_again(text, draft.order_no) or await self.order_named(
            text, "q", job_states(draft), self.refund_filter(draft)
        )
        if order_no is None and draft.intent == "order.change_address" and address_in(text):
            # the new address typed before the order is picked: kept for the address step,
            # with the receiver told a message before it ("收件人改成李静 电话…", then the address)
            draft.text = with_receiver(draft.text, text)[:300]
            await self.wait(OrderQuery.waiting_for_order, draft)
            ask = self.conv.t(self.order_ask_key())
            await self.conv.say(f"{self.conv.t('address.kept')}\n{ask}")
            return
        if (
            order_no is None
            and (draft.intent != "order.status" or draft.job is not None)
            and self.conv.memory.linked is not True
            and _ORDER_IN_WORDS.search(text)
            and not choices.asks_a_question(text)
        ):
            # "哦忘了说 是卫衣和格子裙那一单" before the contact: the job keeps waiting with the
            # order's words, taken from her list once she is verified (it became a status
            # question, and the address kept was lost)
            draft.order_words = text[:100]
            await self.wait(OrderQuery.waiting_for_order, draft)
            await self.conv.say(self.conv.t("order.named_kept"))
            await outcomes.ask_for_contact(self.conv, "write")
            return
        if order_no is None and _OLDER.search(text) and await self.older_offered(draft):
            return
        if order_no is None:
            alike = await offer_alike(
                self.conv, self.rpc, text, "q", job_states(draft), self.refund_filter(draft)
            )
            if not alike:
                await self.ask_order_again_or_step_aside(decision, text)
            return
        draft.order_no = order_no
        await self.find(draft, answered_last4(text))

    async def older_offered(self, draft: OrderQueryDraft) -> bool:
        """ "还有更早的吗" at her list: the orders it left out, the next ``LIST_SHOWN`` (or
        that there are none). ``False`` when the chat is not verified."""
        orders = await list_orders(self.rpc, self.conv, limit=ORDERS_KNOWN)
        if not orders:
            return False
        rest = left_out(orders, "q", job_states(draft), self.refund_filter(draft))
        await self.wait(OrderQuery.waiting_for_order, draft)
        if not rest:
            await self.conv.say(self.conv.t("order.list.all_shown"))
            return True
        await self.conv.say(
            self.conv.t("order.list.older"),
            reply_markup=keyboards.orders(
                "q", ((o.order_no, order_button_label(self.conv, o)) for o in rest[:LIST_SHOWN])
            ),
        )
        return True

    async def last4_typed(self, text: str, decision: Decision | None) -> None:
        last4 = answered_last4(text)
        draft = await self.draft()
        retyped = order_number(text)
        if last4 is None and retyped is not None and retyped != draft.order_no:
            # "sorry typo, it's KF…": another number instead of the digits is the order meant
            draft.order_no = retyped
            await self.find(draft, None)
            return
        if last4 is None:
            await self.ask_again_or_step_aside(decision, "ask.phone_last4")
            return
        draft.order_no = order_number(text) or draft.order_no
        await self.find(draft, last4)

    async def picked(self, order_no: str) -> None:
        """An order chosen from the customer's list (or from /orders)."""
        draft = await self.draft()
        draft.order_no = order_no
        await self.find(draft, None)

    async def find(self, draft: OrderQueryDraft, last4: str | None) -> None:
        assert draft.order_no is not None
        result = await lookup(
            self.rpc,
            self.conv,
            draft.order_no,
            last4,
            with_returns=draft.refund_asked,
        )
        if isinstance(result, OrderFound):
            await self.finish()
            await self.answer(result, draft)
        elif isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, OrderQuery.waiting_for_last4)
        else:
            await self.not_found(
                result,
                draft,
                waiting_for_order=OrderQuery.waiting_for_order,
                waiting_for_last4=OrderQuery.waiting_for_last4,
            )

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if at == OrderQuery.waiting_for_last4.state and draft.order_no is not None:
            await self.find(draft, None)  # the order they were proving: theirs now, or not
            return
        if await self.none_fitting(draft) or await self.no_refund_under_way(draft):
            return
        found = await offer_orders(
            self.conv,
            self.rpc,
            "q",
            ask_contact=False,
            states=job_states(draft),
            # "where is my down jacket" asked before the contact: that item's order at once
            text=draft.order_words or draft.text,
            with_returns=draft.refund_asked,
            keep=self.refund_filter(draft),
        )
        if found is None:
            await self.wait(OrderQuery.waiting_for_order, draft)
            return
        await self.finish()
        await self.answer(found, draft)

    # -- the answer ----------------------------------------------------------------------------
    async def answer(self, found: OrderFound, draft: OrderQueryDraft) -> None:
        """The order card, and what the question needs on top of it. Only the order's verified
        customer (``found.access == "owner"``) may change it."""
        conv, order, intent = self.conv, found.order, draft.intent
        change = OrderChangeFlow(conv, self.rpc, self.state)
        late = [f for f in order.attention if f.code in LATE]
        if intent != "order.cancel" and order.state in _BEFORE_SHIPPING and (
            cancel_asked(draft.text)
        ):
            # "阔腿裤等太久了 不想要了 帮我取消": the cancel she asks for, not an urge (the wait
            # made it read as a complaint about the order)
            intent = "order.cancel"
        if (
            late
            and intent != "order.cancel"
            and draft.job in (None, "urge")
            and waited_too_long(draft.text)
        ):
            # "等了一个星期了还没发货" about an order already late: urged at once, and said so
            # (not the card and "shall I chase it?" — she has waited long enough)
            flag = late[0]
            sorry = conv.t(
                f"order.attention.{flag.code}_urging",
                order_no=order.order_no,
                days=max(1, flag.days_late),
            )
            if flag.seller_pays_postage:
                within = conv.replies.policy.returns.proxy_late_ship_days
                sorry += "\n" + conv.t("order.attention.dispatch_overdue_postage", days=within)
            await conv.say(sorry)
            await change.run(ChangeDraft(job="urge", order_no=order.order_no))
            if order.state == "shipped" and _MONEY_BACK.search(draft.text):
                # "i think it's lost. i want my money back": chasing is not what she asked —
                # a person checks the parcel with the courier and settles the refund
                await conv.say(conv.t_person("order.lost_money_back", order_no=order.order_no))
                await open_ticket(
                    conv, self.rpc, reason="not_received", intent=intent, order_no=order.order_no
                )
            return
        waiting = (
            intent == "order.status"
            and draft.job is None
            and order.state in ("paid", "shipped")
            and order.delivered_at is None
            and waited_too_long(draft.text)
        )
        if waiting and draft.in_view:
            # "怎么这么慢" under the card just shown: not late yet — sorry, when it is due, the
            # chase offered (the card again said nothing new)
            await self.not_late_yet(order)
            conv.memory.brief_shown(order.order_no)  # (an answer about it: still in view)
            return
        if draft.job == "receipt" and order.state == "shipped" and not _HOW.search(draft.text):
            # "我收到了 确认收货": done at once, the order's card after it
            await change.run(ChangeDraft(job="receipt", order_no=order.order_no))
            return
        if (
            intent == "order.status"
            and draft.job is None
            and order.state in ("shipped", "completed")
            and received_said(draft.text)
        ):
            # "羽绒服收到了": glad it came, and — on its way by our records — the receipt one tap
            # away (not "did you mean…?", not the card she needs no more)
            conv.memory.last_order = order.order_no
            if order.state == "shipped":
                await conv.say(
                    conv.t("order.received.shipped", order_no=order.order_no),
                    reply_markup=keyboards.with_receipt(
                        conv.t, InlineKeyboardMarkup(inline_keyboard=[]), order.order_no
                    ),
                )
            else:
                await conv.say(conv.t("order.received.done", order_no=order.order_no))
            return
        markup = conv.feedback(intent)
        if order.state == "shipped":
            markup = keyboards.with_receipt(conv.t, markup, order.order_no)
        refused_outright = intent == "order.change_address" and order.address_refusal is not None
        if intent == "order.status" and draft.job is None and (
            asks_if_order_still_open(draft.text)
        ):
            # "订单还有效吗", "is the order still open?": the yes or no, then the card (an unpaid
            # order's says until when it can be paid)
            await conv.say(conv.t(_STILL_OPEN_SAID.get(order.state, "order.still_open.yes")))
        card = order_card(conv, order)
        # its card, as it reads now, shown a few minutes ago (whichever way it was opened)
        fresh = conv.memory.card_fresh(order.order_no, card_as_read(conv, order)) and (
            not card_asked(draft.text)
        )
        live = (
            # (looked up with them; a return refused on its check is hers to hear about)
            [r for r in order.returns if r.state != "cancelled" or r.refusal is not None]
            if intent == "returns.refund_progress"
            else []
        )
        if live:
            # "钱什么时候退回来" with a return under way: where the return's refund is, first;
            # the card after it only when it is not just above
            await self.refund_status(order, live[0])
            if not fresh:
                await show_card(conv, order, card, markup)
            return
        # "帮我取消", "催一下", "地址能改吗" under the card just shown: straight to the job's
        # next step, not the same card again before it ("how do I confirm receipt?" keeps it:
        # its button is on the card)
        acting = draft.job not in (None, "receipt") or intent != "order.status"
        if not (fresh and acting) and not (draft.in_view and refused_outright):
            # (an address that can't change, asked with the card just shown: the refusal first)
            if intent == "order.status" and draft.job is None and fresh:
                # "那什么时候发货", "is it shipped yet?" under the card shown a few minutes
                # ago, the order unchanged: the short answer (its state, courier and tracking
                # number, the time it is due), not the whole card again
                await conv.say(order_brief(conv, order), reply_markup=markup)
                conv.memory.brief_shown(order.order_no)
            else:
                overdue = (
                    late_said(conv, order)
                    if intent in LATE_BESIDE and draft.job is None and order.attention
                    else None
                )
                if overdue is not None:
                    # "KF… 能改地址吗" of an order long past its promise: its card said nothing
                    # of it — sorry under the card, the chase offered (recorded on the order)
                    # in its buttons, then the job's step
                    card, markup = f"{card}\n\n{overdue[0]}", overdue[1]
                elif (
                    intent == "order.status"
                    and draft.job is None
                    and not order.attention
                    and names_her_item(draft.text)
                ):
                    # "where's my down jacket": the card, and its answer in one line under it
                    # ("on its way, due by …") — the card alone left her to read it out
                    card = f"{card}\n\n{status_line(conv, order)}"
                await show_card(conv, order, card, markup)
                if overdue is not None:
                    # (its buttons are pressed; a typed yes answers the job's step, said next)
                    conv.memory.offer = None
        if draft.job == "receipt":
            # "how do I confirm I received it?": the button is on the card (or why not)
            await conv.say(conv.t(RECEIPT_HOW.get(order.state, "order.receipt.how_shipped")))
            return
        if draft.job == "not_received":
            await self.not_received(order)
        elif draft.job in ("missing_item", "wrong_item"):
            await self.parcel_problem(order, draft.job)
        elif draft.job == "returned":
            await self.returned(order)
        elif draft.job == "urge":
            await change.run(ChangeDraft(job="urge", order_no=order.order_no))
        elif draft.job == "note":
            await OrderNoteFlow(conv, self.rpc, self.state).start(order, draft.text)
        elif draft.job == "courier":
            courier = courier_asked(draft.text) or "sf"
            await change.run(ChangeDraft(job="courier", order_no=order.order_no, courier=courier))
        elif intent == "order.change_address":
            await AddressFlow(conv, self.rpc, self.state).start(
                order, found.access, draft.text, note=draft.note
            )
        elif intent == "order.cancel":
            await change.offer_cancel(order, draft.text)
        elif intent == "order.modify":
            await change.modify(order, draft.text, note=draft.note)
        elif intent == "returns.refund_progress":
            if order.state == "closed" and not any(i.returned for i in order.items):
                # cancelled, nothing sent back: never paid — nothing to refund; paid — the
                # refund started when it was cancelled (no parcel to check first)
                days = str(conv.replies.policy.returns.refund.arrival_days)
                key = "refund.cancelled_paid" if order.paid_at else "refund.nothing_paid"
                await conv.say(conv.t(key, order_no=order.order_no, days=days))
                return
            if order.state != "closed" and not any(i.returned for i in order.items):
                if says_sent_back(draft.text):
                    # "I sent the jeans back last week" with no return on record: the parcel
                    # may be at the warehouse — a person checks it, never "no refund"
                    await conv.say(
                        conv.t_person("refund.sent_back_unrecorded", order_no=order.order_no)
                    )
                    await open_ticket(
                        conv, self.rpc, reason="other", intent=intent, order_no=order.order_no
                    )
                    return
                # "多久能到账" about an order with nothing coming back: no refund on its way
                await conv.say(conv.t("refund.no_return_yet", order_no=order.order_no))
                return
            # the order is on the card above: how the refund goes, no number asked for
            await conv.say(
                conv.replies.answer("returns.refund_progress", conv.locale, order_ask="none")
            )
        elif waiting and not late:
            await self.not_late_yet(order)
        else:
            await attention(conv, order)

    async def not_late_yet(self, order: OrderView) -> None:
        """A wait complained of, the order within its promise: sorry, the time it is due by,
        and the offer to chase it anyway (or a person)."""
        conv = self.conv
        due = order.dispatch_due_by if order.state == "paid" else order.delivery_due_by
        step = "dispatch" if order.state == "paid" else "delivery"
        text = (
            conv.t(
                f"order.wait.{step}",
                order_no=order.order_no,
                time=conv.replies.format_datetime(due, conv.locale),
            )
            if due is not None
            else conv.t(f"order.wait.{step}_undated", order_no=order.order_no)
        )
        await conv.say(
            text,
            reply_markup=keyboards.job_or_person(
                conv.t, order.order_no, "urge", conv.t("button.urge"), "other"
            ),
        )

    async def refund_status(self, order: OrderView, record: OrderReturnView) -> None:
        """ "退款怎么还没到": the return's own state — waiting for the parcel (with its
        tracking number or asking for it), received and being checked, refunded (when, how
        much), refused on its check (why) — and, when the refund is later than the policy says,
        a ticket for a person."""
        conv = self.conv
        refund = conv.replies.policy.returns.refund
        values = {
            "return_no": record.return_no,
            "amount": conv.replies.format_money(record.refund_amount, conv.locale),
            "process": str(refund.process_days),
            "arrival": str(refund.arrival_days),
        }
        now = datetime.now(UTC)
        if record.refusal is not None and record.received_at is not None:
            # the parcel came and failed its check: no refund, why, and a person if she
            # disagrees (the notice said the same when it happened)
            await conv.say(
                conv.t(
                    "refund.status.refused",
                    return_no=record.return_no,
                    received_at=conv.replies.format_datetime(record.received_at, conv.locale),
                    why=conv.t(f"returns.refusal.{record.refusal}"),
                )
            )
            return
        if record.state == "refunded" and record.refunded_at is not None:
            when = conv.replies.format_datetime(record.refunded_at, conv.locale)
            await conv.say(conv.t("refund.status.refunded", refunded_at=when, **values))
            return
        if record.state == "received" and record.received_at is not None:
            when = conv.replies.format_datetime(record.received_at, conv.locale)
            if now - record.received_at > timedelta(days=refund.process_days.max + 1):
                # checked and refunded by now, says the policy: late — a person sees to it
                await conv.say(conv.t("refund.status.late", received_at=when, **values))
                await open_ticket(
                    conv,
                    self.rpc,
                    reason="other",
                    intent="returns.refund_progress",
                    order_no=order.order_no,
                )
                return
            await conv.say(conv.t("refund.status.received", received_at=when, **values))
            return
        if record.return_tracking_no:
            await conv.say(
                conv.t("refund.status.in_transit", tracking_no=record.return_tracking_no, **values)
            )
            return
        await conv.say(conv.t("refund.status.awaiting_parcel", **values))

    async def not_received(self, order: OrderView) -> None:
        """ "显示已签收了 我没收到": a ticket with that reason, the courier and tracking number
        said (and in the transcript the ticket carries)."""
        conv = self.conv
        if order.tracking_no:
            # our record may not show the delivery the courier's does: said as it is
            key = "order.not_received" if order.delivered_at else "order.not_received_in_transit"
            await conv.say(
                conv.t(
                    key,
                    courier=self.conv.replies.courier_name(order.courier or "", self.conv.locale),
                    tracking_no=order.tracking_no,
                )
            )
        else:
            await conv.say(conv.t("order.not_received_no_parcel"))
        await open_ticket(
            conv, self.rpc, reason="not_received", intent="order.status", order_no=order.order_no
        )

    async def returned(self, order: OrderView) -> None:
        """ "物流写着退回发件人": the parcel on its way back to the shop — a ticket for a person
        to find out why with the courier (an address not found, nobody reached, refused) and
        agree with the customer on sending it again or a refund. An order with no parcel on its
        way: said as it stands, a person offered."""
        conv = self.conv
        if order.state != "shipped":
            state = conv.t(f"order.state.{order.state}")
            await conv.say(
                conv.t("order.returned.not_on_its_way", order_no=order.order_no, state=state),
                reply_markup=conv.offer_human("other"),
            )
            return
        await conv.say(conv.t("order.returned.checked", order_no=order.order_no))
        await open_ticket(
            conv, self.rpc, reason="other", intent="order.status", order_no=order.order_no
        )

    async def parcel_problem(
        self, order: OrderView, job: Literal["missing_item", "wrong_item"]
    ) -> None:
        """What came is not what was ordered: something missing ("包裹到了但少了一条裤子") or
        the wrong item ("发错颜色了": the shop's mistake, not a defect — the postage both ways
        the shop's — to send what was ordered or refund it): a ticket with that reason, which
        names the order; a photo of what came (and the label) joins it. An order not shipped
        yet has no parcel to check."""
        conv = self.conv
        if order.state not in ("shipped", "completed"):
            await conv.say(conv.t(f"order.{job}_not_shipped", order_no=order.order_no))
            return
        await conv.say(conv.t_person(f"order.{job}", order_no=order.order_no))
        conv.memory.evidence_for = "quality"
        await open_ticket(
            conv, self.rpc, reason=job, intent="order.status", order_no=order.order_no
        )


RECEIPT_HOW: dict[str, str] = {
    "completed": "order.receipt.already",
    "closed": "order.receipt.refused.order_closed",
    "paid": "order.receipt.refused.not_shipped",
    "awaiting_payment": "order.receipt.refused.not_shipped",
}
"""What "how do I confirm receipt?" is told under an order's card, by its state."""

SORRY_FIRST: frozenset[str] = frozenset({"wrong_item", "missing_item", "not_received"})
"""Jobs about a parcel gone wrong: sorry first, before her orders are listed to pick from."""

LATE_BESIDE: frozenset[str] = frozenset(
    {"order.change_address", "order.modify", "returns.refund_progress"}
)
"""Jobs whose order's card is followed by their own step, not the wait's apology: a late order's
card says it is late, and offers the chase (``late_said``)."""

LATE: frozenset[str] = frozenset({"dispatch_overdue", "transit_overdue"})
"""The attention flags of an order already late (urged at once when she complains of the wait)."""


def late_said(conv: Conversation, order: OrderView) -> tuple[str, InlineKeyboardMarkup] | None:
    """An order past the dispatch promise or long in transit: the apology, and the buttons
    offering to urge it (recorded on the order) or to get a person; ``None`` for an order on
    time. One offer: both flags urge the same order."""
    for flag in order.attention:
        text = conv.t(f"order.attention.{flag.code}", days=max(1, flag.days_late))
        if flag.seller_pays_postage:
            days = conv.replies.policy.returns.proxy_late_ship_days
            text += "\n" + conv.t("order.attention.dispatch_overdue_postage", days=days)
        return text, keyboards.job_or_person(
            conv.t, order.order_no, "urge", conv.t("button.urge"), "other"
        )
    return None


def status_line(conv: Conversation, order: OrderView) -> str:
    """How the order is getting on, in one line, its day in the shop's time zone: "在路上了，
    预计 12月8日（周二）前送到", "paid, waiting to ship — it leaves by …"."""
    def day(at: datetime) -> str:
        return conv.replies.format_date(at, conv.locale)

    state = order.state
    if state == "awaiting_payment":
        closes = order.created_at + timedelta(hours=conv.replies.policy.orders.unpaid_close_hours)
        return conv.t("order.status_line.awaiting_payment", day=day(closes))
    if state == "paid":
        if order.dispatch_due_by is None:
            return conv.t("order.status_line.paid_undated")
        return conv.t("order.status_line.paid", day=day(order.dispatch_due_by))
    if state == "shipped":
        if order.delivered_at is not None:
            return conv.t("order.status_line.delivered", day=day(order.delivered_at))
        if order.delivery_due_by is None:
            return conv.t("order.status_line.shipped_undated")
        return conv.t("order.status_line.shipped", day=day(order.delivery_due_by))
    if state == "completed":
        done_at = order.delivered_at or order.completed_at or order.created_at
        return conv.t("order.status_line.completed", day=day(done_at))
    return conv.t("order.status_line.closed")


async def attention(conv: Conversation, order: OrderView) -> None:
    """An order past the dispatch promise or long in transit: an apology, and the offer to urge
    it (recorded on the order) or to get a person."""
    late = late_said(conv, order)
    if late is not None:
        await conv.say(late[0], reply_markup=late[1])


class OrderChange(StatesGroup):
    """A change before shipping waiting for the item, the new variant, or the contact."""

    waiting_for_item = State()
    waiting_for_variant = State()
    waiting_for_confirm = State()
    """A size or colour read from the customer's words, said back before it is changed."""
    waiting_for_contact = State()
    """Only as the place to go on from (``paused_at``): the change is run again."""


ChangeJob = Literal["urge", "courier", "cancel", "modify", "receipt"]


class ChangeDraft(OrderDraft):
    job: ChangeJob = "urge"
    courier: CourierCode | None = None
    item_id: int | None = None
    item_title: str = ""
    old_size: str | None = None
    old_color: str | None = None
    new_size: str | None = None
    new_color: str | None = None
    size_step: int = 0
    """+1 / -1: one size up / down from the item's ("M码太小了" before shipping)."""
    size_base: str | None = None
    product_id: int | None = None
    """The item's product (its sizes and colours, checked before a change is said back)."""
    key: str | None = None
    """The idempotency key of the command (kept, so a retry never applies it twice)."""
    request: str = ""
    """The customer's words that asked for the change (the item they name is the one)."""
    note: NoteBeside | None = None
    """A note asked in the same message ("卫衣换成L码 备注一下别打电话"): shown with the change
    and written with it (``bot.flows.notes.NoteBeside``)."""


class OrderChangeFlow(Flow):
    states = OrderChange
    keeps_waiting = True

    async def draft(self) -> ChangeDraft:
        return await self.load(ChangeDraft)

    # -- cancelling ------------------------------------------------------------------------------
    async def offer_cancel(self, order: OrderView, text: str = "") -> None:
        """Cancelling is asked back first (it can't be undone); the worker decides on the press.
        One item of several asked cancelled ("i only want to cancel the skirt from my order,
        keep the hoodie coming"): the worker cancels whole orders only, so that is said and a
        person offered to take the item off before it ships — it asked to cancel the whole
        order, the hoodie she keeps with it (jobs batch 12)."""
        conv = self.conv
        if order.address_refusal in ("already_shipped", "closed"):
            reason = (
                "already_shipped" if order.address_refusal == "already_shipped" else "order_closed"
            )
            await conv.say(conv.t(f"order.cancel.refused.{reason}"))
            return
        if len(order.items) > 1 and text and not choices.every_one_meant(text):
            named = choices.items_singled_out(text, order.items)
            if named and len(named) < len(order.items) and not _WHOLE_ORDER.search(text):
                joiner = "、" if conv.locale.startswith("zh") else " and "
                items = joiner.join(item_name(conv, i) for i in named)
                await conv.say(
                    conv.t("order.cancel.one_item", order_no=order.order_no, items=items),
                    reply_markup=conv.offer_human("cancel_one_item"),
                )
                return
        key = (
            "order.cancel.confirm"
            if order.state == "awaiting_payment"
            else "order.cancel.confirm_paid"
        )
        # what comes back is what was paid: the items and the postage (the worker refunds both)
        total = conv.replies.format_money(order.total + order.postage, conv.locale)
        text = conv.t(key, order_no=order.order_no, total=total)
        late = next((f for f in order.attention if f.code == "dispatch_overdue"), None)
        if late is not None:
            # an order cancelled because it never shipped: the wait is ours to be sorry for
            # (jobs batch 5: "still nothing … just cancel the order" heard no apology)
            text = conv.t("order.cancel.sorry_late", days=max(1, late.days_late)) + "\n" + text
        await conv.say(text, reply_markup=keyboards.confirm_cancel(conv.t, order.order_no))

    async def pressed(self, job: ChangeJob, order_no: str) -> None:
        """A button about one order (urge, cancel)."""
        await self.finish()
        await self.run(ChangeDraft(job=job, order_no=order_no))

    # -- changing an item ------------------------------------------------------------------------
    async def modify(self, order: OrderView, text: str, note: NoteBeside | None = None) -> None:
        """Size or colour of an unshipped item: which item, what to, then the worker (with
        ``note``, a note asked in the same message)."""
        wish = size_wish(text)
        draft = ChangeDraft(
            job="modify",
            order_no=order.order_no,
            new_size=wish.target,
            new_color=wanted_color(text),
            size_step=wish.step,
            size_base=wish.base,
            request=text.strip()[:200],
            note=note,
        )
        await self.modify_draft(order, draft)

    async def modify_asked(self, order_no: str, text: str) -> None:
        """A size or colour change asked for an order known by its number (the cancel asked
        back, kept: "先别取消 改成XL吧")."""
        order = await self.order_of(
            ChangeDraft(job="modify", order_no=order_no), OrderChange.waiting_for_contact
        )
        if order is not None:
            await self.modify(order, text)

    async def modify_draft(self, order: OrderView, draft: ChangeDraft) -> None:
        """The item to change (named by its size or name, the only one, or picked), then the
        change; an order whose items can't change says why."""
        conv = self.conv
        refusal = order.address_refusal  # items change exactly when the address may
        if refusal == "not_paid":
            hours = conv.replies.policy.orders.unpaid_close_hours
            await conv.say(conv.t("order.modify.unpaid", hours=hours))
            # (an unpaid order takes a note): the note asked with it, on its own
            await self.note_alone(draft)
            return
        if refusal == "already_shipped":
            await conv.say(conv.t("order.modify.shipped"))
            return
        if refusal == "closed":
            await conv.say(conv.t("order.modify.closed"))
            return
        if len(order.items) == 1:
            await self.with_item(draft, order, order.items[0].item_id)
            return
        named = [i for i in order.items if draft.size_base and i.size == draft.size_base]
        if len(named) != 1:
            named = choices.items_mentioned(draft.request, order.items)  # "the hoodie to XL"
        pending = conv.memory.pending_text
        if not named and pending and size_wish(pending).target == draft.new_size:
            # "尺码改L" typed after "卫衣那单 地址要改 还有尺码也想换成L" (its button offered,
            # not pressed): the item said then, never "which one?" again
            named = choices.items_mentioned(pending, order.items)
        if not named and conv.memory.product is not None:
            # "帮我改成L" after the size advice for 连帽卫衣: that item of the order
            named = choices.items_mentioned(conv.memory.product.name, order.items)
        if not named:
            # "帮我把卫衣那单取消了" … "算了不取消了" … "那换个大一码吧": the item she named a
            # message or two before, when only one of this order's was (it asked which one)
            earlier = {i.item_id: i for s in conv.memory.said_earlier(3)
                       for i in choices.items_mentioned(s, order.items)}  # fmt: skip
            named = list(earlier.values())
        if len(named) == 1:
            await self.with_item(draft, order, named[0].item_id)
            return
        await self.wait(OrderChange.waiting_for_item, draft)
        await conv.say(
            conv.t("order.modify.choose_item"),
            reply_markup=keyboards.items(
                (i.item_id, item_label(conv, i)[:60]) for i in order.items
            ),
        )

    async def item_picked(self, item_id: int) -> None:
        draft = await self.draft()
        order = await self.order_of(draft, OrderChange.waiting_for_contact)
        if order is not None:
            await self.with_item(draft, order, item_id)

    async def item_typed(self, text: str, decision: Decision | None) -> None:
        """ "T恤" / "第二件" to "要改哪一件？"."""
        draft = await self.draft()
        order = await self.order_of(draft, OrderChange.waiting_for_contact)
        if order is None:
            return
        slots = decision.slots if decision is not None else Slots()
        item = await choices.pick_item(self.rpc, text, order.items, slots)
        if item is not None:
            await self.with_item(draft, order, item.item_id)
            return
        await self.ask_again_or_step_aside(decision, "choice.again.one_item")

    async def with_item(self, draft: ChangeDraft, order: OrderView, item_id: int) -> None:
        item = next((i for i in order.items if i.item_id == item_id), None)
        if item is None:
            await self.finish()
            return
        draft.item_id = item.item_id
        draft.item_title = item_label(self.conv, item, brackets=True)
        draft.old_size, draft.old_color = item.size, item.color
        draft.product_id = item.product_id
        if draft.new_size is None and draft.size_step:
            wish = SizeWish(step=draft.size_step, base=draft.size_base)
            draft.new_size = await wanted_size(self.rpc, item.product_id, wish, item.size)
        advised = self.conv.memory.product
        if (
            draft.new_size is None
            and draft.new_color is None
            and advised is not None
            and advised.advised
            and advised.product_id == item.product_id
        ):
            # "那就L吧 帮我改一下" after the waist advice for this skirt: the size advised (said
            # back before anything changes); the change had asked "改成什么尺码"
            draft.new_size = advised.advised
        if draft.new_color == item.color and draft.new_size:
            draft.new_color = None  # "M码黑色改成L": the colour they have, not a change
        if draft.new_size or draft.new_color:
            # named (or one step from the item's): read from their words, so said back first
            # ("改成 L，对吗？", as an exchange does); the worker checks the stock as it changes
            # it. Nothing to change: the worker's refusal says so.
            if (draft.new_size or item.size, draft.new_color or item.color) == (
                item.size,
                item.color,
            ):
                await self.run(draft)
                return
            await self.ask_confirm(draft)
            return
        reply = await self.rpc.call(GetProduct(product_id=item.product_id))
        variants = reply.product.variants if isinstance(reply, ProductFound) else []
        options = [
            v for v in variants if v.stock > 0 and (v.size, v.color) != (item.size, item.color)
        ]
        if not options:
            await self.finish()
            await self.modify_refused(["out_of_stock"])
            await self.note_alone(draft)
            return
        await self.wait(OrderChange.waiting_for_variant, draft)
        await self.conv.say(
            # which item of which order: "the skirt" of an order of two was never named back
            self.conv.t(
                "order.modify.ask_variant_for", item=draft.item_title, order_no=draft.order_no
            ),
            reply_markup=keyboards.variants(
                (v.size, v.color, f"{v.size} / {colour_name(v.color, self.conv.locale)}")
                for v in options
            ),
        )

    async def variant_picked(self, size: str, color: str) -> None:
        draft = await self.draft()
        draft.new_size, draft.new_color = size, color
        await self.run(draft)

    async def variant_typed(self, text: str, decision: Decision | None) -> None:
        draft = await self.draft()
        wish = size_wish(text)
        size = wish.target or (decision.slots.size if decision is not None else None)
        color = decision.slots.color if decision is not None else None
        if not (size or color):
            await self.ask_again_or_step_aside(decision, "order.modify.ask_variant")
            return
        draft.new_size, draft.new_color = size, color
        await self.run(draft)

    async def ask_confirm(self, draft: ChangeDraft) -> None:
        """ "把订单 KF… 的连帽卫衣（M/灰色）改成 L / 灰色，对吗？" — which item of which order, and
        what to: nothing is changed before a yes."""
        conv = self.conv
        if await self.not_to_be_had(draft):
            return
        size = draft.new_size or draft.old_size or ""
        color = colour_name(draft.new_color or draft.old_color or "", conv.locale)
        text = conv.t(
            "order.modify.confirm",
            order_no=draft.order_no,
            item=draft.item_title,
            new_variant=f"{size} / {color}",
        )
        if draft.note is not None:
            # the note asked with it goes on with the change: her yes is to both
            draft.note.shown = True
            text += "\n" + beside_line(conv, draft.note)
        await self.wait(OrderChange.waiting_for_confirm, draft)
        await conv.say(
            text,
            reply_markup=keyboards.yes_no(conv.t, lambda yes: ConfirmSizeCallback(confirm=yes)),
        )

    async def not_to_be_had(self, draft: ChangeDraft) -> bool:
        """A size or colour the item doesn't come in, or has none left of ("卫衣改成黑色" of a
        hoodie made in grey and light blue): said before any "对吗？", with what is in stock to
        pick (it used to be asked back, then refused on the yes). ``False`` when it can be had
        (or the product can't be read now: the worker checks as it changes it)."""
        if draft.product_id is None:
            return False
        try:
            reply = await self.rpc.call(GetProduct(product_id=draft.product_id))
        except BusError:
            return False
        if not isinstance(reply, ProductFound) or not reply.product.variants:
            return False
        conv = self.conv
        variants = reply.product.variants
        size = (draft.new_size or draft.old_size or "").upper()
        color = draft.new_color or draft.old_color
        wanted = next((v for v in variants if (v.size.upper(), v.color) == (size, color)), None)
        if wanted is not None and wanted.stock > 0:
            return False
        locale = conv.locale
        if wanted is None:
            said = not_made_in(
                conv, variants, draft.item_title, draft.new_size, draft.new_color,
                together=(size, color or ""),
            ) or conv.t("order.modify.reason.variant_not_found")
        else:
            own = (draft.old_size, draft.old_color)
            said = sold_out(conv, variants, wanted.size, wanted.color, own=own) or conv.t(
                "order.modify.reason.out_of_stock"
            )
        options = in_stock_others(variants, draft.old_size, draft.old_color, near=(size, color))
        draft.new_size, draft.new_color, draft.size_step, draft.size_base = None, None, 0, None
        if not options:
            await self.finish()
            await conv.say(said)
            await self.modify_refused(["out_of_stock"])
            await self.note_alone(draft)
            return True
        await self.wait(OrderChange.waiting_for_variant, draft)
        await conv.say(
            f"{said}\n{conv.t('order.modify.ask_variant')}",
            reply_markup=keyboards.variants(
                (v.size, v.color, f"{v.size} / {colour_name(v.color, locale)}") for v in options
            ),
        )
        return True

    async def change_confirmed(self, yes: bool) -> None:
        """The change said back, answered: made, or (no) the sizes and colours in stock to pick
        from instead."""
        draft = await self.draft()
        if yes:
            await self.run(draft)
            return
        draft.new_size, draft.new_color, draft.size_step, draft.size_base = None, None, 0, None
        if draft.note is not None:
            draft.note.shown = False  # (no to the change: the note is asked on its own later)
        if draft.item_id is None:
            await self.finish()
            return
        order = await self.order_of(draft, OrderChange.waiting_for_contact)
        if order is not None:
            await self.with_item(draft, order, draft.item_id)

    async def confirm_typed(self, text: str, decision: Decision | None) -> None:
        """ "对" / "不对" to "改成 L，对吗？"; another size or colour named instead ("不对，要XL")
        is the one wanted, said back again."""
        draft = await self.draft()
        wish = size_wish(text)
        slots = decision.slots if decision is not None else Slots()
        size = wish.target or slots.size
        other_size = size is not None and size != (draft.new_size or draft.old_size)
        other_color = slots.color is not None and slots.color != (
            draft.new_color or draft.old_color
        )
        if other_size or other_color:
            draft.new_size = size if other_size else draft.new_size
            draft.new_color = slots.color if other_color else draft.new_color
            await self.ask_confirm(draft)
            return
        yes = choices.yes_or_no(text)
        if yes is None and _CHANGE_IT.fullmatch(text.strip()):
            yes = True  # "可以 改吧", "帮我改": the change itself said for the yes
        if yes is None and choices.yes_restating(text):
            # "对 黑色 还是S码": the yes, with the size and colour said back (the ones shown,
            # checked above) — it was size advice (jobs batch 6)
            yes = True
        await self.read_typed(yes, self.change_confirmed, decision, "choice.again.yes_no")

    async def modify_refused(self, reasons: list[str]) -> None:
        conv = self.conv
        lines = "\n".join(
            conv.t("exchange.reason_line", reason=conv.t(f"order.modify.reason.{code}"))
            for code in reasons
        )
        await conv.say(
            conv.t("order.modify.refused", reasons=lines),
            reply_markup=conv.offer_human("ineligible"),
        )

    # -- the command -----------------------------------------------------------------------------
    async def run(self, draft: ChangeDraft) -> None:
        """Send the draft's command and say how it went; the contact first when the worker
        wants the order's verified customer."""
        conv = self.conv
        assert draft.order_no is not None
        draft.key = draft.key or idempotency_key(conv.user_id)
        await self.keep(draft)
        key, order_no, user = draft.key, draft.order_no, conv.user_id
        proof = conv.memory.proof_for(order_no)
        reply: object
        if draft.job == "urge":
            request = UrgeOrder(
                idempotency_key=key, order_no=order_no, telegram_user_id=user, phone_last4=proof
            )
            reply = await call_command(conv, self.rpc, request)
        elif draft.job == "courier":
            courier_request = RequestCourier(
                idempotency_key=key,
                order_no=order_no,
                telegram_user_id=user,
                phone_last4=proof,
                courier=draft.courier or "sf",
            )
            reply = await call_command(conv, self.rpc, courier_request)
        elif draft.job == "receipt":
            receipt = ConfirmReceipt(
                idempotency_key=key, order_no=order_no, telegram_user_id=user, phone_last4=proof
            )
            reply = await call_command(conv, self.rpc, receipt)
        elif draft.job == "cancel":
            cancel = CancelOrder(
                idempotency_key=key, order_no=order_no, telegram_user_id=user, phone_last4=proof
            )
            reply = await call_command(conv, self.rpc, cancel)
        else:
            assert draft.item_id is not None
            modify = ModifyItem(
                idempotency_key=key,
                order_no=order_no,
                telegram_user_id=user,
                phone_last4=proof,
                item_id=draft.item_id,
                new_size=draft.new_size,
                new_color=draft.new_color,
            )
            reply = await call_command(conv, self.rpc, modify)
        if isinstance(reply, ContactRequired):
            draft.key = None  # this key stands for the refused request now
            await self.pause_for_contact(draft, reply.reason, OrderChange.waiting_for_contact)
            return
        await self.finish()
        await self.said(draft, reply)

    async def said(self, draft: ChangeDraft, reply: object) -> None:
        conv, order_no = self.conv, draft.order_no
        if isinstance(reply, OrderUrged):
            logger.info("order %s urged by chat %s", order_no, conv.chat_id)
            if reply.already_today:
                when = conv.replies.format_datetime(reply.urged_at, conv.locale)
                await conv.say(conv.t("order.urged.already_today", time=when))
            else:
                urged = conv.t(f"order.urged.{reply.stage}")
                await done.say(conv, "urge", urged, order_no=order_no)
        elif isinstance(reply, ReceiptConfirmed):
            if reply.already:
                await conv.say(conv.t("order.receipt.already"))
            else:
                logger.info("order %s receipt confirmed by chat %s", order_no, conv.chat_id)
                text = conv.t("order.receipt.done", order_no=order_no)
                await done.say(conv, "receipt", text, order_no=order_no)
        elif isinstance(reply, ReceiptRefused):
            await conv.say(conv.t(f"order.receipt.refused.{reply.reason}"))
        elif isinstance(reply, UrgeRefused):
            await conv.say(conv.t(f"order.urge_refused.{reply.reason}"))
        elif isinstance(reply, CourierRequestRecorded):
            logger.info("courier request recorded for order %s", order_no)
            name = conv.t(f"order.courier.name.{reply.courier}")
            key = "order.courier.recorded_extra" if reply.extra_cost else "order.courier.recorded"
            text = conv.t(key, order_no=order_no, courier=name)
            await done.say(conv, "courier", text, order_no=order_no)
        elif isinstance(reply, CourierRequestRefused):
            name = conv.t(f"order.courier.name.{draft.courier or 'sf'}")
            await conv.say(
                "\n".join(conv.t(f"order.courier.refused.{r}", courier=name) for r in reply.reasons)
            )
        elif isinstance(reply, OrderCancelled):
            logger.info("order %s cancelled by chat %s", order_no, conv.chat_id)
            if reply.refund is None:
                text = conv.t("order.cancel.done_unpaid", order_no=order_no)
            else:
                span = reply.refund_arrival_days
                days = conv.replies.text(
                    "returns.days_span",
                    conv.locale,
                    low=span.min if span else 1,
                    high=span.max if span else 5,
                )
                text = conv.t(
                    "order.cancel.done_paid",
                    order_no=order_no,
                    refund_no=reply.refund.refund_no,
                    amount=conv.replies.format_money(reply.refund.amount, conv.locale),
                    arrival=days,
                )
            refund = reply.refund.refund_no if reply.refund is not None else None
            await done.say(conv, "cancel", text, order_no=order_no, reference=refund)
        elif isinstance(reply, CancelRefused):
            await conv.say(conv.t(f"order.cancel.refused.{reply.reason}"))
        elif isinstance(reply, ItemModified):
            logger.info("item of order %s changed by chat %s", order_no, conv.chat_id)
            item = next((i for i in reply.order.items if i.item_id == reply.item_id), None)
            variant = (
                f"{item.size} / {colour_name(item.color, conv.locale)}" if item else reply.new_sku
            )
            text = conv.t("order.modify.done", item=draft.item_title, new_variant=variant)
            await done.say(conv, "modify", text, order_no=order_no)
            await after_change(conv, self.rpc, self.state, order_no, draft.note, made=True)
        elif isinstance(reply, ItemModifyRefused):
            await self.modify_refused(list(reply.reasons))
            if not {"already_shipped", "closed", "order_closed"} & set(reply.reasons):
                await self.note_alone(draft)
        elif isinstance(reply, outcomes.Setback):
            await outcomes.explain(conv, reply)

    async def note_alone(self, draft: ChangeDraft) -> None:
        """The change asked with a note did not go through: the note, read back on its own."""
        await after_change(
            self.conv, self.rpc, self.state, draft.order_no, draft.note, made=False
        )

    async def resume(self, at: str) -> None:
        """The contact is linked: the change the customer asked for, now as its owner — one
        still waiting for its yes is said back again (shared at "改成 L，对吗？", the change
        was made without the yes)."""
        draft = await self.draft()
        draft.paused_at = None
        if at == OrderChange.waiting_for_confirm.state:
            await self.ask_confirm(draft)
            return
        if draft.job == "modify" and draft.item_id is None:
            order = await self.order_of(draft, OrderChange.waiting_for_contact)
            if order is not None:
                await self.modify(order, "")
            return
        await self.run(draft)
