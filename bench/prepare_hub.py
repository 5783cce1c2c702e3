"""Prepares the Hub's benchmark database: one public space, N members with tokens. Prints the tokens.

Run with the benchmark's DATABASE_URL/REDIS_URL: ``python -m bench.prepare_hub N``.
"""

import json
import os
import secrets
import sys

import django


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from discussions.models import Membership, Message, Space

    space, _ = Space.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    Message.objects.filter(space=space).delete()
    Space.objects.filter(pk=space.pk).update(last_seq=0)
    existing = User.objects.filter(username__startswith="bench-").count()
    if existing < count:
        users = User.objects.bulk_create(
            User(username=f"bench-{index}", email=f"bench-{index}@bench.example", password="!")  # noqa: S106
            for index in range(existing, count)
        )
        Token.objects.bulk_create(Token(user=user, key=secrets.token_hex(20)) for user in users)
        Membership.objects.bulk_create(Membership(space=space, user=user) for user in users)
    tokens = dict(Token.objects.filter(user__username__startswith="bench-").values_list("user__username", "key"))
    print(json.dumps([tokens[f"bench-{index}"] for index in range(count)]))


if __name__ == "__main__":
    main(int(sys.argv[1]))
