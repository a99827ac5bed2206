from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import DataRegion


class EraseForm(forms.Form):
    email = forms.EmailField(label=_("Requester's e-mail address"), max_length=254)
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
        help_text=_(
            "The name and address are replaced by a pseudonym in every ticket, comment, "
            "notification and log; files are deleted and the account is deactivated."
        ),
    )


class ExportForm(forms.Form):
    email = forms.EmailField(label=_("Requester's e-mail address"), max_length=254)
    region = forms.ChoiceField(
        label=_("Data region"),
        choices=[("", _("All regions")), *DataRegion.choices],
        required=False,
        help_text=_("Only tickets of organizations in this region."),
    )
