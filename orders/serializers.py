"""Input and output shapes of the orders API.

Input serializers take their field types, lengths, choices and ranges from the models, so the
API documents exactly what orders.terms.clean enforces; the services check everything again.
"""

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common import fragments
from common.money import money_string
from common.serializers import MONEY_SCHEMA, IdField, MoneyField, VersionField
from orders import selectors
from orders import terms as order_terms
from orders.agreed_rates import agreed_rates_for_order
from orders.models import Order, OrderAttachment, OrderEvent, OrderLine, OrderStatus, Revision


class OrderFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(
        choices=OrderStatus.choices,
        required=False,
        help_text="Only orders in these states (repeat the parameter for several).",
    )
    negotiation = IdField(required=False, help_text="Only this negotiation's.")


class DiffQuerySerializer(serializers.Serializer):
    def get_fields(self):
        # "from" is a Python keyword, so it cannot be a class attribute.
        return {
            "from": VersionField(help_text="The earlier version."),
            "to": VersionField(required=False, help_text="The later version (default: current)."),
        }


class LineInputSerializer(serializers.ModelSerializer):
    key = serializers.UUIDField(
        required=False, help_text="The line's identity; omit for a new line."
    )
    product_id = IdField(required=False, allow_null=True)

    class Meta:
        model = OrderLine
        fields = ("key", "product_id", "name", "specification", "quantity", "unit", "unit_price")


VALID_UNTIL_HELP = (
    "Until when the other side may confirm this confirmation as is (ISO date-time, in the "
    "future, at most 90 days ahead). Default: now plus the seller company's offer validity "
    "(`offer_validity_days`, 7 days unless the seller set another). Ignored in a draft save."
)


class TermsInputSerializer(serializers.ModelSerializer):
    lines = LineInputSerializer(many=True, required=False)
    valid_until = serializers.DateTimeField(required=False, help_text=VALID_UNTIL_HELP)

    class Meta:
        model = Order
        fields = ("lines", *order_terms.ORDER_FIELDS, "valid_until")

    def to_internal_value(self, data):
        if hasattr(data, "getlist") and any(key.startswith("lines") for key in data):
            # A form cannot carry the list of line objects; ignoring it would save the rest.
            raise serializers.ValidationError(
                {"lines": [_("Send the lines as a JSON list of objects (application/json).")]}
            )
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(_lines_as_list(exc.detail, data)) from exc
        if "lines" in values:
            values["lines"] = [
                {**line, "key": str(line["key"])} if line.get("key") else dict(line)
                for line in values["lines"]
            ]
        return values


def _lines_as_list(detail, data):
    """Line errors as a list with one object per submitted line, as orders.terms.clean gives."""
    lines = detail.get("lines") if isinstance(detail, dict) else None
    if isinstance(lines, dict):
        count = len(data.get("lines") or [])
        detail["lines"] = [lines.get(index, {}) for index in range(count)]
    return detail


class ModifyInputSerializer(TermsInputSerializer):
    version = VersionField(help_text="The version the change is based on.")

    class Meta(TermsInputSerializer.Meta):
        fields = ("version", *TermsInputSerializer.Meta.fields)


class StartOrderInputSerializer(TermsInputSerializer):
    product_id = IdField(help_text="The catalog product ordered.")

    class Meta(TermsInputSerializer.Meta):
        fields = ("product_id", *TermsInputSerializer.Meta.fields)


class StartOrderFreightRateSerializer(serializers.Serializer):
    destination_country = serializers.CharField(source="destination_country.code")
    currency = serializers.CharField()
    per_order = MoneyField(allow_null=True)
    per_unit = MoneyField(allow_null=True)


class StartOrderSellerSerializer(serializers.Serializer):
    """What Start Order takes from the seller (``orders.selectors.StartOrderSeller``)."""

    seller_contact_name = serializers.CharField(source="contact.name")
    seller_contact_email = serializers.CharField(source="contact.email")
    seller_contact_phone = serializers.CharField(source="contact.phone")
    origin_country = serializers.CharField()
    currency = serializers.CharField(help_text="The product's currency; rates in it apply.")
    freight_rates = StartOrderFreightRateSerializer(source="rates", many=True)
    buyer_carriage_incoterms = serializers.SerializerMethodField(
        help_text="Offered to every destination; no shipping fee."
    )
    seller_carriage_incoterms = serializers.SerializerMethodField(
        help_text="Offered only to a destination in freight_rates; the fee comes from the rate."
    )

    def get_buyer_carriage_incoterms(self, obj) -> list[str]:
        return list(order_terms.BUYER_CARRIAGE_INCOTERMS)

    def get_seller_carriage_incoterms(self, obj) -> list[str]:
        return list(order_terms.SELLER_CARRIAGE_INCOTERMS)


