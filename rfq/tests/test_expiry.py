import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from rfq import tasks
from rfq.models import RFQ, Quotation
from rfq.tests.factories import QuotationFactory, RFQFactory, seller_in_category

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)
PAST = NOW - datetime.timedelta(hours=1)


def test_open_rfq_past_its_deadline_without_quotations_expires(buyer):
    rfq = RFQFactory(buyer_company=buyer.company, quotation_deadline=PAST)
    assert tasks.rfq_expire_sweep.delay().get() == {"rfqs": 1, "quotations": 0}
    rfq.refresh_from_db()
    assert rfq.state == RFQ.State.EXPIRED


def test_rfq_past_its_deadline_with_live_quotations_stays_open_for_the_buyer(rfq, quotation):
    RFQ.objects.filter(pk=rfq.pk).update(quotation_deadline=PAST)
    tasks.rfq_expire_sweep()
    rfq.refresh_from_db()
    assert rfq.state == RFQ.State.OPEN


def test_rfq_past_its_required_by_date_expires_with_its_live_quotations(rfq, quotation):
    RFQ.objects.filter(pk=rfq.pk).update(required_by=TODAY - datetime.timedelta(days=1))
    tasks.rfq_expire_sweep()
    rfq.refresh_from_db()
    quotation.refresh_from_db()
    assert rfq.state == RFQ.State.EXPIRED
    assert quotation.state == Quotation.State.EXPIRED


def test_quotation_past_its_validity_expires(quotation):
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    tasks.rfq_expire_sweep()
    quotation.refresh_from_db()
    assert quotation.state == Quotation.State.EXPIRED
    assert quotation.version == 2


def test_sweep_leaves_decided_quotations_and_awarded_rfqs_alone(buyer, seller):
    rfq = RFQFactory(buyer_company=buyer.company, state=RFQ.State.CLOSED, quotation_deadline=PAST)
    declined = QuotationFactory(
        rfq=rfq,
        author=seller,
        state=Quotation.State.DECLINED,
        valid_until=TODAY - datetime.timedelta(days=3),
    )
    assert tasks.rfq_expire_sweep() == {"rfqs": 0, "quotations": 0}
    declined.refresh_from_db()
    assert declined.state == Quotation.State.DECLINED


def test_sweep_is_idempotent(buyer):
    RFQFactory(buyer_company=buyer.company, quotation_deadline=PAST)
    tasks.rfq_expire_sweep()
    assert tasks.rfq_expire_sweep() == {"rfqs": 0, "quotations": 0}


@pytest.mark.parametrize("n", [1, 20])
def test_sweep_runs_the_same_few_queries_whatever_the_number_of_rows(
    n, buyer, category, django_assert_num_queries
):
    for _ in range(n):
        RFQFactory(buyer_company=buyer.company, category=category, quotation_deadline=PAST)
        expired = RFQFactory(
            buyer_company=buyer.company,
            category=category,
            required_by=TODAY - datetime.timedelta(days=1),
        )
        QuotationFactory(rfq=expired, author=seller_in_category(category))
        QuotationFactory(valid_until=TODAY - datetime.timedelta(days=1))
    # savepoint, three UPDATEs, release
    with django_assert_num_queries(5):
        counts = tasks.rfq_expire_sweep()
    assert counts == {"rfqs": 2 * n, "quotations": 2 * n}


def test_the_sweep_is_scheduled_in_celery_beat():
    task = PeriodicTask.objects.get(task="rfq.tasks.rfq_expire_sweep")
    assert task.enabled
    assert task.interval.every == 5
