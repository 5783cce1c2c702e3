from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import demo
        from hub.demo import register_seeder

        # First: every other part of the demo needs people.
        register_seeder("users", demo.seed_users, demo.user_steps, order=10, counts=(demo.USERS,),
                        already_seeded=demo.staff_user_exists, notice=demo.login_notice)  # fmt: skip
