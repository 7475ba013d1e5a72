"""Nothing promised that isn't done (issue 13): every sentence in the locale files that says
something will be followed up, passed on, recorded or asked for is listed here, and each is
either backed by a record the bot creates right there (a ticket, an invoice request — checked
by running the conversation that sends it), an offer (a question or a button that opens the
record when pressed), backed by another flow's own tested record, or not a promise at all.

A new sentence that reads like a promise fails ``test_every_promise_sentence_is_accounted_for``
until it is added here with how it is kept.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bus.contracts import InvoiceRequested, InvoiceView, OpenTicket, RequestInvoice
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker

ROOT = Path(__file__).parents[3]
LOCALES = ROOT / "replies" / "locales"
PROMISE_WORDS = {
    "zh_CN": r"会跟进|跟进|为您申请|帮您申请|稍后联系|联系您|转给|帮您转|交给|登记|记下",
    "en": r"follow (it |this )?up|get back to you|passed|passing|pass (it|them|you)|I'll ask|"
          r"will contact|recorded|I'll open|open a ticket|log it",
}

# key → the conversation below that sends it and checks the record it creates
RECORDED = {
    "answers.payment.invoice": "invoice",
    "ui.invoice.recorded": "invoice",
    "answers.bargain.discount": "gift",
    "parts.gift.possible": "gift",
    "ui.bargain.ask_supervisor": "discount",
    "answers.quality.problem": "quality",
    "answers.human.agent": "human",
    "answers.complaint.general": "complaint",
    "ui.media.photo": "photo_joins_ticket",
    "ui.media.document": "photo_joins_ticket",  # the same branch of bot/handlers/media.py
    "ui.media.photo_kept": "photo_kept",
}
# an offer: a question, or a button that opens a ticket when pressed (clarify.py's HumanCallback)
OFFERS = frozenset({
    "answers.other.unknown", "ui.clarify.offer_human", "ui.unavailable", "ui.feedback.sorry",
    "ui.exchange.offer_human", "ui.contact.not_order_owner", "ui.media.document_kept",
    "ui.address.refused.already_shipped", "ui.address.refused.closed",
    "ui.address.refused_delivered", "ui.products.sheer",
    "ui.order.urge_refused.already_delivered", "ui.error.generic", "ui.exchange.no_bigger",
    "ui.exchange.no_smaller", "ui.returns.offer_human", "ui.size.advice.out_of_range",
    "ui.size.worn.no_bigger", "ui.size.worn.no_smaller",  # with the person button (size.py)
    "ui.returns.refusal_again.kind", "ui.returns.refusal_again.other",
    "ui.bargain.ask_coupons", "ui.repeat.brief", "ui.bargain.gift_wrap", "ui.bargain.ask_sales",
    "ui.payment.failing", "ui.shipping.exact_unknown", "ui.bargain.price_difference.ask",
    "ui.bargain.coupon_back_unknown", "ui.bargain.price_difference.not_paid",
    # one item of several asked cancelled: the person button (tests/e2e/test_cancel_one_item.py)
    "ui.order.cancel.one_item",
    # her parcel's check disputed: the person button (tests/e2e/test_after_sales_notices.py)
    "ui.returns.check_disputed",
})
# backed by another flow's record, tested in that file
ELSEWHERE = {
    "answers.order.cancel": "tests/unit/bot/test_order_changes.py",
    "ui.person.no_call": "tests/unit/bot/test_person_at_any_step.py",  # the ticket after it
    "ui.person.payment_problem": "tests/e2e/test_job_turns_changed.py",  # the ticket after it
    "ui.compensation.to_person": "tests/e2e/test_escalation_and_media.py",  # the ticket after it
    # the ticket opened right after it
    "ui.quality.problem_to_person": "tests/e2e/test_escalation_and_media.py",
    "ui.order.returned.checked": "tests/unit/bot/test_returned_to_sender.py",  # its ticket
    # the ticket with the order opened right after it
    "ui.returns.refuse_at_door": "tests/e2e/test_refused_parcel_and_combined_postage.py",
    "answers.order.modify": "tests/unit/bot/test_order_changes.py",
    "ui.order.modify.by_agent": "tests/unit/bot/test_order_changes.py",
    "ui.exchange.created": "tests/e2e/test_exchange_and_size.py",
    # "I'll tell you when it's sent": the refund.issued notice, sent when finance records it
    "ui.notice.return_received": "tests/e2e/test_after_sales_notices.py",
    # the return or exchange said logged is the one just created (its number in the text)
    "ui.done.next.parcel": "tests/e2e/test_exchange_and_size.py",
    "ui.ticket.queued": "tests/e2e/test_worker_outage.py",
    # without the agents' desk: the ticket recorded for the shop's staff, nobody answers here
    "ui.ticket.no_desk": "tests/e2e/test_no_desk_ticket.py",
    "ui.order.missing_item.no_desk": "tests/e2e/test_order_jobs.py",
    "ui.order.wrong_item.no_desk": "tests/e2e/test_order_jobs.py",
    "ui.order.lost_money_back.no_desk": "tests/e2e/test_contact_goes_on.py",
    "ui.refund.sent_back_unrecorded.no_desk": "tests/e2e/test_order_jobs.py",
    "ui.ticket.no_desk_queued": "tests/e2e/test_worker_outage.py",
    "ui.person.no_call.no_desk": "tests/e2e/test_no_desk_ticket.py",  # the ticket after it
    "ui.person.payment_problem.no_desk": "tests/e2e/test_job_turns_changed.py",  # its ticket
    # without the desk: the staff's answer passed on, her reply recorded on the ticket first
    # (tickets.append) and said so; her thanks closes it (tickets.close) before she hears it
    "ui.staff.answer": "tests/e2e/test_no_desk_ticket.py",
    "ui.staff.answer_closed": "tests/e2e/test_no_desk_ticket.py",
    "ui.staff.closed": "tests/e2e/test_no_desk_ticket.py",
    "ui.staff.added": "tests/e2e/test_no_desk_ticket.py",
    "ui.staff.added_short": "tests/e2e/test_no_desk_ticket.py",
    "ui.staff.solved": "tests/e2e/test_no_desk_ticket.py",
    "ui.handoff.opened": "tests/e2e/test_desk_handoff.py",
    "ui.handoff.opened_closed_hours": "tests/e2e/test_desk_handoff.py",
    "ui.handoff.comment_thanks": "tests/e2e/test_desk_handoff.py",
    # said only after tickets.append recorded her message on the live ticket
    "ui.handoff.added_short": "tests/e2e/test_desk_waiting.py",
    # the live ticket the worker already holds, named by its number (messages relay to it)
    "ui.console.open_ticket": "tests/e2e/test_console.py",
    "ui.console.open_ticket.with_agent": "tests/e2e/test_console.py",
    "ui.order.courier.recorded": "tests/e2e/test_order_jobs.py",
    "ui.order.courier.recorded_extra": "tests/e2e/test_order_jobs.py",
    "ui.order.not_received": "tests/e2e/test_order_jobs.py",
    "ui.order.not_received_in_transit": "tests/e2e/test_order_jobs.py",
    "ui.order.missing_item": "tests/e2e/test_order_jobs.py",
    "ui.order.wrong_item": "tests/e2e/test_order_jobs.py",
    "ui.order.not_received_no_parcel": "tests/e2e/test_order_jobs.py",
    "ui.order.lost_money_back": "tests/e2e/test_contact_goes_on.py",
    "ui.order.urged.delivery": "tests/e2e/test_order_jobs.py",
    "ui.address.kept": "tests/e2e/test_order_jobs.py",  # kept in the change's draft
    "ui.address.receiver_noted": "tests/e2e/test_order_jobs.py",  # kept in the draft, shown back
    # the order's words kept in the job's draft, its list reads them once the contact is linked
    "ui.order.named_kept": "tests/e2e/test_address_in_pieces.py",
    # kept in the invoice's draft, recorded with the request once the order is picked
    "ui.invoice.details_kept": "tests/e2e/test_honest_answers.py",
    # the courier request recorded before ("order.courier.recorded"), said again when asked
    "ui.done.what.courier": "tests/e2e/test_order_jobs.py",
    # the remark orders.add_note wrote (checked in the database), said after the worker's reply
    "ui.order.note.done": "tests/e2e/test_order_notes.py",
    # the same remark on the order already (the worker's ``already``): nothing new promised
    "ui.order.note.already": "tests/integration/test_order_notes.py",
    "ui.returns.created": "tests/unit/bot/test_return_flow.py",
    "ui.returns.quote.eligible": "tests/unit/bot/test_return_flow.py",
    # the tracking number sent next is recorded on the return (returns.record_tracking)
    "ui.refund.status.awaiting_parcel": "tests/unit/bot/test_parcels.py",
    # the request it speaks of is recorded when the step it asks for is answered
    "ui.invoice.when": "tests/e2e/test_honest_answers.py",
    # "say 'I sent it back'": that answer opens a ticket (refund.sent_back_unrecorded)
    "ui.refund.no_return_on_record": "tests/e2e/test_order_jobs.py",
}
# not a promise: a fact, a failure said plainly, or the agents' own screens
NOT_PROMISES = {
    "answers.quality.material": "the facts are recorded in the product data (a fact)",
    "ui.products.care_none": "nothing recorded: said plainly",
    "ui.handoff.unavailable": "a message that could not be passed on: said plainly",
    "ui.ticket.failed": "a person asked for and no ticket opened: said plainly, how to ask again",
    "ui.exchange.reason.window_expired": "'the window has passed': a refusal",
    "ui.exchange.reason.window_expired_regular": "a refusal",
    "ui.exchange.reason.window_expired_custom": "a refusal",
    "ui.exchange.reason.window_expired_proxy": "a refusal",
    "ui.returns.reason.window_expired": "a refusal",
    "ui.desk.reveal.head": "the agents' group",
    "ui.desk.help": "the agents' group",
}


def promise_keys() -> set[str]:
    found: set[str] = set()
    for locale, pattern in PROMISE_WORDS.items():
        raw = yaml.safe_load((LOCALES / f"{locale}.yaml").read_text(encoding="utf-8"))
        for section, entries in raw.items():
            for key, value in entries.items():
                texts = value.values() if isinstance(value, dict) else [value]
                if any(re.search(pattern, text, re.IGNORECASE) for text in texts):
                    found.add(f"{section}.{key}")
    return found


def test_every_promise_sentence_is_accounted_for() -> None:
    declared = set(RECORDED) | OFFERS | set(ELSEWHERE) | set(NOT_PROMISES)
    unaccounted = promise_keys() - declared
    assert not unaccounted, (
        f"sentences that read like promises: {sorted(unaccounted)}; back each with a record "
        "the code creates right there (and a conversation in this file), make it an offer, or "
        "say plainly what the bot can do"
    )
    gone = declared - promise_keys() - set(NOT_PROMISES) - OFFERS
    assert not gone, f"listed here but no longer promises (remove them): {sorted(gone)}"
    for path in ELSEWHERE.values():
        assert (ROOT / path).exists(), path


class InvoiceDesk:
    def __init__(self) -> None:
        self.requests: list[RequestInvoice] = []

    async def request(self, request: RequestInvoice) -> InvoiceRequested:
        self.requests.append(request)
        return InvoiceRequested(invoice=InvoiceView(
            invoice_no=f"INV2026120100{len(self.requests):03d}", order_no=request.order_no,
            title_type=request.title_type, title=request.title, state="requested",
            tax_no_masked=request.tax_no[-4:] if request.tax_no else None,
            requested_at=datetime.now(UTC),
        ))


async def conversation(name: str) -> tuple[Harness, ScriptedWorker, InvoiceDesk, list[str]]:
    """Run the conversation ``name``; the harness, the worker's records and every reply."""
    worker = ScriptedWorker(order_view(state="paid", address_refusal=None))
    invoices = InvoiceDesk()
    harness = Harness(worker.bus(RequestInvoice.served_by(invoices.request)))
    said: list[str] = []
    if name == "invoice":
        await harness.share_contact(PHONE)
        said += await harness.say("我要开发票")
        said += await harness.press("个人")
        said += await harness.say("张三")
    elif name == "gift":
        said += await harness.say("可以送个小礼物吗")
    elif name == "discount":
        said += await harness.say("能便宜点吗")
        said += await harness.press("转人工")
    elif name == "quality":
        said += await harness.say("收到的衣服开线了，质量有问题")
        said += await harness.press("转人工")
    elif name == "human":
        said += await harness.say("转人工")
    elif name == "complaint":
        said += await harness.say("你们的服务太差了，我要投诉")
    elif name == "photo_joins_ticket":
        said += await harness.say("转人工")
        said += [m.text or "" for m in await harness.feed(harness.customer().sends_photo())]
    elif name == "photo_kept":
        said += [m.text or "" for m in await harness.feed(harness.customer().sends_photo())]
        said += await harness.press("转人工")
    return harness, worker, invoices, said


