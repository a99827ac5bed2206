"""Every model of the product is in Django admin, and its list and add pages open."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

APPS = ["tickets", "escalations", "notifications", "reports"]
# Reporting caches: copies of ticket, escalation, clock and stint columns kept by the
# listeners and rebuilt by ``manage.py rebuild_rollups``; nothing in them is an
# admin's to read or change that admin does not show on the originals.
CACHES = {
    "reports.escalationfact",
    "reports.escalationday",
    "reports.clockfact",
    "reports.clockday",
    "reports.resolutionday",
    "reports.stintfact",
    "reports.stintday",
}
MODELS = [
    model
    for label in APPS
    for model in apps.get_app_config(label).get_models()
    if model._meta.label_lower not in CACHES
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_every_model_is_in_admin_on_its_own_or_inline(model):
    inline = {i.model for m in admin.site._registry.values() for i in m.inlines}
    assert admin.site.is_registered(model) or model in inline


def admin_page(client, model, page: str):
    """The model's admin ``page`` (changelist, add); skipped for an inline model."""
    if not admin.site.is_registered(model):
        pytest.skip("shown inline on its parent")
    return client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"))


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_list_and_add_pages_open_for_an_admin(model, admin_client):
    listing = admin_page(admin_client, model, "changelist")
    assert listing.status_code == 200
    assert listing.context["cl"].model is model
    add = admin_page(admin_client, model, "add")
    assert add.status_code in (200, 403)  # 403: rows the system adds, not admins
    if add.status_code == 200:
        assert add.context["adminform"].form._meta.model is model


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label_lower)
def test_add_pages_name_escalade_and_capitalize_their_labels(model, admin_client):
    """Labels begin with a capital like Django's own ("Events:", not "events:")."""
    add = admin_page(admin_client, model, "add")
    if add.status_code != 200:
        pytest.skip("rows the system adds, not admins")
    content = add.content.decode()
    assert "Escalade administration" in content
    assert "Django" not in content.split("<body", 1)[1].split('id="content"', 1)[0]
    for field in add.context["adminform"].form:
        label = str(field.label)
        assert label[:1] == label[:1].upper(), f"{field.name}: {label}"
