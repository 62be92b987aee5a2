"""What the magnalister plugin writes for a marketplace order in the demo shop.

The formats follow magnalister 2.8 for Gambio. ``magnalister_orders.special`` contains the
marketplace order id, or several ids one per line for a merged eBay order. ``data`` and
``internaldata`` are PHP-serialized arrays, and ``orders.comments`` starts with
"magnalister-Verarbeitung (<marketplace>)".
"""

from __future__ import annotations

import random

# magnalister's account id (mpID) per platform in the demo shop.
MAGNALISTER_ACCOUNTS = {"ebay": 31245, "amazon": 31246, "hood": 31247, "hitmeister": 31248, "otto": 31249}
# Marketplace names in magnalister's order comments; 'hitmeister' is the module of Kaufland.
MARKETPLACE_TITLES = {"ebay": "eBay", "amazon": "Amazon", "hood": "Hood", "hitmeister": "Kaufland", "otto": "OTTO"}

_AMAZON_PREFIXES = ("028", "302", "303", "304", "305", "306")
_KAUFLAND_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_OTTO_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def marketplace_order_ids(rng: random.Random, platform: str, orders_id: int, merged: bool = False) -> list[str]:
    """Return the marketplace order ids of shop order ``orders_id``; two for a merged eBay order.

    The numeric part is a bijection of the shop order id, so ids never repeat across orders.
    """
    if platform == "ebay":
        ids = []
        for part in range(2 if merged else 1):
            number = _scramble(2 * orders_id + part, 7_777_777_777, 1_234_567_891, 10**10)
            ids.append(f"{rng.randrange(10, 30):02d}-{number // 10**5:05d}-{number % 10**5:05d}")
        return ids
    if platform == "amazon":
        middle = _scramble(orders_id, 8_675_309, 1_234_567, 10**7)
        return [f"{rng.choice(_AMAZON_PREFIXES)}-{middle:07d}-{rng.randrange(10**7):07d}"]
    if platform == "hood":
        return [str(100_000_000 + _scramble(orders_id, 479_001_599, 100_000_007, 900_000_000))]
    if platform == "hitmeister":
        return [_digits(_scramble(orders_id, 1_000_003, 987_654_321, 32**7), _KAUFLAND_ALPHABET, 7)]
    if platform == "otto":
        return [_digits(_scramble(orders_id, 1_000_000_007, 123_456_789_012, 36**10), _OTTO_ALPHABET, 10)]
    raise ValueError(f"unknown magnalister platform {platform!r}")


def magnalister_comment(platform: str, fulfillment: str | None, order_ids: list[str]) -> str:
    """Return the order comment magnalister writes, e.g. for Amazon FBA "(Amazon FBA)"."""
    title = MARKETPLACE_TITLES[platform]
    if fulfillment == "AFN":
        title += " FBA"
    elif fulfillment == "MFN-Prime":
        title += " Prime"
    # NOTE: a merged eBay order lists each marketplace order number on its own line here.
    # How magnalister rewrites the comment when it merges orders is not verified.
    numbers = "\n".join(f"Marketplace Bestellnummer: {number}" for number in order_ids)
    return f"magnalister-Verarbeitung ({title})\n{numbers}"


def magnalister_data(platform: str, order_ids: list[str], fulfillment: str | None) -> tuple[str, str]:
    """Return ``data`` and ``internaldata`` of a magnalister_orders row, PHP-serialized.

    Only the keys the bridge relies on are written: the marketplace order id (an array for a
    merged eBay order) and Amazon's FulfillmentChannel ('MFN', 'AFN' or 'MFN-Prime').
    """
    if platform == "ebay":
        data = {"eBayOrderID": order_ids[0] if len(order_ids) == 1 else list(order_ids)}
    elif platform == "amazon":
        data = {"AmazonOrderID": order_ids[0]}
    else:
        data = {"MOrderID": order_ids[0]}
    internal = {"FulfillmentChannel": fulfillment} if fulfillment else {}
    return php_serialize(data), php_serialize(internal)


def php_serialize(value) -> str:
    """Serialize str, int, bool, list and dict as PHP's serialize() does; lengths count UTF-8 bytes."""
    if isinstance(value, str):
        return f's:{len(value.encode("utf-8"))}:"{value}";'
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, list):
        value = dict(enumerate(value))
    if isinstance(value, dict):
        items = "".join(php_serialize(key) + php_serialize(item) for key, item in value.items())
        return f"a:{len(value)}:{{{items}}}"
    raise TypeError(f"cannot serialize {type(value).__name__} like PHP")


def _scramble(number: int, multiplier: int, offset: int, modulus: int) -> int:
    # A bijection on 0..modulus-1 because multiplier is coprime to modulus.
    return (number * multiplier + offset) % modulus


def _digits(number: int, alphabet: str, width: int) -> str:
    chars = []
    for _ in range(width):
        number, remainder = divmod(number, len(alphabet))
        chars.append(alphabet[remainder])
    return "".join(reversed(chars))
