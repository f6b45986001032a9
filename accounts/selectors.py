from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts.models import Company, FreightRate, User
from common.db import SubqueryCount, SubqueryMax
from common.errors import NotFound


def company_profiles():
    """Companies with their derived profile figures, computed in the same query.

    inquiries_sent: inquiries the company sent; orders_confirmed: its orders that both sides
    confirmed (awaiting payment or paid); last_active: its members' latest activity.
    """
    from inquiries.models import Inquiry
    from orders.models import Order

    company = OuterRef("pk")
    return Company.objects.annotate(
        inquiries_sent=SubqueryCount(Inquiry.objects.filter(negotiation__buyer_company=company)),
        orders_confirmed=SubqueryCount(
            Order.objects.filter(
                Q(negotiation__buyer_company=company) | Q(negotiation__seller_company=company),
                status__in=Order.CONFIRMED_BY_BOTH_STATES,
            )
        ),
        last_active=SubqueryMax(User.objects.filter(company=company), "last_active_at"),
    )


def company_profile(*, company_id: int) -> Company:
    return company_profiles().get(pk=company_id)


def api_tokens_for_user(user: User) -> list:
    """The user's API tokens that have not expired, newest first (never their secrets)."""
    return list(
        AuthToken.objects.filter(user=user)
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
        .only("token_key", "created", "expiry")
        .order_by("-created")
    )


def company_of_user(user) -> Company:
    company = Company.objects.filter(pk=user.company_id).first() if user.company_id else None
    if company is None:
        raise NotFound(_("You do not belong to a company."))
    return company


def sales_contact(company: Company) -> dict:
    """The seller contact Start Order fills in: the company's default sales contact, or, where
    the seller set none, its first member's name, e-mail and phone (never the buyer's input)."""
    contact = {
        "name": company.sales_contact_name,
        "email": company.sales_contact_email,
        "phone": company.sales_contact_phone,
    }
    if contact["name"]:
        return contact
    member = (
        User.objects.filter(company_id=company.pk, is_active=True).order_by("date_joined", "pk")
    ).first()
    if member is None:
        return contact
    return {"name": member.display_name, "email": member.email, "phone": member.phone}


def freight_rates_of_seller(company_id: int):
    return FreightRate.objects.filter(seller_id=company_id)


def freight_rate_for(*, seller_id: int, destination_country: str, currency: str):
    """The seller's rate to the country in the currency, or None."""
    return FreightRate.objects.filter(
        seller_id=seller_id, destination_country=destination_country, currency=currency
    ).first()
