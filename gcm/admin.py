from django.contrib import admin
from django.http import HttpRequest

from gcm.models import Country, DocumentType, GuidingPrinciple, Language, Objective, ObjectiveAction, Region


class ObjectiveActionInline(admin.TabularInline):
    model = ObjectiveAction
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    """Staff edit commitments and actions; the identity of an objective is fixed by the GCM."""

    list_display = ("position", "key", "short_title", "title")
    readonly_fields = ("key", "number", "position")
    fields = ("key", "number", "position", "short_title", "title", "commitment", "commitment_reference", "related")
    filter_horizontal = ("related",)
    inlines = [ObjectiveActionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Objective | None = None) -> bool:
        return False


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "iso2", "iso3", "region")
    list_filter = ("region",)
    search_fields = ("name", "iso2", "iso3")


admin.site.register([GuidingPrinciple, Region, DocumentType, Language])
