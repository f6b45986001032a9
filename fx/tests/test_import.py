"""The ECB feed import (a stored sample), the offline seed, and the daily task's switch."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from fx import services, tasks
from fx.models import Rate, Source
from fx.tests.factories import RateFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "eurofxref-daily.xml"
DAY = datetime.date(2026, 10, 30)


def test_the_sample_feed_imports_one_euro_rate_per_currency():
    counts = services.rates_import_ecb(content=SAMPLE.read_bytes())
    usd = Rate.objects.get(base="EUR", quote="USD", date=DAY)
    assert (usd.rate, usd.source) == (Decimal("1.1172"), Source.ECB)
    assert Rate.objects.get(quote="JPY").rate == Decimal("175.68")
    assert counts["created"] == Rate.objects.count() >= 29


def test_importing_the_same_feed_again_changes_nothing():
    services.rates_import_ecb(content=SAMPLE.read_bytes())
    counts = services.rates_import_ecb(content=SAMPLE.read_bytes())
    assert counts["created"] == counts["updated"] == 0


def test_an_import_never_replaces_a_staff_rate_of_the_day():
    RateFactory(quote="USD", rate=Decimal("1.2"), date=DAY, source=Source.MANUAL)
    counts = services.rates_import_ecb(content=SAMPLE.read_bytes())
    assert Rate.objects.get(quote="USD", date=DAY).rate == Decimal("1.2")
    assert counts["kept_manual"] == 1


def test_a_feed_with_a_document_type_is_refused_and_stores_nothing():
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    with pytest.raises(services.FeedError):
        services.rates_import_ecb(content=evil)
    assert not Rate.objects.exists()


def test_a_feed_with_a_negative_rate_is_refused_and_stores_nothing():
    bad = SAMPLE.read_bytes().replace(b"rate='1.1172'", b"rate='-1'")
    with pytest.raises(services.FeedError):
        services.rates_import_ecb(content=bad)
    assert not Rate.objects.exists()


def test_the_command_imports_a_feed_file(capsys):
    call_command("import_rates", "--file", str(SAMPLE))
    assert Rate.objects.filter(date=DAY, source=Source.ECB).exists()
    assert "created" in capsys.readouterr().out


def test_the_offline_seed_marks_its_rates_as_ecb_history_with_their_own_dates():
    counts = services.rates_seed_bundled(days=7)
    rows = Rate.objects.all()
    assert counts["created"] == rows.count() > 0
    assert {row.source for row in rows} == {Source.ECB_HISTORY}
    latest = max(row.date for row in rows)
    assert min(row.date for row in rows) > latest - datetime.timedelta(days=7)


def test_the_daily_task_calls_out_only_when_a_feed_url_is_set(settings, monkeypatch):
    settings.FX_ECB_FEED_URL = ""
    monkeypatch.setattr(
        services.urllib.request, "urlopen", lambda *a, **k: pytest.fail("called out")
    )
    assert tasks.rates_fetch_daily() is None


def test_the_daily_task_imports_the_configured_feed(settings, monkeypatch):
    settings.FX_ECB_FEED_URL = "https://feed.example/eurofxref-daily.xml"

    class Response:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, size):
            return SAMPLE.read_bytes()

    monkeypatch.setattr(services.urllib.request, "urlopen", lambda *a, **k: Response())
    assert tasks.rates_fetch_daily()["created"] > 0
    assert Rate.objects.filter(quote="USD", date=DAY, source=Source.ECB).exists()
