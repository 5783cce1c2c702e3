"""Dates in each language's own order (CLDR through Babel): ``{{ value|localized:"…" }}``, used where
Django's per-language formats have no name for the shape (a weekday, a short month and a time)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from hub.templatetags.hub_dates import localized

STARTS = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Fri 4 Dec 2026, 15:00"), ("fr", "ven. 4 déc. 2026, 15:00"), ("zh-hans", "2026年12月4日周五 15:00"),
     ("ar", "الجمعة، 4 ديسمبر 2026، 15:00"), ("es", "vie, 4 dic 2026, 15:00"),
     ("ru", "пт, 4 дек. 2026\u202fг., 15:00")],  # noqa: RUF001  (Cyrillic, a narrow no-break space)
)  # fmt: skip
def test_a_weekday_date_and_time_in_each_language(language, shown):
    with translation.override(language):
        assert localized(STARTS, "yMMMEd Hm") == shown


def test_full_dates_times_and_the_current_time_zone():
    with translation.override("es"):
        assert localized(STARTS.date(), "full") == "viernes, 4 de diciembre de 2026"
        assert localized(STARTS, "Hm") == "15:00"
        with timezone.override("America/New_York"):
            assert localized(STARTS, "full Hm") == "viernes, 4 de diciembre de 2026, 10:00"
    with translation.override("en"):
        assert localized(STARTS.date(), "full") == "Friday 4 December 2026"  # the Hub's house style
    assert localized(None, "full") == ""


def test_the_filter_in_a_template():
    template = Template(
        '{% load tz hub_dates %}{% timezone "Asia/Tokyo" %}{{ when|localized:"MMMEd Hm" }}{% endtimezone %}'
    )
    with translation.override("zh-hans"):
        assert template.render(Context({"when": STARTS})) == "12月5日周六 00:00"
