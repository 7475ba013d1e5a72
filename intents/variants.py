"""Spelling variants customers type, mapped to the form the catalogue uses.

Applied by ``normalize`` to catalogue text and customer text alike (after NFKC, OpenCC and case
folding), so a keyword written in the standard form also matches its variants:

* ``ZH_VARIANTS``: input-method homophone slips (发获 -> 发货, 快第 -> 快递, 尺吗 -> 尺码),
  dialect and internet spellings (神马 -> 什么, 肿么 -> 怎么, 木有 -> 没有; 俺 -> 我, 忒 -> 太,
  咋整 -> 怎么办; Cantonese 有冇 -> 有没有, 几时 -> 什么时候), and
  question-final 么 (在么 -> 在吗; 什么/怎么/这么/那么/多么 are kept).
* ``_SPLIT_VERB``: separable verbs with 的/了/个 inside (哪里发的货 -> 哪里发货, 退了款 -> 退款,
  砍个价 -> 砍价).
* ``CN_NUMERAL``: a Chinese numeral before a measure word (三天, 两件, 一百斤) becomes the digit
  placeholder ``0`` like any digit run, so 等了三天 and 等了3天 look alike.
* ``LATIN_ABBREVIATIONS``: pinyin initials and chat shorthand as whole words (kd -> 快递,
  zfb -> 支付宝, tk -> 退款, u -> you, pls -> please); ``kf`` means 客服
  next to Chinese text (找kf); followed by a number it starts an order number (KF20260001).
* ``PINYIN``: a run of latin words that spells out entirely as pinyin (``bao you ma``,
  ``tuihuo``, ``zai ma``) is replaced by the characters. A run with any non-pinyin word (any
  English sentence) is left alone, except the table's words standing together or long
  (``hello zenme tuihuo`` -> ``hello 怎么退货``), and so is one short word that merely splits
  into syllables (``made``, ``nike``). Pinyin words are never stemmed as English (``zenme``
  stays ``zenme``).
* ``EN_VARIANTS``: common English misspellings (recieved, adress, cancle).

Only unambiguous variants belong here: a pair that is also an ordinary word in shop chat (受到,
发火, 眼色) is either left out or listed with enough context to be safe.
"""

from __future__ import annotations

import re
from functools import lru_cache

from intents.garments import ZH_GARMENT_SLIPS

