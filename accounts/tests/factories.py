import factory

from accounts.models import Company, Side, User


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    side = Side.BUYER
    legal_name = factory.Sequence(lambda n: f"Company {n} Ltd")
    country = "DE"
    city = "Hamburg"
    business_type = Company.BusinessType.TRADING
    year_established = 2005
    employees = Company.Employees.E11_50


class SellerCompanyFactory(CompanyFactory):
    side = Side.SELLER
    legal_name = factory.Sequence(lambda n: f"Seller {n} Manufacturing Co")
    country = "CN"
    city = "Ningbo"
    business_type = Company.BusinessType.MANUFACTURER


class BuyerCompanyFactory(CompanyFactory):
    side = Side.BUYER
    legal_name = factory.Sequence(lambda n: f"Buyer {n} Imports GmbH")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Person"
    phone = "+49 40 1234567"
    company = factory.SubFactory(BuyerCompanyFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-42")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class BuyerFactory(UserFactory):
    company = factory.SubFactory(BuyerCompanyFactory)


class SellerFactory(UserFactory):
    company = factory.SubFactory(SellerCompanyFactory)


class StaffFactory(UserFactory):
    company = None
    is_staff = True
    is_superuser = True
