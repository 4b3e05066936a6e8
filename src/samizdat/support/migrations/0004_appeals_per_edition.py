"""Appeals belong to an edition: each existing one to the site's first language (LANGUAGE_CODE)."""

from django.db import migrations, models
from wagtail.models import BootstrapLocaleField, BootstrapTranslatableModel, BootstrapTranslationKeyField


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0003_provider_settings_moved"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        BootstrapTranslationKeyField("support.Appeal"),
        BootstrapLocaleField("support.Appeal"),
        BootstrapTranslatableModel("support.Appeal"),
        migrations.AddField(
            model_name="supportsettings",
            name="edition_currencies",
            field=models.TextField(
                blank=True,
                help_text="The currency each edition's donate form starts with, one line per language: 'ru: EUR'. "
                "Other editions start with the first currency of SUPPORT_CURRENCIES.",
            ),
        ),
    ]
