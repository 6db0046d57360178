"""Factories for test objects; policy content itself comes from fixtures/ via load_policies."""

from __future__ import annotations

import factory

from agencies.models import Agency, User


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TEST-AGENCY-{n}")
    name = factory.LazyAttribute(lambda o: f"Test agency {o.code}")
    kind = Agency.Kind.AGENCY
    level = Agency.Level.FEDERAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.pk")
    password = factory.django.Password("correct horse battery staple")


def user_with_role(role: str, agency_code: str | None = None, **kwargs) -> User:
    agency = Agency.objects.get(code=agency_code) if agency_code else None
    return UserFactory(role=role, agency=agency, **kwargs)
