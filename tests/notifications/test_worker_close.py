"""A worker whose broker connection broke closes it without stopping itself."""

import logging

from kombu import Connection

from config.worker import PromptConsumer, close_quietly


class HalfLetGo(Connection):
    """As kombu's Redis transport after ``collect()``: the transport's client is
    gone when the default channel is closed again."""

    closed = 0

    def release(self):
        type(self).closed += 1
        raise AttributeError("'NoneType' object has no attribute 'hostname'")


def test_a_connection_half_let_go_of_is_closed_quietly(caplog):
    caplog.set_level(logging.INFO, logger="config.worker")
    close_quietly(HalfLetGo("memory://"))
    assert HalfLetGo.closed == 1
    assert "already let go of" in caplog.text


def test_the_consumer_closes_a_broken_connection_quietly(monkeypatch):
    seen = {}

    def celery_after_connected(self, exc):
        connection, self.connection = self.connection, None
        connection.close()  # as Celery does, through ignore_errors (which lets AttributeError by)
        seen["closed"] = True

    monkeypatch.setattr(
        PromptConsumer.__mro__[1], "on_connection_error_after_connected", celery_after_connected
    )
    consumer = PromptConsumer.__new__(PromptConsumer)
    consumer.connection = HalfLetGo("memory://")
    consumer.on_connection_error_after_connected(ConnectionError("lost"))
    assert seen == {"closed": True}
