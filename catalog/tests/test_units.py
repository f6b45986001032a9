"""A quantity reads with its unit in the number and the language of the reader."""

from decimal import Decimal

import pytest
from django.utils import translation

from catalog.models import Unit, quantity_with_unit


@pytest.mark.parametrize(
    "language, quantity, unit, expected",
    [
        ("en", "1", Unit.PIECE, "1 piece"),
        ("en", "1000", Unit.PIECE, "1,000 pieces"),
        ("de", "1000", Unit.PIECE, "1.000 Stück"),
        ("de", "3", Unit.CARTON, "3 Kartons"),
        ("zh-hans", "1000", Unit.PIECE, "1,000 件"),
        ("fr", "2", Unit.ROLL, "2 rouleaux"),
    ],
)
def test_a_quantity_reads_with_its_unit_in_the_readers_language(language, quantity, unit, expected):
    with translation.override(language):
        assert quantity_with_unit(Decimal(quantity), unit) == expected


def test_the_plain_unit_name_stays_its_own_message():
    with translation.override("de"):
        assert str(Unit.PIECE.label) == "Stück"
        assert str(Unit.CARTON.label) == "Karton"