ZH_VARIANTS: dict[str, str] = {
    # 快递 / 发货 / 物流 / 订单
    "快第": "快递", "快弟": "快递", "快滴": "快递", "块递": "快递", "筷递": "快递",
    "发获": "发货", "发或": "发货", "法货": "发货", "发伙": "发货", "发活": "发货",
    "物留": "物流", "勿流": "物流",
    "定单": "订单", "订丹": "订单",
    "单好": "单号",
    "没受到": "没收到", "受到货": "收到货", "受到了": "收到了",
    "以经": "已经", "已近发": "已经发",
    # 邮费 / 运费
    "包油": "包邮", "油费": "邮费", "邮废": "邮费", "运废": "运费",
    # 尺码
    "尺吗": "尺码", "尺玛": "尺码", "尺马": "尺码", "吃码": "尺码", "池码": "尺码",
    "码子": "码数",
    # 退换
    "腿货": "退货", "退获": "退货", "推货": "退货", "退或": "退货",
    "换获": "换货", "退宽": "退款", "退欵": "退款",
    "退贷": "退货", "发贷": "发货", "换或": "换货",
    "取晓": "取消", "取销": "取消",
    "收获地址": "收货地址", "收获人": "收货人",
    "填措": "填错", "写措": "写错", "措了": "错了",
    # 顺风 is 顺丰 in shop chat, except the farewell (一路顺风, kept by the longer match)
    "顺风": "顺丰", "一路顺风": "一路顺风",
    # platform payment and invoices (花被子 is a quilt, kept by the longer match)
    "花被": "花呗", "花被子": "花被子", "发漂": "发票",
    # 颜色 / 质量 / 优惠
    "颜涩": "颜色", "颜设": "颜色", "色茶": "色差", "色查": "色差", "颜色查": "颜色查",
    "拉琏": "拉链", "拉锁": "拉链",  # (拉锁: the northern word for a zip)
    "质两": "质量", "质亮": "质量",
    "优会": "优惠", "忧惠": "优惠",
    "便意": "便宜", "便移": "便宜",
    "衣付": "衣服",
    # garments typed by their sound (牛仔库: jobs batch 4; the bot's item reader mends them too)
    **ZH_GARMENT_SLIPS,
    # question words and chat spellings
    "神马": "什么", "什莫": "什么", "什摸": "什么", "森么": "什么", "甚么": "什么",
    "啥子": "啥", "撒时候": "啥时候", "撒子": "啥", "时侯": "时候",
    "肿么": "怎么", "怎摸": "怎么", "怎莫": "怎么", "咋个": "怎么", "咋": "怎么",
    "木有": "没有", "么有": "没有", "没得": "没有",
    "介个": "这个", "酱紫": "这样子",
    "蟹蟹": "谢谢", "谢谢您": "谢谢", "感恩": "感谢",
    "多钱": "多少钱",
    "在伐": "在吗", "好伐": "好吗",
    # round 24: homophones of the shop's words (客腹 for 客服, 人公 for 人工, 顺峰, 园通, 地趾,
    # 退歀 with the other 款-like character, 投素, 差平) and Shanghainese (今朝 today, 阿拉 we,
    # not 阿拉伯; a question's final 伐 is ``_FA``; 侬 "you" is left as the training data has it)
    "客腹": "客服", "客付": "客服", "人公": "人工", "顺峰": "顺丰", "园通": "圆通",
    "地趾": "地址", "退歀": "退款", "投素": "投诉", "差平": "差评",
    "今朝": "今天", "阿拉": "我们", "阿拉伯": "阿拉伯",
    # round 26: 人功 for 人工 (功 is the input method's first choice after 人 in some pinyin
    # keyboards)
    "人功": "人工",
    # 卷 typed for 券, a coupon, where it can only be one (not 卷边 a curled hem, 卷尺 a tape
    # measure, 卷发 curls): 优惠卷, 领个卷, 有卷没
    "优惠卷": "优惠券", "代金卷": "代金券", "满减卷": "满减券", "红包卷": "红包券",
    "店铺卷": "店铺券",
    "领卷": "领券", "领个卷": "领个券", "领张卷": "领张券", "有卷没": "有券没", "有卷吗": "有券吗",
    "有卷不": "有券不", "有没有卷": "有没有券",
    # 再 for 在 asking whether anyone is there (再吗, 再么, 再不再): 再…吗 is never a question
    # of its own in shop chat (能再便宜点吗 has words between)
    "再吗": "在吗", "再么": "在吗", "再不再": "在不在",
    # regional words (northern 俺/忒/咋整/中不中, Henan 恁 before a noun or pronoun, Cantonese)
    "俺": "我", "忒": "太", "咋整": "怎么办", "怎么整": "怎么办", "中不中": "可以吗",
    "恁家": "你家", "恁这": "你这", "恁们": "你们", "恁的": "你的",
    "贼贵": "很贵", "贼便宜": "很便宜",
    "有冇": "有没有", "冇": "没", "几时": "什么时候", "咩": "什么", "嘅": "的", "唔该": "谢谢",
}

# 么 ending a question (在么, 有么, 能退么) is 吗; the words that contain 么 are kept.
_ME = re.compile(r"(?<![什怎那这多要为干甚])么")

# 伐 ending a question in Shanghainese (今朝上班伐, 有货伐): 吗; never 步伐 砍伐 讨伐 征伐 采伐
_FA = re.compile(r"(?<![步砍讨征采杀北])伐(?=$|[\s?？!！,，.。~～])")
# a sticker's name in brackets as chat apps write it ([捂脸], [抱拳], [图片]): nothing, as an emoji
# is, except anger ([发怒], [咒骂]), which is a frustration cue's word (round 24)
_STICKER = re.compile(r"\[([\u4e00-\u9fff]{1,5})\]")
_ANGRY_STICKERS = frozenset({"发怒", "怒", "咒骂", "愤怒", "生气"})
# a lone 再不 (在不: "anyone there?") or a lone "zai" in pinyin, the whole message (round 24)
_LONE_ZAI = re.compile(r"^\s*(?:再不|zai)\s*[?？!！.。~～]*\s*$")


# kept: the app's marks for what the bot cannot read (a voice message, a sticker not named), as
# the training data has them
_APP_MARKS = frozenset({"语音", "语音转文字", "表情", "视频", "文件"})


def _sticker(m: re.Match[str]) -> str:
    name = m.group(1)
    if name in _APP_MARKS:
        return m.group(0)
    return " 气死 " if name in _ANGRY_STICKERS else " "


