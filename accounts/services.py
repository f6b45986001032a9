import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_logged_out
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from knox.models import AuthToken

from accounts.models import Company, FreightRate, Side, User
from accounts.signals import password_changed
from common.errors import NotAllowed, NotFound, RateLimited, ValidationFailed
from common.fields import clean_fields
from common.i18n import supported_language
from common.ratelimit import client_address, window_count, window_hit, window_reset

LAST_ACTIVE_RESOLUTION = datetime.timedelta(minutes=5)

COMPANY_SIGNUP_FIELDS = (
    "side",
    "legal_name",
    "country",
    "city",
    "business_type",
    "year_established",
    "employees",
    "main_products",
    "website",
)
# The currency starts as the country's (Company.save) and is changed on the profile.
COMPANY_PROFILE_FIELDS = (
    *(name for name in COMPANY_SIGNUP_FIELDS if name != "side"),
    "currency",
)
# A seller's default sales contact (Start Order's seller contact); sellers only.
SALES_CONTACT_FIELDS = ("sales_contact_name", "sales_contact_email", "sales_contact_phone")
# How long confirmations of a seller's orders stay open by default (issue 14); sellers only.
OFFER_FIELDS = ("offer_validity_days",)
FREIGHT_RATE_FIELDS = ("destination_country", "currency", "per_order", "per_unit")
USER_SIGNUP_FIELDS = ("username", "first_name", "last_name", "email", "phone")
EARLIEST_YEAR_ESTABLISHED = 1800


def user_touch_last_active(*, user: User, now: datetime.datetime) -> None:
    # One UPDATE at most every few minutes per user keeps page query counts constant.
    if user.last_active_at and now - user.last_active_at < LAST_ACTIVE_RESOLUTION:
        return
    User.objects.filter(pk=user.pk).update(last_active_at=now)
    user.last_active_at = now


def validate_year_established(year: int | None) -> None:
    """Forms call it too, to show the error beside other field errors."""
    last = timezone.now().year
    if year is not None and not EARLIEST_YEAR_ESTABLISHED <= year <= last:
        raise ValidationError(
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR_ESTABLISHED, "last": last},
            code="year_established",
        )


