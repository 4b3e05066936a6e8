from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index

from samizdat.core.editions import in_edition_of


class Author(TranslatableMixin, index.Indexed, models.Model):
    """A person with a byline. Author pages live at /authors/<slug>/, in each edition its own
    (/ru/authors/<slug>/, the Russian translation of the author, with the name in Russian)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, allow_unicode=True)
    role = models.CharField(max_length=120, blank=True, help_text="e.g. Business correspondent")
    bio = models.TextField(blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("role"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name"), index.FilterField("locale")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        unique_together = [("translation_key", "locale"), ("slug", "locale")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.locale_id is None:  # Wagtail sets it as the row is saved; the slug needs it first
            self.locale = self.get_default_locale()
        if not self.slug:
            self.slug = unique_slug(Author, self.name, locale_id=self.locale_id)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        with in_edition_of(self):
            return reverse("news:author", args=[self.slug])


class Agency(TranslatableMixin, models.Model):
    """A news agency whose reporting an article uses, with the credit line it asks for, in each
    edition's words."""

    name = models.CharField(max_length=120)
    credit = models.CharField(
        max_length=255,
        blank=True,
        help_text='Leave empty for "<name> contributed reporting to this article."',
    )

    panels = [FieldPanel("name"), FieldPanel("credit")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        verbose_name_plural = "agencies"
        unique_together = [("translation_key", "locale"), ("name", "locale")]

    def __str__(self):
        return self.name

    @property
    def credit_line(self):
        return agency_credit_line(self.name, self.credit)


def agency_credit_line(name, credit):
    """An agency's line under the stories it contributed to: its own wording, or the usual one."""
    return credit or f"{name} contributed reporting to this article."


def unique_slug(model, text, field="slug", **among):
    """A slug for `text` that no other row of `model` (among those matching `among`) has."""
    base = slugify(text, allow_unicode=True)[:100] or "item"
    slug, n = base, 2
    while model.objects.filter(**{field: slug}, **among).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
