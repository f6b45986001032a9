import datetime

from django.db import transaction

from accounts.models import Company, User

LAST_ACTIVE_RESOLUTION = datetime.timedelta(minutes=5)


def user_touch_last_active(*, user: User, now: datetime.datetime) -> None:
    # One UPDATE at most every few minutes per user keeps page query counts constant.
    if user.last_active_at and now - user.last_active_at < LAST_ACTIVE_RESOLUTION:
        return
    User.objects.filter(pk=user.pk).update(last_active_at=now)
    user.last_active_at = now


@transaction.atomic
def company_signup(*, company_data: dict, user_data: dict) -> User:
    """Creates a company and its first user."""
    company = Company.objects.create(**company_data)
    password = user_data.pop("password")
    user = User(company=company, **user_data)
    user.set_password(password)
    user.save()
    return user
