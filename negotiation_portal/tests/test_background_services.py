"""The Celery broker, the channel layer, the cache and the database that each configuration uses
really work: a worker in another process runs a task, a message crosses processes.

The embedded default is exercised on every run; the Redis and PostgreSQL checks run in CI's
second pass (``eval "$(scripts/services.sh start)"``).
"""

import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]

SEND_TASK = """
import sys
from negotiation_portal.celery import app
app.send_task("celery.accumulate", args=(20, 22), queue=sys.argv[1])
"""


def start_worker(env: dict[str, str], queue: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "negotiation_portal", "worker"]
    command += ["--pool=solo", "--loglevel=INFO", "-Q", queue, "-n", f"{queue}@%h"]
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def wait_for_line(log: Path, text: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_on_the_filesystem_broker_runs_a_task_sent_by_another_process(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/"),
        "VAR_DIR": str(tmp_path / "var"),
    }
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(env, queue, log)
    try:
        assert wait_for_line(log, " ready."), log.read_text()
        sender = subprocess.run(
            [sys.executable, "-c", SEND_TASK, queue],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert sender.returncode == 0, sender.stderr

        assert wait_for_line(log, ": (20, 22)"), log.read_text()
    finally:
        stop_worker(worker)


@pytest.mark.redis
def test_a_worker_on_the_redis_broker_returns_the_result_through_redis(tmp_path):
    from negotiation_portal.celery import app

    app.conf.task_always_eager = False  # a real worker runs this one; conftest resets it
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker({**os.environ, "VAR_DIR": str(tmp_path / "var")}, queue, log)
    try:
        assert wait_for_line(log, " ready."), log.read_text()

        result = app.send_task("celery.accumulate", args=(20, 22), queue=queue)

        assert result.get(timeout=30) == [20, 22]
    finally:
        stop_worker(worker)


SEND_TO_GROUP = """
import sys
import django
django.setup()
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
async_to_sync(get_channel_layer().group_send)(sys.argv[1], {"type": "ping", "text": "hello"})
"""


@pytest.mark.redis
async def test_the_redis_channel_layer_delivers_a_group_message_from_another_process():
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    group = f"test-{uuid.uuid4().hex[:8]}"
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    sender = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SEND_TO_GROUP,
        group,
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "negotiation_portal.settings"},
    )
    assert await asyncio.wait_for(sender.wait(), timeout=60) == 0

    message = await asyncio.wait_for(layer.receive(channel), timeout=10)

    assert message == {"type": "ping", "text": "hello"}
    await layer.group_discard(group, channel)


@pytest.mark.redis
def test_the_cache_is_shared_through_redis():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    key = f"test-{uuid.uuid4().hex}"
    cache.set(key, "shared", timeout=30)

    fresh = RedisCache(os.environ["REDIS_URL"], {})
    assert fresh.get(key) == "shared"
    assert isinstance(caches["default"], RedisCache)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_is_postgresql_through_psycopg_3():
    import psycopg

    connection.ensure_connection()

    assert connection.vendor == "postgresql"
    assert isinstance(connection.connection, psycopg.Connection)
