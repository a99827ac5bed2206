from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api import StrictFieldsMixin
from reports.privacy.models import ErasureLog, ExportJob
from reports.privacy.services.export import export_link_token
from tickets.models import DataRegion, Organization, RetentionAction, Ticket


class EmailSerializer(StrictFieldsMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text=_("The requester's e-mail address."))


class ExportRequestSerializer(EmailSerializer):
    region = serializers.ChoiceField(
        choices=DataRegion.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Only tickets of organizations in this data region."),
    )


class ErasureLogSerializer(serializers.ModelSerializer):
    erased_by = serializers.StringRelatedField()

    class Meta:
        model = ErasureLog
        fields = [
            "id",
            "erased_at",
            "erased_by",
            "pseudonym",
            "tickets",
            "accounts",
            "files_deleted",
            "rows",
        ]
        read_only_fields = fields


class ExportJobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text=_("Per cent done."))
    download_url = serializers.SerializerMethodField(
        help_text=_("Signed link to the archive, valid until expires_at (ready exports only).")
    )

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "email",
            "region",
            "status",
            "progress",
            "size",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, job: ExportJob) -> str | None:
        if job.status != ExportJob.Status.READY:
            return None
        path = reverse("api:privacy-export-download", args=[job.pk])
        url = f"{path}?token={export_link_token(job)}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class RetentionRowSerializer(serializers.Serializer):
    organization = serializers.CharField()
    organization_id = serializers.IntegerField(allow_null=True)
    days = serializers.IntegerField()
    action = serializers.ChoiceField(choices=RetentionAction.choices[1:])
    tickets = serializers.IntegerField()


class RetentionTotalsSerializer(serializers.Serializer):
    pseudonymise = serializers.IntegerField()
    delete = serializers.IntegerField()


class RetentionPreviewSerializer(serializers.Serializer):
    totals = RetentionTotalsSerializer()
    organizations = RetentionRowSerializer(many=True)


class LegalHoldSerializer(StrictFieldsMixin, serializers.Serializer):
    on = serializers.BooleanField(help_text=_("Set (true) or lift (false) the hold."))
    tickets = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.all(), many=True, required=False, default=list
    )
    organizations = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), many=True, required=False, default=list
    )

    def validate(self, data):
        if not data["tickets"] and not data["organizations"]:
            raise serializers.ValidationError(
                {"tickets": [_("Name at least one ticket or organization.")]}
            )
        return data


class LegalHoldResultSerializer(serializers.Serializer):
    tickets_changed = serializers.IntegerField()
    organizations_changed = serializers.IntegerField()
