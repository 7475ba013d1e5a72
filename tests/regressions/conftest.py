"""Regression tests for reported holes reuse the tiers' setups: ``shop`` (a real worker on the
real broker, SQLite and PostgreSQL) and ``stack`` (the bot against the fake Bot API too)."""

from tests.e2e.conftest import stack  # noqa: F401
from tests.integration.conftest import make_order, seeded_templates, shop  # noqa: F401
