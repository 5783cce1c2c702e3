from django import template
from django.template.context import Context
from django.template.engine import Engine
from django.utils.safestring import SafeString

from hub.sections import sections_of

register = template.Library()


@register.simple_tag(takes_context=True)
def page_sections(context: Context, page: str) -> SafeString:
    """Every section registered for ``page``, in order, each as its template renders it (escaped
    there) with the page's context and the section's own."""
    engine = context.template.engine if context.template is not None else Engine.get_default()
    page_context = {str(key): value for key, value in context.flatten().items()}
    rendered = []
    for section in sections_of(page):
        extra = section.context_function(context["request"], page_context) if section.context_function else {}
        with context.push(**extra):
            rendered.append(engine.get_template(section.template_name).render(context))
    return SafeString("".join(rendered))
