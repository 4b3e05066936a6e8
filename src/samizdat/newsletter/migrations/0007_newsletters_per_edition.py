"""Newsletters belong to an edition: each existing one to the site's first language (LANGUAGE_CODE)."""

from django.db import migrations, models
from wagtail.models import BootstrapLocaleField, BootstrapTranslatableModel, BootstrapTranslationKeyField


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0006_erased_suppressions_and_kept_counts"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        BootstrapTranslationKeyField("newsletter.Newsletter"),
        BootstrapLocaleField("newsletter.Newsletter"),
        BootstrapTranslatableModel("newsletter.Newsletter"),
        migrations.AddField(
            model_name="subscriber",
            name="language",
            field=models.CharField(
                blank=True, help_text="The language of the page they signed up on (empty for imports).", max_length=15
            ),
        ),
        migrations.AlterField(
            model_name="newsletter",
            name="promoted",
            field=models.BooleanField(
                default=False,
                help_text="Offered in the signup block on its edition's articles and front page (one newsletter per edition).",
            ),
        ),
    ]
