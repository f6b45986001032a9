# The two commands: `make run` (the portal on http://127.0.0.1:8000) and `make test`.
# Both create .venv and install the pinned requirements on first use.
.PHONY: run test lint format bootstrap ci bench

run:
	scripts/run.sh

test:
	scripts/test.sh

bootstrap:
	scripts/bootstrap.sh

lint: bootstrap
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: bootstrap
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

ci:
	.ci/run

# The load benchmark (docs/performance.md): PostgreSQL, Redis, uvicorn, wrk; about 10-15 min.
# QUICK=1 for short runs (about 3-5 min).
bench: bootstrap
	.venv/bin/python scripts/benchmark.py $(if $(QUICK),--quick)
