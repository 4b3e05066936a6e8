"""Reader revenue in the demo newsroom: the test provider on (no money moves), suggested amounts,
and an appeal at the end of articles plus a banner. Called by samizdat.demo's load_demo()."""

from wagtail.models import Locale

from samizdat.core.models import for_default_site

from .models import Appeal, support_settings
from .providers.manual.models import ManualPaymentSettings
from .providers.test.models import TestPaymentSettings

SUGGESTED = """EUR once: 10, 25, 50, 100
EUR monthly: 5, 10, 20
EUR annual: 50, 100, 200
USD once: 10, 25, 50, 100
USD monthly: 5, 10, 20
USD annual: 50, 100, 200
GBP once: 10, 25, 50
GBP monthly: 5, 10, 20
GBP annual: 50, 100, 200"""

INTRO = (
    "<p>The Lindenport Courier is owned by its readers and staff, and paid for by their gifts, not by "
    "advertising. Give once, every month or every year: every gift keeps our reporting free for everyone.</p>"
)

APPEAL = (
    "<p>We report on the council, the port and the courts because our readers pay for it. No owner, no "
    "advertiser and no paywall stands between you and the news. If our work matters to you, "
    "<b>please support it</b>: monthly gifts help us most.</p>"
)


APPEAL_RU = (
    "<p>Мы пишем о городском совете, порте и судах, потому что за это платят наши читатели. Между вами и "
    "новостями нет ни владельца, ни рекламодателя, ни платного доступа. Если наша работа для вас важна, "
    "<b>поддержите её</b>: ежемесячные пожертвования помогают нам больше всего.</p>"
)


def load_support_demo():
    staff = support_settings()
    staff.suggested_amounts = SUGGESTED
    staff.intro = INTRO
    staff.save()
    test_payments = for_default_site(TestPaymentSettings)
    test_payments.enabled = True
    test_payments.save()
    manual = for_default_site(ManualPaymentSettings)
    manual.bank_transfer_details = (
        "Lindenport Courier Cooperative\nIBAN: XX00 0000 0000 0000 0000 00 (a demo account)\nReference: GIFT"
    )
    manual.save()
    if not Appeal.objects.exists():
        drive = Appeal.objects.create(name="Reader drive (demo)", placement=Appeal.Placement.ARTICLE,
                                      heading="A message from the newsroom", body=APPEAL, show_form=True)
        Appeal.objects.create(name="Site banner (demo)", placement=Appeal.Placement.BANNER,
                              heading="Support The Lindenport Courier!",
                              body="<p>Independent news, paid for by its readers.</p>", show_form=False)
        russian = Locale.objects.filter(language_code="ru").first()
        if russian is not None:  # the same reader drive in the Russian edition: its translation
            Appeal.objects.create(name="Сбор читателей (демо)", placement=Appeal.Placement.ARTICLE,
                                  heading="Письмо от редакции", body=APPEAL_RU, show_form=True,
                                  locale=russian, translation_key=drive.translation_key)
