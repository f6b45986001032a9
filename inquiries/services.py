from decimal import Decimal

from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Company, Side
from catalog.models import Product
from common.errors import NotAllowed, ValidationFailed
from inquiries import selectors
from inquiries.models import Inquiry, Negotiation


def _clean_inquiry(values: dict) -> dict:
    """Checks the inquiry's fields against the model's own field definitions."""
    cleaned, errors = {}, {}
    for name in (
        "subject",
        "message",
        "quantity",
        "unit",
        "target_price",
        "target_currency",
        "destination_country",
    ):
        model_field = Inquiry._meta.get_field(name)
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, float):
            value = str(value)
        try:
            if value in (None, ""):
                if not model_field.blank:
                    raise ValidationFailed({name: ["This field is required."]})
                cleaned[name] = None if model_field.null else ""
                continue
            cleaned[name] = model_field.clean(value, None)
            if isinstance(model_field, models.TextField) and model_field.max_length:
                # A TextField's max_length binds only its form widget, not Field.clean().
                MaxLengthValidator(model_field.max_length)(cleaned[name])
        except ValidationFailed as exc:
            errors.update(exc.errors)
        except Exception as exc:  # django ValidationError
            errors[name] = getattr(exc, "messages", [str(exc)])
    if "quantity" in cleaned and cleaned["quantity"] is not None and cleaned["quantity"] <= 0:
        errors["quantity"] = ["Quantity must be greater than zero."]
    if cleaned.get("target_price") is not None:
        if cleaned["target_price"] <= Decimal(0):
            errors["target_price"] = ["The target price must be greater than zero."]
        if not cleaned.get("target_currency"):
            errors["target_currency"] = ["Give the currency of the target price."]
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
        raise NotAllowed("Only buyers send inquiries.")
    product = None
    if product_id is not None:
        product = Product.objects.filter(pk=product_id, active=True).first()
        if product is None:
            raise ValidationFailed({"product_id": ["No such product."]})
        seller_company_id = product.seller_id
    elif seller_company_id is None:
        raise ValidationFailed({"seller_company_id": ["Choose a product or a seller."]})
    elif not Company.objects.filter(pk=seller_company_id, side=Side.SELLER).exists():
        raise ValidationFailed({"seller_company_id": ["No such seller."]})
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
        raise NotAllowed("Only the seller marks an inquiry read.")
    now = timezone.now()
    if Inquiry.objects.filter(pk=inquiry.pk, read_at__isnull=True).update(read_at=now):
        inquiry.read_at = now
    return inquiry
