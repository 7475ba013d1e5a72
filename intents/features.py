"""What the fitted model reads of a message: its n-grams.

``ngrams(norm)`` lists the sparse features of a normalised message (``normalize`` with English
spelling slips corrected):

* CJK character unigrams and bigrams, and the first and last character of the message marked
  (``<在``, ``码>``), so a greeting in front and a question particle at the end are visible;
* English words (already lightly stemmed by ``normalize``), word bigrams, and character trigrams of
  words of four letters or more (``~#re``, ``~ref``, ``~und``, ``~nd#``), which survive a typo;
* the digit placeholder ``0`` as a word;
* *cues* (``§sarcasm``, ``§emotion``, ``§chasing``): frustration that carries no complaint word -
  praise next to a failure ("amazing, still no refund", 真行 一周了还不发), anger and giving up
  ("wasting my time", 无语, 气死), and chasing ("every day I ask", 第三次问, 天天催). The model
  learns what they weigh, like any n-gram.

The model weighs them by TF-IDF (sublinear term frequency, L2-normalised rows). The matcher's
hand-made signals (keyword evidence, coverage, fuzzy similarity) are not model inputs: on held-back
data they made the fitted model worse (they were tuned on part of the training data, so the
model trusted them more than they deserve); the catalogue's keywords enter the model instead as
short training messages of their intent. docs/intents.md has the comparison.
"""

from __future__ import annotations

import re
from itertools import pairwise

from intents.gate import gate
from intents.normalize import is_cjk

# on normalised text: lower case, digits as 0, English lightly stemmed (amazing -> amaz)
_PRAISE = re.compile(
    r"\b(?:amaz|great|brilliant|fantastic|wonderful|impress|superb|lovely|lov how|lov wait|"
    r"nice one|nice|well done|good job|great job|bravo|genius|so glad|thank for nothing|"
    r"cheer for nothing|thank a lot|really lov)"
)
_FAILURE = re.compile(
    r"\b(?:still|never|no|not|nothing|again|week(?!end)|day|month|late|lost|wait|hasn|haven|"
    r"didn|wrong|broken|ignor|excus|silenc)"
)
# sincere phrases that carry a "failure" word: thanks again, no problem, have a great day
_SINCERE_EN = re.compile(
    r"\bthank(?: you)? again\b|\bno (?:problem|worry|rush|hurry)|\bnot a problem|"
    r"\b(?:hav|enjoy) (?:a|your) (?:\w+ )?(?:day|weekend|week|even|night|one|tim)\b"
)
# sarcasm on its own (呵呵 真好, 真行啊你们, 我信你个鬼); 绝了 but not 拒绝了 / 谢绝了.
# Normalised text: repeated characters collapse (呵呵 -> 呵, 谢谢 -> 谢, 天天 -> 天)
_SARCASM_ZH = re.compile(
    r"真行|好家伙|呵|我信你个鬼|真是谢|厉害了我的|(?<![拒谢断杜])绝了"
)
# praise that is sarcastic only next to a failure or a wait (真棒 又发错了, 服务真好 等了0天都没发);
# with none (服务真好 谢谢, 辛苦了 谢谢你们了) it is sincere
_PRAISE_ZH = re.compile(r"真好|真棒|太棒了|厉害了|牛啊|佩服|可以啊|谢你们了")
_FAILURE_ZH = re.compile(
    r"还没|都没|没人|没[有]?(?:发|到|收|回|退|动|更新|消息|处理|反应)|还不|不发|不回|不管|不理|"
    r"等了|等到|又|0[天周个次]|半个月|个月|礼拜|星期|这么[难慢久]|丢了|错|坏|破|慢|拖|骗|问了|遍"
)
_EMOTION = re.compile(
    r"\b(?:ridiculous|joke|furious|livid|fed up|sick of|wast|useless|pathetic|unacceptabl|"
    r"disgust|shock|appal|terribl|worst|scam|incompet|disgrace|nightmare|beyond frustrat|"
    r"frustrat|had enough|enough is enough|enough already)"
    r"|气死|无语|恶心|烦死|崩溃|受不了|太过分|什么玩意|搞什么|有病|离谱|心累|服了|吐了|寒心|失望"
)
_CHASING = re.compile(
    r"\b(?:every (?:single )?day|each day|again and again|keep ask|keep chas|chas|"
    r"(?:second|third|fourth|fifth|0th|0rd|0nd) tim|ask 0 tim|told 0 tim)"
    # 天天催 normalises to 天催 (repeats collapse)
    r"|(?:^|(?<= ))天[催问说找等追]|每天|第0次|第[二三四五六七八九十n]次|催了"
    r"|问了.{0,4}[遍次]|说了.{0,4}[遍次]|几遍|八百遍"
)


def cues(norm: str) -> list[str]:
    """Frustration cues of a normalised message (see the module doc)."""
    if _CUES_GATE.search(norm) is None:
        return []  # (no cue's pattern can match: ``intents.gate``)
    out = []
    if _sarcasm(norm):
        out.append("§sarcasm")
    if _EMOTION.search(norm):
        out.append("§emotion")
    if _CHASING.search(norm):
        out.append("§chasing")
    return out


# every cue needs one of these to match: sarcasm its sarcasm or its praise, the others their own
_CUES_GATE = gate(_SARCASM_ZH, _PRAISE_ZH, _PRAISE, _EMOTION, _CHASING)


def _sarcasm(norm: str) -> bool:
    if _SARCASM_ZH.search(norm) or (_PRAISE_ZH.search(norm) and _FAILURE_ZH.search(norm)):
        return True
    return bool(_PRAISE.search(norm) and _FAILURE.search(_SINCERE_EN.sub(" ", norm)))


# a run of CJK characters (as ``is_cjk`` tells them), or a run of anything else
_RUNS = re.compile(
    r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+)"
    r"|([^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+)"
)


def ngrams(norm: str) -> list[str]:
    """Sparse features of a normalised message (see the module doc); repeated ones repeat."""
    out: list[str] = []
    compact = norm.replace(" ", "")
    if compact:
        first, last = compact[0], compact[-1]
        if is_cjk(first):
            out.append("<" + first)
        if is_cjk(last):
            out.append(last + ">")
    for token in norm.split(" "):
        # a token's runs in order (found by a regex rather than a Python loop per character):
        # a CJK run gives its characters, then its bigrams; anything else is a word
        for run, word in _RUNS.findall(token):
            if run:
                out.extend(run)
                out.extend([a + b for a, b in pairwise(run)])
            else:
                _latin(word, out)
    words = [w for w in norm.split(" ") if w and w.isascii() and w.isalpha()]
    out.extend(f"{a}_{b}" for a, b in pairwise(words))
    out.extend(cues(norm))
    return out


def _latin(word: str, out: list[str]) -> None:
    out.append(word)
    if len(word) >= 4 and word.isalpha():
        padded = f"#{word}#"
        out.extend("~" + padded[i:i + 3] for i in range(len(padded) - 2))
