"""A batch job reverses each detail page once; the URLs are those of ``reverse``."""

from django.urls import reverse
from django.utils import translation

from notifications.context import _detail_url, _url
from tickets import batch


def test_detail_urls_in_a_batch_are_those_reverse_gives():
    expected = {
        (name, pk): _url(reverse(name, args=[pk]))
        for name in ("tickets:detail", "escalations:detail")
        for pk in (1, 42, 98765)
    }
    with batch.work_batch():
        got = {(name, pk): _detail_url(name, pk) for name, pk in expected}
        with translation.override("pl"):
            polish = _detail_url("tickets:detail", 7)
    assert got == expected
    with translation.override("pl"):
        assert polish == _url(reverse("tickets:detail", args=[7]))
    assert _detail_url("tickets:detail", 3) == _url(reverse("tickets:detail", args=[3]))
