"""Privacy in the admin: erase a requester, export what is held about one,
retention runs and their dry run, legal holds on tickets."""

from reports.privacy.admin import erasure, exports, holds, retention  # noqa: F401
