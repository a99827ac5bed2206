"""The default impact x urgency priority matrix (pure, no database)."""

from tickets.models import Priority

# Rows: impact 1..4, columns: urgency 1..4 (1 is highest).
DEFAULT_MATRIX: tuple[tuple[str, ...], ...] = (
    (Priority.P1, Priority.P1, Priority.P2, Priority.P3),
    (Priority.P1, Priority.P2, Priority.P3, Priority.P3),
    (Priority.P2, Priority.P3, Priority.P3, Priority.P4),
    (Priority.P3, Priority.P3, Priority.P4, Priority.P4),
)


def default_priority(*, impact: int, urgency: int) -> str:
    """Priority for an impact and urgency between 1 (highest) and 4."""
    if not (1 <= impact <= 4 and 1 <= urgency <= 4):
        raise ValueError(f"impact and urgency must be 1..4, got {impact}, {urgency}")
    return DEFAULT_MATRIX[impact - 1][urgency - 1]
