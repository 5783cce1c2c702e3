from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import demo
        from accounts.services import tokens_revoked
        from accounts.session_credentials import sessions_revoked
        from hub.demo import register_seeder
        from realtime.credentials import register_credential_check

        # Sockets opened with a token that is gone close on the next access re-check, even if
        # the revocation's envelope was lost.
        register_credential_check(tokens_revoked)
        # And those opened with a session whose password has changed since (or whose user is gone).
        register_credential_check(sessions_revoked)
        # First: every other part of the demo needs people.
        register_seeder("users", demo.seed_users, demo.user_steps, order=10, counts=(demo.USERS,),
                        already_seeded=demo.staff_user_exists, notice=demo.login_notice)  # fmt: skip
