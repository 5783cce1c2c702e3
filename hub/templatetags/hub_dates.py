"""``{{ value|localized:"yMMMEd Hm" }}``: a date or time in the active language's own way (CLDR, Babel).

Django's per-language formats name a few shapes (``DATE_FORMAT``, ``DATETIME_FORMAT``…); a weekday
with an abbreviated month and a time has none, and an explicit ``date:"D j M Y, H:i"`` keeps the
English order in every language ("周一 30 11月 2026"). This filter takes a CLDR skeleton (the fields
wanted, in any order: the language decides order and punctuation) or a style, for the date, then
optionally one for the time, separated by a space: ``"yMMMEd Hm"`` → "lun. 30 nov. 2026, 14:05",
"2026年11月30日周一 14:05", "الاثنين، 30 نوفمبر 2026، 14:05".
Styles: ``full``, ``long``, ``medium``, ``short``. Aware datetimes are shown in the current time zone
(``{% timezone %}``), as Django's ``date`` filter does. English keeps the Hub's house style
(``ENGLISH``: Django's formats, "Mon 30 Nov 2026, 14:05").
"""

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, get_datetime_format
from django import template
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

register = template.Library()

_STYLES = {"full", "long", "medium", "short"}
# English keeps the Hub's house style (Django's date formats, day before month: "Fri 4 Dec 2026, 15:00").
ENGLISH = {
    "yMMMEd Hm": "D j M Y, H:i",
    "MMMEd Hm": "D j M, H:i",
    "MMMd Hm": "j M H:i",
    "Hm": "H:i",
    "full": "l j F Y",
    "full Hm": "l j F Y, H:i",
    "long Hm": "j F Y, H:i",
}


def babel_locale() -> Locale:
    """The active language as Babel's locale (``zh-hans`` → ``zh_Hans``); English when unknown."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    language, _, script = code.partition("-")
    try:
        return Locale.parse(f"{language}_{script.title()}" if script else language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _part(value: dt.datetime | dt.date, pattern: str, locale: Locale, *, time: bool) -> str:
    if pattern in _STYLES:
        if time and isinstance(value, dt.datetime):
            return format_time(value, pattern, locale=locale)
        return format_date(value, pattern, locale=locale)
    return format_skeleton(pattern, value, locale=locale)


@register.filter
def localized(value: dt.datetime | dt.date | None, patterns: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if translation.get_language() in (None, "en") and patterns in ENGLISH:
        return date_format(value, ENGLISH[patterns])
    locale = babel_locale()
    date_pattern, _, time_pattern = patterns.partition(" ")
    if date_pattern == "Hm" and not time_pattern:  # a time alone
        return _part(value, date_pattern, locale, time=True)
    shown_date = _part(value, date_pattern, locale, time=False)
    if not time_pattern or not isinstance(value, dt.datetime):
        return shown_date
    shown_time = _part(value, time_pattern, locale, time=True)
    return str(get_datetime_format("medium", locale=locale)).replace("{1}", shown_date).replace("{0}", shown_time)
