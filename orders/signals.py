"""Signals the order announces to the apps above it (payments, shipments) in the import ladder.

Each is sent inside the transaction that made the change (receivers run in it: their writes
commit or roll back with it), with ``sender=Order`` and the keyword arguments named below.
"""

import django.dispatch

# The seller recorded a shipment. Keyword arguments: order, shipment, ship_date (a date).
goods_shipped = django.dispatch.Signal()

# Every ordered quantity has been received (confirmed by the buyer or deemed received).
# Keyword arguments: order, received_on (a date).
goods_received = django.dispatch.Signal()

# Both parties consented to an amendment of the agreed terms; the order row already carries the
# new terms. Keyword arguments: order, previous_total (Decimal, in order.currency).
order_amended = django.dispatch.Signal()

# Both parties confirmed: the order is sealed and awaiting payment (i13-pay: payments builds the
# instalments here, and moves the order on when nothing is due before shipment).
# Keyword arguments: order.
order_agreed = django.dispatch.Signal()

# The expiry sweep claimed offers (unilateral confirmations) in bulk: those that expire within
# a day (``expiring``) and those that expired (``expired``), each order once in each list ever
# (per confirmation). Keyword arguments: expiring, expired (lists of Order, with negotiation).
# Receivers tell the parties in bulk, in the claiming transaction.
offers_swept = django.dispatch.Signal()
