"""Several questions in one message ("连衣裙有S码吗 还有能便宜点吗", "which courier do you use?
also do you ship to Canada"): each question the customer asked gets its answer, in order.

The message is cut where a next question starts (``intents.parts``) and each part read on its
own. The whole message's reading stays the turn's question when it was placed (unless it is
only one part's reading while another question in the message reads as nothing clear), or
when a part reads as nothing clear (the whole then goes where an unplaced message goes: the
catalogue's stock check, "did you mean…?"); when every part reads clearly, the first takes its
place.
Every other part that reads clearly as another question the policy answers outright is answered
in the order asked — at most two, each once. A part that needs a job (an invoice, an order, a
flow's questions) is offered as a button that asks it (the "did you mean" button: the part
replayed as that question), unless the turn left a flow waiting for an answer.

A job about an order asked beside a question ("付完款才看见地址选错了 顺便问下优惠券能不能叠加":
an address to change, an order to cancel, return, exchange or chase — ``leads``) is what the
customer came for: it leads, whatever the whole message read as, and the questions asked beside
it are answered first, so that the job's own question ("which order?") is the last thing said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final

from bot.services import choices
from intents import Decision, IntentEngine
from intents.garments import names_a_garment
from intents.order_note import order_note
from intents.parts import asks, question_parts

SURE: Final = 0.85
"""How sure the engine must be of a part read alone (an accepted reading, at least this)."""
MOST: Final = 2
"""Other questions answered besides the turn's own."""
NEVER_ALSO: Final = frozenset({"greeting.hello", "thanks.bye", "returns.return"})
"""Answered only as a message's own question: a greeting or thanks beside a question is no
question; a return wanted is a job about an order."""
HER_ORDER_SAYS: Final = frozenset({"shipping.dispatch_time"})
"""Policy questions her own order's answer settles, asked beside a question about that order."""
WITH_A_NOTE: Final = frozenset({"order.change_address", "order.modify"})
"""Jobs a note asked beside them goes with (``bot.flows.notes.NoteBeside``): the note's part
stays in the job's words rather than being offered with a button of its own."""


@dataclass(frozen=True)
class Parts:
    """What one message asks: its own question, and the others in the order asked."""

    primary: Decision
    before: list[tuple[str, Decision]] = field(default_factory=list)
    """Policy answers asked before the turn's own question: said first."""
    after: list[tuple[str, Decision]] = field(default_factory=list)
    """Policy answers asked after it."""
    offered: list[tuple[str, Decision]] = field(default_factory=list)
    """Jobs asked beside it (an invoice, an order…): offered as a button each, which asks the
    part as that question."""
    lead: str | None = None
    """The part that is the turn's own question when it is a job about an order (the job's
    handler reads its words rather than the whole message's)."""
    queued: str | None = None
    """A second job asked beside the job that leads ("cancel my unpaid dress, and where is my
    down jacket?"): asked again, in its words, once the first is done (``bot.middlewares``)."""

    @property
    def more(self) -> bool:
        return bool(self.before or self.after or self.offered)


LEANS: Final = 0.5
"""How sure the engine must be of a job about an order that opens a message of several jobs,
when it is unsure (its reading is then taken as the job's)."""
# the words that open a next part ("还有卫衣那单帮我开张个人发票", "and where is my down
# jacket?"): read without them — alone they are no question, and they drowned the part's own
_OPENING = re.compile(
    r"^\s*(?:还有就是|还有|另外|顺便问下|顺便|以及|再就是|然后"
    r"|(?i:and also|and then|and|also|plus|btw|by the way))[\s，,：:]*"
)
_WHERE_NAMED = "order.status"


def read_alone(engine: IntentEngine, part: str) -> Decision:
    """One part of a message read on its own: without the word that opens it; "where is my
    down jacket?" — where her order of a garment named is, the engine unsure — as the order's
    status (``bot.handlers.orders.WhereIsMyItem`` reads the whole message the same way)."""
    bare = _OPENING.sub("", part, count=1) or part
    read = engine.match(bare)
    if read.outcome != "accept" and choices.where_is_it(bare) and names_a_garment(bare):
        return read.model_copy(
            update={
                "intent": _WHERE_NAMED,
                "group": _WHERE_NAMED.split(".")[0],
                "action": "lookup",
                "outcome": "accept",
                "confidence": 1.0,
                "source": "rule",
            }
        )
    return read


# "卫衣那单", "KF26653483": the order (or its item) the message names, anywhere in it
_POINTER = re.compile(r"KF\d{8}|[^\s，,。；;！!？?]{1,8}(?:那单|那一单|那个订单)", re.IGNORECASE)


def with_pointer(part: str, text: str) -> str:
    """A job offered beside another keeps the order the message named elsewhere ("卫衣那单 地址
    要改 还有尺码也想换成L": the size change offered is the hoodie's, not "which item?")."""
    if _POINTER.search(part):
        return part
    named = _POINTER.search(text)
    return f"{named.group(0)} {part}" if named else part


