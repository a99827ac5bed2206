"""What the notification admin pages share."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept for the admins to read: written by the services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
