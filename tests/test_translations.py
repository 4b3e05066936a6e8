"""The reader's interface in every language: each string marked, each one in Russian, and pages,
emails, dates and money read as a Russian reader expects (docs/translation.md)."""

import re
import shutil
import subprocess
from datetime import datetime, timezone as dt_timezone
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.utils import translation
from django.utils.formats import date_format
from wagtail.models import Locale, Site

import samizdat
from samizdat.core.models import NewsroomSettings
from samizdat.news.models import Correction
from samizdat.newsletter.models import Newsletter, Subscriber, Subscription
from samizdat.newsletter.tokens import confirm_token, preferences_token, unsubscribe_token
from samizdat.support.money import format_amount
from samizdat.support.providers.test.models import TestPaymentSettings
from tests.factories import make_article, make_author, make_section
from tests.newsletter.smtp import SMTPServer

SRC = Path(samizdat.__file__).parent
CATALOGUE = SRC / "locale" / "ru" / "LC_MESSAGES" / "django.po"
READER_APPS = ["core", "news", "newsletter", "support", "publishing"]


def key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


# (a) The catalogue: every string in the code has its Russian, and the .mo says the same.

@pytest.mark.no_database
def test_every_string_marked_in_the_code_has_a_russian_translation(tmp_path, monkeypatch, settings):
    copy = tmp_path / "samizdat"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "*.mo", "*.po"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["ru"], no_location=True, verbosity=0)
    extracted = {key(entry) for entry in polib.pofile(copy / "locale/ru/LC_MESSAGES/django.po")}
    committed = {key(entry): entry for entry in polib.pofile(CATALOGUE) if not entry.obsolete}

    missing = sorted(extracted - committed.keys())
    assert not missing, f"not in {CATALOGUE.name} (run `make messages`, then translate): {missing}"
    stale = sorted(committed.keys() - extracted)
    assert not stale, f"in the catalogue but no longer in the code (run `make messages`): {stale}"
    untranslated = [k for k, entry in committed.items() if not entry.translated() or "fuzzy" in entry.flags]
    assert not untranslated, f"without a (checked) Russian translation: {untranslated}"
    short_of_forms = [k for k, entry in committed.items() if entry.msgid_plural and len(entry.msgstr_plural) != 3]
    assert not short_of_forms, f"Russian needs three plural forms: {short_of_forms}"


@pytest.mark.no_database
def test_the_compiled_catalogue_matches_its_source():
    checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    source = {key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.pofile(CATALOGUE) if e.translated()}
    compiled = {key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(CATALOGUE.with_suffix(".mo")) if e.msgid}
    assert compiled == source, "django.mo is older than django.po: run `make messages`"


# (b) No text in a reader's template that skipped translation.

# Words that read the same in every language: names of feed formats, and currency codes.
ALLOWED_WORDS = {"RSS", "Atom"}
# Attributes a reader sees or hears; `value` only on buttons made of <input> (elsewhere it is data).
SHOWN_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}
# Skipped with what they enclose: text translated whole, comments, and the block that names the
# page's CSS class (base.html puts it in <body class>).
SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment",
                  "block body_class": "endblock"}
LETTER = re.compile(r"[^\W\d_]")


def reader_templates():
    for app in READER_APPS:
        for path in sorted((SRC / app).rglob("templates/**/*")):
            parts = path.relative_to(SRC).parts
            # Plain text is read by people only in emails (robots.txt is for crawlers).
            readable = path.suffix == ".html" or (path.suffix == ".txt" and {"email", "emails"} & set(parts))
            if readable and "admin" not in parts:
                yield path


def template_without_tags(source):
    """The template with every tag, variable and comment (and whatever blocktranslate and comment
    enclose) turned into a letterless stand-in with the same line breaks."""
    out, closing = [], None
    for token in Lexer(source).tokenize():
        raw_lines = token.contents.count("\n")
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            out.append("0" + "\n" * raw_lines)
        elif token.token_type == TokenType.TEXT:
            out.append(token.contents)
        else:
            opening = token.contents.split()[0] if token.contents.split()[0] != "block" else token.contents
            if token.token_type == TokenType.BLOCK and opening in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[opening]
            out.append("0" + "\n" * raw_lines)
    return "".join(out)


class UnmarkedText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.raw = [], None

    def report(self, where, text):
        if LETTER.search(" ".join(w for w in text.split() if w not in ALLOWED_WORDS)):
            self.found.append((self.getpos()[0], where, text.strip()))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.raw = tag
        attributes = dict(attrs)
        for name, value in attrs:
            shown = name in SHOWN_ATTRIBUTES or (
                name == "value" and tag == "input" and attributes.get("type") in ("submit", "button", "reset"))
            if shown and value:
                self.report(f"<{tag} {name}>", value)

    def handle_endtag(self, tag):
        if tag == self.raw:
            self.raw = None

    def handle_data(self, data):
        if not self.raw:
            self.report("text", data)