@pytest.mark.parametrize("name", sorted(set(RECORDED.values())))
async def test_each_promise_is_backed_by_a_record_made_right_there(name: str) -> None:
    harness, worker, invoices, said = await conversation(name)
    keys = [key for key, scenario in RECORDED.items() if scenario == name]
    # the promise was said (in this conversation's language)...
    shown = "\n".join(said)
    rendered = {
        "answers.payment.invoice": harness.replies.answer("payment.invoice", "zh_CN"),
        "answers.bargain.discount": harness.replies.answer("bargain.discount", "zh_CN"),
        "answers.quality.problem": harness.replies.answer("quality.problem", "zh_CN"),
        "answers.human.agent": None,  # the ticket's own message says it (ticket.no_desk)
        "answers.complaint.general": harness.replies.answer("complaint.general", "zh_CN"),
        "ui.media.photo": harness.t("media.photo"),
        "ui.media.photo_kept": harness.t("media.photo_kept"),
        "ui.bargain.ask_supervisor": harness.t("bargain.ask_supervisor"),
    }
    for key in keys:
        expected = rendered.get(key)
        if expected is not None:
            assert expected in shown, key
    # ...and the record behind it exists
    if name == "invoice":
        [request] = invoices.requests
        assert (request.title_type, request.title) == ("personal", "张三")
        assert "INV2026120100001" in shown
        return
    reasons = {"gift": "gift", "discount": "discount", "quality": "quality",
               "complaint": "complaint"}
    assert worker.tickets, name
    ticket: OpenTicket = worker.tickets[0]
    if name in reasons:
        assert ticket.reason == reasons[name]
    if name == "photo_joins_ticket":
        assert len(worker.tickets) == 2 and worker.tickets[1].attachments
    if name == "photo_kept":
        assert ticket.attachments  # the photo went with the ticket
    assert "T0000001" in shown
