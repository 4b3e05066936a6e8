from django.db import models


class ImportedItem(models.Model):
    """What one thing in another system's export became here, keyed by that system's own id.

    Re-running an import finds its earlier work through this (a renamed post is updated, not made
    twice), and the old addresses kept here are what redirects from the old site are made from.
    """

    POST, PAGE, AUTHOR, CATEGORY, TAG = "post", "page", "author", "category", "tag"
    KINDS = [(POST, "Post"), (PAGE, "Page"), (AUTHOR, "Author"), (CATEGORY, "Category"), (TAG, "Tag")]

    system = models.CharField(max_length=20, help_text="Where it came from, such as wordpress.")
    kind = models.CharField(max_length=10, choices=KINDS)
    original_id = models.CharField(max_length=255, help_text="The post id, or the slug or login.")
    guid = models.CharField(max_length=500, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey("news.Author", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tag = models.CharField(max_length=100, blank=True, help_text="The tag a category or tag became.")
    old_addresses = models.JSONField(default=list, help_text="Where it was on the old site.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "kind", "original_id"], name="one_import_per_original")
        ]

    def __str__(self):
        return f"{self.system} {self.kind} {self.original_id}"
