"""Deployment settings of the hardening work: trusted proxies and private file storage."""

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
