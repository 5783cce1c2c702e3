from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from hub.demo import DEMO_STAFF_USERNAME, DEMO_USER_PASSWORD, SEEDERS, DemoOptions, demo_already_seeded, seed_demo


class Command(BaseCommand):
    help = "Fill a fresh Hub with realistic demo users and content (deterministic with --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2018, help="Random seed; the same seed, the same Hub.")
        parser.add_argument("--users", type=int, default=60, help="How many demo users besides the staff user.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if demo data is already loaded.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, **options):
        if demo_already_seeded():
            if options["if_empty"]:
                self.stdout.write("Demo data is already loaded.")
                self._print_login()
                return
            raise CommandError("Demo data is already loaded (the demo staff user exists); use a fresh database.")
        demo = DemoOptions(seed=options["seed"], users=options["users"])
        total = sum(count(demo) for _name, _seeder, count in SEEDERS)
        with tqdm(total=total, desc="Seeding demo data", disable=options["no_progress"]) as bar:
            seed_demo(demo, progress=bar.update)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self._print_login()

    def _print_login(self) -> None:
        self.stdout.write(
            f"Staff login: username {DEMO_STAFF_USERNAME!r}, password {DEMO_USER_PASSWORD!r} "
            "(every demo user has the same password)."
        )
