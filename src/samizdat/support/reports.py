"""The revenue report: what came in by month and frequency, recurring donors, monthly recurring
revenue, new and cancelled recurring donations, and a 12-month chart as inline SVG.

Money is added up per currency only (10 EUR and 10 USD are not 20 of anything), in integer minor
units. Received means paid, less refunds. Gifts through a provider that moves no money (the
`test` one) never count.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.html import escape

from .models import Donation, Frequency, RecurringDonation
from .money import currencies, format_amount
from .providers import without_money

FREQUENCIES = [value for value, _ in Frequency.choices]
COLOURS = {"once": "#7aa37a", "monthly": "#1d3b2a", "annual": "#c98f00"}


def last_months(count=12, today=None):
    """The first days of the last `count` months, oldest first, this month last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    found = []
    for _ in range(count):
        found.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


@dataclass
class MonthRow:
    month: date
    totals: dict = field(default_factory=dict)  # frequency -> minor units
    counts: dict = field(default_factory=dict)
    new_recurring: int = 0
    cancelled_recurring: int = 0

    @property
    def total(self):
        return sum(self.totals.values())


@dataclass
class CurrencyReport:
    currency: str
    months: list
    active_donors: int
    recurring_revenue: int  # per month, minor units
    past_due: int

    def money(self, minor):
        return format_amount(minor, self.currency)

    @property
    def year_total(self):
        return sum(row.total for row in self.months)

    @property
    def year_total_display(self):
        return self.money(self.year_total)

    @property
    def recurring_revenue_display(self):
        return self.money(self.recurring_revenue)

    @property
    def rows(self):
        """For the template: each month with its amounts formatted."""
        return [
            {"month": row.month, "once": self.money(row.totals.get("once", 0)),
             "monthly": self.money(row.totals.get("monthly", 0)), "annual": self.money(row.totals.get("annual", 0)),
             "total": self.money(row.total), "count": sum(row.counts.values()),
             "new": row.new_recurring, "cancelled": row.cancelled_recurring}
            for row in reversed(self.months)
        ]

    @property
    def chart(self):
        return bar_chart(self)


def _month_key(moment):
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return date(local.year, local.month, 1)


def revenue_report(today=None):
    months = last_months(12, today)
    start = timezone.make_aware(timezone.datetime(months[0].year, months[0].month, 1))
    received = (
        Donation.objects.filter(status__in=[Donation.Status.PAID, Donation.Status.REFUNDED], created_at__gte=start)
        .exclude(provider__in=without_money())
        .annotate(month=TruncMonth("created_at"))
        .values("currency", "month", "frequency")
        .annotate(total=Sum(F("amount") - F("refunded_amount")), count=Count("id"))
    )
    by_currency = {}

    def row_for(currency, month):
        table = by_currency.setdefault(currency, {m: MonthRow(m) for m in months})
        return table.get(month)

    for item in received:
        row = row_for(item["currency"], _month_key(item["month"]))
        if row is not None:
            row.totals[item["frequency"]] = row.totals.get(item["frequency"], 0) + int(item["total"] or 0)
            row.counts[item["frequency"]] = row.counts.get(item["frequency"], 0) + item["count"]
    for currency, created in RecurringDonation.objects.filter(created_at__gte=start).exclude(provider__in=without_money()).values_list("currency", "created_at"):
        row = row_for(currency, _month_key(created))
        if row is not None:
            row.new_recurring += 1
    for currency, cancelled in RecurringDonation.objects.filter(cancelled_at__gte=start).exclude(provider__in=without_money()).values_list("currency", "cancelled_at"):
        row = row_for(currency, _month_key(cancelled))
        if row is not None:
            row.cancelled_recurring += 1
    active = {}
    for recurring in RecurringDonation.objects.exclude(status=RecurringDonation.Status.CANCELLED).exclude(provider__in=without_money()):
        entry = active.setdefault(recurring.currency, {"donors": set(), "revenue": 0, "past_due": 0})
        if recurring.status == RecurringDonation.Status.ACTIVE:
            # An erased donor's address is blank: still one donor each.
            entry["donors"].add(recurring.email.lower() or f"#{recurring.pk}")
            entry["revenue"] += recurring.monthly_amount
        else:
            entry["past_due"] += 1
        by_currency.setdefault(recurring.currency, {m: MonthRow(m) for m in months})
    order = {code: i for i, code in enumerate(currencies())}
    reports = []
    for currency in sorted(by_currency, key=lambda code: (order.get(code, 99), code)):
        entry = active.get(currency, {"donors": set(), "revenue": 0, "past_due": 0})
        reports.append(CurrencyReport(currency, list(by_currency[currency].values()), len(entry["donors"]),
                                      entry["revenue"], entry["past_due"]))
    return reports


def bar_chart(report, width=720, height=260):
    """Stacked bars, one per month (once, monthly, annual), as an SVG string: no chart service,
    no script. Heights use integer arithmetic."""
    left, bottom, top = 70, 40, 20
    plot_height = height - bottom - top
    slot = (width - left - 10) // len(report.months)
    highest = max([row.total for row in report.months] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="revenue-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-{report.currency}-title">',
        f'<title id="chart-{report.currency}-title">Received per month in {report.currency}, last 12 months</title>',
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 10}" y2="{top + plot_height}" stroke="#999"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">{escape(report.money(highest))}</text>',
        f'<text x="{left - 6}" y="{top + plot_height}" text-anchor="end" font-size="11">0</text>',
    ]
    for index, row in enumerate(report.months):
        x = left + index * slot + 6
        y = top + plot_height
        for frequency in FREQUENCIES:
            value = row.totals.get(frequency, 0)
            if value <= 0:
                continue
            bar = max(1, value * plot_height // highest)
            y -= bar
            label = f"{row.month:%B %Y}, {frequency}: {report.money(value)}"
            parts.append(f'<rect class="bar bar-{frequency}" x="{x}" y="{y}" width="{slot - 12}" height="{bar}" '
                         f'fill="{COLOURS[frequency]}"><title>{escape(label)}</title></rect>')
        parts.append(f'<text x="{x + (slot - 12) // 2}" y="{height - bottom + 16}" text-anchor="middle" font-size="11">'
                     f'{row.month:%b}</text>')
    for index, frequency in enumerate(FREQUENCIES):
        lx = left + index * 110
        parts.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{COLOURS[frequency]}"/>'
                     f'<text x="{lx + 14}" y="{height - 5}" font-size="11">{frequency.capitalize()}</text>')
    parts.append("</svg>")
    return "".join(parts)
