import pytest

from tests.factories import make_article, make_author, make_image, make_section

pytestmark = pytest.mark.django_db


def test_article_page_shows_headline_byline_and_credit(client):
    section = make_section("News")
    author = make_author("Irina Volkova")
    article = make_article(section, "Harbour cranes fall silent", authors=[author], image=make_image(),
                           lead_image_credit="Lindenport Port Authority", tags=["port"])
    html = client.get(article.url).content.decode()
    assert "<h1 class=\"headline\">Harbour cranes fall silent</h1>" in html
    assert 'rel="author" href="/authors/irina-volkova/"' in html
    assert "Lindenport Port Authority" in html
    assert 'srcset="' in html