def _company_errors(company: Company) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        company.full_clean(exclude=["verified"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_year_established(company.year_established)
    except ValidationError as exc:
        errors.setdefault("year_established", []).extend(exc.messages)
    return errors


@transaction.atomic
def company_signup(*, company_data: dict, user_data: dict) -> User:
    """Creates a buyer or seller company and its first user, or changes nothing.

    Raises ValidationFailed with every field error (company and user fields share one dict;
    their names do not overlap) when any value is invalid.
    """
    company = Company(**{name: company_data.get(name) for name in COMPANY_SIGNUP_FIELDS})
    for name in ("employees", "main_products", "website"):
        if getattr(company, name) is None:
            setattr(company, name, "")
    errors = _company_errors(company)

    user = User(**{name: user_data.get(name) or "" for name in USER_SIGNUP_FIELDS})
    user.email = User.objects.normalize_email(user.email)
    # The browser's language (Accept-Language) until the user picks another.
    user.language = supported_language(user_data.get("language"))
    password = user_data.get("password") or ""
    try:
        user.full_clean(exclude=["company", "password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for name, message in (
        ("first_name", _("Enter your first name.")),
        ("last_name", _("Enter your last name.")),
        ("email", _("Enter an e-mail address.")),
    ):
        if not getattr(user, name).strip():
            errors.setdefault(name, []).append(message)
    if user.email and User.objects.filter(email__iexact=user.email).exists():
        # One address per account keeps password reset unambiguous.
        errors.setdefault("email", []).append(
            _("An account with this e-mail address already exists.")
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    if errors:
        raise ValidationFailed(errors)

    company.save()
    user.company = company
    user.set_password(password)
    user.save()
    return user


def user_language_set(*, user: User, language: str) -> str:
    """The user's preferred language for pages, e-mails and notifications; one of LANGUAGES
    (a field error otherwise, nothing changed)."""
    if not isinstance(language, str) or language not in dict(settings.LANGUAGES):
        raise ValidationFailed({"language": [_("Choose one of the languages offered.")]})
    if user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    return language


@transaction.atomic
def company_update(*, company_id: int, actor: User, values: dict) -> Company:
    """Changes the basic profile fields of the actor's own company (not side or verified)."""
    if actor.company_id != company_id:
        raise NotAllowed()
    company = Company.objects.select_for_update().get(pk=company_id)
    names = COMPANY_PROFILE_FIELDS
    if company.is_seller:
        names += SALES_CONTACT_FIELDS + OFFER_FIELDS
    for name in names:
        if name in values:
            value = values[name]
            if value is None and name in OFFER_FIELDS:
                continue  # left empty: the company keeps its offer validity
            if value is None and name != "year_established":
                value = ""
            setattr(company, name, value)
    errors = _company_errors(company)
    if errors:
        raise ValidationFailed(errors)
    company.save()
    return company


def sales_contact_update(*, actor: User, values: dict) -> Company:
    """A seller member sets the company's default sales contact (name, e-mail, phone)."""
    if actor.side != Side.SELLER:
        raise NotAllowed(_("Only sellers keep a sales contact."))
    return company_update(
        company_id=actor.company_id,
        actor=actor,
        values={name: values.get(name) or "" for name in SALES_CONTACT_FIELDS},
    )


def offer_validity_update(*, actor: User, days) -> Company:
    """A seller member sets how many days the company's orders' confirmations stay open by
    default (1 to MAX_OFFER_VALIDITY_DAYS)."""
    if actor.side != Side.SELLER:
        raise NotAllowed(_("Only sellers set how long their confirmations stay valid."))
    if not isinstance(days, int) or isinstance(days, bool):
        raise ValidationFailed({"offer_validity_days": [_("Enter a whole number of days.")]})
    return company_update(
        company_id=actor.company_id, actor=actor, values={"offer_validity_days": days}
    )


# --- Freight rates ----------------------------------------------------------------------------


@transaction.atomic
def freight_rate_set(*, actor: User, values: dict) -> FreightRate:
    """A seller member sets the rate to a destination country in a currency (replacing the
    one there was): per order and/or per unit, at least one of them."""
    if actor.side != Side.SELLER:
        raise NotAllowed(_("Only sellers keep freight rates."))
    cleaned, errors = clean_fields(FreightRate, FREIGHT_RATE_FIELDS, values)
    if not errors and cleaned["per_order"] is None and cleaned["per_unit"] is None:
        errors["per_order"] = [_("Give a price per order, per unit, or both.")]
    if errors:
        raise ValidationFailed(errors)
    cleaned["currency"] = cleaned["currency"].upper()
    rate, _created = FreightRate.objects.update_or_create(
        seller_id=actor.company_id,
        destination_country=cleaned.pop("destination_country"),
        currency=cleaned.pop("currency"),
        defaults=cleaned,
    )
    return rate


@transaction.atomic
def freight_rate_delete(*, actor: User, rate_id: int) -> None:
    deleted, _rows = FreightRate.objects.filter(pk=rate_id, seller_id=actor.company_id).delete()
    if not deleted:
        raise NotFound(_("No such freight rate."))


@transaction.atomic
def company_mark_verified(*, company_ids: list[int], verified: bool) -> int:
    """Sets the staff-given verified flag on companies; returns how many changed."""
    return (
        Company.objects.filter(pk__in=company_ids)
        .exclude(verified=verified)
        .update(verified=verified)
    )


# --- Log-in throttling ----------------------------------------------------------------------
# Failures are counted per (username, address): after LOGIN_RATE_LIMIT of them that pair backs
# off, doubling its wait with each further failure, so a guesser at one address is slowed to a
# few attempts an hour while the owner, at another address, still logs in. Two much higher
# ceilings catch guessing spread over many addresses (per username) and one password tried on
# many accounts (per address). Counters live in common.ratelimit windows (atomic, with TTL).


def _digest(value: str) -> str:
    # Hashed: cache backends restrict key characters and usernames are user input.
    return hashlib.sha256(value.encode()).hexdigest()


def _login_keys(*, username: str, ip: str) -> dict[str, str]:
    name = username.strip().casefold()
    pair = _digest(name + "\n" + ip)
    return {
        "pair": f"login:pair:{pair}",
        "backoff": f"login:backoff:{pair}",
        "user": f"login:user:{_digest(name)}",
        "ip": f"login:ip:{_digest(ip)}",
    }


def wait_text(seconds: int) -> str:
    """'45 seconds', '3 minutes': how long a throttled user waits, rounded up."""
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = -(-seconds // 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def _throttled(seconds: int) -> RateLimited:
    return RateLimited(
        _("Too many failed log-in attempts. Try again in %(wait)s.") % {"wait": wait_text(seconds)},
        retry_after=seconds,
    )


def login_attempt_check(*, username: str, ip: str) -> None:
    """Raises RateLimited, with the seconds to wait, while this attempt must not be checked."""
    keys = _login_keys(username=username, ip=ip)
    waits = []
    count, left = window_count(keys["backoff"])
    if count:
        waits.append(left)
    count, left = window_count(keys["user"])
    if count >= settings.LOGIN_USERNAME_LIMIT:
        waits.append(left)
    if ip:
        count, left = window_count(keys["ip"])
        if count >= settings.LOGIN_ADDRESS_LIMIT:
            waits.append(left)
    if waits:
        raise _throttled(max(waits))


def login_failure_record(*, username: str, ip: str) -> None:
    """Counts a wrong password; from the limit on, the pair waits twice as long each time."""
    keys = _login_keys(username=username, ip=ip)
    window = settings.LOGIN_RATE_WINDOW_SECONDS
    failures, _left = window_hit(keys["pair"], window=window)
    window_hit(keys["user"], window=window)
    if ip:
        window_hit(keys["ip"], window=window)
    if failures >= settings.LOGIN_RATE_LIMIT:
        doublings = min(failures - settings.LOGIN_RATE_LIMIT, 30)
        backoff = min(
            settings.LOGIN_BACKOFF_SECONDS * 2**doublings, settings.LOGIN_BACKOFF_MAX_SECONDS
        )
        window_hit(keys["backoff"], window=backoff)


def login_success_record(*, username: str, ip: str) -> None:
    """The right password: this pair starts afresh (the ceilings keep their counts)."""
    keys = _login_keys(username=username, ip=ip)
    window_reset(keys["pair"])
    window_reset(keys["backoff"])


def login_authenticate(*, request, username: str, password: str) -> User | None:
    """The user for these credentials, or None; raises RateLimited before checking them.

    The check runs here too (not only in accounts.backends) so that the log-in page can tell
    a throttled attempt from a wrong password; the backend records the outcome.
    """
    login_attempt_check(username=username, ip=client_address(request))
    return authenticate(request, username=username, password=password)


# --- Password-reset e-mails -------------------------------------------------------------


def password_reset_allowed(*, email: str, ip: str) -> bool:
    """Counts a reset request; False when the e-mail address has had its mails for now.

    Raises RateLimited when the client address asked too often. The per-account refusal is
    silent (the page says the same as for an unknown address), so it reveals no account.
    """
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    if ip:
        count, left = window_hit(f"password-reset:ip:{_digest(ip)}", window=window)
        if count > settings.PASSWORD_RESET_ADDRESS_LIMIT:
            raise RateLimited(
                _("Too many password reset requests. Try again in %(wait)s.")
                % {"wait": wait_text(left)},
                retry_after=left,
            )
    count, _left = window_hit(
        f"password-reset:email:{_digest(email.strip().casefold())}", window=window
    )
    return count <= settings.PASSWORD_RESET_ACCOUNT_LIMIT


# --- Sessions and API tokens ---------------------------------------------------------------
# API tokens are django-rest-knox tokens: one per log-in (device), stored hashed, expiring
# after settings.API_TOKEN_TTL_HOURS. Sessions end through their auth hash (Django compares
# it on every request): a new password or a new session epoch invalidates them all.


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new token for one client; the secret is returned once and only its hash is kept."""
    return AuthToken.objects.create(user=user)


@transaction.atomic
def api_token_revoke(*, user: User, token_key: str) -> None:
    """Revokes one of the user's own tokens (by its public key); others' tokens: NotFound."""
    deleted, _counts = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise NotFound(_("No such token."))


def _revoke_tokens(user: User) -> None:
    AuthToken.objects.filter(user=user).delete()


@transaction.atomic
def user_password_changed(*, user: User) -> None:
    """After a password change or reset: every API token is revoked, every chat socket closed.

    The other sessions end by themselves (their auth hash was derived from the old password);
    the session that changed the password is kept by the view (update_session_auth_hash).
    """
    _revoke_tokens(user)
    transaction.on_commit(lambda: password_changed.send(sender=User, user=user))


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> None:
    """ "Log out everywhere": ends every session, revokes every API token, closes every socket."""
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    _revoke_tokens(user)
    # The chat closes a user's sockets on user_logged_out (chat.receivers); accounts sits
    # below chat and does not import it. request=None: no session of this request ends here.
    transaction.on_commit(lambda: user_logged_out.send(sender=User, request=None, user=user))
