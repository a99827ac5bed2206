"""The post-escalation review form."""

from crispy_forms.layout import Column, Row
from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from escalations.forms.widgets import form_helper
from escalations.models import Escalation, EscalationReview
from escalations.services.reviews import REVIEW_FIELDS, REVIEW_REQUIRED

RATINGS = [
    ("", "—"),
    (1, _("1 - poor")),
    (2, _("2 - weak")),
    (3, _("3 - fair")),
    (4, _("4 - good")),
    (5, _("5 - excellent")),
]


def rating_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(coerce=int, choices=RATINGS, empty_value=None)


class ReviewForm(forms.ModelForm):
    """The post-escalation review; the service says what it needs."""

    effectiveness = rating_field()
    handoff_quality = rating_field()
    customer_satisfaction = rating_field()

    class Meta:
        model = EscalationReview
        fields = list(REVIEW_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "root_cause",
                "what_helped",
                "what_hindered",
                "lessons_learned",
                "preventive_actions",
            )
        }

    def __init__(self, *args, escalation: Escalation, **kwargs):
        kwargs.setdefault("auto_id", "id_review_%s")
        super().__init__(*args, **kwargs)
        for name in ("effectiveness", "handoff_quality", "customer_satisfaction"):
            self.fields[name].label = capfirst(EscalationReview._meta.get_field(name).verbose_name)
        for name in REVIEW_REQUIRED:
            self.fields[name].required = True
        # Like the ratings: nothing picked yet is a dash, not Django's "---------".
        category = self.fields["root_cause_category"]
        category.choices = [("", "—"), *[c for c in category.choices if c[0] != ""]]
        self.helper = form_helper(
            "review-form",
            reverse("escalations:review", args=[escalation.pk]),
            Row(Column("root_cause", css_class="col-md-8"), Column("root_cause_category")),
            Row(Column("what_helped"), Column("what_hindered")),
            Row(Column("lessons_learned"), Column("preventive_actions")),
            Row(Column("problem_reference", css_class="col-md-4")),
            Row(
                Column("effectiveness"), Column("handoff_quality"), Column("customer_satisfaction")
            ),
            button=_("Submit the review"),
        )

    def _post_clean(self):
        # The service validates and saves the review; don't touch the instance here.
        pass
