"""The load benchmark behind `make bench` (scripts/benchmark.py); not part of the portal."""
