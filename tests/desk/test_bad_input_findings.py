"""Server errors the bad-input sweep of the pages found
(tests/desk/test_bad_input_pages.py): each now a 4xx with a message."""

import pytest

from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("group", ["day", "week", "month"])
@pytest.mark.parametrize("bucket", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("report", ["volume", "resolution_time", "approvals"])
def test_a_drill_down_bucket_at_the_edge_of_time_is_refused(client, report, bucket, group):
    client.force_login(AdminFactory(username="root"))

    response = client.get(f"/reports/{report}/tickets/", {"group": group, "bucket": bucket})

    assert response.status_code == 400
    assert "1970" in response.content.decode()
