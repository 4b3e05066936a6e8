"""Spreadsheet exports from the admin's listings (Wagtail's SpreadsheetExportMixin), made safe
and logged: a cell a donor or reader typed that starts like a formula (= + - @, a tab or a carriage
return) comes out as text, prefixed with an apostrophe, so opening the CSV in a spreadsheet runs
nothing; and each download is recorded in the admin's history (core/audit.py)."""

from .audit import log_spreadsheet_export

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """Text that a spreadsheet would read as a formula, made plain text; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeSpreadsheetExport:
    """Mixed in before a Wagtail index view (IndexView, snippets' IndexView)."""

    def preprocess_field_value(self, field, value, export_format):
        return formula_safe(super().preprocess_field_value(field, value, export_format))

    def as_spreadsheet(self, queryset, spreadsheet_format):
        filters = {key: value for key, value in self.request.GET.items() if key != "export"}
        log_spreadsheet_export(self.request.user, self.get_filename(), spreadsheet_format, filters)
        return super().as_spreadsheet(queryset, spreadsheet_format)