class CreateDraftInputSerializer(serializers.Serializer):
    inquiry_id = IdField()


class VersionInputSerializer(serializers.Serializer):
    version = VersionField(help_text="The version you were shown.")


class ConfirmInputSerializer(VersionInputSerializer):
    valid_until = serializers.DateTimeField(
        required=False,
        help_text="When the seller confirms a draft: until when the buyer may confirm it. "
        + VALID_UNTIL_HELP.split(". ", 1)[1],
    )


class ExtendInputSerializer(VersionInputSerializer):
    valid_until = serializers.DateTimeField(
        required=False,
        help_text="The new validity; default: now plus the seller company's offer validity.",
    )


class CancelInputSerializer(VersionInputSerializer):
    reason = serializers.CharField(max_length=1000)


class CompanyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    country = serializers.CharField(source="country.code")
    verified = serializers.BooleanField()


class ModuleCompletionSerializer(serializers.Serializer):
    percent = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())


class CompletionSerializer(serializers.Serializer):
    percent = serializers.IntegerField()
    complete = serializers.BooleanField()
    modules = serializers.DictField(child=ModuleCompletionSerializer())


class SealSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="agreed_version")
    digest = serializers.CharField(source="agreed_digest")
    agreed_at = serializers.DateTimeField()
    agreed_by = serializers.CharField(source="agreed_by.display_name")
    valid = serializers.SerializerMethodField(
        help_text="Whether the agreed revision and the live terms still match the digest."
    )

    def get_valid(self, order) -> bool:
        return bool(selectors.order_seal_check(order))


VERSION_HELP = (
    "Internal write counter, bumped by every change (draft saves, payments): send it back as "
    "`version` on modify, confirm and cancel."
)
TERMS_VERSION_HELP = (
    "The version number people see: how many different terms were sent to the other side "
    "(0 for a draft never sent; a confirmation without changes and payments keep it)."
)


class RevisionSummarySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name")
    total = MoneyField()

    class Meta:
        model = Revision
        fields = (
            "version",
            "terms_version",
            "author",
            "author_side",
            "created_at",
            "digest",
            "total",
            "currency",
        )
        extra_kwargs = {
            "version": {"help_text": VERSION_HELP},
            "terms_version": {"help_text": TERMS_VERSION_HELP},
        }


class RevisionSerializer(RevisionSummarySerializer):
    terms = serializers.SerializerMethodField()
    canonical = serializers.JSONField(
        source="terms",
        help_text="The canonical document exactly as hashed into `digest` (decimals "
        "normalised): recompute the digest from this.",
    )

    class Meta(RevisionSummarySerializer.Meta):
        fields = (*RevisionSummarySerializer.Meta.fields, "terms", "canonical")

    @extend_schema_field({"type": "object", "description": "The terms in the money format."})
    def get_terms(self, revision) -> dict:
        return order_terms.presented(revision.terms)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, allow_null=True)
    label = serializers.CharField(source="get_type_display")

    class Meta:
        model = OrderEvent
        fields = (
            "type",
            "label",
            "actor",
            "actor_side",
            "version",
            "terms_version",
            "status",
            "created_at",
            "data",
        )
        extra_kwargs = {
            "version": {"help_text": VERSION_HELP},
            "terms_version": {"help_text": TERMS_VERSION_HELP},
        }


class HistoryLinkSerializer(serializers.Serializer):
    """Where to page through a part of the order's history, and how long it is."""

    count = serializers.IntegerField()
    url = serializers.URLField(help_text="A paginated list endpoint (25 per page).")


def _history_link(serializer, order, count_attribute: str, url_name: str) -> dict:
    from django.urls import reverse

    url = reverse(url_name, kwargs={"order_id": order.pk})
    request = serializer.context.get("request")
    return {
        "count": getattr(order, count_attribute),
        "url": request.build_absolute_uri(url) if request else url,
    }


