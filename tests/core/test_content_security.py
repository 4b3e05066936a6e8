"""The admin's live preview frames a page with the readers' policy: the policy must let it."""

import pytest

from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def test_a_preview_keeps_the_readers_policy_but_may_be_framed_by_the_admin(client):
    article = make_article(make_section("News"), "Harbour cranes fall silent")

    preview = article.make_preview_request()

    policy = preview["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    assert "script-src 'self';" in policy + ";"  # nothing inline, as for readers
    public = client.get(article.url)
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
