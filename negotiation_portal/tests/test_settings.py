"""The settings switch between the embedded default and production on the environment alone.

Each configuration is imported in a fresh interpreter with a clean environment, since the
settings module reads the environment once, at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PROBE = """
import json
from negotiation_portal import settings as s
from django.db.backends.postgresql.psycopg_any import is_psycopg3

print(json.dumps({
    "PRODUCTION": s.PRODUCTION,
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "DATABASE": {k: str(v) for k, v in s.DATABASES["default"].items() if k != "TEST"},
    "DATABASE_OPTIONS": s.DATABASES["default"].get("OPTIONS", {}),
    "HTTP_MAX_CONCURRENT_REQUESTS": s.HTTP_MAX_CONCURRENT_REQUESTS,
    "OVERLOAD_RETRY_AFTER_SECONDS": s.OVERLOAD_RETRY_AFTER_SECONDS,
    "CSP": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "is_psycopg3": is_psycopg3,
    "CACHE": s.CACHES["default"],
    "CHANNEL_LAYER": s.CHANNEL_LAYERS["default"],
    "CELERY_BROKER_URL": s.CELERY_BROKER_URL,
    "CELERY_RESULT_BACKEND": s.CELERY_RESULT_BACKEND,
    "CELERY_BROKER_TRANSPORT_OPTIONS": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "CELERY_BEAT_SCHEDULER": s.CELERY_BEAT_SCHEDULER,
    "EMAIL": {k: getattr(s, k) for k in dir(s) if k.startswith("EMAIL_")},
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "CSRF_COOKIE_SECURE": getattr(s, "CSRF_COOKIE_SECURE", False),
    "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
    "SECURE_HSTS_SECONDS": getattr(s, "SECURE_HSTS_SECONDS", 0),
    "SECURE_PROXY_SSL_HEADER": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
    "STATICFILES_STORAGE": s.STORAGES["staticfiles"]["BACKEND"],
    "WHITENOISE_USE_FINDERS": s.WHITENOISE_USE_FINDERS,
    "MIDDLEWARE": s.MIDDLEWARE,
}))
"""

SEND_MAIL = """
import django
django.setup()
from django.core.mail import send_mail
send_mail("Your quotation", "Body text", "noreply@localhost", ["anna@example.com"])
"""

PRODUCTION_ENV = {
    "SECRET_KEY": "x7-production-secret-key-that-is-long-and-random-enough-for-django-9f3k2",
    "ALLOWED_HOSTS": "portal.example.com,www.portal.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.com",
    "DATABASE_URL": "postgres://portal:db-pass@db.internal:5433/portal",
    "REDIS_URL": "redis://cache.internal:6379/1",
    "EMAIL_HOST": "smtp.example.com",
    "EMAIL_HOST_USER": "mailer",
    "EMAIL_HOST_PASSWORD": "mail-pass",
}


def run_python(args: list[str], var_dir: Path, env: dict[str, str]):
    """Runs the project's Python with only ``env`` set (plus PATH and HOME) and VAR_DIR."""
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/")}
    clean.update({"VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "negotiation_portal.settings"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load_settings(var_dir: Path, env: dict[str, str]) -> dict:
    result = run_python(["-c", PROBE], var_dir, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def embedded_var(tmp_path_factory):
    return tmp_path_factory.mktemp("embedded") / "var"


@pytest.fixture(scope="module")
def embedded(embedded_var):
    return load_settings(embedded_var, {})


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    return load_settings(tmp_path_factory.mktemp("production") / "var", PRODUCTION_ENV)


def test_embedded_default_uses_sqlite_in_the_var_folder(embedded, embedded_var):
    assert embedded["DATABASE"]["ENGINE"] == "django.db.backends.sqlite3"
    assert embedded["DATABASE"]["NAME"] == str(embedded_var / "db.sqlite3")


def test_database_url_switches_to_postgresql_through_psycopg_3(production):
    database = production["DATABASE"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["HOST"], database["PORT"]) == (
        "portal",
        "portal",
        "db.internal",
        "5433",
    )
    assert database["CONN_HEALTH_CHECKS"] == "True"
    assert production["is_psycopg3"] is True


def test_postgresql_takes_connections_from_a_bounded_pool_not_persistent_ones(production):
    assert production["DATABASE"]["CONN_MAX_AGE"] == "0"
    assert production["DATABASE_OPTIONS"]["pool"] == {"min_size": 2, "max_size": 10, "timeout": 5.0}


def test_pool_sizes_and_timeout_come_from_the_environment(tmp_path):
    env = {
        **PRODUCTION_ENV,
        "DATABASE_POOL_MIN_SIZE": "1",
        "DATABASE_POOL_MAX_SIZE": "4",
        "DATABASE_POOL_TIMEOUT": "2.5",
    }

    options = load_settings(tmp_path / "var", env)["DATABASE_OPTIONS"]

    assert options["pool"] == {"min_size": 1, "max_size": 4, "timeout": 2.5}


def test_the_pool_can_be_switched_off_for_persistent_connections(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_POOL": "false", "CONN_MAX_AGE": "30"}

    settings = load_settings(tmp_path / "var", env)

    assert "pool" not in settings["DATABASE_OPTIONS"]
    assert settings["DATABASE"]["CONN_MAX_AGE"] == "30"


def test_behind_pgbouncer_server_side_cursors_are_off(production, tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_BEHIND_PGBOUNCER": "true"}

    assert production["DATABASE"]["DISABLE_SERVER_SIDE_CURSORS"] == "False"
    assert load_settings(tmp_path / "var", env)["DATABASE"]["DISABLE_SERVER_SIDE_CURSORS"] == "True"


def test_embedded_sqlite_has_no_pool(embedded):
    assert "pool" not in embedded["DATABASE_OPTIONS"]


def test_http_requests_in_flight_are_capped_per_process_by_default(embedded, tmp_path):
    env = {"HTTP_MAX_CONCURRENT_REQUESTS": "50", "OVERLOAD_RETRY_AFTER_SECONDS": "5"}

    configured = load_settings(tmp_path / "var", env)

    assert (embedded["HTTP_MAX_CONCURRENT_REQUESTS"], embedded["OVERLOAD_RETRY_AFTER_SECONDS"]) == (
        20,
        2,
    )
    assert configured["HTTP_MAX_CONCURRENT_REQUESTS"] == 50
    assert configured["OVERLOAD_RETRY_AFTER_SECONDS"] == 5


def test_production_csp_allows_secure_chat_sockets_to_the_allowed_hosts_only(production):
    assert production["CSP"]["connect-src"] == [
        "'self'",
        "wss://portal.example.com",
        "wss://www.portal.example.com",
    ]


def test_embedded_default_uses_the_in_memory_channel_layer_and_a_local_cache(embedded):
    assert embedded["CHANNEL_LAYER"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert embedded["CACHE"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_switches_the_channel_layer_and_the_cache_to_redis(production):
    assert production["CHANNEL_LAYER"]["BACKEND"] == (
        "channels_redis.pubsub.RedisPubSubChannelLayer"
    )
    assert production["CHANNEL_LAYER"]["CONFIG"]["hosts"] == [
        {"address": "redis://cache.internal:6379/1", "socket_timeout": 15}
    ]
    assert production["CACHE"] == {
        "BACKEND": "common.cache.SharedPoolRedisCache",
        "LOCATION": "redis://cache.internal:6379/1",
    }


def test_channel_layer_core_keeps_the_list_based_redis_layer(tmp_path):
    layer = load_settings(tmp_path / "var", {**PRODUCTION_ENV, "CHANNEL_LAYER": "core"})[
        "CHANNEL_LAYER"
    ]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert (layer["CONFIG"]["capacity"], layer["CONFIG"]["expiry"]) == (500, 30)
    assert layer["CONFIG"]["hosts"] == [
        {"address": "redis://cache.internal:6379/1", "socket_timeout": 15}
    ]


def test_embedded_default_runs_celery_over_the_filesystem_broker(embedded, embedded_var):
    options = embedded["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert embedded["CELERY_BROKER_URL"] == "filesystem://"
    assert options["data_folder_in"] == options["data_folder_out"]
    assert options["data_folder_in"] == str(embedded_var / "celery" / "queue")
    assert options["control_folder"] == str(embedded_var / "celery" / "control")


def test_embedded_default_creates_the_broker_folders_kombu_needs(embedded, embedded_var):
    for folder in ("queue", "control", "processed"):
        assert (embedded_var / "celery" / folder).is_dir()


def test_redis_url_makes_redis_the_celery_broker_and_result_backend(production):
    assert production["CELERY_BROKER_URL"] == "redis://cache.internal:6379/1"
    assert production["CELERY_RESULT_BACKEND"] == "redis://cache.internal:6379/1"
    assert production["CELERY_BEAT_SCHEDULER"] == (
        "django_celery_beat.schedulers:DatabaseScheduler"
    )


def test_redis_hands_out_a_task_whose_worker_died_again_within_minutes(production, tmp_path):
    assert production["CELERY_BROKER_TRANSPORT_OPTIONS"] == {"visibility_timeout": 600}
    env = {**PRODUCTION_ENV, "CELERY_VISIBILITY_TIMEOUT": "300"}
    options = load_settings(tmp_path / "var", env)["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert options == {"visibility_timeout": 300}


def test_debug_is_off_unless_asked_for(embedded, production, tmp_path):
    assert embedded["DEBUG"] is False
    assert production["DEBUG"] is False
    assert load_settings(tmp_path / "var", {"DEBUG": "true"})["DEBUG"] is True


def test_embedded_default_is_not_production_and_keeps_plain_http_working(embedded):
    assert embedded["PRODUCTION"] is False
    assert embedded["SESSION_COOKIE_SECURE"] is False
    assert embedded["SECURE_SSL_REDIRECT"] is False
    assert embedded["SECURE_HSTS_SECONDS"] == 0


def test_embedded_default_generates_a_secret_key_once_and_reuses_it(embedded, embedded_var):
    stored = (embedded_var / "secret_key").read_text().strip()
    assert embedded["SECRET_KEY"] == stored
    assert len(stored) >= 50
    assert load_settings(embedded_var, {})["SECRET_KEY"] == stored


def test_secret_key_switches_on_production_with_secure_cookies_and_hsts(production):
    assert production["PRODUCTION"] is True
    assert production["SECRET_KEY"] == PRODUCTION_ENV["SECRET_KEY"]
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_hosts_and_trusted_origins_come_from_the_environment(embedded, production):
    assert embedded["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "testserver"]
    assert production["ALLOWED_HOSTS"] == ["portal.example.com", "www.portal.example.com"]
    assert production["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.com"]


def test_static_files_come_from_the_app_folders_in_the_embedded_default(embedded):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in embedded["MIDDLEWARE"]
    assert embedded["WHITENOISE_USE_FINDERS"] is True


def test_production_serves_collected_hashed_static_files_through_whitenoise(production):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in production["MIDDLEWARE"]
    assert production["WHITENOISE_USE_FINDERS"] is False
    assert production["STATICFILES_STORAGE"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_embedded_default_writes_e_mail_to_files_in_the_outbox(embedded, embedded_var):
    assert embedded["EMAIL"]["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert embedded["EMAIL"]["EMAIL_FILE_PATH"] == str(embedded_var / "outbox")


def test_embedded_default_leaves_one_file_per_sent_message(tmp_path):
    result = run_python(["-c", SEND_MAIL], tmp_path / "var", {})

    assert result.returncode == 0, result.stderr
    [message] = (tmp_path / "var" / "outbox").iterdir()
    assert "Subject: Your quotation" in message.read_text()


def test_email_host_switches_to_smtp_with_tls_and_credentials(production):
    email = production["EMAIL"]
    assert email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert email["EMAIL_HOST"] == "smtp.example.com"
    assert email["EMAIL_PORT"] == 587
    assert email["EMAIL_USE_TLS"] is True
    assert (email["EMAIL_HOST_USER"], email["EMAIL_HOST_PASSWORD"]) == ("mailer", "mail-pass")


def test_smtp_port_and_tls_can_be_changed(tmp_path):
    env = {"EMAIL_HOST": "mail.internal", "EMAIL_PORT": "25", "EMAIL_USE_TLS": "false"}

    email = load_settings(tmp_path / "var", env)["EMAIL"]

    assert (email["EMAIL_PORT"], email["EMAIL_USE_TLS"]) == (25, False)


def test_deploy_check_reports_nothing_with_production_settings(tmp_path):
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path / "var",
        PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_every_app_with_tests_is_in_the_suites_testpaths():
    import configparser

    root = BASE_DIR
    config = configparser.ConfigParser()
    config.read(root / "pytest.ini")
    testpaths = set(config["pytest"]["testpaths"].split())
    apps_with_tests = {path.parent.parent.name for path in root.glob("*/tests/__init__.py")}

    assert apps_with_tests - testpaths == set()
