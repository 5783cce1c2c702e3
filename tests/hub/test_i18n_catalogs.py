"""Every catalog complete: each message of the five translated languages has a translation that is
not fuzzy, and says the same placeholders as its English (``%(name)s``, ``%d``, ``{name}``).

These fail until the translators have filled ``locale/<locale>/LC_MESSAGES/{django,djangojs}.po``
(docs/i18n.md, "Contributing translations"); each failure lists the entries still to do. That the
catalogs hold exactly the messages of the code is checked in ``test_i18n_catalog_shape.py``.
"""

import re

import pytest
from babel.messages.catalog import Message

from hub import catalogs

TRANSLATED = ("ar", "zh_Hans", "fr", "ru", "es")
CATALOGS = [(locale, domain) for locale in TRANSLATED for domain in catalogs.DOMAINS]

# printf-style (python-format, and the %(name)s of the JavaScript's interpolate()), then braces.
PERCENT = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_][\w.]*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """(named placeholders sorted, positional placeholders in order) of ``text``."""
    named, positional = [], []
    for match in PERCENT.finditer(text.replace("%%", "")):
        if match.group("name") is not None:
            named.append(match.group("name"))
        else:
            positional.append(match.group(0)[-1])
    named += [f"{{{match.group('name')}}}" for match in BRACES.finditer(text)]
    return sorted(named), positional


def describe(message: Message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    context = f"[{message.context}] " if message.context else ""
    return f"{context}{msgid!r} ({', '.join(location for location, _ in message.locations)})"


def messages_of(locale: str, domain: str) -> list[Message]:
    return [message for message in catalogs.read_catalog(catalogs.catalog_path(locale, domain), locale) if message.id]


def placeholder_mismatch(message: Message, num_plurals: int) -> str | None:
    """Why ``message``'s translations do not carry its English placeholders, or None."""
    strings = catalogs.strings_of(message)
    if isinstance(message.id, str):
        expected = placeholders(message.id)
        if strings[0] and placeholders(strings[0]) != expected:
            return f"says {placeholders(strings[0])}, the English {expected}"
        return None
    singular, plural = placeholders(message.id[0]), placeholders(message.id[1])
    for index, string in enumerate(strings):
        if not string:
            continue
        named, positional = placeholders(string)
        # A form may leave a named value out ("one message"), never add one; positional ones are all needed.
        allowed = sorted(set(singular[0]) | set(plural[0]))
        if not set(named) <= set(allowed) or positional != plural[1]:
            return f"form {index} says {(named, positional)}, the English {plural}"
        if index == num_plurals - 1 and named != plural[0]:
            return f"its last form (the general one) says {named}, the English {plural[0]}"
    return None


@pytest.mark.parametrize(("locale", "domain"), CATALOGS)
def test_every_message_is_translated(locale, domain):
    untranslated = [describe(message) for message in messages_of(locale, domain)
                    if not all(catalogs.strings_of(message))]  # fmt: skip
    assert not untranslated, (
        f"{len(untranslated)} messages of locale/{locale}/LC_MESSAGES/{domain}.po are not translated:\n"
        + "\n".join(untranslated)
    )


@pytest.mark.parametrize(("locale", "domain"), CATALOGS)
def test_no_translation_is_fuzzy(locale, domain):
    fuzzy = [describe(message) for message in messages_of(locale, domain) if message.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries in locale/{locale}/LC_MESSAGES/{domain}.po:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize(("locale", "domain"), CATALOGS)
def test_translations_keep_the_placeholders(locale, domain):
    num_plurals = catalogs.read_catalog(catalogs.catalog_path(locale, domain), locale).num_plurals
    wrong = [f"{describe(message)}: {problem}" for message in messages_of(locale, domain)
             if (problem := placeholder_mismatch(message, num_plurals)) is not None]  # fmt: skip
    assert not wrong, f"placeholders differ in locale/{locale}/LC_MESSAGES/{domain}.po:\n" + "\n".join(wrong)


class TestTheChecksThemselves:
    """The placeholder check catches what it must (so the tests above can fail for that reason)."""

    def message(self, msgid, string, *, plural=None, strings=None):
        if plural is None:
            return Message(msgid, string, flags=["python-format"])
        return Message((msgid, plural), tuple(strings), flags=["python-format"])

    def test_placeholders_are_read_in_every_spelling(self):
        assert placeholders("%(count)d new messages in %(space)s, %s and %d; 100%% {name} {{literal}}") == (
            ["count", "space", "{name}"],
            ["s", "d"],
        )

    def test_a_dropped_renamed_or_added_placeholder_is_caught(self):
        assert placeholder_mismatch(self.message("Hello %(name)s", "Bonjour %(nom)s"), 2) is not None
        assert placeholder_mismatch(self.message("Hello %(name)s", "Bonjour"), 2) is not None
        assert placeholder_mismatch(self.message("Hello", "Bonjour %s"), 2) is not None
        assert placeholder_mismatch(self.message("Hello {name}", "Bonjour {nom}"), 2) is not None
        assert placeholder_mismatch(self.message("Hello %(name)s", "Bonjour %(name)s"), 2) is None
        assert placeholder_mismatch(self.message("Hello %(name)s", ""), 2) is None  # untranslated: the other test

    def test_plural_forms_may_leave_the_count_out_of_a_form_but_not_the_general_one(self):
        one, many = "%(count)d message in %(space)s", "%(count)d messages in %(space)s"
        ok = ["رسالة في %(space)s", "%(count)d", "%(count)d", "%(count)d", "%(count)d", "%(count)d %(space)s"]
        assert placeholder_mismatch(self.message(one, None, plural=many, strings=ok), 6) is None
        bad = [*ok[:5], "رسائل في %(space)s"]
        assert placeholder_mismatch(self.message(one, None, plural=many, strings=bad), 6) is not None
        added = ["%(count)d %(who)s", *ok[1:]]
        assert placeholder_mismatch(self.message(one, None, plural=many, strings=added), 6) is not None