@pytest.mark.no_database
@pytest.mark.parametrize("path", list(reader_templates()), ids=lambda p: str(p.relative_to(SRC)))
def test_reader_templates_have_no_text_left_unmarked(path):
    parser = UnmarkedText()
    parser.feed(template_without_tags(path.read_text(encoding="utf-8")))
    parser.close()
    assert not parser.found, "\n".join(f"{path.relative_to(SRC)}:{line}: {where}: {text!r}" for line, where, text in parser.found)


# (c) The reader's pages and emails in Russian carry no English.

# Latin words a Russian page may carry: feed formats, currency codes, the test payment's card
# company, and the sample address in the signup box (an address is Latin in every language).
ALLOWED_LATIN = {"RSS", "Atom", "EUR", "USD", "GBP", "RUB"}
SAMPLE_ADDRESS = "you@example.org"
LATIN_RUN = re.compile(r"[A-Za-z]{2,}")
READER_ADDRESS = "chitatel@example.org"


def english_in(text):
    """Latin words a reader reads; web addresses (an email's links) are not words."""
    text = re.sub(r"https?://\S+", "", text.replace(SAMPLE_ADDRESS, "").replace(READER_ADDRESS, ""))
    return sorted({word for word in LATIN_RUN.findall(text) if word not in ALLOWED_LATIN})


def english_on_page(response):
    soup = BeautifulSoup(response.content, "html.parser")
    for hidden in soup(["script", "style"]):
        hidden.decompose()
    shown = [soup.get_text(" ")]
    for element in soup.find_all(True):
        shown += [element.get(name, "") for name in SHOWN_ATTRIBUTES]
    description = soup.find("meta", attrs={"name": "description"})
    shown.append(description["content"] if description else "")
    return english_in(" ".join(shown))


@pytest.fixture
def russian(settings):
    settings.LANGUAGE_CODE = "ru"
    settings.SITE_URL = "https://samizdat.example"
    settings.SUPPORT_TEST_PAYMENTS = True
    settings.SUPPORT_CURRENCIES = ["RUB", "EUR"]
    with translation.override("ru"):
        yield settings


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "samizdat.newsletter.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


@pytest.fixture
def russian_newsroom(db, russian):
    # A newsroom set up in Russian from the start: its first edition, the unprefixed one, is
    # Russian, as Wagtail's first Locale is LANGUAGE_CODE's on a new site.
    Locale.objects.filter(language_code="ru").delete()
    Locale.objects.filter(language_code="en-gb").update(language_code="ru")
    Site.clear_site_root_paths_cache()
    newsroom = NewsroomSettings.for_site(Site.objects.get(is_default_site=True))
    newsroom.name, newsroom.tagline = "Самиздат", "Новости без цензуры"
    newsroom.save()
    row = TestPaymentSettings.for_site(Site.objects.get(is_default_site=True))
    row.enabled = True
    row.save()
    society = make_section("Общество", slug="obshchestvo")
    author = make_author("Ирина Волкова", slug="irina-volkova", role="Корреспондент", bio="Пишет о порте.")
    strike = make_article(
        society, "Порт замер: докеры бастуют", authors=[author], tags=["забастовка"],
        published_at=datetime(2026, 12, 5, 9, 30, tzinfo=dt_timezone.utc),
        standfirst="Краны стоят третий день.", body=[("paragraph", "<p>Докеры требуют повышения зарплат.</p>")],
    )
    Correction.objects.create(page=strike, date=datetime(2026, 12, 6).date(), text="Краны стоят не второй, а третий день.")
    make_article(society, "Паром вернулся", authors=[author], tags=["забастовка"], minutes_ago=5,
                 standfirst="Рейсы возобновлены.", body=[("paragraph", "<p>Паром снова ходит.</p>")])
    week = Newsletter.objects.create(name="Неделя", slug="nedelya", description="Главное за неделю.", weekly=True,
                                     from_email="week@samizdat.example", promoted=True)
    return {"section": society, "author": author, "strike": strike, "newsletter": week}


