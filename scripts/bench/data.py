"""The benchmark's data set, built through the project's factories and services, then multiplied
with bulk inserts of copies.

A handful of templates (one order in every state, inquiries without an order, one order
awaiting payment) are made by the real services, so they carry whatever rows and columns the
services write today (revisions, events, payment plans, a future ``next_reminder_at`` ...).
Copies duplicate every concrete field of the template rows and of the order's rows in the
orders and payments apps, so the copies stay faithful when those apps add a column.

Sizes (issue 11): a seller with 1,001 negotiations (copies of the templates, and one big
order with 20 revisions and 222 chat messages), an RFQ with 1,000 quotations (and one with
10), 100,000 orders awaiting payment with a reminder due today for the sweep, and a chat rig
of negotiations whose buyer members send while a seller member listens.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

BATCH = 2000


@dataclass
class Dataset:
    seller: object
    buyer: object
    big_order: object
    small_order: object
    rfq_buyer: object
    rfq_big: object
    rfq_small: object
    negotiations: int
    revisions: int
    messages: int
    quotations: int
    sweep_orders: int
    chat_negotiations: list[int] = field(default_factory=list)
    chat_senders: list[object] = field(default_factory=list)
    chat_listener: object = None


def build(
    *,
    negotiations: int = 1001,
    revisions: int = 20,
    messages: int = 222,
    quotations: int = 1000,
    sweep_orders: int = 100_000,
    chat_pairs: int = 250,
    progress=print,
) -> Dataset:
    """The whole data set on the configured database (which should be fresh)."""
    from accounts.tests.factories import BuyerFactory, SellerFactory
    from catalog.tests.factories import ProductFactory
    from orders.models import Order, OrderStatus
    from orders.tests.factories import make_order

    with _fast_writes():
        seller = SellerFactory(username="bench-seller")
        buyers = [BuyerFactory(username=f"bench-buyer-{n}") for n in range(5)]
        products = [ProductFactory(seller=seller.company) for _ in range(5)]

        progress(f"data: {negotiations:,} negotiations for the seller")
        templates = inbox_templates(seller=seller, buyers=buyers, products=products)
        # The big order and the small one below are the last two.
        clone_negotiations(templates, count=negotiations - len(templates) - 2)

        progress(f"data: big order ({revisions} revisions, {messages} chat messages)")
        big = big_order(seller=seller, buyer=buyers[0], revisions=revisions, messages=messages)
        small = make_order(buyer=buyers[1], seller=seller, status=OrderStatus.BUYER_CONFIRMED)

        progress(f"data: RFQs with {quotations:,} and 10 quotations")
        rfq_buyer, rfq_big, rfq_small = rfqs(quotations=quotations)

        progress(f"data: {sweep_orders:,} orders awaiting payment, a reminder due today")
        sweep_set(count=sweep_orders)

        progress(f"data: chat rig ({chat_pairs} negotiations)")
        chat_ids, senders, listener = chat_rig(pairs=chat_pairs)

    big = Order.objects.get(pk=big.pk)
    return Dataset(
        seller=seller,
        buyer=buyers[0],
        big_order=big,
        small_order=small,
        rfq_buyer=rfq_buyer,
        rfq_big=rfq_big,
        rfq_small=rfq_small,
        negotiations=seller.company.negotiations_as_seller.count(),
        revisions=big.revisions.count(),
        messages=_message_count(big.negotiation_id),
        quotations=rfq_big.quotations.count(),
        sweep_orders=Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT).count(),
        chat_negotiations=chat_ids,
        chat_senders=senders,
        chat_listener=listener,
    )


class _fast_writes:
    """Cheap password hashes, no chat rate limit and no e-mail while the data is built;
    Celery tasks the services queue run in process (they only notify)."""

    def __enter__(self):
        from django.conf import settings

        from negotiation_portal.celery import app

        self.saved = (
            settings.PASSWORD_HASHERS,
            getattr(settings, "CHAT_RATE_LIMIT", None),
            settings.EMAIL_BACKEND,
            app.conf.task_always_eager,
        )
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        settings.CHAT_RATE_LIMIT = (10**9, 10)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        app.conf.task_always_eager = True
        return self

    def __exit__(self, *exc):
        from django.conf import settings

        from negotiation_portal.celery import app

        (
            settings.PASSWORD_HASHERS,
            settings.CHAT_RATE_LIMIT,
            settings.EMAIL_BACKEND,
            app.conf.task_always_eager,
        ) = self.saved
        return False


# --- Copies of template rows -------------------------------------------------------------------


def copy_row(obj, *, shift: datetime.timedelta | None = None, **changes):
    """An unsaved copy of a model instance: every concrete field but the primary key.

    ``shift`` moves every date and time value (not the automatic stamps) by that much.
    """
    values = {
        f.attname: _shifted(f, getattr(obj, f.attname), shift)
        for f in obj._meta.concrete_fields
        if not f.primary_key
    }
    values.update(changes)
    return type(obj)(**values)


def _shifted(f, value, shift):
    from django.db import models

    auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    dated = isinstance(f, models.DateTimeField | models.DateField)
    if shift is None or value is None or auto or not dated:
        return value
    return value + shift


def _order_children(order, apps: tuple[str, ...], keep=None):
    """The rows that point at the order (lines, revisions, events, payment plan ...) in the
    given apps, as (model, foreign key attname, rows); ``keep(row)`` may leave rows out."""
    for rel in order._meta.related_objects:
        model = rel.related_model
        if model._meta.app_label not in apps or not (rel.one_to_many or rel.one_to_one):
            continue
        rows = list(model._base_manager.filter(**{rel.field.name: order}))
        rows = [row for row in rows if keep is None or keep(row)]
        if rows:
            yield model, rel.field.attname, rows


def clone_orders(template, *, count: int, shift=None, apps=(), keep=None) -> int:
    """``count`` copies of the template order, each with a copy of its negotiation (and
    inquiry), and of its rows in ``apps`` (those ``keep`` keeps). Returns the number made."""
    from inquiries.models import Inquiry, Negotiation
    from orders.models import Order

    negotiation = template.negotiation
    inquiry = Inquiry.objects.filter(negotiation=negotiation).first()
    children = list(_order_children(template, apps, keep))
    made = 0
    while made < count:
        n = min(BATCH, count - made)
        copies = Negotiation.objects.bulk_create([copy_row(negotiation) for _ in range(n)])
        if inquiry is not None:
            Inquiry.objects.bulk_create(
                [copy_row(inquiry, negotiation_id=c.pk, read_at=None) for c in copies]
            )
        orders = Order.objects.bulk_create(
            [copy_row(template, shift=shift, negotiation_id=c.pk) for c in copies]
        )
        for model, fk, rows in children:
            model.objects.bulk_create(
                [copy_row(row, shift=shift, **{fk: o.pk}) for o in orders for row in rows],
                batch_size=BATCH,
            )
        made += n
    return made


def clone_negotiations(templates: list, *, count: int) -> None:
    """``count`` more negotiations for the templates' seller, round robin over the templates
    (orders with their lines, revisions, events and payment rows; bare inquiries)."""
    from inquiries.models import Inquiry, Negotiation

    per_template = [count // len(templates)] * len(templates)
    for k in range(count % len(templates)):
        per_template[k] += 1
    for template, n in zip(templates, per_template, strict=True):
        if n == 0:
            continue
        if not isinstance(template, Inquiry):
            clone_orders(template, count=n, apps=("orders", "payments"))
            continue
        copies = Negotiation.objects.bulk_create([copy_row(template.negotiation) for _ in range(n)])
        Inquiry.objects.bulk_create([copy_row(template, negotiation_id=c.pk) for c in copies])


def inbox_templates(*, seller, buyers, products) -> list:
    """One order in every state, through the services, and two inquiries without an order."""
    from inquiries.tests.factories import InquiryFactory
    from orders.models import OrderStatus
    from orders.tests.factories import make_order

    # The states make_order walks an order to through the services (the shipping states need
    # shipments; one order per negotiation state is what the inbox's tabs and rows show).
    states = (
        OrderStatus.DRAFT,
        OrderStatus.SELLER_CONFIRMED,
        OrderStatus.BUYER_CONFIRMED,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.READY_TO_SHIP,
        OrderStatus.CANCELLED,
    )
    templates = []
    for k, status in enumerate(states):
        product = products[k % len(products)]
        templates.append(
            make_order(buyer=buyers[k % len(buyers)], seller=seller, status=status, product=product)
        )
    for k in range(2):
        templates.append(
            InquiryFactory(
                negotiation__buyer_company=buyers[k].company,
                negotiation__seller_company=seller.company,
                negotiation__product=products[k],
                product=products[k],
                sender=buyers[k],
            )
        )
    return templates


# --- The big order -------------------------------------------------------------------------------


def big_order(*, seller, buyer, revisions: int, messages: int):
    """An order the two sides modified in turn until it has ``revisions`` revisions, the last
    one the buyer's (the seller views the other side's version), with many lines, and a chat
    of ``messages`` messages (the system messages of its events included)."""
    from chat.tests.factories import post
    from orders import services
    from orders import terms as order_terms
    from orders.models import Order, OrderStatus
    from orders.tests.factories import complete_values, make_order

    order = make_order(buyer=buyer, seller=seller, status=OrderStatus.SELLER_CONFIRMED)
    index = 0
    while True:
        count = order.revisions.count()
        if count >= revisions and order.status == OrderStatus.BUYER_CONFIRMED:
            break
        order = Order.objects.prefetch_related("lines").get(pk=order.pk)
        actor = buyer if order.status == OrderStatus.SELLER_CONFIRMED else seller
        values = complete_values(order)
        lines = order_terms.from_order(order)["lines"]
        if len(lines) < order_terms.MAX_LINES - 1:
            lines += [
                {"name": f"Item {index}-{k}", "quantity": "10", "unit": "set", "unit_price": "2.5"}
                for k in range(2)
            ]
        values["lines"] = lines
        order = services.order_modify(
            order_id=order.pk, actor=actor, version=order.version, values=values
        )
        index += 1
    negotiation = order.negotiation
    authors = [buyer, seller]
    k = 0
    while _message_count(negotiation.pk) < messages:
        post(negotiation, authors[k % 2], body=f"Message {k}: can we talk about the price?")
        k += 1
    return order


def _message_count(negotiation_id: int) -> int:
    from chat.models import Message

    return Message.objects.filter(negotiation_id=negotiation_id).count()


# --- RFQs ----------------------------------------------------------------------------------------


def rfqs(*, quotations: int):
    """A buyer's RFQ with ``quotations`` quotations, one per seller company, and one with 10."""
    from accounts.models import Company, User
    from accounts.tests.factories import BuyerFactory, SellerCompanyFactory, UserFactory
    from rfq.models import Quotation
    from rfq.tests.factories import QuotationFactory, RFQFactory

    buyer = BuyerFactory(username="bench-rfq-buyer")
    big = RFQFactory(buyer_company=buyer.company, created_by=buyer)
    small = RFQFactory(buyer_company=buyer.company, created_by=buyer, category=big.category)
    company = SellerCompanyFactory.build()
    companies = Company.objects.bulk_create(
        [copy_row(company, legal_name=f"Quoting seller {n} Co") for n in range(quotations)],
        batch_size=BATCH,
    )
    user = UserFactory.build(username="template")
    users = User.objects.bulk_create(
        [
            copy_row(user, username=f"bench-quoter-{n}", email=f"q{n}@example.com", company_id=c.pk)
            for n, c in enumerate(companies)
        ],
        batch_size=BATCH,
    )
    quotation = QuotationFactory.build(rfq=big, author=users[0], seller_company=companies[0])
    rows = []
    for n, (c, u) in enumerate(zip(companies, users, strict=True)):
        price = quotation.unit_price + Decimal(n % 97) / 100
        rows.append(copy_row(quotation, rfq_id=big.pk, seller_company_id=c.pk, author_id=u.pk))
        rows[-1].unit_price = price
        if n < 10:
            rows.append(
                copy_row(quotation, rfq_id=small.pk, seller_company_id=c.pk, author_id=u.pk)
            )
    Quotation.objects.bulk_create(rows, batch_size=BATCH)
    return buyer, big, small


