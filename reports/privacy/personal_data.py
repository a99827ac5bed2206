"""The privacy app's own personal data: export jobs name the address asked about
(and keep its archive until the link expires). Erasing the person removes them."""

from django.db import transaction
from django.db.models import Q

from reports.privacy.models import ExportJob
from reports.privacy.services.export import archive_storage
from tickets.holders import ModelHolder, Scope, register


class ExportJobHolder(ModelHolder):
    model = ExportJob
    key = "privacy.exportjob"
    order = 10

    def condition(self, scope: Scope) -> Q:
        if not scope.person:
            return Q(pk__in=[])
        return Q(email__in=list(scope.pseudonyms))

    def export(self, scope: Scope) -> list:
        return []

    def pseudonymise(self, scope: Scope) -> int:
        archives = [name for name in self.rows(scope).values_list("archive", flat=True) if name]
        storage = archive_storage()
        transaction.on_commit(lambda: [storage.delete(name) for name in archives])
        return self.rows(scope).delete()[0]


register(ExportJobHolder())
