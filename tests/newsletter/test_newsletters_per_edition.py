"""Newsletters per edition: a Russian newsletter is offered, confirmed, sent and archived in
Russian, at addresses under /ru/, whoever sends it (the worker sets no language)."""

import html
import re

import pytest
from bs4 import BeautifulSoup
from django.utils import translation
from wagtail.models import Locale

from samizdat.newsletter import schedule
from wagtail.admin.panels import get_edit_handler
from samizdat.newsletter.models import Edition, EditionArticle, Newsletter, Subscriber, Subscription
from samizdat.newsletter.tasks import send_confirmation_task
from tests.factories import make_article, make_section, translate_home

from .conftest import subscribe

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]

# Long enough to be folded over several lines of encoded words: it must come back exactly.
LONG_SUBJECT = "Неделя в Линденпорте: совет одобрил трамвай до Кессельской набережной, пожар на верфи и новые цены на тепло"


@pytest.fixture
def nedelya(the_week):
    return Newsletter.objects.create(
        name="Неделя", slug="nedelya", description="Главное за неделю, по пятницам.", weekly=True,
        from_email="week@courier.example", promoted=True, locale=Locale.objects.get(language_code="ru"),
    )


@pytest.fixture
def russian_story():
    return make_article(make_section("Новости", slug="novosti", home=translate_home("ru")), "Краны остановились",
                        standfirst="Порт встал на сутки.")


def text(response):
    return html.unescape(response.content.decode())


def test_signing_up_on_a_russian_page_sends_the_confirmation_in_russian_with_a_link_under_ru(client, smtp, nedelya):
    translate_home("ru")
    response = client.post("/ru/newsletter/signup/", {"email": "ana@example.org", "newsletter": "nedelya"})
    assert response.status_code == 200 and "проверьте почту" in text(response).lower()
    assert Subscriber.objects.get(email="ana@example.org").language == "ru"

    [mail] = smtp.to("ana@example.org")
    assert mail.message["Subject"] == "Подтвердите подписку на «Неделя»"
    body = mail.part("text/plain")
    assert "Confirm" not in body
    link = re.search(r"https://courier\.example(/ru/newsletter/confirm/[^/\s]+/)", body).group(1)
    page = client.post(link)
    assert "Вы подписаны" in text(page)
    assert Subscription.objects.get(subscriber__email="ana@example.org").status == Subscription.ACTIVE


def test_the_worker_sends_the_confirmation_in_the_newsletters_language_not_its_own(smtp, nedelya):
    subscriber = Subscriber.objects.create(email="ana@example.org")
    subscription = Subscription.objects.create(subscriber=subscriber, newsletter=nedelya, consent_text="test")
    with translation.override("en-gb"):  # what a worker process has: the default language
        send_confirmation_task.call(subscription.pk)
    [mail] = smtp.to("ana@example.org")
    assert mail.message["Subject"] == "Подтвердите подписку на «Неделя»"


def test_a_russian_edition_goes_out_in_russian_with_its_subject_whole_and_links_under_ru(client, smtp, nedelya, russian_story):
    subscribe(nedelya, "ana@example.org")
    edition = Edition.objects.create(newsletter=nedelya, subject=LONG_SUBJECT, intro="Доброе утро.")
    EditionArticle.objects.create(edition=edition, article=russian_story, sort_order=0)
    with translation.override("en-gb"):
        schedule.approve(edition, send_now=True)
    [mail] = smtp.received
    assert b"\r\nSubject: " in mail.raw
    assert str(mail.message["Subject"]) == LONG_SUBJECT  # no space from folding, nothing lost
    plain = mail.part("text/plain")
    assert "Краны остановились" in plain and "Отписаться:" in plain and "Unsubscribe:" not in plain
    unsubscribe = str(mail.message["List-Unsubscribe"]).strip(" <>")
    assert unsubscribe.startswith("https://courier.example/ru/newsletter/unsubscribe/")
    assert f"https://courier.example/ru/newsletter/nedelya/archive/{edition.pk}/" in plain
    # One click from the mail program, and the page answers in Russian.
    assert client.post(unsubscribe.removeprefix("https://courier.example")).status_code == 200
    assert Subscription.objects.get(subscriber__email="ana@example.org").status == Subscription.UNSUBSCRIBED


def test_each_edition_offers_and_lists_its_own_newsletters(client, the_week, nedelya, russian_story):
    russian_front = BeautifulSoup(client.get("/ru/").content, "html.parser")
    assert russian_front.select_one("form.newsletter-form input[name=newsletter]")["value"] == "nedelya"
    assert russian_front.select_one("form.newsletter-form")["action"] == "/ru/newsletter/signup/"
    english_front = BeautifulSoup(client.get("/").content, "html.parser")
    assert english_front.select_one("form.newsletter-form input[name=newsletter]")["value"] == "the-week"

    russian_index = text(client.get("/ru/newsletter/"))
    assert "Неделя" in russian_index and "The Week" not in russian_index
    assert "The Week" in text(client.get("/newsletter/")) and "Неделя" not in text(client.get("/newsletter/"))
    # Each newsletter's pages are in its own edition only.
    assert nedelya.preview_url() == "/ru/newsletter/nedelya/preview/"
    preview = text(client.get("/ru/newsletter/nedelya/preview/"))
    assert "Краны остановились" in preview
    assert client.get("/newsletter/nedelya/preview/").status_code == 404
    assert client.get("/ru/newsletter/the-week/archive/").status_code == 404


def test_an_edition_with_a_story_of_another_edition_is_refused_with_a_clear_error(nedelya, the_week):
    english_story = make_article(make_section("News"), "Cranes fall silent")
    data = {
        "newsletter": nedelya.pk, "subject": "Неделя", "preheader": "", "intro": "",
        "articles-TOTAL_FORMS": "1", "articles-INITIAL_FORMS": "0", "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
        "articles-0-article": english_story.pk, "articles-0-blurb": "", "articles-0-ORDER": "1", "articles-0-DELETE": "",
    }
    EditionForm = get_edit_handler(Edition).get_form_class()  # the admin's form, as editors get it
    form = EditionForm(data, instance=Edition())
    with translation.override("en-gb"):  # an editor whose admin is in English
        assert not form.is_valid()
    [error] = form.formsets["articles"].forms[0].errors["article"]
    assert "Cranes fall silent" in error and "another edition" in error
    data["newsletter"] = the_week.pk
    assert EditionForm(data, instance=Edition()).is_valid()
