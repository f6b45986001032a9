"""Deployment settings of the hardening work: trusted proxies and private file storage."""

import json
import re

from negotiation_portal.tests.test_settings import BASE_DIR, run_python


def test_a_wildcard_proxy_list_is_refused_at_start(tmp_path):
    result = run_python(
        ["-c", "import negotiation_portal.settings"], tmp_path / "var", {"FORWARDED_ALLOW_IPS": "*"}
    )
    assert result.returncode != 0
    assert "FORWARDED_ALLOW_IPS" in result.stderr


def test_the_production_image_trusts_forwarded_headers_only_from_configured_proxies():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "--proxy-headers" in dockerfile
    assert not re.search(r"forwarded-allow-ips[\"',\s]+\*", dockerfile)


STORAGE_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["private"]
print(json.dumps({
    "backend": settings.STORAGES["private"]["BACKEND"],
    "class": type(storage).__module__ + "." + type(storage).__name__,
    "location": getattr(storage, "location", None),
    "bucket": getattr(storage, "bucket_name", None),
    "media_root": settings.MEDIA_ROOT,
}))
"""


def _storage(tmp_path, env):
    result = run_python(["-c", STORAGE_PROBE], tmp_path / "var", env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_private_files_default_to_a_folder_outside_the_served_media_root(tmp_path):
    storage = _storage(tmp_path, {})
    assert storage["class"] == "common.files.PrivateFileSystemStorage"
    assert storage["location"] == str(tmp_path / "var" / "private")
    assert not storage["location"].startswith(storage["media_root"])


def test_a_private_folder_inside_the_media_root_is_refused(tmp_path):
    env = {"MEDIA_ROOT": str(tmp_path / "media"), "PRIVATE_MEDIA_ROOT": str(tmp_path / "media/p")}
    result = run_python(["-c", "import negotiation_portal.settings"], tmp_path / "var", env)
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_ROOT" in result.stderr


def test_private_files_can_live_in_an_s3_bucket(tmp_path):
    storage = _storage(
        tmp_path,
        {
            "PRIVATE_STORAGE": "s3",
            "PRIVATE_STORAGE_BUCKET": "portal-private",
            "PRIVATE_STORAGE_ENDPOINT_URL": "http://127.0.0.1:9",
        },
    )
    assert storage["class"] == "storages.backends.s3.S3Storage"
    assert storage["bucket"] == "portal-private"
