"""The newsroom's name staff set under Settings → Newsroom is the one readers see in every email:
an edition's sender and text, and a donor's receipt."""

import pytest
from wagtail.models import Site

from samizdat.core.models import NewsroomSettings, newsroom_name
from samizdat.newsletter.messages import sender
from samizdat.newsletter.models import Edition
from samizdat.newsletter.rendering import render_email
from tests.newsletter.conftest import the_week  # noqa: F401
from tests.support.conftest import donate, pay_with_test_provider, smtp, test_payments  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def courier():
    newsroom = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    newsroom.name = "The Lindenport Courier"
    newsroom.save()


def test_an_edition_comes_from_the_newsroom_and_says_so(courier, the_week):  # noqa: F811
    edition = Edition.objects.create(newsletter=the_week, subject="This week", intro="Hello.")
    assert sender(the_week) == "The Lindenport Courier <week@courier.example>"
    assert "You get The Week from The Lindenport Courier" in render_email(edition, items=[]).text


def test_a_receipt_names_the_newsroom(courier, client, test_payments, smtp):  # noqa: F811
    pay_with_test_provider(client, donate(client, frequency="once"), email="ana@example.org")
    [receipt] = smtp.to("ana@example.org")
    assert "The Lindenport Courier" in receipt["Subject"] + smtp.text(receipt)


def test_before_any_site_exists_the_name_is_the_sites(settings):
    settings.WAGTAIL_SITE_NAME = "Courier staging"
    Site.objects.all().delete()
    assert newsroom_name() == "Courier staging"
