"""The examples in the package's documentation run (doctest)."""

import doctest

import intents


def test_package_docstring_examples_run():
    result = doctest.testmod(intents, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 8
    assert result.failed == 0