class AgreedRateSerializer(serializers.Serializer):
    """The rate between the order's currency and a party's company currency, locked when the
    current version was sealed (orders/agreed_rates.py); ``rate`` null: none was known."""

    side = serializers.CharField()
    company_id = serializers.IntegerField()
    agreed_version = serializers.IntegerField()
    order_currency = serializers.CharField()
    currency = serializers.CharField()
    rate = serializers.DecimalField(
        max_digits=24, decimal_places=10, coerce_to_string=True, allow_null=True
    )
    rate_date = serializers.DateField(allow_null=True)
    sources = serializers.SerializerMethodField()
    total_converted = serializers.SerializerMethodField()
    recorded_at = serializers.DateTimeField()

    def get_sources(self, row) -> list[str]:
        return [s for s in row.source.split("+") if s]

    @extend_schema_field({**MONEY_SCHEMA, "nullable": True})
    def get_total_converted(self, row):
        """The order's total at the locked rate, in the party's currency."""
        return money_string(row.total_converted, row.currency)


class OrderAttachmentSerializer(serializers.ModelSerializer):
    """A document attached to the terms (issue 14 point 3); ``sha256`` is what the canonical
    terms and the seal name."""

    url = serializers.SerializerMethodField(help_text="Download (parties only).")

    class Meta:
        model = OrderAttachment
        fields = (
            "id",
            "name",
            "content_type",
            "size",
            "sha256",
            "uploaded_side",
            "created_at",
            "url",
        )

    def get_url(self, attachment) -> str:
        return reverse(
            "api-order-attachment-file",
            kwargs={"order_id": attachment.order_id, "attachment_id": attachment.pk},
        )


class OrderAttachmentUploadSerializer(VersionInputSerializer):
    file = serializers.FileField(
        allow_empty_file=False, help_text="A PDF or an image (PNG, JPEG, GIF, WebP)."
    )


class OrderAttachmentRemoveQuerySerializer(VersionInputSerializer):
    pass


class OrderSerializer(serializers.ModelSerializer):
    """An order with its terms in canonical form and completion; the revisions and the
    timeline are linked (count and URL of their paginated lists), not embedded."""

    number = serializers.CharField()
    negotiation_id = serializers.IntegerField()
    buyer_company = CompanyBriefSerializer(source="negotiation.buyer_company")
    seller_company = CompanyBriefSerializer(source="negotiation.seller_company")
    waiting_for = serializers.CharField(allow_null=True)
    allowed_actions = serializers.SerializerMethodField()
    terms = serializers.SerializerMethodField()
    completion = serializers.SerializerMethodField()
    seal = serializers.SerializerMethodField()
    agreed_rates = serializers.SerializerMethodField()
    revisions = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True, help_text=VERSION_HELP)
    terms_version = serializers.IntegerField(read_only=True, help_text=TERMS_VERSION_HELP)
    valid_until = serializers.DateTimeField(
        allow_null=True,
        help_text="Until when the current unilateral confirmation (seller_confirmed, "
        "buyer_confirmed) may be confirmed as is; null in other states.",
    )
    expired = serializers.SerializerMethodField()
    extension_requested_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the other side asked for an extension of this confirmation (once).",
    )

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "negotiation_id",
            "status",
            "version",
            "terms_version",
            "waiting_for",
            "valid_until",
            "expired",
            "extension_requested_at",
            "allowed_actions",
            "buyer_company",
            "seller_company",
            "terms",
            "completion",
            "seal",
            "agreed_rates",
            "payment_due_at",
            "initial_paid_at",
            "paid_at",
            "overdue_at",
            "cancelled_at",
            "cancel_reason",
            "created_at",
            "updated_at",
            "revisions",
            "timeline",
            "attachments",
        )

    def get_fields(self):
        fields = super().get_fields()
        for name in self.context.get("omit", ()):
            del fields[name]
        return fields

    def _terms(self, order):
        cache = self.context.setdefault("_terms", {})
        if order.pk not in cache:
            cache[order.pk] = order_terms.from_order(order)
        return cache[order.pk]

    @extend_schema_field(
        serializers.BooleanField(
            help_text="The confirmation is past valid_until: the other side can no longer "
            "confirm it as is (confirm answers 409 offer_expired); it may request-extension or "
            "modify, its sender may extend."
        )
    )
    def get_expired(self, order) -> bool:
        return order.offer_expired()

    def get_allowed_actions(self, order) -> list[str]:
        from orders.services import allowed_actions

        side = selectors.side_of(self.context["request"].user, order)
        return sorted(allowed_actions(order, side))

    @extend_schema_field(
        {
            "type": "object",
            "description": "The canonical terms: product.lines, shipping, payment, contacts, "
            "totals. Money is a string with exactly the currency's minor unit digits; unit "
            "prices have at least those digits (up to 4); quantities are decimal strings.",
        }
    )
    def get_terms(self, order) -> dict:
        return order_terms.presented(order_terms.canonical(self._terms(order)))

    @extend_schema_field(CompletionSerializer)
    def get_completion(self, order) -> dict:
        return order_terms.completion(self._terms(order)).as_dict()

    @extend_schema_field(OrderAttachmentSerializer(many=True))
    def get_attachments(self, order) -> list:
        return OrderAttachmentSerializer(order.current_attachments(), many=True).data

    @extend_schema_field(HistoryLinkSerializer)
    def get_revisions(self, order) -> dict:
        return _history_link(self, order, "revision_count", "api-order-revisions")

    @extend_schema_field(HistoryLinkSerializer)
    def get_timeline(self, order) -> dict:
        return _history_link(self, order, "event_count", "api-order-timeline")

    @extend_schema_field(AgreedRateSerializer(many=True))
    def get_agreed_rates(self, order) -> list:
        return AgreedRateSerializer(agreed_rates_for_order(order), many=True).data

    @extend_schema_field(SealSerializer(allow_null=True))
    def get_seal(self, order) -> dict | None:
        if not order.agreed_digest:
            return None
        return SealSerializer(order).data


