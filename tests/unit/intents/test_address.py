"""The address parser over the forms customers write in, and what it refuses to guess."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from intents.address import ParsedAddress, parse_address

WEN_SAN = dict(province="浙江", city="杭州市", district="西湖区")


def parsed(text: str) -> ParsedAddress:
    result = parse_address(text)
    assert isinstance(result, ParsedAddress)
    return result


@pytest.mark.parametrize(
    "text",
    [
        "张三 13812345678 浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "张三，13812345678，浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "张三,13812345678,浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "张三\n13812345678\n浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "13812345678 张三 浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "13812345678张三浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "张三13812345678浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "浙江省杭州市西湖区文三路 100 号 5 幢 301 张三 13812345678",
        "浙江省杭州市西湖区文三路 100 号 5 幢 301，张三，13812345678",
        "张三；138-1234-5678；浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "张三 138 1234 5678 浙江省 杭州市 西湖区 文三路 100 号 5 幢 301",
        "张三 +86 13812345678 浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "张三 8613812345678 浙江 杭州市 西湖区 文三路 100 号 5 幢 301",
        "张三 13812345678 杭州市西湖区文三路 100 号 5 幢 301",  # no province: from the city
        "张三 13812345678 浙江 杭州 西湖区 文三路 100 号 5 幢 301",  # 杭州 without 市
        "张三 13812345678 浙江杭州西湖区文三路 100 号 5 幢 301",
        "张三，13812345678，浙江省 杭州市 西湖区 文三路 100 号 5 幢 301，310000",  # postcode
        "收件人：张三\n电话：13812345678\n地址：浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "收货人:张三 手机:13812345678 详细地址:浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "姓名：张三，联系电话：13812345678，收货地址：浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "收货人: 张三 13812345678 地址: 浙江省杭州市西湖区文三路 100 号 5 幢 301",
        "收件人：张三\n手机号码：13812345678\n所在地区：浙江省 杭州市 西湖区\n"
        "详细地址：文三路 100 号 5 幢 301",
        "张三　１３８１２３４５６７８　浙江省杭州市西湖区文三路１００号５幢３０１",  # full width
    ],
)
def test_the_same_address_in_many_forms(text):
    result = parsed(text)
    assert result.problems == (), result
    assert (result.receiver_name, result.phone) == ("张三", "13812345678")
    assert (result.province, result.city, result.district) == (
        WEN_SAN["province"],
        WEN_SAN["city"],
        WEN_SAN["district"],
    )
    assert result.street is not None
    assert result.street.replace(" ", "") == "文三路100号5幢301"
    assert result.complete and result.has_address and not result.ambiguous


@pytest.mark.parametrize(
    ("text", "province", "city", "district", "street"),
    [
        (
            "李四 13900001111 北京市朝阳区建国路 88 号 SOHO 现代城 A 座 1201",
            "北京",
            "北京市",
            "朝阳区",
            "建国路 88 号 SOHO 现代城 A 座 1201",
        ),
        ("李四 13900001111 北京 朝阳区 建国路 88 号", "北京", "北京市", "朝阳区", "建国路 88 号"),
        (
            "李四 13900001111 上海上海市浦东新区世纪大道 100 号 8 楼",
            "上海",
            "上海市",
            "浦东新区",
            "世纪大道 100 号 8 楼",
        ),
        (
            "李四 13900001111 重庆市渝中区解放碑步行街 1 号",
            "重庆",
            "重庆市",
            "渝中区",
            "解放碑步行街 1 号",
        ),
        (
            "李四 13900001111 广东省深圳市南山区科技园南区 12 栋",
            "广东",
            "深圳市",
            "南山区",
            "科技园南区 12 栋",
        ),
        (
            "李四 13900001111 新疆维吾尔自治区乌鲁木齐市天山区解放北路 8 号",
            "新疆",
            "乌鲁木齐市",
            "天山区",
            "解放北路 8 号",
        ),
        (
            "李四 13900001111 广西壮族自治区南宁市青秀区民族大道 1 号",
            "广西",
            "南宁市",
            "青秀区",
            "民族大道 1 号",
        ),
        (
            "李四 13900001111 浙江省金华市义乌市稠城街道工人路 8 号",
            "浙江",
            "金华市",
            "义乌市",
            "稠城街道工人路 8 号",
        ),
        (
            "李四 13900001111 浙江 金华 义乌市 工人路 8 号",
            "浙江",
            "金华市",
            "义乌市",
            "工人路 8 号",
        ),
        (
            "李四 13900001111 广东省东莞市虎门镇连升路 3 号",
            "广东",
            "东莞市",
            None,
            "虎门镇连升路 3 号",
        ),
        (
            "李四 13900001111 江苏省南京市鼓楼区湖南路 1 号",
            "江苏",
            "南京市",
            "鼓楼区",
            "湖南路 1 号",
        ),
        (
            "李四 13900001111 甘肃省兰州市城关区庆阳路 2 号",
            "甘肃",
            "兰州市",
            "城关区",
            "庆阳路 2 号",
        ),
    ],
)
def test_regions_of_every_shape(text, province, city, district, street):
    result = parsed(text)
    assert result.problems == (), result
    assert (result.province, result.city, result.district, result.street) == (
        province,
        city,
        district,
        street,
    )
    assert result.receiver_name == "李四"


def test_a_street_named_after_a_province_is_a_street():
    """湖南路 in Nanjing and 江西中路 in Shanghai are roads, not provinces."""
    result = parsed("李四 13900001111 上海市黄浦区江西中路 200 号")
    assert (result.province, result.district, result.street) == (
        "上海",
        "黄浦区",
        "江西中路 200 号",
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("王先生 13900001111 浙江省杭州市西湖区文三路 100 号", "王先生"),
        ("陈大文 13900001111 浙江省杭州市西湖区文三路 100 号", "陈大文"),
        ("欧阳娜娜 13900001111 浙江省杭州市西湖区文三路 100 号", "欧阳娜娜"),
        ("浙江省杭州市西湖区文三路 100 号 欧阳娜娜 13900001111", "欧阳娜娜"),
        ("买买提·艾力 13900001111 新疆乌鲁木齐市天山区解放北路 8 号", "买买提·艾力"),
        # 收 / 收件 after the name marks the receiver: no part of her name
        ("浙江省杭州市西湖区文三路 100 号 林晓雯收 13900001111", "林晓雯"),
        ("周子涵收件 13900001111 浙江省杭州市西湖区文三路 100 号", "周子涵"),
        ("浙江省杭州市西湖区文三路 100 号 许嘉怡（收） 13900001111", "许嘉怡"),
        ("浙江省杭州市西湖区文三路 100 号 何宇 收 13900001111", "何宇"),
    ],
)
def test_names(text, name):
    assert parsed(text).receiver_name == name


def test_a_place_at_the_end_of_the_street_is_not_taken_for_a_name():
    result = parsed("13900001111 张三 浙江省杭州市西湖区文三路 100 号 西溪花园")
    assert result.receiver_name == "张三"
    assert result.street == "文三路 100 号 西溪花园"


@pytest.mark.parametrize(
    ("text", "province", "city", "district", "street", "name"),
    [
        (
            "Zhang San, 13812345678, Room 301, 100 Century Avenue, Pudong New District, Shanghai",
            "上海",
            "Shanghai",
            "Pudong New District",
            "Room 301, 100 Century Avenue",
            "Zhang San",
        ),
        (
            "Zhang San +86 138 1234 5678\nRoom 301, 100 Century Avenue\nPudong New District, "
            "Shanghai 200120, China",
            "上海",
            "Shanghai",
            "Pudong New District",
            "Room 301, 100 Century Avenue",
            "Zhang San",
        ),
        (
            "Li Lei 13912345678 No. 1 Jianguomen Outer Street, Chaoyang District, Beijing 100020",
            "北京",
            "Beijing",
            "Chaoyang District",
            "No. 1 Jianguomen Outer Street",
            "Li Lei",
        ),
        (
            "Emma Wang, 139-1234-5678, Apt 5B, 18 Sanlitun Road, Chaoyang District, Beijing, PRC",
            "北京",
            "Beijing",
            "Chaoyang District",
            "Apt 5B, 18 Sanlitun Road",
            "Emma Wang",
        ),
        (
            "Name: Zhang San\nPhone: 13812345678\nAddress: 100 Century Avenue, Pudong New "
            "District, Shanghai",
            "上海",
            "Shanghai",
            "Pudong New District",
            "100 Century Avenue",
            "Zhang San",
        ),
    ],
)
def test_english_addresses_in_beijing_and_shanghai(text, province, city, district, street, name):
    result = parsed(text)
    assert result.problems == (), result
    assert (result.province, result.city, result.district, result.street) == (
        province,
        city,
        district,
        street,
    )
    assert result.receiver_name == name
    assert result.phone is not None and len(result.phone) == 11


@pytest.mark.parametrize(
    ("text", "name", "phone", "street"),
    [
        (
            "我的新地址是浙江省杭州市西湖区文三路100号，收件人张三，电话13812345678",
            "张三",
            "13812345678",
            "文三路100号",
        ),
        (
            "地址改为上海市浦东新区世纪大道100号 收件人李四 电话13900001111",
            "李四",
            "13900001111",
            "世纪大道100号",
        ),
        (
            "改成 浙江省杭州市西湖区文三路100号 张三 13812345678",
            "张三",
            "13812345678",
            "文三路100号",
        ),
        ("麻烦改一下地址：浙江省杭州市西湖区文三路100号，谢谢", None, None, "文三路100号"),
        (
            "please send to Zhang San 13812345678 100 Century Avenue Pudong New District Shanghai",
            "Zhang San",
            "13812345678",
            "100 Century Avenue",
        ),
        (
            "Ship to: Li Lei, 18 Sanlitun Road, Chaoyang District, Beijing. Tel 13912345678",
            "Li Lei",
            "13912345678",
            "18 Sanlitun Road",
        ),
        (
            "No. 5 Lane 100, Nanjing West Road, Jing'an District, Shanghai, Wang Fang, mobile "
            "13712345678",
            "Wang Fang",
            "13712345678",
            "No. 5 Lane 100, Nanjing West Road",
        ),
    ],
)
def test_addresses_inside_a_sentence(text, name, phone, street):
    result = parsed(text)
    assert (result.receiver_name, result.phone, result.street) == (name, phone, street)
    assert result.has_address and not result.ambiguous


def test_hong_kong():
    result = parsed("香港九龙旺角弥敦道 600 号 陈大文 +852 9123 4567")
    assert result.problems == ()
    assert (result.province, result.district, result.street) == (
        "香港",
        "九龙",
        "旺角弥敦道 600 号",
    )
    assert (result.receiver_name, result.phone) == ("陈大文", "+85291234567")


def test_a_landline_with_its_area_code():
    result = parsed("张三 0571-88001234 浙江省杭州市西湖区文三路 100 号")
    assert result.phone == "057188001234" and result.problems == ()


# ── what it will not guess ───────────────────────────────────────────────────────────────


def test_two_different_phones_are_ambiguous():
    result = parsed("张三 13812345678 或 13900001111 浙江省杭州市西湖区文三路 100 号")
    assert result.phone is None
    assert "ambiguous_phone" in result.problems and result.ambiguous


def test_the_same_phone_twice_is_one_phone():
    result = parsed("张三 13812345678 浙江省杭州市西湖区文三路 100 号 电话 138-1234-5678")
    assert result.phone == "13812345678" and "ambiguous_phone" not in result.problems


def test_two_names_are_ambiguous():
    result = parsed("张三 李四 13812345678 浙江省杭州市西湖区文三路 100 号")
    assert result.receiver_name is None
    assert result.problems == ("ambiguous_name",) and result.ambiguous


@pytest.mark.parametrize("phone", ["1381234567", "138123456789", "12812345678"])
def test_a_phone_with_a_digit_too_few_or_too_many_is_invalid(phone):
    result = parsed(f"张三 {phone} 浙江省杭州市西湖区文三路 100 号")
    assert result.phone is None
    assert result.problems == ("invalid_phone",) and result.ambiguous


def test_a_province_that_does_not_hold_the_city():
    result = parsed("张三 13812345678 江苏省杭州市西湖区文三路 100 号")
    assert result.problems == ("region_mismatch",) and result.ambiguous


def test_only_an_address_keeps_the_receiver_as_it_was():
    result = parsed("浙江省杭州市西湖区文三路 100 号")
    assert result.has_address and not result.ambiguous
    assert result.problems == ("missing_name", "missing_phone")


def test_no_region_and_no_street():
    assert parsed("张三 13812345678").problems == ("missing_region", "missing_street")
    result = parsed("文三路 100 号")
    assert "missing_region" in result.problems and not result.has_address
    assert parsed("浙江省杭州市西湖区").problems == (
        "missing_name",
        "missing_phone",
        "missing_street",
    )


@pytest.mark.parametrize("text", ["", "   ", "\n", "你好", "what?", "😀" * 50, "1" * 1000])
def test_nonsense_is_reported_not_guessed(text):
    result = parsed(text)
    assert not result.has_address
    assert result.problems


def test_a_long_paste_is_read_only_at_its_start():
    result = parsed("张三 13812345678 浙江省杭州市西湖区文三路 100 号" + " 备注" * 5000)
    assert result.receiver_name == "张三" and result.province == "浙江"


def test_the_module_is_pure():
    """intents/address.py imports the standard library and shop.regions only."""
    source = Path(__file__).resolve().parents[3] / "intents" / "address.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert imported <= {"__future__", "re", "unicodedata", "dataclasses", "typing", "shop.regions"}


@pytest.mark.parametrize(
    ("text", "province", "city"),
    [
        (
            "Li Na, 13812345678, 1 Zhongshan Road, Gulou District, Nanjing, Jiangsu",
            "江苏",
            "Nanjing",
        ),
        (
            "Wang Fang 13900001111, 8 Wensan Road, Xihu District, Hangzhou, Zhejiang",
            "浙江",
            "Hangzhou",
        ),
    ],
)
def test_an_english_address_keeps_its_city(text: str, province: str, city: str) -> None:
    """Found holding the console: "…, Gulou District, Nanjing, Jiangsu" was read without its
    city (Nanjing names Jiangsu, and only the province was kept)."""
    parsed = parse_address(text)
    assert (parsed.province, parsed.city, parsed.problems) == (province, city, ())
