"""Internationalised addresses: the domain goes out in its ASCII (punycode) form, and an address
only SMTPUTF8 can carry is given up with the reason when the server does not offer it."""

import pytest
from aiosmtpd.controller import Controller
from support.portal import RecordingHandler, SmtpServer, free_port

from models.mail.smtp import DeliveryError, ascii_domain, build_message, deliver, parse_mail_url

SENDER = "Shop Desk <desk@shop.example>"


def test_a_unicode_domain_becomes_punycode_and_an_ascii_one_stays():
    assert ascii_domain("jo@bücher.de") == "jo@xn--bcher-kva.de"
    assert ascii_domain("jo@example.com") == "jo@example.com"
    with pytest.raises(DeliveryError, match="has no ASCII form"):
        ascii_domain("jo@" + "ü" * 70 + ".de")  # a label over 63 characters


def test_the_server_sees_the_ascii_domain():
    server = SmtpServer().start()
    try:
        config = parse_mail_url(server.url, SENDER)
        message = build_message(config, "jo@bücher.de", "Hello", "Body", "<1@shop.example>")
        deliver(config, message)
        [received] = server.handler.messages
        assert received["To"] == "jo@xn--bcher-kva.de"
    finally:
        server.stop()


def test_a_unicode_local_part_without_smtputf8_is_given_up_with_the_reason():
    handler, port = RecordingHandler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=False)
    controller.start()
    try:
        config = parse_mail_url(f"smtp://127.0.0.1:{port}", SENDER)
        message = build_message(config, "jö@example.com", "Hello", "Body", "<2@shop.example>")
        with pytest.raises(DeliveryError, match="does not offer SMTPUTF8") as caught:
            deliver(config, message)
        assert caught.value.permanent
        assert handler.messages == []
    finally:
        controller.stop()


def test_a_unicode_local_part_goes_through_a_server_offering_smtputf8():
    server = SmtpServer().start()
    try:
        config = parse_mail_url(server.url, SENDER)
        deliver(config, build_message(config, "jö@bücher.de", "Hello", "Body", "<3@shop.example>"))
        assert server.handler.messages[0]["To"] == "jö@xn--bcher-kva.de"
    finally:
        server.stop()
