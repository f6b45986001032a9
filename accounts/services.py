import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Company, User
from common.errors import NotAllowed, RateLimited, ValidationFailed

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
COMPANY_PROFILE_FIELDS = tuple(name for name in COMPANY_SIGNUP_FIELDS if name != "side")
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


@transaction.atomic
def company_update(*, company_id: int, actor: User, values: dict) -> Company:
    """Changes the basic profile fields of the actor's own company (not side or verified)."""
    if actor.company_id != company_id:
        raise NotAllowed()
    company = Company.objects.select_for_update().get(pk=company_id)
    for name in COMPANY_PROFILE_FIELDS:
        if name in values:
            value = values[name]
            if value is None and name != "year_established":
                value = ""
            setattr(company, name, value)
    errors = _company_errors(company)
    if errors:
        raise ValidationFailed(errors)
    company.save()
    return company


@transaction.atomic
def company_mark_verified(*, company_ids: list[int], verified: bool) -> int:
    """Sets the staff-given verified flag on companies; returns how many changed."""
    return (
        Company.objects.filter(pk__in=company_ids)
        .exclude(verified=verified)
        .update(verified=verified)
    )


# --- Login rate limit ---------------------------------------------------------------------
# Failures are counted per username and per client IP in fixed windows in the cache, so a
# guesser is stopped whether it tries many passwords on one account or one password on many.


def client_ip(request) -> str:
    # REMOTE_ADDR is the client's address: behind the reverse proxy the ASGI server sets it
    # from X-Forwarded-For (uvicorn --proxy-headers), so it is not read from headers here.
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _login_keys(*, username: str, ip: str) -> list[str]:
    # Hashed: cache backends restrict key characters and usernames are user input.
    keys = [
        f"login-failures:user:{hashlib.sha256(username.strip().casefold().encode()).hexdigest()}"
    ]
    if ip:
        keys.append(f"login-failures:ip:{hashlib.sha256(ip.encode()).hexdigest()}")
    return keys


def login_attempt_check(*, username: str, ip: str) -> None:
    """Raises RateLimited when the username or the IP used up its failures in the window."""
    counts = cache.get_many(_login_keys(username=username, ip=ip))
    if any(count >= settings.LOGIN_RATE_LIMIT for count in counts.values()):
        raise RateLimited(
            _("Too many failed log-in attempts. Try again in a few minutes."),
            retry_after=settings.LOGIN_RATE_WINDOW_SECONDS,
        )


def login_failure_record(*, username: str, ip: str) -> None:
    for key in _login_keys(username=username, ip=ip):
        # add() starts the window only once; incr() keeps its expiry.
        cache.add(key, 0, timeout=settings.LOGIN_RATE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            # The window expired between add() and incr(): start a new one.
            cache.set(key, 1, timeout=settings.LOGIN_RATE_WINDOW_SECONDS)


def login_authenticate(*, request, username: str, password: str) -> User | None:
    """The user for these credentials, or None; raises RateLimited before checking them.

    The check runs here too (not only in accounts.backends) so that the log-in page can tell
    a rate-limited attempt from a wrong password; the backend records the failures.
    """
    login_attempt_check(username=username, ip=client_ip(request))
    return authenticate(request, username=username, password=password)