# The fields of an order's payload that its row and lines alone determine: every write to those
# bumps ``order.version``, so they are cached per (order, version, language, time zone).
# Everything else is serialized on each request: the companies (edited on their own), the seal
# (a check against the stored revision, and the agreeing user's name), the history counts and
# links (the request's host), the allowed actions (their guards may read other tables), and any
# field added later unless it is listed here.
CACHED_FIELDS = (
    "id",
    "number",
    "negotiation_id",
    "status",
    "version",
    "terms_version",
    "waiting_for",
    "valid_until",
    "extension_requested_at",
    "terms",
    "completion",
    # Written in the transaction that seals a version (which bumps it), never changed after.
    "agreed_rates",
    "payment_due_at",
    "initial_paid_at",
    "paid_at",
    "overdue_at",
    "cancelled_at",
    "cancel_reason",
    "created_at",
    "updated_at",
    "attachments",
)


def order_payload(order: Order, request) -> dict:
    """The OrderSerializer payload, its version-determined fields from the shared cache."""
    context = {"request": request}
    key = fragments.versioned_key("order-api", order)
    stored = cache.get(key)
    if stored is None:
        prefetch_related_objects([order], "lines")  # once, for the terms and the seal check
        data = OrderSerializer(order, context=context).data
        cache.set(key, {name: data[name] for name in CACHED_FIELDS}, fragments.TIMEOUT)
        return data
    live = OrderSerializer(order, context={**context, "omit": CACHED_FIELDS}).data
    return {
        name: stored[name] if name in stored else live[name] for name in OrderSerializer.Meta.fields
    }


class OrderListSerializer(serializers.ModelSerializer):
    number = serializers.CharField()
    negotiation_id = serializers.IntegerField()
    waiting_for = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(read_only=True, help_text=VERSION_HELP)
    terms_version = serializers.IntegerField(read_only=True, help_text=TERMS_VERSION_HELP)

    class Meta:
        model = Order
        fields = (
            "id",
            "number",
            "negotiation_id",
            "status",
            "version",
            "terms_version",
            "waiting_for",
            "updated_at",
        )


class DiffChangeSerializer(serializers.Serializer):
    module = serializers.CharField()
    field = serializers.CharField()
    change = serializers.ChoiceField(choices=["changed", "added", "removed"])
    line_key = serializers.CharField(required=False)
    line = serializers.CharField(required=False)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class DiffSerializer(serializers.Serializer):
    from_version = serializers.IntegerField()
    to_version = serializers.IntegerField()
    changes = DiffChangeSerializer(many=True)


# --- Amendments (issue 13 point 6) --------------------------------------------------------


