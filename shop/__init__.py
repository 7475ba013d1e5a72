"""The shop: its policy (``shop.yaml``), its regions and the enumerations every part shares.

The one source of every shop rule: the bot quotes what the worker enforces because both
import it from here. Pure: pydantic, PyYAML and the standard library, nothing of Kefu.
"""

from shop.enums import (
    ADDRESS_CHANGE_REASONS,
    DEFAULT_LOCALE,
    EXCHANGE_REASONS,
    EXCHANGE_STATES,
    ITEM_KINDS,
    ORDER_STATES,
    POSTAGE_PAYERS,
    REGION_GROUPS,
    REMARK_FLAGS,
    TICKET_REASONS,
    AddressChangeReason,
    ExchangeReason,
    ExchangeState,
    ItemKind,
    OrderState,
    PostagePayer,
    RegionGroup,
    RemarkFlag,
    TicketReason,
)
from shop.policy import DEFAULT_POLICY_PATH, KindRule, PolicyError, ShopPolicy, load_policy
from shop.regions import canonical_region, region_aliases, region_display_name

__all__ = [
    "ADDRESS_CHANGE_REASONS",
    "DEFAULT_LOCALE",
    "DEFAULT_POLICY_PATH",
    "EXCHANGE_REASONS",
    "EXCHANGE_STATES",
    "ITEM_KINDS",
    "ORDER_STATES",
    "POSTAGE_PAYERS",
    "REGION_GROUPS",
    "REMARK_FLAGS",
    "TICKET_REASONS",
    "AddressChangeReason",
    "ExchangeReason",
    "ExchangeState",
    "ItemKind",
    "KindRule",
    "OrderState",
    "PolicyError",
    "PostagePayer",
    "RegionGroup",
    "RemarkFlag",
    "ShopPolicy",
    "TicketReason",
    "canonical_region",
    "load_policy",
    "region_aliases",
    "region_display_name",
]
