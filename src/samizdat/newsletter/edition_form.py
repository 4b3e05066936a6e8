"""The edition's admin form: an edition is sent in its newsletter's language, so every story in it
must be from that edition (locale) too."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm


class EditionForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        newsletter = cleaned.get("newsletter")
        articles = self.formsets.get("articles")
        if newsletter is None or articles is None or not articles.is_valid():
            return cleaned
        for form in articles.forms:
            article = form.cleaned_data.get("article")
            if article is not None and not form.cleaned_data.get("DELETE") and article.locale_id != newsletter.locale_id:
                form.add_error("article", _(
                    "“%(story)s” is in another edition: %(newsletter)s is sent in %(language)s. "
                    "Choose its translation, or a story of that edition."
                ) % {"story": article.title, "newsletter": newsletter.name, "language": newsletter.locale.get_display_name()})
        return cleaned
