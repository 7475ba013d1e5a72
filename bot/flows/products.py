"""Product facts: the material, the care, the stock of a size or colour — from the worker's
catalogue (``products.get``), never from a template.

Which product: the name in the question (``products.search`` is asked with the product words
only — the question's own words, sizes and colours taken out — so "T恤是纯棉的吗" searches
"T恤", "is the hoodie cotton?" searches "hoodie"), else the product the chat was last about
(``ChatMemory.product``: "那洗的时候要注意什么" after an answer about the T-shirt), else the
customer is asked once, with the matches or the shop's categories as buttons, and the answer
follows as soon as they name or pick it.

What the shop sells decides which questions make sense: a question about something it doesn't
sell at all (shoes in a clothing shop) or a category it has none of is told so plainly, with
what it does sell, instead of asking for height and weight.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Literal

from aiogram.fsm.state import State, StatesGroup
from pydantic import Field

from bot import keyboards
from bot.flows.base import Draft, Flow
from bot.services import choices
from bot.services.catalogue import sold_categories
from bot.services.conversation import Conversation
from bot.services.memory import ProductMemo
from bus import Bus
from bus.contracts import (
    GetProduct,
    ProductFound,
    ProductSummary,
    ProductView,
    SearchProducts,
    VariantView,
)
from intents import Decision, Slots
from intents.garments import garment_of
from intents.slots import order_number
from shop.colours import colour_name
from shop.enums import PRODUCT_CATEGORIES, SIZE_LETTERS, Fibre, ProductCategory

logger = logging.getLogger(__name__)

Aspect = Literal["material", "care", "stock", "wear", "sheer", "price"]
Unsold = Literal["shoes"] | ProductCategory
"""What a customer may ask about that a shop may not sell: shoes (never a category of a
clothing shop's catalogue) or one of the categories."""

FLOW_INTENTS = frozenset({"quality.material", "color.options"})
"""The intents whose questions this flow answers (bot/handlers/products.py): a product named
after one of them is the answer to "which product?"; any other clear intent is a new question."""
WEAR_WORDS = ("起球", "掉色", "褪色", "掉毛", "变形", "钻绒", "跑绒", "耐穿", "结实", "质量",
              "品质", "做工", "pilling", "pill", "fade", "fading", "shed", "quality")  # fmt: skip
"""How a fabric wears: asked of a product, never part of its name."""
SHEER = re.compile(
    r"(?<!湿)透(?!气|湿)|走光|see[- ]?through|\bsheer\b|transparent|shows? through", re.I
)
"""Whether it shows through ("透不透", "会透肉吗"; not 透气, breathable): the product pages don't
record it (answered honestly)."""
SHEER_PHRASES = re.compile(
    r"(?:会不会|会)?(?<!湿)透(?:不透|肉|光|明|吗|嘛|么)?(?!气|湿)|走光|see[- ]?through|\bsheer\b"
    r"|transparent|shows? through",
    re.I,
)
"""The words of a sheerness question, taken out of what may name the product."""

PRICE = re.compile(
    r"多少钱|什么价|啥价|价格|价钱|售价|几块钱?|\bhow much\b|\bprice\b|\bcosts?\b", re.I
)
"""What an item costs ("多少钱", "ok how much"): the catalogue's price answers it."""
NOT_PRICE = re.compile(
    r"运费|邮费|快递|包邮|退|换|运险|税|发票|postage|shipping|delivery|return|refund|exchange"
    r"|tax|invoice|fee|duty"
    # a courier or a destination: what sending it costs ("how much is EMS to australia")
    r"|寄到|发到|寄去|顺丰|邮政|\bems\b|\bsf\b|\bship(?:ped|ping)? to\b|\bsend (?:it |them )?to\b",
    re.I,
)
"""A price question that is about something else's cost (postage, a return's): the intents'."""


def asks_price(text: str) -> bool:
    """ "多少钱", "ok how much is it": what an item costs, not postage or a return's fee."""
    return PRICE.search(text) is not None and NOT_PRICE.search(text) is None


CARE_WORDS = (
    "洗",
    "熨",
    "晾",
    "烘干",
    "甩干",
    "保养",
    "缩水",
    "漂白",
    "wash",
    "iron",
    "dry clean",
    "dryer",
    "tumble",
    "care",
    "shrink",
    "bleach",
)
CareAct = Literal["machine_wash", "hand_wash", "tumble_dry", "iron", "bleach", "dry_clean"]
# what a yes/no care question asks to do ("能机洗吗", "can i put it in the washing machine"): the
# care label decides yes or no (``care_verdict``), said before the label
_CARE_ACTS: tuple[tuple[CareAct, re.Pattern[str]], ...] = (
    ("machine_wash", re.compile(
        r"机洗|洗衣机|机器洗|\bmachine[- ]?wash\w*|\bwashing machine\b|\bin the washer\b", re.I
    )),
    ("tumble_dry", re.compile(r"烘干|烘衣|\btumble[- ]?dr\w*|\bdryer\b", re.I)),
    ("dry_clean", re.compile(r"干洗|\bdry[- ]?clean\w*", re.I)),
    ("hand_wash", re.compile(r"手洗|\bhand[- ]?wash\w*", re.I)),
    ("bleach", re.compile(r"漂白|\bbleach\w*", re.I)),
    ("iron", re.compile(r"熨|\biron(?:ed|ing)?\b", re.I)),
)
_YES_NO = re.compile(
    r"[吗么嘛]|能不能|可不可以|可以不|行不行|能否|会不会"
    r"|^(?:so |and |but |ok |hey |hi )?(?:can|could|may|should|is it|will it|would it|do i)\b"
    r"|\b(?:ok|okay|safe|fine|alright) to\b",
    re.I,
)
# "只能干洗吗", "is it dry clean only?": the label's one way, not a yes/no of doing it
_ONLY = re.compile(r"只能|\bonly\b", re.I)


def care_asked(text: str) -> CareAct | None:
    """What a yes/no care question asks to do to the item ("能机洗吗" → machine_wash, "can I
    tumble dry it?" → tumble_dry); None for "how do I wash it?"."""
    if not _YES_NO.search(text.strip()) or _ONLY.search(text):
        return None
    return next((act for act, pattern in _CARE_ACTS if pattern.search(text)), None)


def care_verdict(act: CareAct, care: Sequence[str]) -> bool | None:
    """Yes or no to ``act`` by the care label's codes; None where the label doesn't say."""
    codes = set(care)
    machine = bool(codes & {"machine_wash_cold", "machine_wash_warm"})
    specialist = bool(codes & {"dry_clean_only", "leather_specialist"})
    if act == "machine_wash":
        return True if machine else (False if specialist or "hand_wash" in codes else None)
    if act == "hand_wash":
        return False if specialist else (True if machine or "hand_wash" in codes else None)
    if act == "tumble_dry":
        if "no_tumble_dry" in codes or specialist:
            return False
        return True if "tumble_dry_low" in codes else None
    if act == "iron":
        if "no_iron" in codes:
            return False
        return True if codes & {"iron_low", "iron_medium", "iron_high"} else None
    if act == "bleach":
        return False if "no_bleach" in codes else None
    return True if "dry_clean_only" in codes else None  # dry_clean


STOCK_WORDS = (
    "还有吗",
    "还有没有",
    "还有货",
    "有货",
    "有没有",
    "有吗",
    "缺货",
    "断货",
    "库存",
    "没货",
    "卖完",
    "补货",
    "in stock",
    "do you have",
    "have it in",
    "available",
    "sold out",
    "out of stock",
    "any left",
    "还剩",
    # typed as customers chat ("hi do u have the hoodie in black")
    "do u have",
    "do ya have",
    "have this in",
    "have these in",
    "have them in",
    "got it in",
    "got this in",
)
MATERIAL_WORDS = (
    "面料",
    "材质",
    "成分",
    "料子",
    "布料",
    "材料",
    "含量",
    "fabric",
    "material",
    "made of",
    "made from",
    "透气",
    "breathable",
)
FIBRE_WORDS: tuple[tuple[Fibre, tuple[str, ...]], ...] = (
    ("cashmere", ("羊绒", "cashmere")),
    ("wool", ("羊毛", "毛料", "wool")),
    ("silk", ("真丝", "桑蚕丝", "丝绸", "silk")),
    ("linen", ("亚麻", "linen")),
    ("modal", ("莫代尔", "modal")),
    ("viscose", ("粘纤", "人造棉", "viscose", "rayon")),
    ("cotton", ("棉", "cotton")),
    ("polyester", ("涤纶", "聚酯", "polyester")),
    ("nylon", ("锦纶", "尼龙", "nylon")),
    ("acrylic", ("腈纶", "acrylic")),
    ("elastane", ("氨纶", "spandex", "elastane")),
    ("acetate", ("醋酸", "acetate")),
    ("leather", ("真皮", "皮革", "羊皮", "leather")),
)
"""Fibres by the words customers use; longer and more specific first (人造棉 is viscose)."""
PURE_WORDS = ("纯", "全棉", "100%", "100 %", "pure", "all cotton", "100 percent")
UNSOLD_WORDS: tuple[tuple[Unsold, tuple[str, ...]], ...] = (
    ("shoes", ("鞋", "靴", "shoe", "sneaker", "boots", "trainers", "heels", "sandals", "slippers")),
    ("dresses", ("连衣裙", "dress")),
    ("skirts", ("半身裙", "skirt")),
    ("trousers", ("裤", "trousers", "pants", "jeans")),
    ("outerwear", ("外套", "大衣", "羽绒服", "coat", "jacket")),
    ("accessories", ("围巾", "帽子", "包包", "scarf", "beanie", "tote")),
)
CATEGORY_QUERY: dict[ProductCategory, str] = {
    "tops": "上衣",
    "trousers": "裤子",
    "skirts": "半身裙",
    "dresses": "连衣裙",
    "outerwear": "外套",
    "accessories": "配饰",
}
"""The word that lists a category's products (the worker's category words)."""

_SIZES = re.compile(rf"(?<![A-Za-z0-9])(?:{SIZE_LETTERS}|[2-4]\d)(?![A-Za-z0-9])")
_ASKED_SIZE = re.compile(rf"(?<![A-Za-z0-9])({SIZE_LETTERS}|[2-4]\d)(?![A-Za-z0-9])", re.I)
_COLOURS_EN = (
    "black",
    "white",
    "grey",
    "gray",
    "navy",
    "beige",
    "khaki",
    "burgundy",
    "wine",
    "light blue",
    "blue",
    "red",
    "pink",
    "green",
    "brown",
    "cream",
)
_ZH_FILLER = tuple(
    "请问 你们 你家 这个 那个 这件 那件 这款 那款 衣服 东西 的时候 时候 需要 注意 什么 怎么 可以 "
    "不会 一下 多少 哪些 码的 码 号 那 这 是 的 吗 呢 吧 啊 呀 么 了 还 有 没 会 能 要 我 想 问 买 "
    "件 款 颜色 尺码 色 机 手 干 容易 都 一般 平时 店里 店 家 用 做 哪种 怎么样 咋样 如何 "
    "好不好 好吗 会不会 靠谱 靠不靠谱".split()
)
_EN_FILLER = frozenset(
    "is are was the a an this that it its do does did you your have has in of on what how "
    "should i can could me my any some size sizes colour color colours colors please still "
    "left there to for with and or about be washed washing machine hand made it's is it "
    "they them one ones item stock come comes available sell offer get got buy order "
    "ordered make made which another other "
    # the chat around the question ("hello! quick q, is the linen shirt see-through?")
    "hello hi hey hiya quick q question ok okay so also just wondering wonder wanted want "
    "know tell thanks thank pls plz um hmm well then yes yeah im i'm i'd like would "
    # typed without the apostrophe, or as chat shorthand ("whats the price", "do u have")
    "whats thats theres hows u ur".split()
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


_WITHOUT_MATERIAL: frozenset[Aspect] = frozenset({"stock", "care", "price"})
"""Answers without the material's lines (which say whether it is the fibre asked about)."""


_BUYING = re.compile(
    r"\b(?:can|could|may)\s+i\s+(?:still\s+)?(?:buy|order|purchase)\b"
    r"|\bis\s+it\s+still\s+(?:on\s+sale|available|for\s+sale)\b"
    r"|还能买|还可以买|能买到|还能下单|还可以下单|还能拍|还可以拍",
    re.IGNORECASE,
)
_HAS_ONE = re.compile(
    r"\b(?:my|the)\s+order\b|\bi\s+(?:already\s+)?(?:bought|got|received|ordered)\b"
    r"|\b(?:exchange|swap|return)\b|我买的|买了|收到|换货|退货|订单",
    re.IGNORECASE,
)


def asks_to_buy(text: str) -> bool:
    """ "can i still buy the floral dress in a different size?", "碎花裙还能买别的码吗": buying
    an item of the shop's (its sizes and colours in stock) — not another size of something the
    customer has: no order number, nothing bought, received or to exchange named."""
    return (
        _BUYING.search(text) is not None
        and _HAS_ONE.search(text) is None
        and order_number(text) is None
    )


# to be told when it is back ("补货了能通知我吗", "can you tell me when it's back in stock"): no
# such record exists — a plain no, what she can do, then the stock as it is
_RESTOCK_NOTICE = re.compile(
    r"(?:补货|到货|补上|上新|有货了|有货的话|有货时)[^。！？?!]{0,8}(?:通知|告诉|提醒|说一声|说声|联系|喊)"
    r"|(?:通知|告诉|提醒)(?:我|一下)[^。！？?!]{0,8}(?:补货|到货|有货了)"
    r"|\b(?:tell|let|notify|alert|email|message|ping|text) (?:me|us)\b.{0,12}\bwhen(?:ever)?\b"
    r".{0,40}\b(?:back in stock|restock\w*|in stock|back|available)\b"
    r"|\b(?:notify|alert) me\b.{0,30}\b(?:back in stock|restock\w*|in stock|back|available)\b"
    r"|\b(?:back in stock|restock\w*)\b.{0,30}\b(?:tell|let|notify|alert|email|message) me\b"
    r"|\b(?:restock|stock) (?:alert|notification|notice)s?\b",
    re.IGNORECASE,
)


def asks_restock_notice(text: str) -> bool:
    """To be told when an item is back in stock ("补货了能通知我吗", "let me know when the jeans
    are restocked")."""
    return _RESTOCK_NOTICE.search(text) is not None


def aspect_of(text: str, slots: Slots | None = None) -> Aspect:
    lowered = text.lower()
    if SHEER.search(text):
        return "sheer"  # "白色的透不透": what it is made of, and what the page can't say
    if any(word in lowered for word in STOCK_WORDS) or asks_restock_notice(text):
        return "stock"
    if slots is not None and (slots.size or slots.color) and ("有" in text or "have" in lowered):
        return "stock"  # "牛仔裤有L码吗"
    if any(word in lowered for word in WEAR_WORDS if word not in ("质量", "品质", "quality")):
        return "wear"  # "会不会起球": what it is made of, how to keep it, what if it happens
    if any(word in lowered for word in CARE_WORDS):
        return "care"
    if asks_price(text):
        return "price"  # "那件卫衣多少钱"
    return "material"


def fibre_asked(text: str) -> tuple[Fibre | None, bool]:
    """The fibre a "is it cotton?" question asks about, and whether it asks for pure."""
    lowered = text.lower()
    for fibre, words in FIBRE_WORDS:
        if any(word in lowered for word in words):
            return fibre, any(word in lowered for word in PURE_WORDS)
    return None, False


def named_by_fibre(product: ProductView, fibre: Fibre) -> bool:
    """The item's name has the fibre in it (亚麻阔腿裤, "Custom Silk Shirt")."""
    names = f"{product.name} {product.name_en or ''}".lower()
    return any(word in names for f, words in FIBRE_WORDS if f == fibre for word in words)


def fibre_share(product: ProductView, fibre: Fibre) -> int:
    """How much of the item is ``fibre``, in percent (0: none of it)."""
    return next((s.percent for s in product.composition if s.fibre == fibre), 0)


def asks_itself(text: str, slots: Slots) -> bool:
    """The message asks something of its own (a size, a colour, a fibre, stock, care, wear or
    material words), beyond naming a product."""
    lowered = text.lower()
    return bool(
        slots.size
        or slots.color
        or fibre_asked(text)[0]
        or any(w in lowered for w in (*STOCK_WORDS, *CARE_WORDS, *WEAR_WORDS, *MATERIAL_WORDS))
        or SHEER.search(text)  # "雪纺的会不会很透"
        or asks_price(text)  # "多少钱" to "which one?"
    )


def unsold_asked(text: str) -> Unsold | None:
    lowered = text.lower()
    for thing, words in UNSOLD_WORDS:
        if any(word in lowered for word in words):
            return thing
    return None


def product_words(text: str, slots: Slots, *, keep_fibres: bool = False) -> str:
    """The words of a question that can name a product: everything that asks (material, care,
    stock and — unless ``keep_fibres``, for names like 真丝衬衫 — fibre words, particles),
    sizes and colours taken out. Empty when nothing is left."""
    rest = SHEER_PHRASES.sub(" ", text)
    for value in (slots.color, slots.size, slots.order_no):
        if value:
            rest = rest.replace(value, " ")
    rest = PRICE.sub(" ", rest)
    words = [*STOCK_WORDS, *CARE_WORDS, *MATERIAL_WORDS, *WEAR_WORDS]
    if not keep_fibres:
        words += [*PURE_WORDS, *(w for _, ws in FIBRE_WORDS for w in ws)]
    for word in sorted(words, key=len, reverse=True):
        if _CJK.search(word):
            rest = rest.replace(word, " ")
        else:
            rest = re.sub(rf"(?i)\b{re.escape(word)}\b", " ", rest)
    rest = _SIZES.sub(" ", rest)
    for word in _COLOURS_EN:
        rest = re.sub(rf"(?i)\b{re.escape(word)}\b", " ", rest)
    for word in sorted(_ZH_FILLER, key=len, reverse=True):
        rest = rest.replace(word, " ")
    rest = re.sub(r"[^\w\s-]", " ", rest)
    # a garment typed with a slip ("tshrit", "cardign") searched as the garment
    kept = [garment_of(w.lower()) or w for w in rest.split() if w.lower() not in _EN_FILLER]
    query = " ".join(kept).strip()
    cjk = len(_CJK.findall(query))
    named = cjk + len(re.findall(r"[A-Za-z]", query)) >= 2 and cjk > 0  # T恤, 卫衣
    if not named and not re.search(r"[A-Za-z]{3,}", query):
        return ""  # a stray character or two letters name nothing
    return query[:60]


_GARMENT = re.compile(r"[衣裤裙衫套服帽巾包恤鞋袜袄褂领装]")


def names_a_product(query: str) -> bool:
    """Whether what is left of a question can be a product's name: a Chinese name says what
    garment it is (卫衣, 牛仔裤, 连衣裙, T恤…); "充绒量", "北方零下十几度够" name a product's
    property or the customer's situation, not a product. Latin words are taken as names."""
    if not _CJK.search(query):
        return bool(query)
    return bool(_GARMENT.search(query) or re.search(r"[A-Za-z]{2,}", query))


def size_asked(text: str, slots: Slots) -> str | None:
    if slots.size:
        return slots.size
    if any(word in text.lower() for word in STOCK_WORDS):
        found = _ASKED_SIZE.search(text)
        if found:
            return found.group(1).upper()
    return None


class ProductQuestion(StatesGroup):
    waiting_for_product = State()


class ProductsDraft(Draft):
    aspect: Aspect = "material"
    fibre: Fibre | None = None
    pure: bool = False
    size: str | None = None
    color: str | None = None
    offered: list[tuple[int, str, str]] = Field(default_factory=list)
    """The products shown to pick from (id, name, English name): a typed "雪纺的" picks one."""
    restock_notice: bool = False
    """To be told when it is back in stock: asked, and answered no first."""
    care_act: CareAct | None = None
    """What a yes/no care question asks to do ("能机洗吗"): the label's yes or no first."""

    @classmethod
    def of(cls, text: str, slots: Slots, aspect: Aspect | None = None) -> ProductsDraft:
        fibre, pure = fibre_asked(text)
        return cls(
            aspect=aspect or aspect_of(text, slots),
            fibre=fibre,
            pure=pure,
            size=size_asked(text, slots),
            color=slots.color,
            restock_notice=asks_restock_notice(text),
            care_act=care_asked(text),
        )


def display_name(conv: Conversation, product: ProductSummary) -> str:
    return product.name_en if conv.locale != "zh_CN" and product.name_en else product.name


def chosen(candidates: list[ProductSummary]) -> ProductSummary | None:
    """The product a search means: the only one, or the only exact name among several."""
    if len(candidates) == 1:
        return candidates[0]
    exact = [c for c in candidates if c.exact]
    return exact[0] if len(exact) == 1 else None


async def explain_unsold(conv: Conversation, rpc: Bus, text: str) -> bool:
    """Say plainly that the shop doesn't sell what the question is about (shoes, or a category
    it has none of), with what it does sell; ``False`` when it does sell it."""
    thing = unsold_asked(text)
    if thing is None:
        return False
    sold = await sold_categories(rpc)
    if thing in sold:
        return False
    names = conv.replies.join(
        [conv.replies.category_name(c, conv.locale) for c in sold], conv.locale
    )
    label = (
        conv.t("products.thing.shoes")
        if thing == "shoes"
        else conv.replies.category_name(thing, conv.locale)
    )
    logger.info("asked about %s, which the shop does not sell", thing)
    await conv.say(conv.t("products.not_sold", thing=label, categories=names))
    return True


class ProductFacts(Flow):
    states = ProductQuestion

    async def start(
        self,
        text: str,
        slots: Slots,
        aspect: Aspect | None = None,
        named: tuple[str, list[ProductSummary]] | None = None,
    ) -> None:
        """``named``: what :meth:`named` found for this text already (not searched again)."""
        await self.finish()
        if await explain_unsold(self.conv, self.rpc, text):
            return
        draft = ProductsDraft.of(text, slots, aspect)
        if named is None:
            named = await self.named(text, slots, in_view=True)
        query, candidates = named
        product = chosen(candidates)
        if product is not None:
            await self.answer(draft, product.product_id)
        elif candidates:
            await self.offer(draft, candidates)
        elif not names_a_product(query) and self.conv.memory.product is not None:
            # about the product the chat is about ("充绒量多少" after the down jacket)
            await self.answer(draft, self.conv.memory.product.product_id)
        else:
            await self.ask_which(draft, query)

    async def named(
        self, text: str, slots: Slots, *, in_view: bool = False
    ) -> tuple[str, list[ProductSummary]]:
        """The product words of the question and what they find: with the fibre words first
        ("真丝衬衫是什么面料"), without them when that finds nothing ("T恤是纯棉的吗").
        ``in_view``: a question, not the answer to "which one?": a fibre alone ("是纯棉的吗",
        "is it cotton") with an item in view asks about that item, it is not searched as a
        name (纯棉圆领T恤, "Cotton Crew-neck T-shirt")."""
        query = product_words(text, slots)
        fuller = product_words(text, slots, keep_fibres=True)
        fibre_only = (
            in_view and not names_a_product(query) and self.conv.memory.product is not None
        )
        if fuller and fuller != query and not fibre_only:
            found = await self.search(fuller)
            if found:
                return fuller, found
        return query, (await self.search(query) if query else [])

    async def search(self, query: str) -> list[ProductSummary]:
        reply = await self.rpc.call(SearchProducts(query=query[:200], limit=6))
        return reply.products

    async def ask_which(self, draft: ProductsDraft, query: str) -> None:
        """Once: the shop's categories as buttons (what they named matched nothing)."""
        conv = self.conv
        sold = await sold_categories(self.rpc)
        await self.wait(ProductQuestion.waiting_for_product, draft)
        markup = keyboards.categories(
            (c, str(conv.replies.category_name(c, conv.locale))) for c in sold
        )
        if query and names_a_product(query):
            text = conv.t("products.not_found", query=query)
        elif draft.aspect in ("material", "wear"):
            # "你们衣服都是什么面料", "会起球吗": the shop's word on materials, then which item
            text = conv.replies.answer("quality.material", conv.locale)
        else:
            text = conv.t("products.ask_which")
        await conv.say(text, reply_markup=markup)

    async def offer(self, draft: ProductsDraft, candidates: list[ProductSummary]) -> None:
        conv = self.conv
        draft.offered = [(c.product_id, c.name, c.name_en or "") for c in candidates]
        await self.wait(ProductQuestion.waiting_for_product, draft)
        await conv.say(
            conv.t("products.pick"),
            reply_markup=keyboards.products(
                (c.product_id, display_name(conv, c)[:60]) for c in candidates
            ),
        )

    # -- the customer's answer to "which one?" -----------------------------------------------
    async def product_named(self, text: str, decision: Decision | None) -> None:
        draft = await self.load(ProductsDraft)
        picked = (
            choices.named_among(text, [(name, en) for _, name, en in draft.offered])
            if draft.offered
            else None
        )
        if picked is not None:
            # "雪纺的会不会很透" to "which one?": that one, and the question it asks if any
            product_id = draft.offered[picked][0]
            slots = decision.slots if decision else Slots()
            if asks_itself(text, slots):
                draft = ProductsDraft.of(text, slots)
            await self.answer(draft, product_id)
            return
        if (
            decision is not None
            and decision.outcome == "accept"
            and decision.intent not in FLOW_INTENTS
        ):
            # A clear question of another kind ("我买的卫衣洗了一次就起球了" is a quality
            # problem, not the name of the product asked about): the intent handlers take it.
            await self.ask_again_or_step_aside(decision, "products.ask_which")
            return
        slots = decision.slots if decision else Slots()
        query, candidates = await self.named(text, slots)
        if not candidates and not query and text.strip() and not asks_itself(text, slots):
            # a bare name the word lists took apart; a question is never searched whole
            query = text.strip()[:60]
            candidates = await self.search(query)
        product = chosen(candidates)
        draft = await self.load(ProductsDraft)
        if asks_itself(text, slots):
            # "纯棉T恤有L吗" in answer to "which one?": its own question, not the one waiting
            offered = draft.offered
            draft = ProductsDraft.of(text, slots)
            if not candidates and offered:
                # "那黑色的呢", "多少钱" at the list just shown: that question, of the same list
                draft.offered = offered
                await self.wait(ProductQuestion.waiting_for_product, draft)
                await self.conv.say(
                    self.conv.t("products.pick"),
                    reply_markup=keyboards.products(
                        (pid, (en if self.conv.locale != "zh_CN" and en else name)[:60])
                        for pid, name, en in offered
                    ),
                )
                return
        if product is not None:
            await self.answer(draft, product.product_id)
        elif candidates:
            await self.offer(draft, candidates)
        elif decision is not None and decision.outcome == "accept":
            await self.ask_again_or_step_aside(decision, "products.ask_which")  # a new question
        else:
            await self.ask_which(draft, query)

    async def product_picked(self, product_id: int) -> None:
        await self.answer(await self.load(ProductsDraft), product_id)

    async def category_picked(self, category: str) -> None:
        if category not in PRODUCT_CATEGORIES:
            return
        draft = await self.load(ProductsDraft)
        query = CATEGORY_QUERY[category]
        candidates = await self.search(query)
        if not candidates:
            await self.ask_which(draft, query)
            return
        await self.offer(draft, candidates)

    async def resume(self, at: str) -> None:
        await self.ask_which(await self.load(ProductsDraft), "")

    # -- the answer ----------------------------------------------------------------------------
    async def answer(self, draft: ProductsDraft, product_id: int) -> None:
        conv = self.conv
        reply = await self.rpc.call(GetProduct(product_id=product_id))
        await self.finish()
        if not isinstance(reply, ProductFound):
            conv.memory.product = None
            await self.ask_which(draft, "")
            return
        product = reply.product
        name = display_name(conv, product)
        conv.memory.product = ProductMemo(product_id=product.product_id, name=name)
        if draft.aspect == "stock":
            body = self.stock(draft, product)
            if draft.restock_notice:
                body = conv.t("products.restock.no_notice") + "\n" + body
        elif draft.aspect == "care":
            body = self.care(product)
            verdict = care_verdict(draft.care_act, product.care) if draft.care_act else None
            if verdict is not None and draft.care_act is not None:
                # "can i put the silk shirt in the washing machine": no — then the label
                act = conv.t(f"products.care_act.{draft.care_act}")
                said = conv.t(f"products.care_can.{'yes' if verdict else 'no'}", act=act)
                body = f"{said}\n{body}"
        elif draft.aspect == "wear":
            body = "\n".join(
                (self.material(draft, product, name), self.care(product), conv.t("products.wear"))
            )
        elif draft.aspect == "sheer":
            body = "\n".join((self.material(draft, product, name), conv.t("products.sheer")))
        elif draft.aspect == "price":
            body = self.price(draft, product)
        else:
            body = self.material(draft, product, name)
        if draft.aspect in _WITHOUT_MATERIAL and (fibre := self.fibre_line(draft, product, name)):
            # "羊绒大衣有吗" when the coat is wool: said before its stock, never implied (the
            # material's own lines say it for the others)
            body = f"{fibre}\n{body}"
        header = conv.t("products.header", name=name)
        markup = (
            # how sheer it is: a person can hold it to the light (a ticket on the press)
            conv.offer_human("other")
            if draft.aspect == "sheer"
            else conv.feedback("quality.material")
        )
        await conv.say(f"{header}\n{body}", reply_markup=markup)

    def material(self, draft: ProductsDraft, product: ProductView, name: str) -> str:
        conv = self.conv
        lines = []
        if draft.fibre is not None and (
            draft.aspect == "material" or not named_by_fibre(product, draft.fibre)
        ):
            # (not for "is the linen shirt see-through?": the fibre named the shirt)
            share = fibre_share(product, draft.fibre)
            if share == 100:
                verdict = "yes"
            elif share == 0 or draft.pure:
                verdict = "no"
            else:
                verdict = "partly"
            lines.append(
                conv.t(f"products.fibre.{verdict}")
                + conv.t(
                    "products.fibre.line",
                    name=name,
                    percent=share,
                    fibre=conv.t(f"fibre.{draft.fibre}"),
                )
            )
        if conv.locale.startswith("zh") or not product.composition:
            # the product page's own words (Chinese): to others the composition says it
            lines.append(conv.t("products.material", material=product.material))
        if product.composition:
            shares = [(s.fibre, s.percent) for s in product.composition]
            lines.append(
                conv.t(
                    "products.composition",
                    composition=conv.replies.render_composition(shares, conv.locale),
                )
            )
        return "\n".join(lines)

    def fibre_line(self, draft: ProductsDraft, product: ProductView, name: str) -> str | None:
        """For a stock, care or wear question that named a fibre the item is not (all) made
        of: that it isn't, and what it is (a fibre it is made of only: nothing to say)."""
        if draft.fibre is None or not product.composition:  # unknown: nothing to deny
            return None
        conv = self.conv
        share = fibre_share(product, draft.fibre)
        fibre = conv.t(f"fibre.{draft.fibre}")
        made_of = conv.replies.render_composition(
            [(s.fibre, s.percent) for s in product.composition], conv.locale
        )
        if share == 0:
            return conv.t("products.fibre.none_of", fibre=fibre, name=name, material=made_of)
        if share < 100:  # "羊绒大衣有吗" of a coat with 10 % cashmere
            return conv.t(
                "products.fibre.some_of", fibre=fibre, name=name, percent=share, material=made_of
            )
        return None

    def price(self, draft: ProductsDraft, product: ProductView) -> str:
        """What it costs (one price for every size and colour), the special-price rule when it
        is one, and the size or colour asked about when it is not made or not in stock."""
        conv = self.conv
        money = conv.replies.format_money(product.price, conv.locale)
        lines = [conv.t("products.price", price=money)]
        if product.special_price:
            lines.append(conv.t("products.price_special"))
        if draft.size or draft.color:
            lines.append(self.stock(draft, product))
        return "\n".join(lines)

    def care(self, product: ProductView) -> str:
        conv = self.conv
        if not product.care:
            return conv.t("products.care_none")
        return conv.t("products.care", care=conv.replies.render_care(product.care, conv.locale))

    def stock(self, draft: ProductsDraft, product: ProductView) -> str:
        conv = self.conv

        def label(variant: VariantView) -> str:
            shown = colour_name(variant.color, conv.locale)
            return conv.t("products.variant", color=shown, size=variant.size)

        in_stock = [v for v in product.variants if v.stock > 0]
        listing = conv.replies.join([label(v) for v in in_stock[:12]], conv.locale)
        size, color = draft.size, draft.color
        if size is None and color is None:
            if not in_stock:
                return conv.t("products.stock.none_left")
            return conv.t("products.stock.which", variants=listing)
        no_size = size is not None and size.upper() not in {s.upper() for s in product.sizes}
        no_color = color is not None and not any(color in c or c in color for c in product.colors)
        if no_size or no_color:
            # "No" to a size or colour the item isn't made in (not "sold out"), what it is made
            # in, and the other half of the question answered: "有黑色XL吗" → no black; in XL
            # there are these.
            text = conv.t("products.stock.not_made")
            if no_size:
                sizes = conv.replies.join(product.sizes, conv.locale)
                text += conv.t("products.stock.no_such_size", size=size, sizes=sizes)
            if no_color:
                colors = conv.replies.join(
                    [colour_name(c, conv.locale) for c in product.colors], conv.locale
                )
                shown = colour_name(color or "", conv.locale)
                text += ("" if not no_size else "\n") + conv.t(
                    "products.stock.no_such_color", color=shown, colors=colors
                )
            if no_size == no_color or (size if no_color else color) is None:
                return text  # nothing else was asked
            # the half that exists: the size in every colour, or the colour in every size
            kept = [
                v
                for v in in_stock
                if (no_size or v.size.upper() == (size or "").upper())
                and (no_color or (color or "") in v.color or v.color in (color or ""))
            ]
            asked = (size if no_color else colour_name(color or "", conv.locale)) or ""
            if not kept:
                return text + "\n" + conv.t("products.stock.out", variant=asked)
            lines = [
                conv.t("products.stock.line", variant=label(v), count=v.stock) for v in kept[:6]
            ]
            return text + "\n" + conv.t("products.stock.in_asked", asked=asked) + "\n".join(lines)
        matching = [
            v
            for v in product.variants
            if (size is None or v.size.upper() == size.upper())
            and (color is None or color in v.color or v.color in color)
        ]
        available = [v for v in matching if v.stock > 0]
        if available:
            lines = [
                conv.t("products.stock.line", variant=label(v), count=v.stock)
                for v in available[:6]
            ]
            return conv.t("products.stock.yes") + "\n".join(lines)
        shown = colour_name(color, conv.locale) if color else ""
        asked = conv.t("products.variant", color=shown, size=size or "").strip()
        text = conv.t("products.stock.no") + conv.t("products.stock.out", variant=asked)
        if in_stock:
            return text + "\n" + conv.t("products.stock.others", variants=listing)
        return text + "\n" + conv.t("products.stock.none_left")
