from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hub.demo import (
    DEFAULT_SEED,
    DemoOptions,
    demo_already_seeded,
    demo_counts,
    demo_notices,
    demo_parts,
    demo_steps,
    seed_demo,
)


class Command(BaseCommand):
    help = (
        "Fill a fresh Hub with realistic demo users and content (deterministic with --seed). "
        "Each app adds its part, and the counts it takes (--users N, ...)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed; the same seed, the same Hub.")
        for count in demo_counts():
            parser.add_argument(f"--{count.name}", type=int, default=count.default, metavar="N",
                                help=f"{count.help} Default: {count.default}.")  # fmt: skip
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if demo data is already loaded.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_already_seeded():
            if options["if_empty"]:
                self.stdout.write("Demo data is already loaded.")
                self._print_notices()
                return
            raise CommandError("Demo data is already loaded; use a fresh database (or --if-empty).")
        demo = DemoOptions(seed=options["seed"], counts={count.name: options[count.name] for count in demo_counts()})
        parts = ", ".join(part.name for part in demo_parts())
        with tqdm(total=demo_steps(demo), desc=f"Seeding demo data ({parts})", disable=options["no_progress"]) as bar:
            seed_demo(demo, progress=bar.update)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_notices()

    def _print_notices(self) -> None:
        for notice in demo_notices():
            self.stdout.write(notice)