def test_the_reader_pages_in_russian_carry_no_english(client, russian_newsroom):
    strike, week = russian_newsroom["strike"], russian_newsroom["newsletter"]
    subscriber = Subscriber.objects.create(email=READER_ADDRESS)
    subscription = Subscription.objects.create(subscriber=subscriber, newsletter=week, consent_text="тест")
    pages = {
        "front": client.get("/"),
        "article": client.get(strike.url),
        "section": client.get(russian_newsroom["section"].url),
        "tag": client.get(f"/tags/{strike.tags.first().slug}/"),
        "author": client.get(russian_newsroom["author"].get_absolute_url()),
        "search": client.get("/search/", {"q": "порт"}),
        "search, nothing found": client.get("/search/", {"q": "жираф"}),
        "newsletters": client.get("/newsletter/"),
        "newsletter sample": client.get(week.preview_url()),
        "newsletter archive": client.get(week.get_absolute_url()),
        "signup, bad address": client.post("/newsletter/signup/", {"email": "не-адрес", "newsletter": week.slug}),
        "confirmation": client.get(f"/newsletter/confirm/{confirm_token(subscription.pk)}/"),
        "leaving": client.get(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber.pk, week.pk)}/"),
        "left": client.post(f"/newsletter/unsubscribe/{unsubscribe_token(subscriber.pk, week.pk)}/"),
        "preferences": client.get(f"/newsletter/preferences/{preferences_token(subscriber.pk)}/"),
        "support": client.get("/support/"),
        "donate, amount refused": client.post("/support/donate/", {
            "frequency": "monthly", "currency": "RUB", "amount_monthly": "other", "other_amount": "0",
            "provider": "test"}),
        "manage": client.get("/support/manage/"),
        "not found": client.get("/no-such-page/"),
    }
    refused = {"signup, bad address": 400, "donate, amount refused": 400, "not found": 404}
    assert {name: response.status_code for name, response in pages.items()} == {name: refused.get(name, 200) for name in pages}
    assert "Сумма должна быть больше нуля." in pages["donate, amount refused"].content.decode()
    assert pages["not found"].status_code == 404
    assert "Страница не найдена" in pages["not found"].content.decode()
    assert '<html lang="ru" dir="ltr">' in pages["front"].content.decode()
    english = {name: english_on_page(response) for name, response in pages.items() if english_on_page(response)}
    assert not english, f"English on Russian pages: {english}"


def test_the_signup_confirmation_and_the_receipt_reach_a_russian_reader_in_russian(client, russian_newsroom, smtp):
    week = russian_newsroom["newsletter"]
    answer = client.post("/newsletter/signup/", {"email": READER_ADDRESS, "newsletter": week.slug})
    assert "Проверьте почту" in answer.content.decode()
    [confirmation] = smtp.to(READER_ADDRESS)
    assert confirmation.message["Subject"].strip() == "Подтвердите подписку на «Неделя»"
    for part in ("text/plain", "text/html"):
        assert not english_in(BeautifulSoup(confirmation.part(part), "html.parser").get_text(" ")), part

    started = client.post("/support/donate/", {"frequency": "monthly", "currency": "RUB", "amount_monthly": "other",
                                               "other_amount": "1000", "provider": "test"})
    assert started.status_code == 303
    test_page = client.get(started.headers["Location"])
    assert "1\xa0000\xa0₽" in test_page.content.decode() and not english_on_page(test_page)
    thanks = client.post(started.headers["Location"], {"outcome": "pay", "email": "donor@example.org", "name": "Анна"}, follow=True)
    assert "Ваше ежемесячное пожертвование" in thanks.content.decode() and not english_on_page(thanks)
    [receipt] = smtp.to("donor@example.org")
    assert receipt.message["Subject"].strip() == "Спасибо за пожертвование Самиздат"
    body = receipt.part("text/plain")
    assert "1\xa0000\xa0₽" in body
    assert not english_in(body.replace("donor@example.org", "")), body


# (d) Dates and money as each language writes them.

@pytest.mark.no_database
@pytest.mark.parametrize("language, date, money", [
    ("en-gb", "5 December 2026", ["€12.50", "£10", "JP¥1,500"]),
    ("ru", "5 декабря 2026", ["12,50\xa0€", "10\xa0£", "1\xa0500\xa0¥"]),
])
def test_dates_and_amounts_read_the_way_each_language_writes_them(language, date, money):
    with translation.override(language):
        assert date_format(datetime(2026, 12, 5, 9, 30), "DATE_FORMAT") == date
        assert [format_amount(1250, "EUR"), format_amount(1000, "GBP"), format_amount(1500, "JPY")] == money


@pytest.mark.no_database
@pytest.mark.parametrize("count, words", [(1, "1 результат"), (3, "3 результата"), (5, "5 результатов"),
                                          (11, "11 результатов"), (21, "21 результат"), (22, "22 результата")])
def test_counts_take_the_russian_plural_form_they_need(count, words):
    with translation.override("ru"):
        said = translation.ngettext("%(counter)s result for “%(query)s”", "%(counter)s results for “%(query)s”", count)
    assert said % {"counter": count, "query": "порт"} == f"{words} по запросу «порт»"


@pytest.mark.no_database
def test_a_thousand_roubles_read_as_a_russian_reader_writes_them():
    with translation.override("ru"):
        assert format_amount(100000, "RUB") == "1\xa0000\xa0₽"
        assert format_amount(100050, "RUB") == "1\xa0000,50\xa0₽"


def test_an_article_in_russian_is_dated_in_russian(client, russian_newsroom):
    page = client.get(russian_newsroom["strike"].url).content.decode()
    assert "5 декабря 2026, 09:30" in page and "Текст: " in page
    assert "Исправление" in page and "6 декабря 2026" in page
