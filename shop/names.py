"""Things customers name in their own words (ways to pay, couriers): each by a key, with its
name in each language and the words customers use for it. Words are matched longest first
("微信支付" before "微信", "sf express" before "sf"); ASCII words only as whole words
("sf" is not in "she's so fast")."""

from __future__ import annotations

import re
from collections.abc import Mapping


class NameBook:
    """``entries``: key → ({locale: name}, words in lower case); ``plurals``: an English word
    may end in "s"/"es" ("credit cards")."""

    def __init__(
        self,
        entries: Mapping[str, tuple[dict[str, str], tuple[str, ...]]],
        *,
        plurals: bool = False,
    ) -> None:
        self.entries = entries
        words = sorted(
            ((word, key) for key, (_, said) in entries.items() for word in said),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        ending = "(?:s|es)?" if plurals else ""
        # the alternatives tried only where a word can start (the lookahead's class): without
        # it every position of the message tries every word, 3-5x slower on a sentence
        firsts = "".join(sorted({re.escape(word[0]) for word, _ in words}))
        self._pattern = re.compile(
            f"(?=[{firsts}])(?:"
            + "|".join(
                rf"(?<![a-z]){re.escape(word)}{ending}(?![a-z])" if word.isascii()
                else re.escape(word)
                for word, _ in words
            )
            + ")",
            re.IGNORECASE,
        )
        self._key_of = {word: key for word, key in words}

    def named(self, text: str) -> frozenset[str]:
        """The keys ``text`` names."""
        return frozenset(self._key(m.group(0).lower()) for m in self._pattern.finditer(text))

    def _key(self, word: str) -> str:
        """The key of a matched word (a plural: without its ending)."""
        return self._key_of.get(word) or self._key_of.get(word[:-1]) or self._key_of[word[:-2]]

    def name(self, key: str, locale: str) -> str:
        names = self.entries[key][0]
        return names.get(locale) or names["zh_CN"]
