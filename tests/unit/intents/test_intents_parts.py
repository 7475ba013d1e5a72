"""Where a message's next question starts."""

from __future__ import annotations

import pytest

from intents.parts import question_parts


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("发什么快递？多久能到", ["发什么快递？", "多久能到"]),
        ("能寄到美国吗 要多久", ["能寄到美国吗", "要多久"]),  # a particle, a pause, more
        ("包邮吗，发什么快递", ["包邮吗", "发什么快递"]),
        ("包邮吗还有发什么快递", ["包邮吗", "还有发什么快递"]),
        ("连衣裙有S码吗 另外能便宜点吗", ["连衣裙有S码吗", "另外能便宜点吗"]),
        ("what courier do you use? also do you ship to canada",
         ["what courier do you use?", "also do you ship to canada"]),
        ("is the jeans cotton. btw whats the return address",
         ["is the jeans cotton", "btw whats the return address"]),
        # a second job after a comma and "and"
        ("pls swap my tee to an L, and cancel the dress order",
         ["pls swap my tee to an L", "and cancel the dress order"]),
        ("cancel the unpaid one, and where's my puffer",
         ["cancel the unpaid one", "and where's my puffer"]),
        ("black and white, and M if you have it", ["black and white, and M if you have it"]),
        # two questions with only a space between, each with its question word (jobs batch 7)
        ("退货有几天期限 运费谁付", ["退货有几天期限", "运费谁付"]),
        ("问下你们家退货有几天期限 退回来的运费谁付",
         ["问下你们家退货有几天期限", "退回来的运费谁付"]),
        ("怎么退货 退货地址是哪里", ["怎么退货", "退货地址是哪里"]),
        # ...but not a question and what she tells beside it, nor a detail
        ("什么时候发货 我等了好几天了", ["什么时候发货 我等了好几天了"]),
        ("我身高160 体重100斤 穿什么码", ["我身高160 体重100斤 穿什么码"]),
        ("卫衣那单不要了 取消 钱几天能退回来", ["卫衣那单不要了 取消 钱几天能退回来"]),
        # one question: "还有" as "still have", a full stop inside one job, a lone "ok?"
        ("T恤还有白色吗", ["T恤还有白色吗"]),
        ("还有货吗", ["还有货吗"]),
        ("亲在吗", ["亲在吗"]),
        ("裙子太长了。能退吗", ["裙子太长了。能退吗"]),
        ("I also want to ask about shipping", ["I also want to ask about shipping"]),
        ("能退吗？嗯？", ["能退吗？嗯？"]),
        # a detail of the question before it, asking nothing itself
        ("do you have the linen shirt in white? size L",
         ["do you have the linen shirt in white? size L"]),
        ("有黑色吗？M码", ["有黑色吗？M码"]),
        ("穿什么码？160 50kg", ["穿什么码？160 50kg"]),
        # short, but a question of its own
        ("能便宜点吗？包邮不", ["能便宜点吗？", "包邮不"]),
        ("有货吗？发货没", ["有货吗？", "发货没"]),
        # a question ended by 啊, then another (jobs batch 4); 啊 after no question cuts nothing
        ("换货运费谁出啊 能用微信付吗", ["换货运费谁出啊", "能用微信付吗"]),
        ("邮费多少呀 可以发顺丰吗", ["邮费多少呀", "可以发顺丰吗"]),
        ("是啊 能退吗", ["是啊 能退吗"]),
        ("这件好看啊 有S码吗", ["这件好看啊 有S码吗"]),
    ],
)
def test_question_parts(text: str, parts: list[str]) -> None:
    assert question_parts(text) == parts