# separable verbs with 的/了/个 inside: 哪里发的货 -> 哪里发货, 退了款 -> 退款, 砍个价 -> 砍价
_SPLIT_VERB = re.compile(r"([发退换付下收])[的了]([货款单])|([砍讲还议打])[个了]([价折])")

_ZH_PATTERN = re.compile("|".join(sorted(map(re.escape, ZH_VARIANTS), key=len, reverse=True)))

_CN_DIGITS = "零一二两三四五六七八九十百千万"
_MEASURE = "天件个斤块元号码周月年次单条套双份包瓶箱"
CN_NUMERAL = re.compile(
    rf"[{_CN_DIGITS}]+(?=小时|分钟|星期|礼拜|公斤|[{_MEASURE}米])|(?<=米)[{_CN_DIGITS}]+"
)

LATIN_ABBREVIATIONS: dict[str, str] = {
    "kd": "快递", "yf": "运费", "zfb": "支付宝", "wx": "微信", "vx": "微信",
    "qx": "取消", "zp": "正品", "rg": "人工", "pyd": "便宜点",
    "rgrg": "人工", "rgrgrg": "人工",  # (round 24: the shorthand said again and again)
    "yyds": "太棒了",  # (round 24: 永远的神, praise)
    "rgkf": "人工客服", "rgkfrgkf": "人工客服",  # (round 25: 人工客服 in its initials)
    "tysm": "thank you so much", "tyvm": "thank you very much",  # (round 26)
    "tk": "退款", "th": "退货", "tb": "淘宝", "pdd": "拼多多", "jd": "京东",
    "sf": "顺丰", "sto": "申通", "yto": "圆通", "zt": "中通",
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please",
    "thx": "thanks", "thks": "thanks", "tks": "thanks", "tnx": "thanks", "thanx": "thanks",
    "wat": "what", "wen": "when", "abt": "about", "rcvd": "received", "recd": "received",
    "pkg": "package", "pkge": "package", "addr": "address", "qty": "quantity",
    "wanna": "want to", "gonna": "going to", "dont": "don't", "didnt": "didn't",
    "havent": "haven't", "hasnt": "hasn't", "cant": "can't", "wont": "won't",
    "doesnt": "doesn't", "isnt": "isn't", "im": "i am", "ive": "i have",
}

EN_VARIANTS: dict[str, str] = {
    "recieve": "receive", "recieved": "received", "recived": "received", "receieved": "received",
    "adress": "address", "addres": "address", "adres": "address",
    "cancle": "cancel", "cancell": "cancel", "cancelation": "cancellation",
    "shiping": "shipping", "shippng": "shipping",
    "delievery": "delivery", "delivary": "delivery", "deliverd": "delivered",
    "pakage": "package", "packge": "package", "pacakge": "package",
    "refnd": "refund", "refound": "refund", "exhange": "exchange", "exchage": "exchange",
    "discout": "discount", "dicount": "discount", "colur": "colour", "collor": "color",
    "qualty": "quality", "payed": "paid", "paymnet": "payment", "invioce": "invoice",
    "ordr": "order", "oder": "order", "trackin": "tracking", "sise": "size",
}

_LATIN_MAP = {**EN_VARIANTS, **LATIN_ABBREVIATIONS}
# kf next to Chinese (找kf, kf在吗) is 客服; followed by a number it starts an order number
_KF = re.compile(
    r"(?<=[\u4e00-\u9fff])\s*kf(?![a-z0-9])(?!\s*\d)|(?<![a-z0-9])kf\s*(?=[\u4e00-\u9fff])"
)
# a whole latin word of _LATIN_MAP (not inside a longer word, a number or "don't"): one search
# finds them all, where a sub over every latin word would call back into Python for each
_LATIN_MAPPED = re.compile(
    r"(?<![a-z0-9'])(?:"
    + "|".join(re.escape(w) for w in sorted(_LATIN_MAP, key=len, reverse=True))
    # (a number after it counts when Chinese follows: "tk3天了" is 退款 three days on)
    + r")(?:(?![a-z0-9'])|(?=[0-9]+[\u4e00-\u9fff]))"
)
_HAS_LATIN = re.compile(r"[a-z]")
_HAS_CJK = re.compile(r"[^\x00-\u2e80]")  # anything above U+2E80: CJK and beyond

