"""Two editions for the tests of linked translations: English, and its Russian translation."""

from wagtail.models import Locale

from tests.factories import make_article, make_author, make_section, translate_home


def translate(page, language, **changes):
    """`page`'s translation into `language`, published, with `changes` (a title, a slug) made."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    copy.refresh_from_db()
    return copy


def build_two_editions():
    """An English edition and its Russian translation: one story in both, one in English only, one
    written in Russian alone; the port tag on stories of both."""
    news = make_section("News")
    irina = make_author("Irina Volkova")
    cranes = make_article(news, "Cranes fall silent", tags=["port"], authors=[irina], minutes_ago=10)
    ferry = make_article(news, "Ferry fares rise", minutes_ago=20)
    translate_home("ru")
    ru_news = translate(news, "ru", title="Новости")
    ru_cranes = translate(cranes, "ru", title="Краны замолчали", slug="krany-zamolchali")
    ru_only = make_article(ru_news, "Только по-русски", slug="tolko-po-russki", tags=["port"], minutes_ago=30)
    return {"cranes": cranes, "ru_cranes": ru_cranes, "ferry": ferry, "ru_only": ru_only}