def read_parts(
    engine: IntentEngine,
    text: str,
    decision: Decision,
    answerable: frozenset[str],
    leads: Callable[[str, Decision], bool] | None = None,
) -> Parts:
    """The turn's question and the others, from ``decision`` (the whole message's reading) and
    the message's parts read alone; ``answerable``: the intents answered outright from the
    policy; ``leads``: whether a part (read as the decision) is a job about an order, which
    leads the turn."""
    parts = question_parts(text)
    if len(parts) < 2:
        return Parts(decision)
    readings = [(index, part, read_alone(engine, part)) for index, part in enumerate(parts)]
    sure = [
        (index, part, read)
        for index, part, read in readings
        if read.intent is not None
        and (
            (
                read.outcome == "accept"
                # a job about an order read alone ("牛仔裤换L码") counts however sure: never lost
                and (read.confidence >= SURE or (leads is not None and leads(part, read)))
            )
            or (
                # "could you change my hoodie to size L" beside a cancel: a job about an order
                # the engine leans to, beside another — the second job of the message, not lost
                read.outcome == "clarify"
                and index == 0
                and read.confidence >= LEANS
                and leads is not None
                and leads(part, read)
            )
        )
    ]
    if not sure:
        return Parts(decision)
    unclear = [
        part for _, part, read in readings if read.outcome != "accept" and not read.acknowledgement
    ]
    if (
        decision.outcome == "accept"
        and any(read.intent == decision.intent for _, _, read in sure)
        and any(asks(part) for part in unclear)
    ):
        # "在吗 我想问下连衣裙有S码吗 还有能便宜点吗" read whole as the discount question: that
        # is one part's reading, and another question in it reads as nothing clear. The whole
        # then goes where an unplaced message goes (the stock check reads it whole) and the
        # clear part is answered after it, as when the whole reads as nothing clear.
        decision = decision.model_copy(update={"outcome": "clarify"})
    primary = decision
    if (decision.outcome != "accept" or decision.intent is None) and not unclear:
        # every part reads clearly: the first is the turn's question. (With a part that
        # doesn't, the whole message keeps its reading: the catalogue's stock check, an order
        # number, "did you mean" read it whole, and the clear parts are answered after.)
        primary = sure[0][2]
    job_leads = False
    if leads is not None:
        whole_is_job = (
            primary.outcome == "accept" and primary.intent is not None and leads(text, primary)
        )
        job = next(
            (
                (part, read)
                for _, part, read in sure
                if leads(part, read) and (not whole_is_job or read.intent == primary.intent)
            ),
            None,
        )
        if job is not None:
            job_leads = True
            if not whole_is_job:
                # the order named anywhere in the message is the job's
                slots = job[1].slots.model_copy(
                    update={
                        "order_no": job[1].slots.order_no or decision.slots.order_no,
                        "phone_last4": job[1].slots.phone_last4 or decision.slots.phone_last4,
                    }
                )
                primary = job[1].model_copy(update={"slots": slots})
    placed = primary.outcome == "accept" and primary.intent is not None
    # where the turn's own question was asked (an unplaced whole: first)
    at = next((i for i, _, read in sure if placed and read.intent == primary.intent), 0)
    seen = {primary.intent} if placed else set()
    found = Parts(primary)
    original: dict[str, str] = {}  # an offered part as replayed → as the message said it
    region = decision.slots.region  # "能寄到美国吗 要多久": the time to the US
    for index, part, read in sure:
        if read.intent in seen:
            continue
        if (
            placed
            and primary.intent == "order.status"
            and read.intent in HER_ORDER_SAYS
            and not choices.asks_in_general(part)
        ):
            # "also when is it actually going to ship?? i paid a month ago": her order's card
            # (or its chase) says when; the shop's usual days after it were no answer to her
            # (an order 32 days late heard "in-stock items leave us within 2–3 days")
            continue
        if job_leads and primary.intent in WITH_A_NOTE and order_note(part):
            # "是送人的 包裹里别放价格单 还有地址我也要改一下": the note goes with the address
            # change (it was offered with a button, and lost once she shared her contact)
            continue
        # "把T恤退了 裤子换成L": a return wanted beside another job that leads is a second job
        # of the message — offered with its button, never lost
        second_job = (
            read.intent == "returns.return" and job_leads and primary.intent != read.intent
            and leads is not None and leads(part, read)
        )  # fmt: skip
        if (
            read.intent in NEVER_ALSO
            and not second_job
            and not (
                # "能退货吗", "退货有几天期限" beside a job that leads or another question asks
                # the rules, no return wanted: the policy answers it (batch 7: "退货有几天期限
                # 退回来的运费谁付" heard only who pays the postage)
                read.intent == "returns.return"
                and leads is not None
                and not leads(part, read)
            )
        ):
            continue
        seen.add(read.intent)
        if region is not None and read.slots.region is None:
            read = read.model_copy(
                update={"slots": read.slots.model_copy(update={"region": region})}
            )
        if read.intent not in answerable or second_job:
            if read.intent != primary.intent:  # (the whole's own "did you mean" has it first)
                said_as = with_pointer(part, text)
                original[said_as] = part
                found.offered.append((said_as, read))
        else:
            (found.before if index < at else found.after).append((part, read))
    extra = [*found.before, *found.after, *found.offered]
    if len(extra) > MOST:
        kept = {id(read) for _, read in extra[:MOST]}
        found = Parts(
            primary,
            [p for p in found.before if id(p[1]) in kept],
            [p for p in found.after if id(p[1]) in kept],
            [p for p in found.offered if id(p[1]) in kept],
        )
    if job_leads and found.offered:
        # the second job waits for the first, and goes on by itself once it is done (it was
        # offered with a button only, and lost while the first waited for its confirmation)
        queued = found.offered[0][0]
        found = replace(found, queued=_OPENING.sub("", queued, count=1) or queued)
    if job_leads:
        # the questions beside a job are answered first, whatever their place: the job's own
        # question ("which order?") is the last thing said, the one the customer answers next
        found = replace(found, before=[*found.before, *found.after], after=[])
        # the job's words are the message without the questions answered or offered beside
        # it: "改地址 另外发顺丰吗" changes the address and asks for no SF, while "where is my
        # refund? I sent the jeans back last week" keeps what it tells
        taken = {original.get(part, part) for part, _ in (*found.before, *found.offered)}
        rest = [part for part in parts if part not in taken]
        if rest and len(rest) < len(parts):
            return replace(found, lead=" ".join(rest))
    return found
