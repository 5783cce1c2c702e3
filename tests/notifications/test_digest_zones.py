"""When a digest is due: at the user's hour in their zone (UTC+9, UTC-5, UTC+5:30, Paris across
both DST changes), a missed tick caught up, never twice within one local day (a zone or hour
changed mid-day included). Hourly ticks are driven with an explicit ``now`` (the task's argument)
or frozen time."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from notifications.digest import digest_due_user_ids, digests_send, local_day
from notifications.models import DigestDelivery, Notification, NotificationPreference
from notifications.tasks import send_daily_digests
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def digest_user(zone: str, hour: int, **fields):
    user = UserFactory.create(**fields)
    NotificationPreference.objects.create(
        user=user, email=NotificationPreference.Email.DAILY_DIGEST, timezone=zone, digest_hour=hour
    )
    return user


def had_digest(user, local: dt.datetime) -> None:
    """A digest sent at ``local`` (an aware time in the user's zone then)."""
    DigestDelivery.objects.create(
        user=user, day=local.date(), covers_until=local.astimezone(UTC), state=DigestDelivery.State.SENT
    )


def ticks(start: dt.datetime, hours: int) -> list[dt.datetime]:
    return [start + dt.timedelta(hours=step) for step in range(hours)]


def run_ticks(moments: list[dt.datetime]) -> dict[int, list[dt.datetime]]:
    """Each tick claims (and sends, or records empty) what is due then: user id -> the ticks that did."""
    claimed: dict[int, list[dt.datetime]] = {}
    for now in moments:
        due = digest_due_user_ids(now)
        digests_send(user_ids=due, now=now)
        for user_id in due:
            claimed.setdefault(user_id, []).append(now)
    return claimed


def test_each_zone_gets_its_digest_at_its_own_local_hour_once(smtp_server):
    tokyo = digest_user("Asia/Tokyo", 9)  # UTC+9
    new_york = digest_user("America/New_York", 8)  # UTC-5 in December
    kolkata = digest_user("Asia/Kolkata", 9)  # UTC+5:30: 09:00 falls between two ticks
    london = digest_user("UTC", 7)
    had_digest(tokyo, dt.datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("Asia/Tokyo")))
    had_digest(new_york, dt.datetime(2026, 11, 30, 8, tzinfo=ZoneInfo("America/New_York")))
    had_digest(kolkata, dt.datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("Asia/Kolkata")))
    had_digest(london, dt.datetime(2026, 11, 30, 7, tzinfo=UTC))
    claimed = run_ticks(ticks(dt.datetime(2026, 11, 30, 14, tzinfo=UTC), 34))
    assert claimed == {
        tokyo.pk: [dt.datetime(2026, 12, 1, 0, tzinfo=UTC)],  # 09:00 in Tokyo
        kolkata.pk: [dt.datetime(2026, 12, 1, 4, tzinfo=UTC)],  # 09:30 in Kolkata, the first tick past 09:00
        london.pk: [dt.datetime(2026, 12, 1, 7, tzinfo=UTC)],
        new_york.pk: [dt.datetime(2026, 12, 1, 13, tzinfo=UTC)],  # 08:00 in New York
    }
    days = dict(
        DigestDelivery.objects.filter(covers_until__gte=dt.datetime(2026, 12, 1, tzinfo=UTC)).values_list(
            "user_id", "day"
        )
    )
    assert days == {user.pk: dt.date(2026, 12, 1) for user in (tokyo, new_york, kolkata, london)}


def test_the_local_date_is_the_claims_day_not_the_utc_one():
    # 20:00 UTC on 30 November is already 1 December in Tokyo, still 30 November in New York.
    now = dt.datetime(2026, 11, 30, 20, tzinfo=UTC)
    assert local_day("Asia/Tokyo", now).day == dt.date(2026, 12, 1)
    assert local_day("America/New_York", now).day == dt.date(2026, 11, 30)
    assert local_day("Asia/Kolkata", now).hour == 1  # 01:30
    assert local_day("Asia/Tokyo", now).midnight == dt.datetime(2026, 11, 30, 15, tzinfo=UTC)


def test_nothing_is_due_before_the_local_hour_and_a_missed_tick_is_caught_up_once(smtp_server, time_machine):
    tokyo = digest_user("Asia/Tokyo", 9)
    had_digest(tokyo, dt.datetime(2026, 11, 30, 9, tzinfo=ZoneInfo("Asia/Tokyo")))
    time_machine.move_to(dt.datetime(2026, 11, 30, 23, 59, tzinfo=UTC), tick=False)  # 08:59 in Tokyo
    assert digest_due_user_ids() == []
    Notification.objects.create(recipient=tokyo, kind=Notification.Kind.MENTION, title="You were mentioned",
                                source_key="message:1")  # fmt: skip
    # The ticks at 00:00, 01:00 and 02:00 UTC were missed (beat was down); 03:00 UTC is 12:00 in Tokyo.
    time_machine.move_to(dt.datetime(2026, 12, 1, 3, tzinfo=UTC), tick=False)
    assert digest_due_user_ids() == [tokyo.pk]
    assert send_daily_digests() == 1
    [mail] = smtp_server.messages
    assert "You were mentioned" in mail.text
    for hour in (4, 10, 14):  # 14:00 UTC is 23:00 in Tokyo: the same local day
        time_machine.move_to(dt.datetime(2026, 12, 1, hour, tzinfo=UTC), tick=False)
        assert send_daily_digests() == 0
    assert len(smtp_server.messages) == 1
    time_machine.move_to(dt.datetime(2026, 12, 2, 0, tzinfo=UTC), tick=False)  # the next local day, at 09:00
    assert digest_due_user_ids() == [tokyo.pk]


