"""Template helpers: labels defined at import time are translated when shown."""

from django.utils.functional import Promise
from django.utils.translation import gettext

from escalations.templatetags import sla


def test_badge_labels_are_translated_when_rendered_not_at_import():
    for _css, label in sla.BADGES.values():
        assert isinstance(label, Promise), label


def test_badge_shows_its_label():
    class Clock:
        metric = "resolution"

        def get_metric_display(self):
            return "Resolution"

    html = sla.sla_badge(Clock(), state="at_risk")
    assert f"RES {gettext('at risk')}" in html
    assert 'data-state="at_risk"' in html
