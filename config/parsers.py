"""Request parsers. A module of their own: DRF's settings name them, and
``rest_framework.views`` reads those settings when it is imported, so a module
that imports the views (``config.api``) cannot hold them."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested deeper than Python can decode (a few
    thousand brackets) refused as malformed like any other bad JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from error
