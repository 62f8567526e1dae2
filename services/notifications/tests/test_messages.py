"""What each event type's messages say: order number, items, totals, links; escaping; SMS."""

from __future__ import annotations

import uuid

import pytest
from notifications.clients import OutgoingEmail, OutgoingSms
from notifications.core.config import Settings
from notifications.services.messages import SPECS, render_messages
from notifications.services.validation import EventRejected, parse_event
from shopkit.events import EventType

from tests.factories import ORDER_TYPES, RETURN_TYPES, envelope

SETTINGS = Settings(
    shop_url="https://shop.test/", shop_name="Test Shop", admin_emails=["ops@shop.test"]
)


def render(body: dict) -> tuple[list[OutgoingEmail], list[OutgoingSms]]:  # type: ignore[type-arg]
    messages = render_messages(parse_event(body), SETTINGS)
    return (
        [m for m in messages if isinstance(m, OutgoingEmail)],
        [m for m in messages if isinstance(m, OutgoingSms)],
    )


def test_every_event_type_has_templates() -> None:
    assert set(SPECS) == set(EventType)


@pytest.mark.parametrize("event_type", ORDER_TYPES)
def test_order_email_has_number_items_total_and_order_link(event_type: str) -> None:
    body = envelope(event_type)
    [email], _ = render(body)
    order_url = f"https://shop.test/orders/{body['data']['order_id']}"
    assert "SO-2026-000123" in email.subject
    for part in (email.text, email.html):
        assert "SO-2026-000123" in part
        assert "Blue mug" in part and "MUG-BLUE" in part
        assert "1,095.12 USD" in part  # total
        assert "15.00 USD" in part  # a line total
        assert "Alice Doe" in part
        assert order_url in part
    assert email.to == body["data"]["email"]


def test_shipped_has_carrier_and_tracking_link() -> None:
    [email], [sms] = render(envelope("ORDER_SHIPPED"))
    link = "https://track.example.com/1Z999AA10123456784"
    assert "UPS" in email.text and "1Z999AA10123456784" in email.text and link in email.text
    assert f'href="{link}"' in email.html
    assert link in sms.text and "UPS" in sms.text


def test_shipped_without_carrier_link_points_at_the_order_page() -> None:
    body = envelope("ORDER_SHIPPED", tracking_url=None)
    [email], [sms] = render(body)
    assert f"Track your parcel: https://shop.test/orders/{body['data']['order_id']}" in email.text
    assert f"https://shop.test/orders/{body['data']['order_id']}" in sms.text


def test_refund_states_the_amount() -> None:
    [email], [sms] = render(envelope("ORDER_REFUNDED", refund_amount="40.00"))
    assert email.subject == "Refund of 40.00 USD for order SO-2026-000123"
    assert "40.00 USD" in email.text and "40.00 USD" in sms.text


def test_a_partial_refund_says_which_lines_and_the_shipping_it_gave_back() -> None:
    [email], [sms] = render(
        envelope(
            "ORDER_REFUNDED",
            refund_amount="21.60",
            refund_lines=[
                {"sku": "MUG-BLUE", "name": "Blue mug", "quantity": 1, "amount": "16.20"}
            ],
            refund_shipping="5.40",
            refund_reason="Arrived broken",
            refunded_in_full=False,
            refunded_total="21.60",
        )
    )
    assert email.subject == "Refund of 21.60 USD for order SO-2026-000123"
    for part in (email.text, email.html):
        assert "part of your order" in part and "Arrived broken" in part
        assert "1 x Blue mug" in part and "16.20 USD" in part  # the line, at the price paid
        assert "5.40 USD" in part  # the shipping
        assert "Refunded so far: 21.60 USD of 1,095.12 USD" in part
    assert "21.60 USD" in sms.text


def test_a_refund_event_with_a_float_line_amount_is_refused() -> None:
    body = envelope(
        "ORDER_REFUNDED",
        refund_amount="1.00",
        refund_lines=[{"sku": "MUG-BLUE", "name": "Blue mug", "quantity": 1, "amount": 0.1}],
    )
    with pytest.raises(EventRejected):
        parse_event(body)


