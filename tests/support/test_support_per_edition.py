"""Reader revenue per edition: /ru/support/ in Russian, each edition's appeals in its own file,
and the currency each edition's donate form starts with."""

import json

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Locale

from samizdat.publishing.rebuild import rebuild_site
from samizdat.support.models import Appeal, support_settings
from tests.factories import make_article, make_section, translate_home

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index_not_kept")]


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def russian_edition():
    return make_article(make_section("Новости", slug="novosti", home=translate_home("ru")), "Краны остановились")


def russian_appeal(**fields):
    return Appeal.objects.create(name="Зимний сбор", heading="Письмо от редакции", body="<p>Нам нужна ваша помощь.</p>",
                                 locale=Locale.objects.get(language_code="ru"), **fields)


def test_the_russian_support_page_is_in_russian_and_its_form_stays_in_the_edition(client, russian_edition):
    page = soup(client.get("/ru/support/"))
    assert page.html["lang"] == "ru"
    assert page.select_one("main form.donate-form")["action"] == "/ru/support/donate/"
    assert page.select_one("p.support-manage a")["href"] == "/ru/support/manage/"
    words = page.select_one("main").get_text()
    assert "Ежемесячно" in words and "Monthly" not in words


def test_pages_of_each_edition_read_their_own_appeals(client, russian_edition):
    Appeal.objects.create(name="Winter", heading="A message from the newsroom", body="<p>We need you.</p>")
    russian_appeal()
    # appeals.js reads appeals.json beside the support link, so a Russian page reads the Russian file.
    link = soup(client.get(russian_edition.url)).select_one("#support-site a.support-link")["href"]
    assert link == "/ru/support/"
    russian = json.loads(client.get("/ru/support/appeals.json").content)
    english = json.loads(client.get("/support/appeals.json").content)
    assert [a["heading"] for a in russian["appeals"]] == ["Письмо от редакции"]
    assert [a["heading"] for a in english["appeals"]] == ["A message from the newsroom"]


def test_a_russian_appeal_saved_in_the_admin_rewrites_the_russian_appeals_file_only(public, russian_edition):
    rebuild_site()
    assert public.has("/ru/support/") and public.has("/ru/support/appeals.json")
    english_file = public.file("/support/appeals.json").stat().st_mtime_ns
    russian_appeal()
    assert [a["heading"] for a in json.loads(public.text("/ru/support/appeals.json"))["appeals"]] == ["Письмо от редакции"]
    assert public.file("/support/appeals.json").stat().st_mtime_ns == english_file


def test_each_edition_starts_its_donate_form_in_the_currency_the_newsroom_chose(client, russian_edition):
    staff = support_settings()
    staff.edition_currencies = "ru: USD"
    staff.full_clean()
    staff.save()
    assert soup(client.get("/ru/support/")).select_one("main input[name=currency]")["value"] == "USD"
    assert soup(client.get("/support/")).select_one("main input[name=currency]")["value"] == "EUR"
    # A reader's own choice still wins.
    assert soup(client.get("/ru/support/?currency=GBP")).select_one("main input[name=currency]")["value"] == "GBP"


def test_a_currency_we_dont_take_is_a_clear_error_for_the_staff():
    staff = support_settings()
    staff.edition_currencies = "ru: RUB"
    with translation.override("en-gb"), pytest.raises(ValidationError) as error:
        staff.full_clean()
    assert "RUB is not one of the currencies we take (EUR, USD, GBP)" in str(error.value)
