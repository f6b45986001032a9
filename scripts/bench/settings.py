"""Benchmark-only settings: the shipped settings, plus the bare JSON view of scripts/bench/urls.py.

Used only by `make bench` (scripts/benchmark.py sets DJANGO_SETTINGS_MODULE to this module for
the servers it starts and for itself). Everything else, middleware and session included, is the
portal's own configuration, read from the same environment.
"""

from negotiation_portal.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench.urls"
