"""Two editions for the tests of linked translations: English, and its Russian translation."""

from wagtail.models import Locale

from tests.factories import make_article, make_author, make_section, translate_home, translated


def build_two_editions():
    """An English edition and its Russian translation: one story in both (by an author in both),
    one in English only (by an author in English only), one written in Russian alone; the port tag
    on stories of both."""
    news = make_section("News")
    irina, tomas = make_author("Irina Volkova"), make_author("Tomas Brandt")
    cranes = make_article(news, "Cranes fall silent", tags=["port"], authors=[irina], minutes_ago=10)
    ferry = make_article(news, "Ferry fares rise", authors=[tomas], minutes_ago=20)
    translate_home("ru")
    ru_irina = irina.copy_for_translation(Locale.objects.get(language_code="ru"))
    ru_irina.name = "Ирина Волкова"
    ru_irina.save()  # before the story's translation, which takes her Russian byline
    ru_news = translated(news, title="Новости")
    ru_cranes = translated(cranes, title="Краны замолчали", slug="krany-zamolchali")
    ru_only = make_article(ru_news, "Только по-русски", slug="tolko-po-russki", tags=["port"], minutes_ago=30)
    return {"cranes": cranes, "ru_cranes": ru_cranes, "ferry": ferry, "ru_only": ru_only}
