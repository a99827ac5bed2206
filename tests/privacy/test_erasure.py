import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.privacy.models import ErasureLog
from reports.privacy.services.erasure import requester_erase
from reports.privacy.services.subject import LegalHold, NothingHeld
from tests.privacy.conftest import EMAIL, NAME, report_figures, traces
from tickets.models import Ticket, User


def test_erasure_leaves_no_trace_of_the_address_or_name_and_keeps_report_figures(person):
    before = report_figures()
    assert traces(EMAIL, NAME)  # the fixture spreads them everywhere

    log = requester_erase(email=EMAIL.upper(), actor=None)

    assert traces(EMAIL, NAME, "Wiśniewska", "zofia") == {}
    assert report_figures() == before
    assert (log.tickets, log.accounts) == (3, 1)
    # One pseudonym everywhere.
    emails = set(
        Ticket.objects.filter(pk__in=[t.pk for t in person.tickets]).values_list(
            "requester_email", flat=True
        )
    )
    assert emails == {f"erased-{log.pseudonym}@erased.invalid"}
    user = User.objects.get(pk=person.user.pk)
    assert (user.is_active, user.has_usable_password(), user.first_name) == (False, False, "")
    assert user.username == f"erased-{log.pseudonym}"
    assert not person.user.contact_for.exists()
    # Others keep theirs.
    other = Ticket.objects.get(pk=person.other.pk)
    assert (other.requester_name, other.requester_email) == ("Jan Kowalski", "jan@x.example")


def test_the_erasure_log_holds_no_personal_data(person):
    requester_erase(email=EMAIL, actor=person.agent)
    assert ErasureLog.objects.count() == 1
    assert not any(key.startswith("privacy_erasurelog") for key in traces("zofia", "Wiśniewska"))


def test_erasing_twice_or_an_unknown_address_says_nothing_is_held(person):
    requester_erase(email=EMAIL, actor=None)
    with pytest.raises(NothingHeld):
        requester_erase(email=EMAIL, actor=None)
    with pytest.raises(NothingHeld):
        requester_erase(email="nobody@nowhere.example", actor=None)
    assert ErasureLog.objects.count() == 1


def test_a_bad_address_is_refused_with_a_field_message(db):
    with pytest.raises(ValidationError) as error:
        requester_erase(email="not an address", actor=None)
    assert "email" in error.value.message_dict


@pytest.mark.parametrize("held", ["organization", "ticket"])
def test_a_legal_hold_refuses_the_erasure_and_changes_nothing(person, held):
    if held == "organization":
        person.org.legal_hold = True
        person.org.save()
    else:
        Ticket.objects.filter(pk=person.tickets[1].pk).update(legal_hold=True)
    before = traces(EMAIL, NAME)
    with pytest.raises(LegalHold):
        requester_erase(email=EMAIL, actor=None)
    assert traces(EMAIL, NAME) == before
    assert not ErasureLog.objects.exists()


def test_staff_are_not_erased_as_requesters(person):
    with pytest.raises(ValidationError):
        requester_erase(email=person.agent.email, actor=None)


def test_what_still_waits_to_go_to_the_person_is_not_sent(person):
    from notifications.models import Delivery

    waiting = Delivery.objects.filter(address__iexact=EMAIL, status="pending")
    to_agents = Delivery.objects.exclude(address__iexact=EMAIL).filter(status="pending")
    assert waiting.exists()
    others = set(to_agents.values_list("pk", flat=True))
    requester_erase(email=EMAIL, actor=None)
    assert not Delivery.objects.filter(address__endswith="@erased.invalid", status="pending")
    assert (
        set(Delivery.objects.filter(pk__in=others, status="pending").values_list("pk", flat=True))
        == others
    )


def test_nothing_is_sent_to_an_erased_requester_afterwards(person):
    from notifications.models import Delivery
    from tickets import services

    log = requester_erase(email=EMAIL, actor=None)
    last = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first()
    ticket = Ticket.objects.get(pk=person.tickets[1].pk)
    services.comment_add(ticket=ticket, actor=person.agent, body="Any news?")
    new = Delivery.objects.filter(pk__gt=last)
    assert new.exists()  # the others are still told
    assert not new.filter(address=f"erased-{log.pseudonym}@erased.invalid").exists()


def test_names_and_addresses_inside_system_note_values_are_pseudonymised(person):
    from tickets import notes
    from tickets.services import ticket_event_record

    ticket = person.tickets[1]
    # A rejection's reason, as a manager wrote it, inside a system note's values.
    ticket_event_record(
        ticket=ticket,
        actor=User.objects.get(username="manager"),
        kind="escalation",
        note=notes.note("escalation.rejected", reason=f"Ask {NAME} <{EMAIL}> for the logs."),
    )
    event = ticket.events.get(note_key="escalation.rejected")
    assert EMAIL in event.note_params["reason"]
    assert "tickets_ticketevent.note_params" in traces(EMAIL, NAME)

    requester_erase(email=EMAIL, actor=None)

    assert traces(EMAIL, NAME, "Wiśniewska", "zofia") == {}
    event.refresh_from_db()
    assert event.note_params["reason"].startswith("Ask ")
    assert event.note_params["reason"] in event.note  # the same pseudonym in both


def test_reasons_and_hand_over_drafts_kept_as_system_notes_are_pseudonymised(person, network_path):
    from escalations.models import Escalation, Handover, PriorityCriterion
    from escalations.services.automatic import ticket_escalate_automatically
    from escalations.services.duty.handover import ticket_hand_over
    from tests.duty.helpers import second_l1_team
    from tickets import notes

    ticket = person.tickets[1]
    # A criterion named for a VIP requester, quoted in the reason's values.
    criterion = PriorityCriterion.objects.create(name=f"{NAME} <{EMAIL}>", minimum_priority="P1")
    escalation = ticket_escalate_automatically(
        ticket=ticket,
        trigger=Escalation.Trigger.SEVERITY,
        key=f"criterion:{criterion.pk}",
        why=notes.note("escalation.criterion", name=criterion.name),
        to_tier="L2",
    )
    handover = ticket_hand_over(
        ticket=Ticket.objects.get(pk=person.tickets[0].pk),
        level=None,
        to_team=second_l1_team(network_path),
        now=timezone.now(),
    )
    PriorityCriterion.objects.filter(pk=criterion.pk).delete()  # configuration, not a holder
    found = traces(EMAIL, NAME)
    assert "escalations_escalation.reason_params" in found
    assert "escalations_escalation.handoff_notes" in found  # the customer context it wrote
    assert "escalations_handover.draft_params" in found  # the title and comments it quotes

    requester_erase(email=EMAIL, actor=None)

    assert traces(EMAIL, NAME, "Wiśniewska", "zofia") == {}
    escalation.refresh_from_db()
    handover = Handover.objects.get(pk=handover.pk)
    assert escalation.reason_key == "escalation.criterion"
    assert escalation.reason_params["name"] in escalation.reason  # the same pseudonym in both
    assert handover.draft_params["lines"][0]["params"]["ref"] == person.tickets[0].reference
