"""Where a parcel goes: the one table of regions, with every way a customer writes them.

Geography, not policy: the mainland's 31 provincial divisions, Hong Kong, Macau and Taiwan,
and "overseas" for everything else. Each has its canonical short Chinese name (江苏, 新疆,
香港, 海外), its English name, and the aliases customers type: big cities (杭州 → 浙江),
traditional spellings, romanisations, countries (日本 → 海外). The shop policy groups regions
for postage (``ShopPolicy.region_group``); the intent engine reads them out of messages
(``intents.slots``); both use this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shop.enums import DEFAULT_LOCALE

RegionKind = Literal["mainland", "hmt", "overseas"]


@dataclass(frozen=True)
class Region:
    name: str
    """Canonical short Chinese name, as the policy file and the order data write it."""
    en: str
    kind: RegionKind
    aliases: tuple[str, ...] = ()
    """Other ways to write it: cities in it, spellings; ASCII ones in lower case."""


def _mainland(name: str, en: str, *aliases: str) -> Region:
    return Region(name, en, "mainland", aliases)


REGIONS: tuple[Region, ...] = (
    _mainland("北京", "Beijing"),
    _mainland("天津", "Tianjin"),
    _mainland("上海", "Shanghai"),
    _mainland("重庆", "Chongqing"),
    _mainland("河北", "Hebei", "石家庄", "shijiazhuang"),
    _mainland("山西", "Shanxi", "太原", "taiyuan"),
    _mainland("辽宁", "Liaoning", "沈阳", "大连", "shenyang", "dalian"),
    _mainland("吉林", "Jilin", "长春", "changchun"),
    _mainland("黑龙江", "Heilongjiang", "哈尔滨", "harbin"),
    # 江浙沪 ("Jiangsu, Zhejiang, Shanghai") names one postage group: any of them will do.
    _mainland(
        "江苏", "Jiangsu", "江浙沪", "南京", "苏州", "无锡", "常州", "nanjing", "suzhou", "wuxi"
    ),
    _mainland(
        "浙江", "Zhejiang", "杭州", "宁波", "温州", "义乌", "hangzhou", "ningbo", "wenzhou", "yiwu"
    ),
    _mainland("安徽", "Anhui", "合肥", "hefei"),
    _mainland("福建", "Fujian", "厦门", "福州", "xiamen", "fuzhou"),
    _mainland("江西", "Jiangxi", "南昌", "nanchang"),
    _mainland("山东", "Shandong", "济南", "青岛", "jinan", "qingdao"),
    _mainland("河南", "Henan", "郑州", "zhengzhou"),
    _mainland("湖北", "Hubei", "武汉", "wuhan"),
    _mainland("湖南", "Hunan", "长沙", "changsha"),
    _mainland(
        "广东",
        "Guangdong",
        "广州",
        "深圳",
        "东莞",
        "佛山",
        "guangzhou",
        "shenzhen",
        "dongguan",
        "foshan",
        "canton",
    ),
    _mainland("海南", "Hainan", "海口", "三亚", "haikou", "sanya"),
    _mainland("四川", "Sichuan", "成都", "chengdu"),
    _mainland("贵州", "Guizhou", "贵阳", "guiyang"),
    _mainland("云南", "Yunnan", "昆明", "kunming"),
    _mainland("陕西", "Shaanxi", "西安", "xian", "xi'an"),
    _mainland("甘肃", "Gansu", "兰州", "lanzhou"),
    _mainland("青海", "Qinghai", "西宁", "xining"),
    _mainland("内蒙古", "Inner Mongolia", "内蒙", "呼和浩特", "neimenggu", "hohhot"),
    _mainland("广西", "Guangxi", "南宁", "nanning"),
    _mainland("西藏", "Tibet", "拉萨", "xizang", "lhasa"),
    _mainland("宁夏", "Ningxia", "银川", "yinchuan"),
    _mainland("新疆", "Xinjiang", "乌鲁木齐", "urumqi"),
    Region("香港", "Hong Kong", "hmt", ("hongkong", "hk")),
    Region("澳门", "Macau", "hmt", ("macao",)),
    Region("台湾", "Taiwan", "hmt"),
    Region(
        "海外",
        "overseas",
        "overseas",
        (
            "国外",
            "境外",
            "美国",
            "日本",
            "韩国",
            "英国",
            "加拿大",
            "澳洲",
            "澳大利亚",
            "新加坡",
            "马来西亚",
            "德国",
            "法国",
            "新西兰",
            "意大利",
            "西班牙",
            "荷兰",
            "泰国",
            "越南",
            "菲律宾",
            "印尼",
            "阿联酋",
            # cities customers name instead of their country
            "悉尼",
            "墨尔本",
            "伦敦",
            "纽约",
            "洛杉矶",
            "旧金山",
            "东京",
            "大阪",
            "首尔",
            "多伦多",
            "温哥华",
            "巴黎",
            "柏林",
            "迪拜",
            "abroad",
            "overseas",
            "singapore",
            "malaysia",
            "usa",
            "america",
            "united states",
            "canada",
            "australia",
            "new zealand",
            "japan",
            "korea",
            "uk",
            "england",
            "britain",
            "germany",
            "france",
            "italy",
            "spain",
            "netherlands",
            "thailand",
            "vietnam",
            "philippines",
            "indonesia",
            "dubai",
            "sydney",
            "melbourne",
            "london",
            "new york",
            "los angeles",
            "san francisco",
            "tokyo",
            "osaka",
            "seoul",
            "toronto",
            "vancouver",
            "paris",
            "berlin",
        ),
    ),
)
OVERSEAS = "海外"

BY_NAME: dict[str, Region] = {region.name: region for region in REGIONS}
MAINLAND: frozenset[str] = frozenset(r.name for r in REGIONS if r.kind == "mainland")
HMT: frozenset[str] = frozenset(r.name for r in REGIONS if r.kind == "hmt")

# Administrative suffixes dropped before a lookup: 江苏省, 上海市, 新疆维吾尔自治区 …
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")
# Traditional spellings a customer (or a shop owner) may type; ``intents`` reads messages
# after its own traditional → simplified conversion, so only the lookup here needs them.
_TRADITIONAL = {"澳門": "澳门", "臺灣": "台湾", "台灣": "台湾"}


def _key(text: str) -> str:
    return text.casefold().replace(" ", "").replace("-", "")


def region_aliases() -> dict[str, str]:
    """Every way of writing a region → its canonical name: the names themselves, English
    names (lower case, with and without spaces) and the aliases. For reading messages."""
    aliases: dict[str, str] = {}
    for region in REGIONS:
        english = region.en.casefold()
        for alias in (region.name, english, english.replace(" ", ""), *region.aliases):
            aliases.setdefault(alias, region.name)
    return aliases


_LOOKUP: dict[str, str] = {
    **{_key(alias): name for alias, name in region_aliases().items()},
    **_TRADITIONAL,
}


def canonical_region(region: str) -> str:
    """江苏省 → 江苏, Zhejiang → 浙江, 杭州 → 浙江, 臺灣 → 台湾, abroad → 海外. A name this
    table does not know (a country, a typo) comes back stripped but otherwise as given."""
    text = region.strip()
    if not text:
        raise ValueError("region must not be empty")
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if text in BY_NAME:
        return text
    return _LOOKUP.get(_key(text), text)


def region_display_name(region: str, locale: str) -> str:
    """The region's name for a reply: Chinese in the default locale, English in the others."""
    canonical = canonical_region(region)
    if locale == DEFAULT_LOCALE:
        return canonical
    known = BY_NAME.get(canonical)
    return known.en if known is not None else region.strip()