@pytest.mark.parametrize(
    ("day", "hour", "expected_tick"),
    [
        # Spring forward (29 March 2026, 02:00 CET -> 03:00 CEST): there is no 02:00, the 03:00 tick sends.
        (dt.date(2026, 3, 29), 2, dt.datetime(2026, 3, 29, 1, tzinfo=UTC)),
        (dt.date(2026, 3, 29), 3, dt.datetime(2026, 3, 29, 1, tzinfo=UTC)),
        (dt.date(2026, 3, 29), 4, dt.datetime(2026, 3, 29, 2, tzinfo=UTC)),
        # Fall back (25 October 2026, 03:00 CEST -> 02:00 CET): 02:00 comes twice, only the first sends.
        (dt.date(2026, 10, 25), 2, dt.datetime(2026, 10, 25, 0, tzinfo=UTC)),
        (dt.date(2026, 10, 25), 3, dt.datetime(2026, 10, 25, 2, tzinfo=UTC)),
    ],
)
def test_a_dst_change_in_europe_gives_one_digest_that_day(smtp_server, day, hour, expected_tick):
    paris = ZoneInfo("Europe/Paris")
    user = digest_user("Europe/Paris", hour)
    had_digest(user, dt.datetime.combine(day - dt.timedelta(days=1), dt.time(hour), tzinfo=paris))
    start = dt.datetime.combine(day, dt.time(0), tzinfo=paris).astimezone(UTC)  # local midnight
    claimed = run_ticks(ticks(start, 23))  # the whole local day (23 or 25 hours long) but its last hour or so
    assert claimed == {user.pk: [expected_tick]}
    assert DigestDelivery.objects.filter(user=user, day=day).count() == 1


def test_moving_west_mid_day_brings_no_second_digest_within_one_local_day(smtp_server):
    user = digest_user("Asia/Tokyo", 9)  # their first digest
    assert run_ticks([dt.datetime(2026, 12, 1, 0, tzinfo=UTC)]) == {user.pk: [dt.datetime(2026, 12, 1, 0, tzinfo=UTC)]}
    # Sent at 09:00 on 1 December in Tokyo; then they move to New York, where it is 19:00 on 30
    # November: past 08:00 and no claim of 30 November, but a digest was sent during that day there.
    NotificationPreference.objects.filter(user=user).update(timezone="America/New_York", digest_hour=8)
    claimed = run_ticks(ticks(dt.datetime(2026, 12, 1, 1, tzinfo=UTC), 37))
    # Nothing more on New York's 30 November. New York's 1 December is the date Tokyo's digest
    # claimed (unique per user and day): that one is skipped, as documented; 2 December at 08:00.
    assert claimed == {user.pk: [dt.datetime(2026, 12, 2, 13, tzinfo=UTC)]}


def test_moving_east_mid_day_waits_for_the_new_zones_next_day(smtp_server):
    user = digest_user("America/New_York", 8)
    had_digest(user, dt.datetime(2026, 11, 30, 8, tzinfo=ZoneInfo("America/New_York")))
    assert run_ticks([dt.datetime(2026, 12, 1, 13, tzinfo=UTC)]) == {
        user.pk: [dt.datetime(2026, 12, 1, 13, tzinfo=UTC)]
    }
    # Now 22:00 on 1 December in Tokyo, past 09:00: today's digest there came from New York already.
    NotificationPreference.objects.filter(user=user).update(timezone="Asia/Tokyo", digest_hour=9)
    claimed = run_ticks(ticks(dt.datetime(2026, 12, 1, 14, tzinfo=UTC), 11))
    assert claimed == {user.pk: [dt.datetime(2026, 12, 2, 0, tzinfo=UTC)]}  # 09:00 on 2 December in Tokyo


def test_a_later_hour_chosen_after_todays_digest_waits_for_tomorrow(smtp_server):
    user = digest_user("Asia/Kolkata", 9)
    had_digest(user, dt.datetime(2026, 11, 30, 9, 30, tzinfo=ZoneInfo("Asia/Kolkata")))
    assert run_ticks([dt.datetime(2026, 12, 1, 4, tzinfo=UTC)]) == {user.pk: [dt.datetime(2026, 12, 1, 4, tzinfo=UTC)]}
    NotificationPreference.objects.filter(user=user).update(digest_hour=20)
    claimed = run_ticks(ticks(dt.datetime(2026, 12, 1, 5, tzinfo=UTC), 40))
    assert claimed == {user.pk: [dt.datetime(2026, 12, 2, 15, tzinfo=UTC)]}  # 20:30 on 2 December in Kolkata


def test_the_task_acts_at_the_moment_it_is_given(smtp_server):
    tokyo = digest_user("Asia/Tokyo", 9)
    Notification.objects.create(recipient=tokyo, kind=Notification.Kind.MENTION, title="Hello", source_key="message:1")
    assert send_daily_digests(now="2026-11-30T23:00:00+00:00") == 0  # 08:00 in Tokyo
    assert send_daily_digests(now="2026-12-01T00:00:00+00:00") == 1
    assert send_daily_digests(now="2026-12-01T01:00:00+00:00") == 0
    [mail] = smtp_server.messages
    assert mail.rcpt_tos == [tokyo.email]
    assert DigestDelivery.objects.get().day == dt.date(2026, 12, 1)
