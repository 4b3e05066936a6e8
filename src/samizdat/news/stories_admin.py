"""The admin's "Stories": every story in one list, with where it stands in the other editions
(live, draft, missing), so editors see at a glance what is still to translate."""

from django.utils.translation import gettext, gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.models import Locale

from .models.article import ArticlePage


def translation_states(story, locales):
    """[(the edition's name, "live", "draft" or "missing")] for each edition but the story's own."""
    translations = {page.locale_id: page for page in story.get_translations().only("locale_id", "live")}
    states = []
    for locale in locales:
        if locale.pk == story.locale_id:
            continue
        translation = translations.get(locale.pk)
        if translation is None:
            state = gettext("missing")
        else:
            state = gettext("live") if translation.live else gettext("draft")
        states.append((locale.get_display_name(), state))
    return states


class TranslationsColumn(Column):
    def get_value(self, instance):
        locales = list(Locale.objects.order_by("pk"))
        return "; ".join(f"{name}: {state}" for name, state in translation_states(instance, locales))


class StoriesViewSet(PageListingViewSet):
    model = ArticlePage
    icon = "doc-full"
    menu_label = _("Stories")
    menu_order = 190
    add_to_admin_menu = True
    columns = [*PageListingViewSet.columns, TranslationsColumn("translations", label=_("Translations"))]
