def test_queue_page_renders_for_agent(client, agent):
    client.force_login(agent)
    assert client.get("/").status_code == 200
