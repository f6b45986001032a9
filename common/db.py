from django.db import connections, models, transaction
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


def update_returning(queryset, returning: str, **values) -> list:
    """``UPDATE ... SET <values> WHERE <queryset's filter> RETURNING <returning>``: the rows one
    statement changed (Django's ``update()`` gives only a count). PostgreSQL and SQLite 3.35+.

    This is how a sweep claims due rows: under PostgreSQL's READ COMMITTED, a row that a
    concurrent UPDATE changed is checked against the filter again, so two sweeps never both
    get it. Only plain values and filters on the model's own table.
    """
    query = queryset.query
    if len(query.alias_map) > 1:
        raise ValueError("update_returning() filters on the model's own table only.")
    connection = connections[queryset.db]
    compiler = query.get_compiler(queryset.db)
    where, where_params = compiler.compile(query.where)
    meta = queryset.model._meta
    quote = connection.ops.quote_name
    assignments, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    # Identifiers are quoted from the model's metadata; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {where} RETURNING {quote(meta.get_field(returning).column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *where_params])
        return [row[0] for row in cursor.fetchall()]


def claim_and_queue(
    queryset, *, key: str, lease_field: str, lease, batch_size: int, task, noun: str
) -> tuple[int, int]:
    """A periodic sweep's one statement: takes the rows ``queryset`` selects by moving their
    ``lease_field`` to ``lease`` (update_returning, so two sweeps never take the same row) and,
    once the transaction commits, queues their ``key`` values to ``task`` in sorted batches of
    ``batch_size``, each as ``(ids, lease.isoformat())`` over one broker connection.

    Returns (rows taken, batches). A batch that is lost leaves the lease to expire, and a later
    sweep takes its rows again. Call it inside the caller's transaction.
    """
    ids = sorted(update_returning(queryset, key, **{lease_field: lease}))
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    if batches:

        def enqueue():
            with task.app.producer_or_acquire() as producer:
                for batch in batches:
                    # argsrepr spares the logs a repr of every id.
                    task.apply_async(
                        (batch, lease.isoformat()),
                        producer=producer,
                        argsrepr=f"({len(batch)} {noun}, {lease.isoformat()})",
                    )

        transaction.on_commit(enqueue)
    return len(ids), len(batches)
