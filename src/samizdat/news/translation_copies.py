"""What Wagtail's "Translate" (copy_for_translation) copies as it is: a story's bylines and agency
point at the first edition's authors and agency. Where those have translations in the new story's
edition, the copy points at them instead, so /ru/ shows the Russian names."""

from .models.article import ArticlePage


def bylines_in_its_edition(sender, source_obj, target_obj, **kwargs):
    """copy_for_translation_done receiver: the translated story's bylines and agency moved to
    their translations, when they exist, in its draft as in its row."""
    if not isinstance(target_obj, ArticlePage):
        return
    locale, moved = target_obj.locale, False
    for link in target_obj.article_authors.select_related("author"):
        translated = link.author.get_translation_or_none(locale)
        if translated is not None:
            link.author = translated
            link.save(update_fields=["author"])
            moved = True
    agency = target_obj.agency.get_translation_or_none(locale) if target_obj.agency else None
    if agency is not None:
        target_obj.agency = agency
        target_obj.save(update_fields=["agency"])
        moved = True
    if moved:
        # The editor's form opens the latest revision: it must hold the moved bylines too.
        ArticlePage.objects.get(pk=target_obj.pk).save_revision(log_action=False)