# --- The reminder sweep's orders ----------------------------------------------------------------


def sweep_set(*, count: int) -> int:
    """``count`` orders awaiting payment, agreed a day ago: each has a reminder due today.

    One order is agreed through the services; the others copy it (and its payment rows) with
    every date and time moved back by a day and an hour.
    """
    from accounts.tests.factories import BuyerFactory, SellerFactory
    from orders.models import OrderStatus
    from orders.tests.factories import make_order

    seller = SellerFactory(username="bench-sweep-seller")
    buyer = BuyerFactory(username="bench-sweep-buyer")
    template = make_order(buyer=buyer, seller=seller, status=OrderStatus.AWAITING_PAYMENT)
    shift = -datetime.timedelta(days=1, hours=1)
    made = clone_orders(
        template, count=count - 1, shift=shift, apps=("orders", "payments"), keep=_sweep_keeps
    )
    # The template itself moves back too, so that every order is alike.
    _shift_in_place(template, shift)
    return made + 1


def _sweep_keeps(row) -> bool:
    """What a reminder needs of an agreed order: its lines, the agreed revision and the
    payment rows; not the events and older revisions (100,000 orders' worth of them)."""
    from orders.models import OrderEvent, Revision

    if isinstance(row, OrderEvent):
        return False
    return not isinstance(row, Revision) or row.version == row.order.agreed_version


