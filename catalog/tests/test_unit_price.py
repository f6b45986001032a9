from decimal import Decimal

import pytest

from catalog.models import BelowMinimumOrder, Product, Unit
from catalog.tests.factories import ProductFactory
from common.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def fabric():
    """Sold by the metre from 2.5 m: 2.5 m at 10.00, 10 m at 9.00, 100 m at 8.25."""
    return ProductFactory(
        unit=Unit.METRE,
        moq=Decimal("2.5"),
        tiers=[("2.5", "10.00"), ("10", "9.00"), ("100", "8.25")],
    )


def test_quantity_below_the_moq_is_refused_with_the_moq_in_the_message(product):
    with pytest.raises(BelowMinimumOrder) as caught:
        product.unit_price_for(Decimal("99"))
    assert caught.value.errors == {"quantity": ["The minimum order quantity is 100 pieces."]}
    assert caught.value.moq == Decimal("100")


def test_refusal_under_the_moq_is_a_validation_failure(product):
    with pytest.raises(ValidationFailed):
        product.unit_price_for(Decimal("1"))


def test_quantity_exactly_at_the_moq_gets_the_first_tier(product):
    assert product.unit_price_for(Decimal("100")) == Decimal("5.20")


def test_last_quantity_of_a_tier_keeps_that_tier_price(product):
    assert product.unit_price_for(Decimal("499")) == Decimal("5.20")


def test_first_quantity_of_the_next_tier_gets_the_next_price(product):
    assert product.unit_price_for(Decimal("500")) == Decimal("4.80")


def test_quantity_far_above_the_top_tier_gets_the_top_tier_price(product):
    assert product.unit_price_for(Decimal("1000000")) == Decimal("4.80")


def test_integer_and_string_quantities_are_accepted(product):
    assert product.unit_price_for(500) == Decimal("4.80")
    assert product.unit_price_for("250") == Decimal("5.20")


def test_a_product_without_tiers_has_no_price_for_any_quantity():
    product = ProductFactory(tiers=[])
    with pytest.raises(ValidationFailed) as caught:
        product.unit_price_for(Decimal("100"))
    assert caught.value.errors == {"quantity": ["No price tier covers this quantity."]}


def test_a_quantity_between_the_moq_and_the_first_tier_has_no_price():
    product = ProductFactory(moq=Decimal("50"), tiers=[("100", "5.20")])
    with pytest.raises(ValidationFailed) as caught:
        product.unit_price_for(Decimal("60"))
    assert "No price tier covers this quantity." in caught.value.errors["quantity"]


def test_fractional_quantity_below_a_fractional_moq_is_refused(fabric):
    with pytest.raises(BelowMinimumOrder) as caught:
        fabric.unit_price_for(Decimal("2.499"))
    assert caught.value.errors["quantity"] == ["The minimum order quantity is 2.5 metres."]


def test_fractional_quantity_at_a_fractional_moq_gets_the_first_tier(fabric):
    assert fabric.unit_price_for(Decimal("2.5")) == Decimal("10.00")


def test_fractional_quantity_just_under_a_tier_edge_keeps_the_lower_tier(fabric):
    assert fabric.unit_price_for(Decimal("9.999")) == Decimal("10.00")


def test_fractional_quantity_past_a_tier_edge_gets_the_next_tier(fabric):
    assert fabric.unit_price_for(Decimal("10.001")) == Decimal("9.00")
    assert fabric.unit_price_for(Decimal("100.5")) == Decimal("8.25")


def test_fractional_quantity_of_pieces_is_priced_by_its_tier(product):
    assert product.unit_price_for(Decimal("499.5")) == Decimal("5.20")


def test_tiers_are_applied_by_quantity_whatever_their_creation_order():
    product = ProductFactory(tiers=[("1000", "4.10"), ("100", "5.20"), ("500", "4.80")])
    assert product.unit_price_for(Decimal("750")) == Decimal("4.80")
    assert product.unit_price_for(Decimal("1000")) == Decimal("4.10")


def test_prefetched_tiers_are_priced_without_queries(product, django_assert_num_queries):
    loaded = Product.objects.prefetch_related("price_tiers").get(pk=product.pk)
    with django_assert_num_queries(0):
        assert loaded.unit_price_for(Decimal("500")) == Decimal("4.80")
