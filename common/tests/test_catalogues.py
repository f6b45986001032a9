"""Every catalogue in locale/ is complete: nothing untranslated, nothing fuzzy.

Passes when locale/ holds no catalogue yet; each language's catalogue is checked once it exists.
And the catalogues are up to date: makemessages, run on a copy of the source, finds no string
they lack (a string marked for translation but never added to the catalogues would show in
English to every reader).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

CATALOGUES = sorted(
    po for folder in settings.LOCALE_PATHS for po in Path(folder).glob("*/LC_MESSAGES/*.po")
)


def _problems(po: Path) -> list[str]:
    with po.open("rb") as infile:
        catalog = read_po(infile)
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    return problems


@pytest.mark.parametrize("po", CATALOGUES, ids=[str(po.parent.parent.name) for po in CATALOGUES])
def test_the_catalogue_has_no_untranslated_or_fuzzy_entries(po):
    assert _problems(po) == []


def test_an_untranslated_or_fuzzy_entry_is_found(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Products"\nmsgstr "Produkte"\n\n'
        'msgid "Log in"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Log out"\nmsgstr "Abmelden"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s Tag"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    assert _problems(po) == [
        "untranslated: 'Log in'",
        "fuzzy: 'Log out'",
        "untranslated: ('%(n)s day', '%(n)s days')",
    ]


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs gettext (apt-get install gettext)"
)
def test_makemessages_finds_no_string_the_catalogues_lack(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "docs", "node_modules", "test-artifacts", "__pycache__", "*.mo"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--all", "--no-obsolete"]
        + ["--ignore=.venv", "--ignore=var", "--ignore=node_modules"],
        cwd=source,
        check=True,
        capture_output=True,
    )
    problems = {
        po.parent.parent.name: _problems(po)
        for po in sorted((source / "locale").glob("*/LC_MESSAGES/*.po"))
    }
    assert problems == {language: [] for language in problems}
