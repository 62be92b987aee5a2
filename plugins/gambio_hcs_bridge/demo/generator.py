"""Deterministic demo data for a Gambio shop: products, customers and orders.

:func:`generate_shop` writes what the Gambio checkout and the magnalister plugin write: products
with variants (``products_properties_combis``) and attribute values (``products_attributes``),
customers, and orders with their lines, properties, attributes, totals, tax sums, status history
and ``magnalister_orders`` rows. Every order's totals reconcile to the cent. The same seed and
size give the same rows on the same starting schema.

It runs on the project's own DDL and on a database loaded from the real Gambio installer, which
already contains demo products. New ids therefore start above the highest id (and
AUTO_INCREMENT) of each table. Rows go in as multi-row INSERTs of up to :data:`ROWS_PER_INSERT` rows, with one commit
per :data:`ORDERS_PER_COMMIT` orders.
"""

from __future__ import annotations

import hashlib
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from gambio_hcs_bridge.demo import sample_data
from gambio_hcs_bridge.demo.gambio_schema import gambio_ddl_statements
from gambio_hcs_bridge.demo.marketplace import (
    MAGNALISTER_ACCOUNTS,
    magnalister_comment,
    magnalister_data,
    marketplace_order_ids,
)
from gambio_hcs_bridge.demo.totals import ZERO, OrderTotals, cents, compute_totals, euro_text, net_of, rate_text

log = logging.getLogger(__name__)


# --- public result ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedSku:
    """An article number of the demo shop and the Gambio stock level it belongs to.

    ``level`` is ``product`` (``products.products_model``), ``combi``
    (``products_properties_combis.combi_model``) or ``attribute``
    (``products_attributes.attributes_model``). A product with variants is sold only through its
    variants, so its own model is not listed.
    """

    sku: str
    level: str
    products_id: int
    combi_id: int | None = None
    attributes_id: int | None = None


@dataclass
class GeneratedShop:
    """Counts and ids of what :func:`generate_shop` wrote.

    ``orders_by_platform`` counts plain shop orders under ``shop`` and marketplace orders under
    their magnalister platform name.
    """

    seed: int
    orders: int
    order_lines: int
    customers: int
    products: int
    combis: int
    attributes: int
    first_order_id: int | None
    last_order_id: int | None
    orders_by_platform: dict[str, int]
    orders_by_status: dict[int, int]
    merged_ebay_orders: int
    fba_orders: int
    unknown_sku_lines: int
    skus: list[GeneratedSku] = field(default_factory=list)


# --- tunables --------------------------------------------------------------------------------

SHOP_TIMEZONE = "Europe/Berlin"

# The default start lies a week before the switch to summer time on 2025-03-30, so the default
# 2,000 orders span that DST edge.
DEFAULT_START = datetime(2025, 3, 24, 6, 0, 0)

# Average time between two orders (exponentially distributed): about 290 orders a day.
MEAN_ORDER_INTERVAL_SECONDS = 300

ORDERS_PER_COMMIT = 1000
ROWS_PER_INSERT = 2000
# MySQLdb joins executemany() rows into INSERT statements of at most this many bytes. The value
# must stay below the server's max_allowed_packet, which is 16 MiB by default in MariaDB 10.11.
_MAX_STATEMENT_BYTES = 4 * 1024 * 1024

# Share of all orders per channel: 'shop' or the magnalister platform name.
CHANNEL_SHARES = {"shop": 40, "ebay": 25, "amazon": 20, "hitmeister": 6, "otto": 5, "hood": 4}
MERGED_EBAY_SHARE = 0.08
AMAZON_FULFILLMENT_SHARES = {"MFN": 65, "AFN": 25, "MFN-Prime": 10}
UNKNOWN_SKU_SHARE = 0.004  # marketplace lines whose SKU the shop does not know (products_id 0)

OPEN_STATUS_ID = 1
SHIPPED_STATUS_ID = 3
CANCELLED_STATUS_ID = 99
# Share of the final order status; "paid" stands for the paid_status_id argument.
STATUS_SHARES = {"paid": 72, OPEN_STATUS_ID: 10, SHIPPED_STATUS_ID: 12, CANCELLED_STATUS_ID: 6}

# Gambio tax classes with German rates: 1 standard (19 %), 2 reduced (7 %).
TAX_CLASS_BY_RATE = {Decimal("19"): 1, Decimal("7"): 2}
TAX_CLASS_NAMES = {Decimal("19"): "Standardsatz", Decimal("7"): "ermäßigter Steuersatz"}
STANDARD_RATE = Decimal("19")
EU_COUNTRIES = ("DE", "AT", "FR", "NL", "IT", "PL", "BE", "LU", "DK")

EMPTY_DATETIME = "1000-01-01 00:00:00"  # Gambio's "no date" value
FOUR_PLACES = Decimal("0.0001")

_B2B_SHARE = 0.08
_FOREIGN_B2B_SHARE = 0.3  # of B2B customers: EU companies abroad with a VAT id (reverse charge)
_GIFT_SHARE = 0.05  # shop orders delivered to another person
_CUSTOMER_COMMENT_SHARE = 0.15
# magnalister reports a new shop status at its next run (every 2 hours by default), so some
# shipped or cancelled orders still show the old reported status.
_REPORTED_SHARE = 0.7

# (payment_class = payment_method, weight, Gambio Hub module, its title)
_SHOP_PAYMENTS = (
    ("gambio_hub", 35, "PayPal2Hub", "PayPal"),
    ("moneyorder", 25, "", ""),
    ("invoice", 20, "", ""),
    ("cod", 10, "", ""),
    ("banktransfer", 10, "", ""),
)
_COD_FEE = Decimal("4.00")
_FREE_SHIPPING_FROM = Decimal("50.00")
_SHOP_SHIPPING = {"domestic": Decimal("4.90"), "eu": Decimal("9.90"), "world": Decimal("19.90")}
_MARKETPLACE_SHIPPING = (Decimal("0.00"), Decimal("3.99"), Decimal("4.95"), Decimal("5.90"))
_COUPONS = (("WILLKOMMEN10", "percent", Decimal("10")), ("SOMMER5", "fixed", Decimal("5.00")))
_COUPON_SHARE = 0.06
_COUPON_MINIMUM = Decimal("20.00")
_VOUCHER_SHARE = 0.03
_VOUCHER_AMOUNTS = (Decimal("10.00"), Decimal("25.00"), Decimal("50.00"))

