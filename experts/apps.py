from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "experts"

    def ready(self) -> None:
        from experts import demo
        from experts.sections import register_sections
        from hub.demo import register_seeder

        register_sections()

        # After the users (accounts, order 10): some profiles, submissions and the roster are
        # theirs; before discussions (50).
        register_seeder("experts", demo.seed_experts, demo.expert_steps, order=20,
                        counts=(demo.EXPERTS, demo.RESOURCES), already_seeded=demo.demo_experts_exist)  # fmt: skip
