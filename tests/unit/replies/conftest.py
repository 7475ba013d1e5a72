from __future__ import annotations

from pathlib import Path

import pytest

from replies.render import Replies
from shop.policy import ShopPolicy, load_policy

LOCALES_DIR = Path(__file__).parents[3] / "replies" / "locales"
SHOP_YAML = Path(__file__).parents[3] / "shop" / "data" / "shop.yaml"


@pytest.fixture(scope="session")
def shop_yaml() -> Path:
    return SHOP_YAML


@pytest.fixture(scope="session")
def locales_dir() -> Path:
    return LOCALES_DIR


@pytest.fixture(scope="session")
def policy() -> ShopPolicy:
    return load_policy()


@pytest.fixture(scope="session")
def replies(policy: ShopPolicy) -> Replies:
    return Replies(policy)