def _shift_in_place(order, shift: datetime.timedelta) -> None:
    children = [row for _m, _fk, rows in _order_children(order, ("payments",)) for row in rows]
    for obj in [order, *children]:
        changes = {}
        for f in obj._meta.concrete_fields:
            value = getattr(obj, f.attname)
            moved = _shifted(f, value, shift)
            if not f.primary_key and moved is not value:
                changes[f.attname] = moved
        if changes:
            type(obj)._base_manager.filter(pk=obj.pk).update(**changes)


# --- Chat rig ------------------------------------------------------------------------------------


def chat_rig(*, pairs: int):
    """``pairs`` negotiations between one buyer company and one seller company: buyer member
    ``k`` writes in negotiation ``k`` (the chat limit is per user), one seller member listens
    on all of them."""
    from accounts.models import User
    from accounts.tests.factories import BuyerFactory, SellerFactory, UserFactory
    from inquiries.models import Negotiation

    listener = SellerFactory(username="bench-chat-seller")
    first = BuyerFactory(username="bench-chat-buyer-0")
    template = UserFactory.build(username="template")
    senders = [first] + User.objects.bulk_create(
        [
            copy_row(
                template,
                username=f"bench-chat-buyer-{n}",
                email=f"chat{n}@example.com",
                company_id=first.company_id,
            )
            for n in range(1, pairs)
        ]
    )
    negotiations = Negotiation.objects.bulk_create(
        [
            Negotiation(
                buyer_company_id=first.company_id,
                seller_company_id=listener.company_id,
                origin=Negotiation.Origin.INQUIRY,
            )
            for _ in range(pairs)
        ]
    )
    return [n.pk for n in negotiations], senders, listener


# --- Sessions ------------------------------------------------------------------------------------


def session_cookie(user) -> str:
    """A signed-in session for the user (as a log-in would store it); returns the cookie
    value."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
