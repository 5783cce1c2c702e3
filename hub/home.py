"""The home page's sections, which apps contribute (``register_home_section``); see ``hub.sections``."""

from hub.sections import Section, SectionContext, register_section, sections_of

HOME = "home"


def register_home_section(template_name: str, context_function: SectionContext | None = None, *, order: int) -> None:
    """Add a section to the home page, below its introduction. Call from ``AppConfig.ready()``."""
    register_section(HOME, template_name, context_function, order=order)


def home_sections() -> list[Section]:
    return sections_of(HOME)
