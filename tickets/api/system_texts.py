"""API fields of a text kept language-neutral (``tickets.notes.text_fields``):
``<name>`` rendered for the request's reader, ``<name>_key`` and ``<name>_params``
as stored, for clients that render it themselves."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tickets import notes

PARAMS_HELP = (
    "instants as ISO 8601 (UTC), durations in seconds, choices as codes (`metric`: "
    "`first_response`, `level`: `L2` ...), names as they are; a nested note as "
    "`{key, params}`, a list of lines as a list of those."
)


@extend_schema_field(OpenApiTypes.STR)
class RenderedText(serializers.Field):
    """The text for the reader: a system note in the request's language (the
    profile's, else Accept-Language) and the user's time zone; a person's or an
    older row's text as written."""

    def __init__(self, name: str, **kwargs) -> None:
        self.text_name = name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, row) -> str:
        return notes.render_field(row, self.text_name)


def rendered(name: str, what: str) -> RenderedText:
    return RenderedText(
        name,
        help_text=f"{what} in the request's language (the profile's, else Accept-Language), "
        "times in the user's time zone; the text as written when `" + name + "_key` is empty.",
    )


def message_key(name: str, example: str) -> serializers.CharField:
    return serializers.CharField(
        read_only=True,
        help_text=f"Message id of a {name} the system wrote (e.g. `{example}`); empty for "
        f"a person's text or an older row, whose `{name}` is the text as written.",
    )


def message_params(name: str) -> serializers.JSONField:
    return serializers.JSONField(
        read_only=True,
        help_text=f"The values of a system {name}, for clients that render it themselves: "
        + PARAMS_HELP
        + " Empty object otherwise.",
    )


def notes_by_field(what: str) -> serializers.JSONField:
    return serializers.JSONField(
        read_only=True,
        help_text=f"By {what}, the system note it was written from, `{{key, params}}` ("
        + PARAMS_HELP
        + ") The fields themselves are rendered in the request's language; a person's "
        "texts have none.",
    )
