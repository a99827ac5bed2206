"""Content admins write in several languages: category names and priority
definitions, with the default text as the fallback."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from escalations.models import PriorityDefinition
from escalations.templatetags.sla import business_duration
from tests.factories import CategoryFactory, TicketFactory
from tickets.admin import CategoryForm

pytestmark = pytest.mark.django_db


def test_a_category_reads_in_the_active_language_with_the_default_as_fallback():
    category = CategoryFactory(name="Network", translations={"pl": {"name": "Sieć"}})

    with translation.override("pl"):
        assert str(category) == "Sieć"
    with translation.override("fr"):
        assert str(category) == "Network"
    with translation.override("pl"):
        assert category.display_description == category.description


def test_requesters_see_category_names_in_their_language(client, requester):
    requester.language = "pl"
    requester.save()
    category = CategoryFactory(name="Network", translations={"pl": {"name": "Sieć"}})
    ticket = TicketFactory(category=category, requester_email=requester.email)
    client.force_login(requester)

    detail = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    form = client.get(reverse("tickets:create")).content.decode()

    assert "Sieć" in detail
    assert ">Sieć</option>" in form


def test_api_lists_categories_and_priority_definitions_in_the_readers_language(api_as, requester):
    requester.language = "ru"
    requester.save()
    CategoryFactory(name="Network", translations={"ru": {"name": "Сеть"}})
    client = api_as(requester)

    categories = client.get("/api/v1/categories/").json()
    definitions = client.get("/api/v1/priority-definitions/").json()
    categories = categories["results"] if isinstance(categories, dict) else categories
    definitions = definitions["results"] if isinstance(definitions, dict) else definitions

    assert [c["name"] for c in categories] == ["Сеть"]
    p1 = next(d for d in definitions if d["priority"] == "P1")
    assert p1["name"] == "Критический"  # the default definitions come translated


def test_default_priority_definitions_carry_the_catalogs_translations():
    p4 = PriorityDefinition.objects.get(priority="P4")

    assert p4.translations["fr"]["name"] == "Basse"
    with translation.override("nl"):
        assert p4.display_example == "Een typfout op de orderbevestigingspagina."


def test_admin_form_keeps_one_field_per_language_in_the_translations_map():
    form = CategoryForm(
        data={
            "name": "Network",
            "description": "",
            "is_active": "on",
            "name__pl": "Sieć",
            "name__ru": "Сеть",
            "description__ru": "  ",
        }
    )

    assert form.is_valid(), form.errors
    category = form.save()
    assert category.translations == {"pl": {"name": "Sieć"}, "ru": {"name": "Сеть"}}
    again = CategoryForm(instance=category)
    assert again.fields["name__pl"].initial == "Sieć"


def test_translations_of_unknown_languages_are_refused():
    from django.core.exceptions import ValidationError

    category = CategoryFactory.build(name="X", translations={"de": {"name": "Netz"}})
    with pytest.raises(ValidationError):
        category.full_clean()


def test_business_durations_read_in_the_active_language():
    with translation.override("ru"):
        assert business_duration(timedelta(hours=27, minutes=5)) == "27 ч 05 мин"
    with translation.override("en"):
        assert business_duration(timedelta(hours=27, minutes=5)) == "27h 05m"
        assert business_duration(timedelta(minutes=45)) == "45m"


def test_admins_write_a_priority_definition_in_each_language(client, admin_user):
    definition = PriorityDefinition.objects.get(priority="P2")
    client.force_login(admin_user)
    url = reverse("admin:escalations_prioritydefinition_change", args=[definition.pk])

    page = client.get(url)
    answer = client.post(
        url,
        {
            "priority": "P2",
            "name": "High",
            "description": "Many users cannot work.",
            "example": "",
            "name__pl": "Wysoki",
            "description__pl": "Wielu użytkowników nie może pracować.",
        },
    )

    assert page.status_code == 200
    assert "Polski" in page.content.decode() or "Polish" in page.content.decode()
    assert answer.status_code == 302
    definition.refresh_from_db()
    assert definition.translations == {
        "pl": {"name": "Wysoki", "description": "Wielu użytkowników nie może pracować."}
    }


def test_translated_names_cost_no_queries(client, agent):
    """The queue in Polish runs the same queries as in English."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    category = CategoryFactory(name="Network", translations={"pl": {"name": "Sieć"}})
    for _ in range(3):
        TicketFactory(category=category, team=agent.teams.first())
    client.force_login(agent)
    counts = {}
    for language in ("en", "pl"):
        agent.language = language
        agent.save()
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("tickets:queue")).content.decode()
        counts[language] = len(queries)
        assert ("Sieć" in body) is (language == "pl")
    assert counts["pl"] == counts["en"]


def test_every_field_an_admin_sees_has_a_translatable_label():
    """Admin forms, lists and filters label fields with ``verbose_name``: a label
    left to Django (the field's name) stays English in every language."""
    from django.contrib import admin
    from django.utils.functional import Promise

    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model in admin.site._registry
        if model._meta.app_label in {"tickets", "escalations", "notifications", "reports"}
        for field in model._meta.get_fields()
        if field.concrete
        and not field.auto_created
        and field.name not in {"id", "search_vector"}
        and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []
