"""Pages of long lists without counting every row.

Counting a million tickets costs more than showing 25 of them: PostgreSQL
reads every matching row (or index entry) for ``COUNT(*)``, and the cost grows
with the table. ``CappedPaginator`` counts at most ``cap`` + 1 rows exactly
(``SELECT COUNT(*) FROM (... LIMIT cap + 1)``, which stops early); past the cap
it takes the query planner's estimate of the number of rows (``EXPLAIN``, no
rows read), rounded to two significant figures, and says so with
``count_exact = False``. Pages past the cap learn whether another page follows
by reading one row more than they show, not from the estimate.

On databases without a row estimate (SQLite, the embedded default) the count
past the cap is exact: a small installation has small tables.

A list may pass ``narrow(queryset, rows=...)``: a queryset holding (at least) the
first ``rows`` rows of the list in its order, cheaper for the database to reach
(``tickets.selectors_narrowed.ticket_rows_narrowed``: an agent's tickets, team by team).
It is applied to the rows of a page, and to the capped count, unordered: any
``cap`` + 1 rows of each part. That count is exact too: a list of at most ``cap``
rows has no part longer, so every part is read whole; a longer list has a part
of ``cap`` + 1 rows, or is read whole. The estimate past the cap is the plain
list's.

A list may also pass ``count_narrowed(queryset, rows=...)``: the number of distinct
rows in the first ``rows`` of each part (``tickets.selectors_narrowed.
ticket_count_narrowed``), counted from the parts alone instead of looking each row
up again in the list's own query; exact below ``rows``, at least ``rows`` otherwise,
or None for a list it does not read by parts (then ``narrow`` counts, as above).
"""

from __future__ import annotations

import json
import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

COUNT_CAP = 1000


def rounded(number: int) -> int:
    """``number`` to two significant figures (29,923 -> 30,000): an estimate is not
    more precise than that, and should not look it."""
    if number < 100:
        return number
    scale = 10 ** (int(math.log10(number)) - 1)
    return round(number / scale) * scale


def estimated_rows(queryset) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns (PostgreSQL), else None."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plain = queryset.order_by().select_related(None).values("pk")
    sql, params = plain.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class CappedPage(Page):
    """A page that knows from a row read past its end whether another one follows,
    when the paginator's count is an estimate."""

    more = False

    def has_next(self) -> bool:
        if self.paginator.count_exact:
            return super().has_next()
        return self.more


class CappedPaginator(Paginator):
    """A paginator whose count is exact up to ``cap`` and an estimate past it."""

    cap = COUNT_CAP

    def __init__(self, object_list, per_page, *args, narrow=None, count_narrowed=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.narrow = narrow
        self.count_narrowed = count_narrowed

    def _rows(self, bottom: int, top: int):
        """Rows ``bottom`` to ``top`` of the list (narrowed to its first ``top`` rows)."""
        listed = self.object_list
        if self.narrow is not None and hasattr(listed, "query"):
            listed = self.narrow(listed, rows=top)
        return listed[bottom:top]

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        if not hasattr(self.object_list, "query"):  # a list, not a queryset
            return len(self.object_list), True
        counted = None
        if self.count_narrowed is not None:
            counted = self.count_narrowed(self.object_list, rows=self.cap + 1)
        if counted is None:
            counted_rows = self.object_list.order_by()
            if self.narrow is not None:
                counted_rows = self.narrow(counted_rows, rows=self.cap + 1)
            counted = counted_rows.values("pk")[: self.cap + 1].count()
        if counted <= self.cap:
            return counted, True
        estimate = estimated_rows(self.object_list)
        if estimate is None:
            return self.object_list.count(), True
        return max(rounded(estimate), self.cap + 1), False

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @cached_property
    def count_exact(self) -> bool:
        return self._counted[1]

    def validate_number(self, number) -> int:
        if self.count_exact:
            return super().validate_number(number)
        # Past the cap the number of pages is an estimate: any page may hold rows.
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.count_exact:  # as Django's Paginator.page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self._rows(bottom, top), number, self)
        rows = list(self._rows(bottom, bottom + self.per_page + 1))
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = self._get_page(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page

    def get_page(self, number) -> CappedPage:
        try:
            return super().get_page(number)
        except EmptyPage:  # past the real end of an estimated list: its first page
            return self.page(1)

    def _get_page(self, *args, **kwargs) -> CappedPage:
        return CappedPage(*args, **kwargs)