# pinyin words and a few syllables, with the characters a shop customer means by them
PINYIN: dict[str, str] = {
    "zaima": "在吗", "zaibuzai": "在不在", "zaime": "在吗", "nihao": "你好", "ninhao": "您好",
    "qin": "亲", "xiexie": "谢谢", "xiexieni": "谢谢你", "baibai": "拜拜", "zaijian": "再见",
    "haode": "好的", "zhidaole": "知道了", "mingbaile": "明白了",
    "baoyou": "包邮", "yunfei": "运费", "youfei": "邮费", "kuaidi": "快递", "wuliu": "物流",
    "shunfeng": "顺丰", "fahuo": "发货", "fahuole": "发货了", "daohuo": "到货",
    "shenme": "什么", "shenmeshihou": "什么时候", "shihou": "时候", "sha": "啥",
    "jitian": "几天", "duojiu": "多久", "duoshao": "多少", "duoshaoqian": "多少钱",
    "zenme": "怎么", "weishenme": "为什么", "haimei": "还没", "meiyou": "没有",
    "tuihuo": "退货", "tuikuan": "退款", "huanhuo": "换货", "tuihuan": "退换",
    "huan": "换", "tui": "退",
    "chima": "尺码", "chicun": "尺寸", "mashu": "码数", "shengao": "身高", "tizhong": "体重",
    "yanse": "颜色", "secha": "色差", "zhiliang": "质量", "mianliao": "面料",
    "zhengpin": "正品", "weidao": "味道",
    "youhui": "优惠", "pianyi": "便宜", "pianyidian": "便宜点", "dazhe": "打折",
    "zhekou": "折扣", "kanjia": "砍价",
    "dingdan": "订单", "danhao": "单号", "dizhi": "地址", "quxiao": "取消", "xiugai": "修改",
    "dan": "单", "danzi": "单子", "chexiao": "撤销",  # (an order withdrawn in pinyin; round 23)
    "fukuan": "付款", "zhifu": "支付", "zhifubao": "支付宝", "weixin": "微信",
    "huabei": "花呗", "fapiao": "发票", "huodaofukuan": "货到付款", "daofu": "到付",
    "rengong": "人工", "kefu": "客服", "zhenren": "真人",
    "tousu": "投诉", "chaping": "差评", "laji": "垃圾", "pianzi": "骗子",
    "ma": "吗", "ne": "呢", "le": "了", "zai": "在", "bu": "不", "hao": "好",
    "fa": "发", "huo": "货", "dao": "到", "mei": "没", "yao": "要", "xiang": "想",
    "wode": "我的", "nimen": "你们", "keyi": "可以", "nengbuneng": "能不能", "neng": "能",
    # particles, pronouns and everyday words (round 10)
    "a": "啊", "ya": "呀", "la": "啦", "ba": "吧", "o": "哦", "de": "的",
    "wo": "我", "ni": "你", "nin": "您", "ta": "他", "shi": "是", "you": "有", "hai": "还",
    "dou": "都", "hen": "很", "tai": "太", "zhen": "真", "gui": "贵", "da": "大", "xiao": "小",
    "kuai": "快", "qian": "钱", "jian": "件", "ge": "个", "mai": "买", "kan": "看", "cha": "查",
    "wen": "问", "gai": "改", "bang": "帮", "qing": "请", "qingwen": "请问", "yixia": "一下",
    "zenmeban": "怎么办", "zenyang": "怎样", "caozuo": "操作", "shenqing": "申请",
    "yijing": "已经", "shoudao": "收到", "shouhuo": "收货", "shouhou": "售后", "wenti": "问题",
    "huifu": "回复", "lianxi": "联系", "dianhua": "电话", "xiadan": "下单", "fachu": "发出",
    "mashang": "马上", "jintian": "今天", "mingtian": "明天", "zuotian": "昨天",
    "yifu": "衣服", "kuzi": "裤子", "xiezi": "鞋子", "jiage": "价格", "youhuo": "有货",
    "nali": "哪里", "nar": "哪儿", "zhege": "这个", "nage": "那个", "ruhe": "如何",
    "dengle": "等了", "tianle": "天了", "tian": "天", "haojitian": "好几天",
    # session 7: "dao na le" (到哪了), "zhe jian", "bu heshi"
    "na": "哪", "zhe": "这", "heshi": "合适",
    # round 22: someone there, asked in pinyin ("qing wen you ren zai xian ma")
    "ren": "人", "youren": "有人", "zaixian": "在线",
}
# places, read only inside a run that is wholly pinyin ("fa dao shanghai yao jitian"); an English
# sentence naming a city ("how long to shanghai") keeps its words. Not "taiwan": an English keyword
# of the catalogue (shipping.region) that must stay English
PINYIN_PLACES: dict[str, str] = {
    "beijing": "北京", "shanghai": "上海", "tianjin": "天津", "chongqing": "重庆",
    "guangzhou": "广州", "shenzhen": "深圳", "hangzhou": "杭州", "nanjing": "南京",
    "suzhou": "苏州", "chengdu": "成都", "wuhan": "武汉", "xiamen": "厦门", "haerbin": "哈尔滨",
    "guangdong": "广东", "guangxi": "广西", "zhejiang": "浙江", "jiangsu": "江苏",
    "sichuan": "四川", "hunan": "湖南", "hubei": "湖北", "henan": "河南", "hebei": "河北",
    "shandong": "山东", "fujian": "福建", "yunnan": "云南", "hainan": "海南",
    "xinjiang": "新疆", "xizang": "西藏", "xianggang": "香港", "aomen": "澳门",
}
_PINYIN_ANY = {**PINYIN, **PINYIN_PLACES}
_PINYIN_MAXLEN = max(map(len, _PINYIN_ANY))
_LATIN_RUN = re.compile(r"[a-z]+(?:[ \t]+[a-z]+)*")