@pytest.mark.parametrize("event_type", RETURN_TYPES)
def test_each_return_step_emails_the_returned_lines(event_type: str) -> None:
    body = envelope(event_type, return_note="Use the prepaid label")
    [email], sms = render(body)
    assert "SO-2026-000123" in email.subject
    for part in (email.text, email.html):
        assert "1 x Blue mug (MUG-BLUE)" in part
        assert "Too small" in part and "Use the prepaid label" in part
    assert len(sms) == (0 if event_type == "RETURN_REQUESTED" else 1)


def test_a_return_event_needs_its_lines() -> None:
    with pytest.raises(EventRejected):
        parse_event(envelope("RETURN_APPROVED", return_lines=[]))


def test_a_payment_that_came_after_expiry_is_reported_refunded() -> None:
    body = envelope("ORDER_LATE_PAYMENT_REFUNDED", refund_amount="1095.12", order_status="expired")
    [email], [sms] = render(body)
    assert email.subject == "Your payment for order SO-2026-000123 was refunded"
    for part in (email.text, email.html):
        assert "1,095.12 USD" in part
        assert "after this order had expired" in part
        assert "refunded the full amount" in part
    assert "1,095.12 USD refunded" in sms.text


@pytest.mark.parametrize(
    ("order_status", "wording"),
    [
        ("cancelled", "had been cancelled"),
        ("payment_failed", "had been closed after a failed payment"),
        (None, "had been cancelled"),
        ("something-new", "had been cancelled"),  # an unknown hint costs only the hint
    ],
)
def test_the_late_payment_email_says_what_the_order_had_become(
    order_status: str | None, wording: str
) -> None:
    [email], _ = render(envelope("ORDER_LATE_PAYMENT_REFUNDED", order_status=order_status))
    assert wording in email.text


def test_a_late_payment_refund_needs_its_amount() -> None:
    body = envelope("ORDER_LATE_PAYMENT_REFUNDED")
    del body["data"]["refund_amount"]
    with pytest.raises(EventRejected) as rejected:
        parse_event(body)
    assert rejected.value.status_code == 422
    assert ["body", "data", "refund_amount"] in [p["loc"] for p in rejected.value.detail]


def test_cancellation_gives_the_reason() -> None:
    [email], _ = render(envelope("ORDER_CANCELLED", reason="Out of stock at the warehouse"))
    assert "Out of stock at the warehouse" in email.text


def test_html_escapes_names_from_the_catalog() -> None:
    body = envelope("ORDER_PAID")
    body["data"]["items"][1]["name"] = '<script>alert("x")</script> mug'
    body["data"]["customer_name"] = "<b>Eve</b>"
    [email], _ = render(body)
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<b>Eve</b>" not in email.html
    assert '<script>alert("x")</script> mug' in email.text  # plain text stays as written


def test_long_names_give_a_bounded_subject() -> None:
    body = envelope("LOW_STOCK", product_name="L" * 200, sku="S" * 64, available=-3)
    [email], _ = render(body)
    assert len(email.subject) == 200 and email.subject.endswith("…")


def test_a_multi_line_cancellation_reason_is_kept() -> None:
    [email], _ = render(envelope("ORDER_CANCELLED", reason="Line one.\nLine two."))
    assert "Line one.\nLine two." in email.text


@pytest.mark.parametrize("event_type", [t for t in ORDER_TYPES if t != "ORDER_PLACED"])
def test_sms_is_short_and_names_the_order(event_type: str) -> None:
    _, [sms] = render(envelope(event_type))
    assert sms.to == "+15550100"
    assert "SO-2026-000123" in sms.text
    assert "\n" not in sms.text
    assert len(sms.text) <= 160, sms.text


def test_no_sms_for_a_placed_order_or_without_a_phone() -> None:
    assert render(envelope("ORDER_PLACED"))[1] == []
    assert render(envelope("ORDER_PAID", phone=None))[1] == []
    assert render(envelope("ORDER_PAID", phone=""))[1] == []


