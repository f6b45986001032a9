from django.db import models
from django.db.models import F, Func, Subquery


class SubqueryAggregate(Subquery):
    """``(SELECT AGG(field) FROM ... WHERE <correlated>)`` without a GROUP BY.

    Counting or taking the maximum over a correlated subquery this way keeps list pages at one
    query, whatever the number of rows behind each figure.
    """

    function: str = ""
    output_field = models.IntegerField()

    def __init__(self, queryset, field="pk", **extra):
        aggregated = queryset.order_by().annotate(
            _agg=Func(F(field), function=self.function, output_field=self.output_field)
        )
        super().__init__(aggregated.values("_agg"), output_field=self.output_field, **extra)


class SubqueryCount(SubqueryAggregate):
    function = "COUNT"


class SubqueryMax(SubqueryAggregate):
    function = "MAX"
    output_field = models.DateTimeField()