# Option ids of the demo attributes start far above the few options of a fresh shop.
_FIRST_OPTION_ID = 1001
_FIRST_OPTION_VALUE_ID = 10001


# --- entry point -----------------------------------------------------------------------------


def generate_shop(
    conn,
    *,
    seed: int,
    orders: int,
    paid_status_id: int,
    products: int | None = None,
    start: datetime | None = None,
) -> GeneratedShop:
    """Write a demo catalogue, customers and ``orders`` orders into the Gambio database of ``conn``.

    ``conn`` is a MySQLdb connection to a database with the Gambio tables; a missing
    ``magnalister_orders`` table is created. ``paid_status_id`` is the "Bezahlt" status; statuses
    1, 3 and 99 must exist as in every Gambio shop. ``products`` defaults to one product per 20
    orders (at least 30, at most 5,000). ``start`` is the server-local time of the first order
    (default :data:`DEFAULT_START`); a timezone-aware value is converted to shop time.

    The session writes in strict SQL mode, so a value that does not fit its column raises instead
    of being cut. The previous sql_mode and autocommit setting are restored afterwards. An error
    rolls back the current batch; batches committed before it stay.
    """
    if orders < 0:
        raise ValueError(f"orders must be >= 0, got {orders}")
    if products is not None and products < 1:
        raise ValueError(f"products must be >= 1, got {products}")
    product_count = products if products is not None else max(30, min(5000, orders // 20))

    cursor = conn.cursor()
    cursor.max_stmt_length = _MAX_STATEMENT_BYTES
    _check_statuses(cursor, paid_status_id)
    _ensure_magnalister_table(cursor)

    cursor.execute("SELECT @@SESSION.sql_mode, @@SESSION.autocommit")
    previous_sql_mode, previous_autocommit = cursor.fetchone()
    cursor.execute("SET SESSION sql_mode='STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'")
    conn.autocommit(False)
    try:
        db = _Database(conn, cursor)
        catalog = _write_catalog(db, random.Random(f"{seed}:catalog"), product_count)
        customers = _write_customers(db, random.Random(f"{seed}:customers"), max(20, orders // 3), seed)
        order_writer = _OrderWriter(db, catalog, customers, seed=seed, paid_status_id=paid_status_id)
        order_writer.write(random.Random(f"{seed}:orders"), orders, _start_utc(start))
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.autocommit(bool(previous_autocommit))
        cursor.execute("SET SESSION sql_mode=%s", (previous_sql_mode,))

    counts = order_writer.counts
    return GeneratedShop(
        seed=seed,
        orders=sum(order_writer.orders_by_platform.values()),
        order_lines=counts["order_lines"],
        customers=sum(len(pool) for pool in customers.by_channel.values()),
        products=len(catalog.products),
        combis=catalog.combi_count,
        attributes=catalog.attribute_count,
        first_order_id=order_writer.first_order_id,
        last_order_id=order_writer.last_order_id,
        orders_by_platform=dict(sorted(order_writer.orders_by_platform.items())),
        orders_by_status=dict(sorted(order_writer.orders_by_status.items())),
        merged_ebay_orders=counts["merged_ebay_orders"],
        fba_orders=counts["fba_orders"],
        unknown_sku_lines=counts["unknown_sku_lines"],
        skus=catalog.skus,
    )


def _check_statuses(cursor, paid_status_id: int) -> None:
    cursor.execute("SELECT DISTINCT orders_status_id FROM orders_status")
    existing = {int(row[0]) for row in cursor.fetchall()}
    for status_id in (paid_status_id, OPEN_STATUS_ID, SHIPPED_STATUS_ID, CANCELLED_STATUS_ID):
        if status_id not in existing:
            raise ValueError(
                f"order status {status_id} not found in orders_status; "
                "create the paid status first (hcsbridge setup-statuses)"
            )


def _ensure_magnalister_table(cursor) -> None:
    """Create magnalister_orders when missing, as installing the magnalister plugin does; a
    database loaded from the shop installer alone lacks it."""
    cursor.execute(
        "SELECT COUNT(*) FROM information_schema.TABLES "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'magnalister_orders'"
    )
    if cursor.fetchone()[0]:
        return
    for statement in gambio_ddl_statements("magnalister_orders"):
        cursor.execute(statement)
    log.info("Created the table magnalister_orders, which the magnalister plugin would create")


def _start_utc(start: datetime | None) -> datetime:
    start = start or DEFAULT_START
    if start.tzinfo is None:
        start = start.replace(tzinfo=ZoneInfo(SHOP_TIMEZONE))
    return start.astimezone(UTC)


def _weighted(shares: dict) -> tuple[tuple, tuple[int, ...]]:
    """Return choices and cumulative weights for ``random.choices(..., cum_weights=...)``."""
    total, cumulative = 0, []
    for weight in shares.values():
        total += weight
        cumulative.append(total)
    return tuple(shares), tuple(cumulative)


_CHANNELS = _weighted(CHANNEL_SHARES)
_FULFILLMENTS = _weighted(AMAZON_FULFILLMENT_SHARES)
_FINAL_STATUSES = _weighted(STATUS_SHARES)
_COUNTRIES = _weighted(sample_data.COUNTRY_SHARES)
_LINE_COUNTS = _weighted({1: 55, 2: 25, 3: 12, 4: 5, 5: 3})
_QUANTITIES = _weighted({1: 75, 2: 15, 3: 5, 4: 2, 5: 2, 10: 1})
_PRODUCT_KINDS = _weighted({"simple": 56, "metre": 4, "variant": 25, "attribute": 15})


def _pick(rng: random.Random, weighted: tuple[tuple, tuple[int, ...]]):
    return rng.choices(weighted[0], cum_weights=weighted[1])[0]


# --- database access -----------------------------------------------------------------------------

# Tables whose ids the generator allocates, with their primary key column.
_ID_COLUMNS = {
    "products": "products_id",
    "products_properties_combis": "products_properties_combis_id",
    "products_attributes": "products_attributes_id",
    "customers": "customers_id",
    "orders": "orders_id",
    "orders_products": "orders_products_id",
    "orders_products_properties": "orders_products_properties_id",
    "orders_products_attributes": "orders_products_attributes_id",
    "orders_total": "orders_total_id",
    "orders_tax_sum_items": "orders_tax_sum_item_id",
    "orders_status_history": "orders_status_history_id",
}


class _Database:
    """Id allocation and batched inserts on one MySQLdb connection."""

    def __init__(self, conn, cursor):
        self.conn = conn
        self.cursor = cursor
        self._next_ids = {table: self._first_free_id(table, column) for table, column in _ID_COLUMNS.items()}

    def _first_free_id(self, table: str, column: str) -> int:
        self.cursor.execute(f"SELECT COALESCE(MAX(`{column}`), 0) FROM `{table}`")
        after_max = int(self.cursor.fetchone()[0]) + 1
        self.cursor.execute(
            "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %s",
            (table,),
        )
        row = self.cursor.fetchone()
        # A fresh shop starts its orders at AUTO_INCREMENT 400210; keep that numbering.
        auto_increment = int(row[0]) if row and row[0] is not None else 1
        return max(after_max, auto_increment)

    def take_id(self, table: str) -> int:
        value = self._next_ids[table]
        self._next_ids[table] = value + 1
        return value

    def insert(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        column_list = ", ".join(f"`{column}`" for column in columns)
        placeholders = ", ".join(["%s"] * len(columns))
        statement = f"INSERT INTO `{table}` ({column_list}) VALUES ({placeholders})"
        for offset in range(0, len(rows), ROWS_PER_INSERT):
            self.cursor.executemany(statement, rows[offset : offset + ROWS_PER_INSERT])

    def query(self, sql: str) -> list[tuple]:
        self.cursor.execute(sql)
        return list(self.cursor.fetchall())

    def commit(self) -> None:
        self.conn.commit()


# --- catalogue -----------------------------------------------------------------------------------


@dataclass
class _Variant:
    combi_id: int
    combi_model: str
    gross_surcharge: Decimal
    properties: tuple[tuple[str, str], ...]  # (property name, value name)


@dataclass
class _AttributeValue:
    attributes_id: int
    options_id: int
    options_values_id: int
    option_name: str
    value_name: str
    gross_surcharge: Decimal
    model: str


@dataclass
class _Product:
    products_id: int
    model: str
    name: str
    kind: str  # simple, metre, variant or attribute
    rate: Decimal
    gross_price: Decimal
    weight: Decimal
    variants: list[_Variant] = field(default_factory=list)
    attribute_values: list[_AttributeValue] = field(default_factory=list)


@dataclass
class _Catalog:
    products: list[_Product] = field(default_factory=list)
    skus: list[GeneratedSku] = field(default_factory=list)
    combi_count: int = 0
    attribute_count: int = 0


_PRODUCT_COLUMNS = (
    "products_id", "products_ean", "products_quantity", "products_shippingtime", "products_model",
    "group_permission_0", "group_permission_1", "group_permission_2", "group_permission_3",
    "products_sort", "products_price", "products_date_added", "products_last_modified",
    "products_weight", "products_status", "products_tax_class_id", "manufacturers_id",
    "use_properties_combis_quantity", "product_type",
)
_DESCRIPTION_COLUMNS = (
    "products_id", "language_id", "products_name", "products_description", "products_short_description",
    "products_keywords", "products_meta_title", "products_meta_description", "products_meta_keywords",
    "gm_url_keywords", "checkout_information",
)
_COMBI_COLUMNS = (
    "products_properties_combis_id", "products_id", "sort_order", "combi_model", "combi_ean",
    "stock_type", "combi_quantity", "combi_shipping_status_id", "combi_weight", "combi_price_type",
    "combi_price", "products_vpe_id", "vpe_value",
)
_ATTRIBUTE_COLUMNS = (
    "products_attributes_id", "products_id", "options_id", "options_values_id", "options_values_price",
    "price_prefix", "stock_type", "attributes_model", "attributes_stock", "options_values_weight",
    "weight_prefix", "sortorder",
)


def _write_catalog(db: _Database, rng: random.Random, count: int) -> _Catalog:
    """Insert ``count`` products with descriptions in every shop language, variants and attributes.

    Gambio stores net prices (4 decimals) and a tax class; the gross list price is what orders
    show. Variant products use the global stock setting or the variant stock
    (``use_properties_combis_quantity`` 0 or 2) and start with the sum of their variants' stock.
    """
    languages = db.query("SELECT languages_id, code FROM languages ORDER BY languages_id")
    catalog = _Catalog()
    product_rows, description_rows, combi_rows, attribute_rows = [], [], [], []
    option_ids: dict[str, int] = {}
    value_ids: dict[tuple[str, str], int] = {}
    first_added = datetime(2023, 1, 9, 10, 0, 0)

    for position in range(count):
        kind = _pick(rng, _PRODUCT_KINDS)
        template = rng.choice(
            {
                "simple": sample_data.SIMPLE_ITEMS,
                "metre": sample_data.METRE_ITEMS,
                "variant": sample_data.VARIANT_ITEMS,
                "attribute": sample_data.ATTRIBUTE_ITEMS,
            }[kind]
        )
        name_de, name_en, rate_text_value, low, high = template[:5]
        products_id = db.take_id("products")
        rate = Decimal(rate_text_value)
        gross = _price_between(rng, Decimal(low), Decimal(high), even_cents=kind == "metre")
        line_name = rng.choice(sample_data.PRODUCT_LINES)
        product = _Product(
            products_id=products_id,
            model=f"{'MW' if kind == 'metre' else 'ART'}-{10000 + products_id}",
            name=f"{name_de} {line_name}",
            kind=kind,
            rate=rate,
            gross_price=gross,
            weight=Decimal(rng.randrange(50, 5000)) / 1000,
        )
        stock = _stock(rng, fractional=kind == "metre")
        combis_mode = 0
        if kind == "variant":
            combis_mode = rng.choice((0, 0, 2))
            stock = _add_variants(db, rng, catalog, product, template[5], combi_rows)
        elif kind == "attribute":
            option_name, values = template[5], template[6]
            _add_attribute_values(db, rng, catalog, product, option_name, values, attribute_rows, option_ids, value_ids)
        if kind != "variant":
            catalog.skus.append(GeneratedSku(product.model, "product", products_id))

        added = first_added + timedelta(hours=position)
        product_rows.append((
            products_id, _ean13(rng), stock, 1, product.model, 1, 1, 1, 1, position,
            _net_price(gross, rate), added, added, product.weight, 1, TAX_CLASS_BY_RATE[rate], 0, combis_mode, 1,
        ))
        for language_id, code in languages:
            # Languages other than English get the German texts, as in a shop nobody translated.
            if code == "en":
                name, description = f"{name_en} {line_name}", "Quality from our own warehouse."
            else:
                name, description = product.name, "Qualität aus unserem eigenen Lager."
            description_rows.append((
                products_id, language_id, name, f"<p>{name}: {description}</p>", name,
                name_de, name, name, "", _ascii_slug(f"{name}-{products_id}"), "",
            ))
        catalog.products.append(product)

    db.insert("products", _PRODUCT_COLUMNS, product_rows)
    db.insert("products_description", _DESCRIPTION_COLUMNS, description_rows)
    db.insert("products_properties_combis", _COMBI_COLUMNS, combi_rows)
    db.insert("products_attributes", _ATTRIBUTE_COLUMNS, attribute_rows)
    db.commit()
    catalog.combi_count, catalog.attribute_count = len(combi_rows), len(attribute_rows)
    return catalog


def _add_variants(db, rng, catalog: _Catalog, product: _Product, properties, combi_rows: list) -> Decimal:
    """Add a random subset (at least two) of the property combinations; return their total stock."""
    combinations: list[tuple[str, ...]] = [()]
    for _, values in properties:
        combinations = [combo + (value,) for combo in combinations for value in values]
    keep = max(2, int(len(combinations) * rng.uniform(0.5, 1.0)))

    total_stock = ZERO
    for sort_order, combo in enumerate(combinations[:keep]):
        combi_id = db.take_id("products_properties_combis")
        codes = [sample_data.VALUE_CODES.get(value, _ascii_slug(value).upper()) for value in combo]
        combi_model = "-".join([product.model, *codes])
        surcharge = Decimal("2.00") if combo[-1] in ("XL", "XXL", "45") else ZERO
        quantity = Decimal(rng.randrange(0, 60))
        total_stock += quantity
        combi_rows.append((
            combi_id, product.products_id, sort_order, combi_model, _ean13(rng), "not-managed", quantity, 1,
            ZERO, "calc", _net_price(surcharge, product.rate), 0, ZERO,
        ))
        names = tuple((name, value) for (name, _), value in zip(properties, combo, strict=True))
        product.variants.append(_Variant(combi_id, combi_model, surcharge, names))
        catalog.skus.append(GeneratedSku(combi_model, "combi", product.products_id, combi_id=combi_id))
    return total_stock


def _add_attribute_values(db, rng, catalog, product, option_name, values, attribute_rows, option_ids, value_ids):
    options_id = option_ids.setdefault(option_name, _FIRST_OPTION_ID + len(option_ids))
    for sortorder, (value_name, surcharge_text, code) in enumerate(values, start=1):
        values_id = value_ids.setdefault((option_name, value_name), _FIRST_OPTION_VALUE_ID + len(value_ids))
        attributes_id = db.take_id("products_attributes")
        surcharge = Decimal(surcharge_text)
        model = f"{product.model}-{code}"
        attribute_rows.append((
            attributes_id, product.products_id, options_id, values_id, _net_price(surcharge, product.rate), "+",
            "not-managed", model, Decimal(rng.randrange(0, 120)), ZERO, "+", sortorder,
        ))
        product.attribute_values.append(
            _AttributeValue(attributes_id, options_id, values_id, option_name, value_name, surcharge, model)
        )
        catalog.skus.append(GeneratedSku(model, "attribute", product.products_id, attributes_id=attributes_id))


def _net_price(gross: Decimal, rate: Decimal) -> Decimal:
    return net_of(gross, rate).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)


def _price_between(rng: random.Random, low: Decimal, high: Decimal, even_cents: bool) -> Decimal:
    cent = Decimal("0.01")
    price = low + rng.randrange(int((high - low) / cent) + 1) * cent
    if even_cents and (price / cent) % 2:
        price -= cent
    return price


def _stock(rng: random.Random, fractional: bool) -> Decimal:
    roll = rng.random()
    if roll < 0.05:
        return ZERO
    if fractional:
        return Decimal(rng.randrange(20, 4000)) / 2
    if roll < 0.25:
        return Decimal(rng.randrange(1, 10))
    return Decimal(rng.randrange(10, 500))


def _ascii_slug(text: str) -> str:
    replaced = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        replaced = replaced.replace(umlaut, plain)
    replaced = replaced.encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in replaced).split())


def _ean13(rng: random.Random) -> str:
    digits = "40" + "".join(str(rng.randrange(10)) for _ in range(10))
    checksum = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(digits))
    return digits + str((10 - checksum % 10) % 10)


# --- customers -----------------------------------------------------------------------------------


@dataclass
class _Customer:
    customers_id: int
    gender: str
    firstname: str
    lastname: str
    company: str
    vat_id: str | None
    street: str
    postcode: str
    city: str
    state: str | None
    country: str
    telephone: str
    email: str
    status_id: int
    status_name: str


@dataclass
class _Customers:
    by_channel: dict[str, list[_Customer]] = field(default_factory=dict)
    # Shop customers per country, for gift orders shipped to someone else in the same country.
    shop_by_country: dict[str, list[_Customer]] = field(default_factory=dict)


_CUSTOMER_COLUMNS = (
    "customers_id", "customers_cid", "customers_vat_id", "customers_vat_id_status", "customers_status",
    "customers_gender", "customers_firstname", "customers_lastname", "customers_company", "customers_dob",
    "customers_email_address", "customers_telephone", "customers_password", "customers_newsletter_mode",
    "customers_is_tradesperson", "account_type", "customers_date_added", "customers_last_modified",
)


def _write_customers(db: _Database, rng: random.Random, count: int, seed: int) -> _Customers:
    """Insert ``count`` customers, each buying through one channel (the shop or a marketplace)."""
    customers = _Customers()
    channels = list(CHANNEL_SHARES)
    rows = []
    for index in range(count):
        # Every channel gets a buyer even in a tiny shop; the rest follow the channel shares.
        channel = channels[index] if index < len(channels) else _pick(rng, _CHANNELS)
        customer = _make_customer(db.take_id("customers"), rng, channel, seed)
        customers.by_channel.setdefault(channel, []).append(customer)
        if channel == "shop":
            customers.shop_by_country.setdefault(customer.country, []).append(customer)
        joined = datetime(2022, 6, 1, 9, 0, 0) + timedelta(minutes=rng.randrange(0, 900 * 24 * 60))
        rows.append((
            customer.customers_id, None, customer.vat_id, 1 if customer.vat_id else 0, customer.status_id,
            customer.gender, customer.firstname, customer.lastname, customer.company, EMPTY_DATETIME,
            customer.email, customer.telephone, "", "0", 1 if customer.company else 0, 0, joined, joined,
        ))
    db.insert("customers", _CUSTOMER_COLUMNS, rows)
    db.commit()
    return customers


def _make_customer(customers_id: int, rng: random.Random, channel: str, seed: int) -> _Customer:
    # OTTO, Kaufland and Hood sell in Germany only.
    country = "DE" if channel in ("otto", "hitmeister", "hood") else _pick(rng, _COUNTRIES)
    gender = rng.choice(sample_data.GENDERS)
    if country in sample_data.FOREIGN_NAMES:
        first_names, last_names = sample_data.FOREIGN_NAMES[country]
        firstname, lastname = rng.choice(first_names), rng.choice(last_names)
    else:
        firstname, lastname = rng.choice(sample_data.FIRST_NAMES[gender]), rng.choice(sample_data.LAST_NAMES)
    postcode, city, street = _address_in(rng, country)

    company, vat_id = "", None
    status_id, status_name = (2, "Neuer Kunde") if channel == "shop" else (1, "Gast")
    if channel in ("shop", "amazon") and rng.random() < _B2B_SHARE:
        company = rng.choice(sample_data.COMPANIES)
        if rng.random() < _FOREIGN_B2B_SHARE:
            country = rng.choice(("AT", "FR", "NL", "IT", "PL"))
            postcode, city, street = _address_in(rng, country)
        vat_id = _vat_id(rng, country) if country in EU_COUNTRIES else None
        status_id, status_name = 3, "Händler"

    local_part = _ascii_slug(f"{firstname}.{lastname}").replace("-", ".")
    if channel == "ebay":
        email = f"{local_part[:12]}.{customers_id}@members.ebay.example.com"
    elif channel == "amazon":
        alias = hashlib.md5(f"{seed}:{customers_id}".encode()).hexdigest()[:14]
        email = f"{alias}@marketplace.amazon.example.com"
    else:
        email = f"{local_part}.{customers_id}@example.{rng.choice(('com', 'net', 'org'))}"
    return _Customer(
        customers_id=customers_id,
        gender=gender,
        firstname=firstname,
        lastname=lastname,
        company=company,
        vat_id=vat_id,
        street=street,
        postcode=postcode,
        city=city,
        state=sample_data.US_STATES.get(city) if country == "US" else None,
        country=country,
        telephone=f"0{rng.randrange(30, 9999)} {rng.randrange(100000, 9999999)}",
        email=email,
        status_id=status_id,
        status_name=status_name,
    )


def _address_in(rng: random.Random, country: str) -> tuple[str, str, str]:
    """Return postcode, city and street with house number; Gambio keeps both in one field."""
    places, streets = sample_data.PLACES[country]
    postcode, city = rng.choice(places)
    street = f"{rng.choice(streets)} {rng.randrange(1, 140)}{rng.choice(('', '', '', 'a', 'b'))}"
    return postcode, city, street


def _vat_id(rng: random.Random, country: str) -> str:
    prefix, digits, suffix = {
        "DE": ("DE", 9, ""),
        "AT": ("ATU", 8, ""),
        "FR": ("FR", 11, ""),
        "NL": ("NL", 9, "B01"),
        "IT": ("IT", 11, ""),
        "PL": ("PL", 10, ""),
    }[country]
    return prefix + "".join(str(rng.randrange(10)) for _ in range(digits)) + suffix


# --- orders --------------------------------------------------------------------------------------


@dataclass
class _Line:
    product: _Product | None  # None for a SKU the shop does not know
    model: str
    name: str
    unit_price: Decimal
    quantity: Decimal
    rate: Decimal
    variant: _Variant | None = None
    attribute_value: _AttributeValue | None = None

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class _Order:
    orders_id: int
    purchased: datetime  # server-local
    channel: str
    customer: _Customer
    recipient: _Customer
    taxed: bool  # False: export or reverse charge, net prices without VAT (allow_tax = 0)
    lines: list[_Line]
    fulfillment: str | None = None
    marketplace_ids: list[str] = field(default_factory=list)
    payment_class: str = ""
    hub_module: str = ""
    hub_title: str = ""
    shipping_method: str = ""
    shipping_class: str = ""
    coupon_code: str = ""
    comments: str = ""


@dataclass
class _OrderRows:
    """Rows of one batch of orders, per table."""

    orders_count: int = 0
    orders: list[tuple] = field(default_factory=list)
    products: list[tuple] = field(default_factory=list)
    properties: list[tuple] = field(default_factory=list)
    attributes: list[tuple] = field(default_factory=list)
    totals: list[tuple] = field(default_factory=list)
    tax_sums: list[tuple] = field(default_factory=list)
    history: list[tuple] = field(default_factory=list)
    magnalister: list[tuple] = field(default_factory=list)


_ADDRESS_PARTS = (
    "name", "firstname", "lastname", "gender", "company", "street_address", "city", "postcode", "state", "country",
)
_ORDER_COLUMNS = (
    ("orders_id", "customers_id", "customers_cid", "customers_vat_id", "customers_status", "customers_status_name")
    + tuple(f"customers_{part}" for part in _ADDRESS_PARTS)
    + ("customers_telephone", "customers_email_address", "customers_address_format_id")
    + tuple(f"delivery_{part}" for part in _ADDRESS_PARTS)
    + ("delivery_country_iso_code_2", "delivery_address_format_id")
    + tuple(f"billing_{part}" for part in _ADDRESS_PARTS)
    + ("billing_country_iso_code_2", "billing_address_format_id")
    + (
        "payment_method", "comments", "last_modified", "date_purchased", "orders_status", "currency",
        "currency_value", "account_type", "payment_class", "shipping_method", "shipping_class",
        "order_total_weight", "customers_ip", "language", "gm_order_send_date", "gm_send_order_status",
        "orders_hash", "gambio_hub_module", "gambio_hub_module_title", "gambio_hub_transaction_code",
        "gambio_hub_transaction_mode",
    )
)
_ORDER_PRODUCT_COLUMNS = (
    "orders_products_id", "orders_id", "products_id", "products_model", "products_name", "products_price",
    "products_shipping_time", "final_price", "products_tax", "products_quantity", "allow_tax", "product_type",
    "properties_combi_price", "properties_combi_model",
)
_ORDER_PROPERTY_COLUMNS = (
    "orders_products_properties_id", "orders_products_id", "products_properties_combis_id",
    "properties_name", "values_name", "properties_price_type", "properties_price",
)
_ORDER_ATTRIBUTE_COLUMNS = (
    "orders_products_attributes_id", "orders_id", "orders_products_id", "products_options",
    "products_options_values", "options_values_price", "price_prefix", "options_id", "options_values_id",
)
_ORDER_TOTAL_COLUMNS = ("orders_total_id", "orders_id", "title", "text", "value", "class", "sort_order")
_TAX_SUM_COLUMNS = (
    "orders_tax_sum_item_id", "tax_class", "tax_zone", "tax_rate", "gross", "net", "tax", "currency",
    "order_id", "insert_date", "last_change_datetime", "tax_description",
)
_HISTORY_COLUMNS = (
    "orders_status_history_id", "orders_id", "orders_status_id", "date_added", "customer_notified",
    "comments", "customer_id",
)
_MAGNALISTER_COLUMNS = ("orders_id", "orders_status", "mpID", "platform", "data", "internaldata", "special")


class _OrderWriter:
    """Builds orders one by one and inserts them in batches."""

    def __init__(self, db: _Database, catalog: _Catalog, customers: _Customers, *, seed: int, paid_status_id: int):
        self.db = db
        self.catalog = catalog
        self.customers = customers
        self.seed = seed
        self.paid_status_id = paid_status_id
        self.shop_tz = ZoneInfo(SHOP_TIMEZONE)
        self.countries = {
            iso: (name, int(format_id))
            for iso, name, format_id in db.query(
                "SELECT countries_iso_code_2, countries_name, address_format_id FROM countries"
            )
        }
        missing = [iso for iso in sample_data.COUNTRY_SHARES if iso not in self.countries]
        if missing:
            raise ValueError(f"the Gambio table countries lacks the ISO codes {', '.join(missing)}")
        directories = dict(db.query("SELECT code, directory FROM languages"))
        if "de" not in directories:
            raise ValueError("the Gambio table languages has no German language (code 'de')")
        self.language_directory = directories["de"]
        self.counts: Counter = Counter()
        self.orders_by_platform: Counter = Counter()
        self.orders_by_status: Counter = Counter()
        self.first_order_id: int | None = None
        self.last_order_id: int | None = None

    def write(self, rng: random.Random, count: int, start_utc: datetime) -> None:
        # Time advances in UTC and is converted to shop time, so no order falls into the hour
        # skipped in spring and the repeated autumn hour occurs twice, as on a real server.
        moment = start_utc
        rows = _OrderRows()
        for index in range(count):
            if index:
                moment += timedelta(seconds=int(rng.expovariate(1 / MEAN_ORDER_INTERVAL_SECONDS)) + 1)
            self._add_order(rng, moment.astimezone(self.shop_tz).replace(tzinfo=None), rows)
            if rows.orders_count >= ORDERS_PER_COMMIT:
                self._flush(rows)
                rows = _OrderRows()
        self._flush(rows)

    def _flush(self, rows: _OrderRows) -> None:
        self.db.insert("orders", _ORDER_COLUMNS, rows.orders)
        self.db.insert("orders_products", _ORDER_PRODUCT_COLUMNS, rows.products)
        self.db.insert("orders_products_properties", _ORDER_PROPERTY_COLUMNS, rows.properties)
        self.db.insert("orders_products_attributes", _ORDER_ATTRIBUTE_COLUMNS, rows.attributes)
        self.db.insert("orders_total", _ORDER_TOTAL_COLUMNS, rows.totals)
        self.db.insert("orders_tax_sum_items", _TAX_SUM_COLUMNS, rows.tax_sums)
        self.db.insert("orders_status_history", _HISTORY_COLUMNS, rows.history)
        self.db.insert("magnalister_orders", _MAGNALISTER_COLUMNS, rows.magnalister)
        self.db.commit()

    # one order

    def _add_order(self, rng: random.Random, purchased: datetime, rows: _OrderRows) -> None:
        order = self._draw_order(rng, purchased)
        totals = self._draw_totals(rng, order)
        final_status, history = self._draw_history(rng, order)

        rows.orders.append(self._order_row(order, final_status, history[-1][1], totals))
        self._add_lines(rows, order)
        self._add_totals(rows, order, totals)
        self._add_tax_sums(rows, order, totals)
        self._add_history(rows, order, history)
        if order.channel != "shop":
            self._add_magnalister_row(rows, rng, order, history, final_status)

        rows.orders_count += 1
        self.first_order_id = self.first_order_id or order.orders_id
        self.last_order_id = order.orders_id
        self.orders_by_platform[order.channel] += 1
        self.orders_by_status[final_status] += 1
        self.counts.update(order_lines=len(order.lines))
        if len(order.marketplace_ids) > 1:
            self.counts.update(merged_ebay_orders=1)
        if order.fulfillment == "AFN":
            self.counts.update(fba_orders=1)

    def _draw_order(self, rng: random.Random, purchased: datetime) -> _Order:
        orders_id = self.db.take_id("orders")
        channel = _pick(rng, _CHANNELS)
        customer = rng.choice(self.customers.by_channel[channel])
        recipient = customer
        if channel == "shop" and rng.random() < _GIFT_SHARE:
            recipient = rng.choice(self.customers.shop_by_country[customer.country])

        # German VAT for buyers in the EU, except EU companies abroad with a VAT id (reverse
        # charge); no VAT for exports. Orders without VAT show net prices.
        reverse_charge = customer.vat_id is not None and customer.country != "DE"
        taxed = customer.country in EU_COUNTRIES and not reverse_charge

        fulfillment = _pick(rng, _FULFILLMENTS) if channel == "amazon" else None
        merged = channel == "ebay" and rng.random() < MERGED_EBAY_SHARE
        line_count = _pick(rng, _LINE_COUNTS)
        if merged:
            line_count = max(2, line_count)  # each merged purchase brought at least one line
        lines = [self._draw_line(rng, channel, taxed) for _ in range(line_count)]

        order = _Order(orders_id, purchased, channel, customer, recipient, taxed, lines, fulfillment)
        if channel == "shop":
            order.payment_class, _, order.hub_module, order.hub_title = rng.choices(
                [payment for payment in _SHOP_PAYMENTS if payment[0] != "cod" or customer.country == "DE"],
                [payment[1] for payment in _SHOP_PAYMENTS if payment[0] != "cod" or customer.country == "DE"],
            )[0]
            if rng.random() < _CUSTOMER_COMMENT_SHARE:
                order.comments = rng.choice(sample_data.CUSTOMER_COMMENTS)
        else:
            # magnalister's default payment and shipping text: 'marketplace', for Amazon 'amazon'.
            order.payment_class = "amazon" if channel == "amazon" else "marketplace"
            order.marketplace_ids = marketplace_order_ids(rng, channel, orders_id, merged)
            order.comments = magnalister_comment(channel, fulfillment, order.marketplace_ids)
        return order

    def _draw_line(self, rng: random.Random, channel: str, taxed: bool) -> _Line:
        if channel != "shop" and rng.random() < UNKNOWN_SKU_SHARE:
            self.counts.update(unknown_sku_lines=1)
            gross = Decimal(rng.randrange(499, 4999)) / 100
            price = gross if taxed else cents(net_of(gross, STANDARD_RATE))
            model = f"EXT-{rng.randrange(100000, 999999)}"
            return _Line(None, model, "Artikel aus Marktplatz-Angebot (unbekannt)", price, Decimal("1"),
                         STANDARD_RATE if taxed else ZERO)

        product = rng.choice(self.catalog.products)
        gross = product.gross_price
        variant = attribute_value = None
        model = product.model
        if product.kind == "variant":
            variant = rng.choice(product.variants)
            gross += variant.gross_surcharge
            # The shop appends the variant SKU to the product SKU (APPEND_PROPERTIES_MODEL = true).
            model = f"{product.model}-{variant.combi_model}"
        elif product.kind == "attribute":
            attribute_value = rng.choice(product.attribute_values)
            gross += attribute_value.gross_surcharge

        if product.kind == "metre":
            quantity = Decimal(rng.randrange(1, 26)) / 2
        else:
            quantity = Decimal(_pick(rng, _QUANTITIES))
        price = gross if taxed else cents(net_of(gross, product.rate))
        if product.kind == "metre" and (price * 100) % 2:
            price -= Decimal("0.01")  # an even number of cents times half metres stays whole cents
        rate = product.rate if taxed else ZERO
        return _Line(product, model, product.name, price, quantity, rate, variant, attribute_value)

    def _draw_totals(self, rng: random.Random, order: _Order) -> OrderTotals:
        goods = sum((line.total for line in order.lines), ZERO)
        shipping = self._draw_shipping(rng, order, goods)
        cod_fee = _COD_FEE if order.payment_class == "cod" else ZERO

        coupon = voucher = ZERO
        if order.channel == "shop" and goods >= _COUPON_MINIMUM and rng.random() < _COUPON_SHARE:
            order.coupon_code, kind, amount = rng.choice(_COUPONS)
            coupon = cents(goods * amount / 100) if kind == "percent" else amount
        if order.channel == "shop" and rng.random() < _VOUCHER_SHARE:
            voucher = min(rng.choice(_VOUCHER_AMOUNTS), goods + shipping + cod_fee - coupon)

        return compute_totals(
            ((line.rate, line.total) for line in order.lines),
            shipping=shipping,
            cod_fee=cod_fee,
            coupon=coupon,
            voucher=voucher,
            fee_rate=STANDARD_RATE if order.taxed else ZERO,
        )

    def _draw_shipping(self, rng: random.Random, order: _Order, goods: Decimal) -> Decimal:
        if order.channel != "shop":
            order.shipping_method = order.shipping_class = order.payment_class
            return ZERO if order.fulfillment == "AFN" else rng.choice(_MARKETPLACE_SHIPPING)
        country = order.recipient.country
        if country == "DE" and goods >= _FREE_SHIPPING_FROM:
            order.shipping_method, order.shipping_class = "Versandkostenfrei (ab 50,00 EUR)", "freeamount_freeamount"
            return ZERO
        if country == "DE":
            order.shipping_method, order.shipping_class = "Pauschale Versandkosten (Standardversand)", "flat_flat"
            return _SHOP_SHIPPING["domestic"]
        order.shipping_method, order.shipping_class = "Versand ins Ausland", "zones_zones"
        return _SHOP_SHIPPING["eu" if country in EU_COUNTRIES else "world"]

    def _draw_history(self, rng: random.Random, order: _Order) -> tuple[int, list[tuple[int, datetime]]]:
        """Pick the final status and the history rows (status id, server-local time) leading to it."""
        purchased = order.purchased
        if order.fulfillment == "AFN":
            # Amazon ships FBA orders itself; magnalister imports them in the configured FBA status.
            return SHIPPED_STATUS_ID, [(SHIPPED_STATUS_ID, purchased)]
        final = _pick(rng, _FINAL_STATUSES)
        final = self.paid_status_id if final == "paid" else final

        # Marketplace orders and instant shop payments (PayPal) arrive paid; the others start open.
        starts_paid = order.channel != "shop" or order.payment_class == "gambio_hub"
        first = self.paid_status_id if starts_paid and final != OPEN_STATUS_ID else OPEN_STATUS_ID
        history = [(first, purchased)]
        when = purchased
        if final in (self.paid_status_id, SHIPPED_STATUS_ID) and first != self.paid_status_id:
            when += timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
            history.append((self.paid_status_id, when))
        if final in (SHIPPED_STATUS_ID, CANCELLED_STATUS_ID):
            when += timedelta(minutes=rng.randrange(60, 4 * 24 * 60))
            history.append((final, when))
        return final, history

    # rows of one order

    def _address(self, person: _Customer, channel: str) -> tuple[tuple, int]:
        english_name, format_id = self.countries[person.country]
        # The German shop writes the German country name; magnalister copies countries_name.
        country_name = sample_data.GERMAN_COUNTRY_NAMES[person.country] if channel == "shop" else english_name
        address = (
            f"{person.firstname} {person.lastname}", person.firstname, person.lastname, person.gender,
            person.company, person.street, person.city, person.postcode, person.state, country_name,
        )
        return address, format_id

    def _order_row(self, order: _Order, final_status: int, last_change: datetime, totals: OrderTotals) -> tuple:
        customer, recipient, channel = order.customer, order.recipient, order.channel
        customer_address, customer_format = self._address(customer, channel)
        delivery_address, delivery_format = self._address(recipient, channel)
        weight = sum(((line.product.weight if line.product else ZERO) * line.quantity for line in order.lines), ZERO)
        hub_code = ""
        if order.hub_module:
            hub_code = hashlib.md5(f"{self.seed}:hub:{order.orders_id}".encode()).hexdigest()[:17].upper()
        return (
            (order.orders_id, customer.customers_id, None, customer.vat_id, customer.status_id, customer.status_name)
            + customer_address
            + (customer.telephone, customer.email, customer_format)
            + delivery_address
            + (recipient.country, delivery_format)
            + customer_address
            + (customer.country, customer_format)
            + (
                order.payment_class, order.comments, last_change, order.purchased, final_status, "EUR",
                Decimal("1.00000000"), 0, order.payment_class, order.shipping_method, order.shipping_class,
                weight, "", self.language_directory,
                order.purchased if channel == "shop" else EMPTY_DATETIME, 1,
                hashlib.md5(f"{self.seed}:{order.orders_id}".encode()).hexdigest(),
                order.hub_module, order.hub_title, hub_code, "live" if order.hub_module else "",
            )
        )

    def _add_lines(self, rows: _OrderRows, order: _Order) -> None:
        for line in order.lines:
            orders_products_id = self.db.take_id("orders_products")
            variant, attribute_value = line.variant, line.attribute_value
            combi_price = ZERO
            if variant is not None:
                combi_price = self._shown_price(variant.gross_surcharge, line, order.taxed)
            rows.products.append((
                orders_products_id, order.orders_id, line.product.products_id if line.product else 0, line.model,
                line.name, line.unit_price, "ca. 2-3 Werktage", line.total, line.rate, line.quantity,
                1 if order.taxed else 0, 1, combi_price, variant.combi_model if variant else "",
            ))
            if variant is not None:
                for property_name, value_name in variant.properties:
                    rows.properties.append((
                        self.db.take_id("orders_products_properties"), orders_products_id, variant.combi_id,
                        property_name, value_name, "", ZERO,
                    ))
            if attribute_value is not None:
                rows.attributes.append((
                    self.db.take_id("orders_products_attributes"), order.orders_id, orders_products_id,
                    attribute_value.option_name, attribute_value.value_name,
                    self._shown_price(attribute_value.gross_surcharge, line, order.taxed), "+",
                    attribute_value.options_id, attribute_value.options_values_id,
                ))

    @staticmethod
    def _shown_price(gross: Decimal, line: _Line, taxed: bool) -> Decimal:
        return gross if taxed else cents(net_of(gross, line.product.rate))

    def _add_totals(self, rows: _OrderRows, order: _Order, totals: OrderTotals) -> None:
        entries = [("Zwischensumme:", totals.subtotal, "ot_subtotal", 10)]
        if totals.coupon:
            entries.append((f"Kupon {order.coupon_code}:", totals.coupon, "ot_coupon", 29))
        shipping_title = order.shipping_method if order.channel == "shop" else "Versandkosten"
        entries.append((f"{shipping_title}:", totals.shipping, "ot_shipping", 30))
        if totals.cod_fee:
            entries.append(("Nachnahmegebühr:", totals.cod_fee, "ot_cod_fee", 35))
        if totals.voucher:
            entries.append(("Gutschein:", totals.voucher, "ot_gv", 80))
        if order.taxed:
            for rate, (_, tax) in totals.tax_by_rate.items():
                entries.append((f"inkl. {rate_text(rate)}% MwSt.:", tax, "ot_tax", 97))
        for title, value, total_class, sort_order in entries:
            rows.totals.append(
                (self.db.take_id("orders_total"), order.orders_id, title, euro_text(value), value, total_class,
                 sort_order)
            )
        rows.totals.append(
            (self.db.take_id("orders_total"), order.orders_id, "<b>Summe</b>:", f"<b>{euro_text(totals.total)}</b>",
             totals.total, "ot_total", 99)
        )

    def _add_tax_sums(self, rows: _OrderRows, order: _Order, totals: OrderTotals) -> None:
        zone = "Steuerzone EU" if order.customer.country in EU_COUNTRIES else "Steuerzone Drittland"
        for rate, (gross, tax) in totals.tax_by_rate.items():
            rows.tax_sums.append((
                self.db.take_id("orders_tax_sum_items"), TAX_CLASS_NAMES.get(rate, "steuerfrei"), zone, rate, gross,
                gross - tax, tax, "EUR", order.orders_id, order.purchased, order.purchased,
                f"{rate_text(rate)}% MwSt.",
            ))

    def _add_history(self, rows: _OrderRows, order: _Order, history: list[tuple[int, datetime]]) -> None:
        for position, (status_id, when) in enumerate(history):
            first = position == 0
            # The shop mails the order confirmation; magnalister repeats its comment in the first row.
            notified = 1 if first and order.channel == "shop" else 0
            comments = order.comments if first and order.channel != "shop" else ""
            rows.history.append(
                (self.db.take_id("orders_status_history"), order.orders_id, status_id, when, notified, comments, 0)
            )

    def _add_magnalister_row(self, rows, rng, order: _Order, history, final_status: int) -> None:
        data, internal = magnalister_data(order.channel, order.marketplace_ids, order.fulfillment)
        reported = history[0][0]
        if final_status in (SHIPPED_STATUS_ID, CANCELLED_STATUS_ID) and rng.random() < _REPORTED_SHARE:
            reported = final_status
        rows.magnalister.append((
            order.orders_id, reported, MAGNALISTER_ACCOUNTS[order.channel], order.channel, data, internal,
            "\n".join(order.marketplace_ids),
        ))