@lru_cache(maxsize=4096)
def pinyin_to_hanzi(run: str) -> str | None:
    """The characters for a run of latin words that is wholly pinyin, else None."""
    s = run.replace(" ", "").replace("\t", "")
    if len(s) < 2 or len(s) > 60:
        return None
    n = len(s)
    # best[i]: fewest pieces covering s[:i] (fewer, longer words win)
    best: list[tuple[int, str] | None] = [None] * (n + 1)
    best[0] = (0, "")
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        pieces, out = here
        for j in range(i + 1, min(n, i + _PINYIN_MAXLEN) + 1):
            word = _PINYIN_ANY.get(s[i:j])
            if word is None:
                continue
            cand = (pieces + 1, out + word)
            there = best[j]
            if there is None or cand[0] < there[0]:
                best[j] = cand
    end = best[n]
    if end is None:
        return None
    # one short word that only splits into syllables ("made" = ma+de, "nike", "shine") is English
    if len(s) <= 5 and s not in PINYIN and not any(c in run for c in " \t"):
        return None
    # a lone short syllable ("le", "ma", "bu") is more likely English or noise than pinyin
    if end[0] == 1 and len(s) <= 3:
        return None
    return end[1]


def _close_verb(m: re.Match[str]) -> str:
    return (m.group(1) or m.group(3)) + (m.group(2) or m.group(4))


def _latin_word(m: re.Match[str]) -> str:
    return _LATIN_MAP[m.group(0)]


def _pinyin_run(m: re.Match[str]) -> str:
    run = m.group(0)
    whole = pinyin_to_hanzi(run)
    if whole is not None:
        return whole
    return _pinyin_words(run) if " " in run or "\t" in run else run


def _pinyin_words(run: str) -> str:
    """A run mixing English and pinyin (``hello zenme tuihuo``): the pinyin words of the table
    are converted where they stand together (two or more, five letters or more) or are long
    (``tuihuo``, ``kuaidi``); English words and lone short syllables (``you``, ``a``) stay."""
    words = run.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        j = i
        while j < len(words) and words[j] in PINYIN:
            j += 1
        span = words[i:j]
        if span and ((len(span) >= 2 and sum(map(len, span)) >= 5) or len(span[0]) >= 5):
            out.append("".join(PINYIN[w] for w in span))
            i = j
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def apply_variants(text: str) -> str:
    """Map spelling variants of a prepared (NFKC, simplified, case-folded) text."""
    if not text:
        return text
    if "[" in text:
        text = _STICKER.sub(_sticker, text)
    if len(text) < 8 and _LONE_ZAI.match(text):
        return "在不在"
    has_cjk = _HAS_CJK.search(text) is not None
    has_latin = _HAS_LATIN.search(text) is not None
    if has_cjk:
        text = _ZH_PATTERN.sub(lambda m: ZH_VARIANTS[m.group(0)], text)
        text = _SPLIT_VERB.sub(_close_verb, text)
        if "么" in text:
            text = _ME.sub("吗", text)
        if "伐" in text:
            text = _FA.sub("吗", text)
        text = CN_NUMERAL.sub("0", text)
    if has_latin:
        text = _KF.sub("客服", text)
        text = _LATIN_RUN.sub(_pinyin_run, text)
        text = _LATIN_MAPPED.sub(_latin_word, text)
    return text
