"""A guest's access to their orders: the signed key of the links in the e-mails, and the order numbers the
visitor's session remembers (the orders placed or opened with a key in this browser)."""

from django.core import signing

ORDER_LINK_SALT = "shop.order-link"
ORDER_LINK_MAX_AGE = 60 * 60 * 24 * 120  # a guest's link in the e-mails works for four months
GUEST_ORDERS_SESSION_KEY = "shop:guest_orders"


def order_link_key(number: str) -> str:
    """The `cle` of a guest's order link: the signature of the order number (the number itself is in the URL)."""
    return signing.TimestampSigner(salt=ORDER_LINK_SALT).sign(number).split(":", 1)[1]


def order_link_valid(number: str, key: str) -> bool:
    """Whether `key` is this order's link key, signed less than ORDER_LINK_MAX_AGE ago."""
    try:
        signing.TimestampSigner(salt=ORDER_LINK_SALT).unsign(f"{number}:{key}", max_age=ORDER_LINK_MAX_AGE)
    except signing.BadSignature:
        return False
    return True


def guest_orders(session) -> list[str]:
    return session.get(GUEST_ORDERS_SESSION_KEY, [])


def guest_order_remember(session, number: str) -> None:
    numbers = guest_orders(session)
    if number not in numbers:
        session[GUEST_ORDERS_SESSION_KEY] = [*numbers, number]
