"""The demo's newsletters: The Week on Fridays at 09:00, Breaking alerts, a draft to curate, and a
privacy policy for the consent line to point at."""

import datetime

import pytest
from django.contrib.auth.models import User
from wagtail.models import Site

from samizdat.core.models import NewsroomSettings
from samizdat.newsletter.demo import load_demo_newsletters
from samizdat.newsletter.models import Edition, Newsletter
from tests.factories import make_article, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def test_the_demo_has_the_week_on_fridays_and_breaking_alerts_with_a_draft_ready(client):
    make_article(make_section("News"), "Council approves the tram line")
    User.objects.create_superuser("editor", "", "pw")
    load_demo_newsletters(write=lambda line: None)
    week = Newsletter.objects.get(slug="the-week")
    assert (week.name, week.weekly, week.send_weekday, week.send_time, week.promoted) == ("The Week", True, 4, datetime.time(9, 0), True)
    assert not Newsletter.objects.get(slug="breaking").weekly
    # The Russian edition's newsletter is The Week's translation, with its own (empty) draft.
    nedelya = Newsletter.objects.get(slug="nedelya")
    assert nedelya.locale.language_code == "ru" and nedelya.translation_key == week.translation_key and nedelya.promoted
    assert Edition.objects.get(newsletter=nedelya).subject.startswith("Неделя: неделя с ")
    [draft] = Edition.objects.filter(newsletter=week)
    assert draft.newsletter == week and [a.article.title for a in draft.articles.all()] == ["Council approves the tram line"]
    privacy = NewsroomSettings.for_site(Site.objects.get(is_default_site=True)).privacy_policy_page
    assert privacy is not None and client.get(privacy.url).status_code == 200
    assert User.objects.get(username="editor").email  # so "Send a test to me" works
    load_demo_newsletters(write=lambda line: None)  # twice changes nothing
    assert Newsletter.objects.count() == 3 and Edition.objects.count() == 2
