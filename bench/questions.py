"""Choosing the experts of a question (``experts.questions.selectors.experts_to_ask``) on a seeded
directory: the one statement the question's Celery task runs, timed.

Run against a database of your own that ``seed_demo --experts N`` filled and where some experts
have accounts (only they can be asked):

    DATABASE_URL=postgres://…/hub_x DEBUG=1 python -m bench.questions [--asks 2000] [--runs 30]

It records ``--asks`` earlier asks spread over the last 40 days (what fairness counts), then times
``--runs`` selections of a few typical questions each (median and p95, milliseconds) and prints
the statement's ``EXPLAIN ANALYZE`` for the slowest question. Nothing runs in a request: the
numbers say how long a question's task holds its transaction.
"""

import argparse
import os
import statistics
import time
from datetime import timedelta

QUESTIONS = (
    "@objective-9-experts how do we screen for smuggling at sea crossings?",
    "@objective-9-experts Who has data on prosecutions of smuggling networks in West Africa and their outcomes?",
    "@objective-9-experts help",
    "@objective-9-experts migrant smuggling trafficking labour recruitment fees remittances return"
    " readmission detention alternatives children gender climate displacement",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--asks", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from discussions.models import Message, Space
    from experts.models import Expert, ExpertAsk, ExpertQuestion
    from experts.questions.selectors import experts_to_ask

    now = timezone.now()
    candidates = list(
        Expert.objects.filter(user__isnull=False, objectives__overlaps=["9"]).values_list("pk", flat=True)
    )
    print(f"experts: {Expert.objects.count()}, with an account and objective 9: {len(candidates)}")
    with transaction.atomic():
        space = Space.objects.order_by("pk").first()
        author = Expert.objects.filter(user__isnull=False).first().user  # type: ignore[union-attr]
        assert space is not None and author is not None
        ExpertAsk.objects.filter(question__message__body="bench").delete()
        ExpertQuestion.objects.filter(message__body="bench").delete()
        Message.objects.filter(body="bench").delete()
        seq = space.last_seq
        messages = Message.objects.bulk_create(
            [
                Message(space=space, seq=seq + n + 1, author=author, body="bench", html="")
                for n in range(args.asks // 25)
            ]
        )
        space.last_seq = seq + len(messages)
        space.save(update_fields=["last_seq"])
        questions = ExpertQuestion.objects.bulk_create(
            [ExpertQuestion(message=m, asker=author, groups=["objective-9-experts"], objectives=["9"],
                            created_at=now - timedelta(days=n % 40), notified_at=now) for n, m in enumerate(messages)]
        )  # fmt: skip
        ExpertAsk.objects.bulk_create(
            [
                ExpertAsk(question=q, expert_id=candidates[(i * 25 + k * 7) % len(candidates)], position=k + 1,
                          relevance=0, recent_asks=0, created_at=q.created_at)
                for i, q in enumerate(questions) for k in range(25)
            ],
            ignore_conflicts=True,
        )  # fmt: skip
    print(f"asks recorded over the last 40 days: {ExpertAsk.objects.count()}")
    slowest = (0.0, "")
    for text in QUESTIONS:
        times = []
        chosen = []
        for _ in range(args.runs):
            start = time.perf_counter()
            chosen = experts_to_ask(objective_keys=["9"], text=text, asker_id=author.pk, now=now)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{len(chosen):2d} chosen · median {statistics.median(times):7.1f} ms · p95 {p95:7.1f} ms · {text[:60]!r}"
        )
        slowest = max(slowest, (p95, text))
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        experts_to_ask(objective_keys=["9"], text=slowest[1], asker_id=author.pk, now=now)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + captured.captured_queries[-1]["sql"])
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
