"""Whether staff offer test payments moves here from the shared Reader revenue settings, site by
site, before support's 0003 drops it there. Unapplied, it goes back."""

from django.db import migrations


def carry_over(apps, schema_editor):
    shared = apps.get_model("support", "SupportSettings")
    own = apps.get_model("support_test", "TestPaymentSettings")
    for row in shared.objects.all():
        own.objects.update_or_create(site_id=row.site_id, defaults={"enabled": row.test_payments})


def carry_back(apps, schema_editor):
    shared = apps.get_model("support", "SupportSettings")
    own = apps.get_model("support_test", "TestPaymentSettings")
    for row in own.objects.all():
        shared.objects.update_or_create(site_id=row.site_id, defaults={"test_payments": row.enabled})


class Migration(migrations.Migration):

    dependencies = [
        ("support_test", "0001_initial"),
        ("support", "0002_discreet_gifts"),
    ]
    # Declared here rather than as a dependency of support's migration, so support migrates the
    # same with this provider's app left out of INSTALLED_APPS.
    run_before = [("support", "0003_provider_settings_moved")]

    operations = [migrations.RunPython(carry_over, carry_back)]
