"""FSM state groups: nouns for the flows, states say what is awaited."""

from aiogram.fsm.state import State, StatesGroup


class OrderQuery(StatesGroup):
    """Finding the customer's order for a lookup (status, refund, address, cancel)."""

    waiting_for_order = State()
    waiting_for_last4 = State()


class ExchangeRequest(StatesGroup):
    waiting_for_order = State()
    waiting_for_last4 = State()
    waiting_for_item = State()
    waiting_for_variant = State()
    waiting_for_resale = State()
    waiting_for_confirm = State()


class SizeAdvice(StatesGroup):
    waiting_for_body = State()
    waiting_for_product = State()


class ShippingQuestion(StatesGroup):
    waiting_for_region = State()


class Identity(StatesGroup):
    waiting_for_contact = State()


class AddressChange(StatesGroup):
    waiting_for_address = State()