def test_with_sms_off_only_the_email_is_rendered() -> None:
    """NOTIFY_SMS_PROVIDER=off (what production uses until an SMS gateway exists): the
    customer with a phone still gets the email, and no SMS is handed to any provider."""
    sms_off = SETTINGS.model_copy(update={"sms_provider": "off"})
    messages = render_messages(parse_event(envelope("ORDER_SHIPPED")), sms_off)
    assert [m.channel for m in messages] == ["email"]


def test_low_stock_goes_to_each_admin_address() -> None:
    settings = Settings(admin_emails="ops@shop.test, buyer@shop.test", shop_url="https://shop.test")
    messages = render_messages(parse_event(envelope("LOW_STOCK")), settings)
    assert [m.to for m in messages] == ["ops@shop.test", "buyer@shop.test"]
    email = messages[0]
    assert isinstance(email, OutgoingEmail)
    assert email.subject == 'Low stock: Laptop 13" (LAP-13-16GB), 2 left'
    assert "Reorder level: 3" in email.text
    assert "https://shop.test/admin/inventory?sku=LAP-13-16GB" in email.text


def test_low_stock_without_admin_addresses_sends_nothing() -> None:
    settings = Settings(admin_emails="")
    assert render_messages(parse_event(envelope("LOW_STOCK")), settings) == []


def test_optional_totals_may_be_missing() -> None:
    body = envelope("ORDER_PAID")
    for name in ("subtotal", "shipping", "tax", "customer_name", "user_id"):
        del body["data"][name]
    [email], _ = render(body)
    assert "Subtotal" not in email.text and "Hi there," in email.text
    assert "1,095.12 USD" in email.text
    assert uuid.UUID(body["data"]["order_id"])


@pytest.mark.parametrize(
    ("event_type", "page"),
    [
        ("PASSWORD_RESET_REQUESTED", "reset-password"),
        ("EMAIL_VERIFICATION_REQUESTED", "verify-email"),
    ],
)
def test_account_link_email_carries_the_link_and_the_log_does_not(
    event_type: str, page: str
) -> None:
    body = envelope(event_type)
    token = body["data"]["token"]
    [email], sms = render(body)
    link = f"https://shop.test/{page}?token={token}"
    assert sms == []
    assert email.to == body["data"]["email"]
    assert "Test Shop" in email.subject
    assert link in email.text
    assert f'href="{link}"' in email.html
    assert "Alice Doe" in email.text
    assert email.logged_text is not None
    assert token not in email.logged_text
    assert "[link removed from the log]" in email.logged_text


@pytest.mark.parametrize("token", ["short", "has space in it!!", "a" * 129, "<script>x</script>"])
def test_account_link_with_a_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(EventRejected):
        parse_event(envelope("PASSWORD_RESET_REQUESTED", token=token))


def test_guest_order_link_carries_the_order_token() -> None:
    body = envelope("ORDER_PAID", order_token="Abcdefghijklmnop_-0123456789")
    [email], [sms] = render(body)
    link = f"https://shop.test/orders/{body['data']['order_id']}?token=Abcdefghijklmnop_-0123456789"
    assert link in email.text and link in email.html


@pytest.mark.parametrize("event_type", ["ORDER_PLACED", "ORDER_PAID"])
def test_placed_and_paid_emails_show_the_discount_and_shipping_method(event_type: str) -> None:
    body = envelope(event_type)
    body["data"].update(
        {
            "subtotal": "1014.00",
            "discount": "101.40",
            "promo_code": "TAKE10",
            "shipping": "19.99",
            "shipping_method": "Express",
            "tax": "73.01",
            "total": "1005.60",
        }
    )
    [email], _ = render(body)
    for part in (email.text, email.html):
        assert "Discount (TAKE10)" in part and "-101.40 USD" in part
        assert "Shipping (Express)" in part and "19.99 USD" in part
        assert "1,005.60 USD" in part


def test_no_discount_line_without_a_discount() -> None:
    body = envelope("ORDER_PLACED")
    body["data"].update({"discount": "0.00", "promo_code": None})
    [email], _ = render(body)
    assert "Discount" not in email.text and "Discount" not in email.html