class AmendmentProposeInputSerializer(ModifyInputSerializer):
    version = VersionField(help_text="The order version the proposal is based on.")
    reason = serializers.CharField(max_length=1000, help_text="Why the terms should change.")

    class Meta(ModifyInputSerializer.Meta):
        fields = (*ModifyInputSerializer.Meta.fields, "reason")


class AmendmentSerializer(serializers.ModelSerializer):
    proposed_by = serializers.CharField(source="proposed_by.display_name")
    decided_by = serializers.CharField(source="decided_by.display_name", default=None)
    changes = DiffChangeSerializer(source="diff", many=True)
    terms = serializers.SerializerMethodField()
    total = MoneyField()
    previous_total = MoneyField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        from orders.models import Amendment

        model = Amendment
        fields = (
            "id",
            "state",
            "side",
            "proposed_by",
            "created_at",
            "reason",
            "based_on_version",
            "proposed_version",
            "changes",
            "previous_total",
            "total",
            "currency",
            "terms",
            "digest",
            "decided_by",
            "decided_at",
            "previous_agreed_version",
            "previous_digest",
            "agreed_version",
            "allowed_actions",
        )
        extra_kwargs = {
            "based_on_version": {"help_text": "The order version the proposer saw."},
            "proposed_version": {
                "help_text": "The order version the proposal made; an answer sends the order's "
                "current version (a later payment moves it on)."
            },
            "digest": {"help_text": "SHA-256 of the proposed canonical terms."},
            "previous_agreed_version": {
                "help_text": "Accepted: the revision whose seal this amendment replaced; its "
                "canonical terms still hash to `previous_digest`."
            },
            "agreed_version": {"help_text": "Accepted: the revision that is the new seal."},
        }

    @extend_schema_field({"type": "object", "description": "The proposed terms, money format."})
    def get_terms(self, amendment) -> dict:
        return order_terms.presented(amendment.terms)

    def get_allowed_actions(self, amendment) -> list[str]:
        from orders.amendments import amendment_actions

        order, side = self.context["order"], self.context["side"]
        if amendment.state != amendment.State.OPEN:
            return []
        return sorted(amendment_actions(order, side, amendment) - {"propose_amendment"})


# --- Offers in the chat (issue 14 point 1) --------------------------------------------------


class OfferLineInputSerializer(LineInputSerializer):
    key = serializers.UUIDField(help_text="The key of the order line the offer changes.")

    class Meta(LineInputSerializer.Meta):
        fields = ("key", "quantity", "unit_price")


class OfferMakeInputSerializer(TermsInputSerializer):
    version = VersionField(help_text="The order version the offer is made against.")
    lines = OfferLineInputSerializer(
        many=True, required=False, help_text="Only the lines whose quantity or price changes."
    )
    note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="Shown on the offer."
    )

    class Meta(TermsInputSerializer.Meta):
        fields = ("version", *TermsInputSerializer.Meta.fields, "note")


class OfferDeclineInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=1000, required=False, allow_blank=True, help_text="Why, for the proposer."
    )


class OfferSerializer(serializers.ModelSerializer):
    proposed_by = serializers.CharField(source="proposed_by.display_name")
    decided_by = serializers.CharField(source="decided_by.display_name", default=None)
    changes = DiffChangeSerializer(source="diff", many=True)
    current = serializers.SerializerMethodField(
        help_text="Open and made against the order's current version: it can be accepted."
    )
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        from orders.models import Offer

        model = Offer
        fields = (
            "id",
            "state",
            "side",
            "proposed_by",
            "created_at",
            "note",
            "base_version",
            "base_terms_version",
            "values",
            "changes",
            "currency",
            "current",
            "decided_by",
            "decided_at",
            "decline_note",
            "accepted_version",
            "allowed_actions",
        )
        extra_kwargs = {
            "base_version": {"help_text": "The order version the offer was made against."},
            "values": {
                "help_text": "The offered terms, in the shape of a modification: module fields "
                "by name, `lines` as {key, quantity?, unit_price?}."
            },
            "accepted_version": {"help_text": "Accepted: the order version the accept made."},
        }

    def get_current(self, offer) -> bool:
        from orders.offers import offer_is_current

        return offer_is_current(offer, self.context["order"])

    def get_allowed_actions(self, offer) -> list[str]:
        from orders.offers import offer_actions

        return sorted(offer_actions(offer, self.context["order"], self.context["side"]))
