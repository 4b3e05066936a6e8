"""The front page: a lead story, the newest few of each section, and the latest-news archive."""

from .archive import archive_page
from .listing import archive_page_count, public_path, published_articles
from .teasers import teasers

SECTION_TEASERS = 4


def front_page_context(home, sections):
    """The front page of `home`, with these sections (live and public, in order) below the lead."""
    sections = list(sections)
    lead_id, chosen, count = chosen_stories(home, sections)
    # Every story on the front page in one fetch, not one per section.
    shown = [pk for pk in [lead_id, *(pk for _, teaser_ids in chosen for pk in teaser_ids)] if pk]
    found = {teaser["pk"]: teaser for teaser in teasers(shown)}
    sections = [
        {"section": section, "articles": [found[pk] for pk in teaser_ids if pk in found]}
        for section, teaser_ids in chosen
    ]
    pages = archive_page_count(count)
    latest_url = f"{public_path(home) or '/'}page/{pages}/" if pages else None
    return {"lead": found.get(lead_id), "sections": sections, "latest_url": latest_url}


def chosen_stories(home, sections):
    """(the lead's id, [(section, ids of its teasers)], how many stories the front page has)."""
    articles = published_articles().descendant_of(home)
    # The chosen lead may since have been unpublished or rescheduled; then the newest story leads.
    ids = articles.values_list("pk", flat=True)
    lead_id = ids.filter(pk=home.lead_article_id).first() if home.lead_article_id else None
    lead_id = lead_id or ids.first()
    chosen = []
    for section in sections:
        teasers = published_articles().child_of(section).exclude(pk=lead_id).values_list("pk", flat=True)
        chosen.append((section, list(teasers[:SECTION_TEASERS])))
    return lead_id, chosen, articles.count()


def latest_context(home, number):
    articles = published_articles().descendant_of(home)
    return {"articles": archive_page(articles, public_path(home) or "/", number)}
