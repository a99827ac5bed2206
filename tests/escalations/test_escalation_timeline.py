"""The ticket's timeline links each escalation step to the escalation's page."""

from escalations.services import escalate
from tests.escalations.data import HANDOFF
from tests.factories import create_ticket
from tickets.models import User


def test_timeline_links_escalation_steps_to_their_page(network_path, policy, client):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1)
    escalation = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    client.force_login(agent1)
    body = client.get(ticket.get_absolute_url()).content.decode()
    timeline = body[body.index('id="timeline"') :]
    link = f'<a href="/escalations/{escalation.pk}/" class="escalation-link">#{escalation.pk}</a>'
    assert link in timeline
    assert f"Escalation:{escalation.pk}" not in timeline
