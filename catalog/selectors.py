from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Q, QuerySet

from accounts.models import User
from catalog.models import Category, Product
from common.errors import NotFound
from orders.terms import line_total


def product_visibility(user: User) -> Q:
    """Active products for everyone; a seller also sees its own inactive ones, staff all."""
    if user.is_authenticated and user.is_staff:
        return Q()
    if user.is_authenticated and user.company_id:
        return Q(active=True) | Q(seller_id=user.company_id)
    return Q(active=True)


def products_for_catalog(
    *, search: str = "", category_slug: str = "", seller_id: int | None = None
) -> QuerySet[Product]:
    """Active products for the public list, with their seller, category and price range.

    Every word of ``search`` must appear in the name, the description or the seller's name.
    """
    products = (
        Product.objects.filter(active=True)
        .select_related("seller", "category")
        .annotate(
            price_min=Min("price_tiers__unit_price"), price_max=Max("price_tiers__unit_price")
        )
    )
    for word in search.split():
        products = products.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(seller__legal_name__icontains=word)
        )
    if category_slug:
        products = products.filter(category__slug=category_slug)
    if seller_id is not None:
        products = products.filter(seller_id=seller_id)
    return products.order_by("name", "pk")


def product_get_for_user(*, user: User, product_id: int) -> Product:
    """The product with its seller, category and tiers; NotFound when the user may not see it."""
    try:
        return (
            Product.objects.filter(product_visibility(user))
            .select_related("seller", "category")
            .prefetch_related("price_tiers")
            .get(pk=product_id)
        )
    except Product.DoesNotExist:
        raise NotFound()


def categories() -> QuerySet[Category]:
    return Category.objects.order_by("name")


@dataclass(frozen=True)
class PriceQuote:
    quantity: Decimal
    unit_price: Decimal
    line_total: Decimal
    currency: str


def product_price_quote(*, product: Product, quantity: Decimal) -> PriceQuote:
    """The tier unit price and line total for a quantity; raises BelowMinimumOrder under the MOQ."""
    unit_price = product.unit_price_for(quantity)
    total = line_total({"quantity": quantity, "unit_price": unit_price}, product.currency)
    return PriceQuote(
        quantity=quantity, unit_price=unit_price, line_total=total, currency=product.currency
    )
