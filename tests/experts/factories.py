from factory.declarations import LazyAttribute, Sequence
from factory.django import DjangoModelFactory
from factory.faker import Faker

from experts.models import Expert, Resource


class ExpertFactory(DjangoModelFactory[Expert]):
    """``ExpertFactory.create(...)``; without ``user`` the profile belongs to no account."""

    class Meta:
        model = Expert

    name = Faker("name")
    title = "Migration policy adviser"
    organization = Sequence(lambda n: f"Organization {n}")
    bio = "Works on labour migration and fair recruitment."
    email = LazyAttribute(lambda expert: f"expert-{expert.organization.split()[-1]}@experts.example")
    objectives = LazyAttribute(lambda _: ["6"])
    regions = LazyAttribute(lambda _: ["africa"])
    countries = LazyAttribute(lambda _: ["KE"])
    languages = LazyAttribute(lambda _: ["en"])
    available_for = LazyAttribute(lambda _: ["advisory"])


class ResourceFactory(DjangoModelFactory[Resource]):
    """An approved document unless told otherwise."""

    class Meta:
        model = Resource

    kind = Resource.Kind.DOCUMENT
    title = Sequence(lambda n: f"Guidelines on fair recruitment, volume {n}")
    summary = "Practical guidance for labour ministries and recruiters."
    url = "https://www.example.org/guidelines.pdf"
    document_type_id = "report"
    objectives = LazyAttribute(lambda _: ["6"])
    regions = LazyAttribute(lambda _: ["africa"])
    languages = LazyAttribute(lambda _: ["en"])
    scope = Resource.Scope.REGIONAL
    organization = "International Labour Organization"
    status = Resource.Status.APPROVED
