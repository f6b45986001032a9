from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Company, Side
from catalog.models import Product
from common.errors import NotAllowed, ValidationFailed
from common.fields import clean_fields
from inquiries import selectors
from inquiries.models import Inquiry, Negotiation

INQUIRY_FIELDS = (
    "subject",
    "message",
    "quantity",
    "unit",
    "target_price",
    "target_currency",
    "destination_country",
)


def _clean_inquiry(values: dict) -> dict:
    """Checks the inquiry's fields against the model's own field definitions."""
    cleaned, errors = clean_fields(Inquiry, INQUIRY_FIELDS, values)
    if "quantity" in cleaned and cleaned["quantity"] is not None and cleaned["quantity"] <= 0:
        errors["quantity"] = [_("Quantity must be greater than zero.")]
    if cleaned.get("target_price") is not None:
        if cleaned["target_price"] <= Decimal(0):
            errors["target_price"] = [_("The target price must be greater than zero.")]
        if not cleaned.get("target_currency"):
            errors["target_currency"] = [_("Give the currency of the target price.")]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


@transaction.atomic
def inquiry_create(
    *,
    actor,
    values: dict,
    product_id: int | None = None,
    seller_company_id: int | None = None,
) -> Inquiry:
    """A buyer writes to a seller, about a product or not; opens a new negotiation.

    The seller sees it as a new, unread inquiry.
    """
    if actor.side != Side.BUYER:
        raise NotAllowed(_("Only buyers send inquiries."))
    product = None
    if product_id is not None:
        product = Product.objects.filter(pk=product_id, active=True).first()
        if product is None:
            raise ValidationFailed({"product_id": [_("No such product.")]})
        seller_company_id = product.seller_id
    elif seller_company_id is None:
        raise ValidationFailed({"seller_company_id": [_("Choose a product or a seller.")]})
    elif not Company.objects.filter(pk=seller_company_id, side=Side.SELLER).exists():
        raise ValidationFailed({"seller_company_id": [_("No such seller.")]})
    if product and not values.get("unit"):
        values = {**values, "unit": product.unit}
    cleaned = _clean_inquiry(values)
    negotiation = Negotiation.objects.create(
        buyer_company_id=actor.company_id,
        seller_company_id=seller_company_id,
        origin=Negotiation.Origin.INQUIRY,
        product=product,
    )
    return Inquiry.objects.create(negotiation=negotiation, product=product, sender=actor, **cleaned)


def inquiry_mark_read(*, inquiry_id: int, actor) -> Inquiry:
    """The seller has seen the inquiry; marking twice keeps the first time."""
    inquiry = selectors.inquiry_get_for_user(user=actor, inquiry_id=inquiry_id)
    if actor.company_id != inquiry.negotiation.seller_company_id:
        raise NotAllowed(_("Only the seller marks an inquiry read."))
    now = timezone.now()
    if Inquiry.objects.filter(pk=inquiry.pk, read_at__isnull=True).update(read_at=now):
        inquiry.read_at = now
    return inquiry
