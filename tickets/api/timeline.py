"""The API's serializers of a ticket's timeline: comments with their attachments,
the audit trail, and the writes that add to it (a reply, a copied address, a
status change)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import StrictFieldsMixin
from tickets import notes
from tickets.api.serializers import UserSummarySerializer
from tickets.models import Attachment, Comment, Status, TicketEvent


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        """The permission-checked download (a session or token may fetch it)."""
        return reverse("tickets:attachment", args=[obj.pk])


class CommentSerializer(serializers.ModelSerializer):
    author = UserSummarySerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "is_public", "created_at", "attachments"]
        read_only_fields = ["id", "author", "created_at", "attachments"]


class CommentCreateSerializer(StrictFieldsMixin, serializers.Serializer):
    body = serializers.CharField(max_length=50_000)
    is_public = serializers.BooleanField(default=True)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="Files (multipart/form-data); limits and types as the site sets them.",
    )


class CcSerializer(StrictFieldsMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class TicketEventSerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(read_only=True, allow_null=True)
    note = serializers.SerializerMethodField(
        help_text="The note in the request's language (the profile's, else Accept-Language); "
        "a system note's times are in the user's time zone."
    )
    note_key = serializers.CharField(
        read_only=True,
        help_text="Message id of a note the system wrote (e.g. `sla.due`); empty for a "
        "person's note or an older entry, whose `note` is the text as written.",
    )
    note_params = serializers.JSONField(
        read_only=True,
        help_text="The values of a system note, for clients that render it themselves: "
        "instants as ISO 8601 (UTC), durations in seconds, choices as codes (`metric`: "
        "`first_response`, `level`: `L2` ...), names as they are; a nested note as "
        "`{key, params}`. Empty object for a person's note.",
    )

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "field",
            "old_value",
            "new_value",
            "note",
            "note_key",
            "note_params",
            "actor",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_note(self, event: TicketEvent) -> str:
        return notes.render_event(event)


class TransitionSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(max_length=2_000, required=False, allow_blank=True, default="")
    note_public = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Show the note to the requester (internal by default).",
    )
