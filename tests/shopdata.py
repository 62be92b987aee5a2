"""Write single hand-made orders into a Gambio test database, as the checkout or magnalister would.

Tests state only what their case is about; every other column gets a plain German default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import pyodbc

from gambio_hcs_bridge.sql import to_qmark

PAID = 200
HANDED_OVER = 201


@dataclass
class Line:
    model: str = "ART-1"
    name: str = "Teekanne"
    quantity: Decimal = Decimal("1")
    price: Decimal = Decimal("10.00")
    tax: Decimal = Decimal("19")
    allow_tax: int = 1
    combi_model: str = ""
    final_price: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return self.final_price if self.final_price is not None else self.price * self.quantity


@dataclass
class Order:
    orders_id: int
    lines: list[Line] = field(default_factory=lambda: [Line()])
    totals: list[tuple[str, Decimal]] | None = None
    status: int = PAID
    purchased: datetime = datetime(2026, 11, 20, 14, 30)
    email: str = "erika.mustermann@example.com"
    firstname: str = "Erika"
    lastname: str = "Mustermann"
    company: str | None = ""
    street: str = "Hauptstraße 5"
    house_number: str = ""
    additional_info: str = ""
    postcode: str = "50667"
    city: str = "Köln"
    country: str = "Deutschland"
    iso: str = "DE"
    vat_id: str = ""
    customers_id: int = 0
    comments: str = ""
    currency: str = "EUR"
    platform: str | None = None
    special: str = ""
    mp_id: int = 1
    internaldata: str = ""
    tax_sums: list[tuple[Decimal, Decimal]] | None = None

    def default_totals(self) -> list[tuple[str, Decimal]]:
        subtotal = sum((line.total for line in self.lines), Decimal("0"))
        return [("ot_subtotal", subtotal), ("ot_shipping", Decimal("0")), ("ot_total", subtotal)]


def add_paid_statuses(conn) -> None:
    """Create the statuses "Bezahlt" (200) and "An HCS übergeben" (201) in both languages."""
    cursor = conn.cursor()
    for status_id, german, english in ((PAID, "Bezahlt", "Paid"), (HANDED_OVER, "An HCS übergeben", "Handed over to HCS")):
        for language_id, name in ((1, english), (2, german)):
            cursor.execute(
                "INSERT IGNORE INTO orders_status (orders_status_id, language_id, orders_status_name) VALUES (%s, %s, %s)",
                (status_id, language_id, name),
            )
    conn.commit()


def add_order(conn, order: Order) -> None:
    cursor = conn.cursor()
    person = {
        "firstname": order.firstname, "lastname": order.lastname, "name": f"{order.firstname} {order.lastname}",
        "company": order.company, "street_address": order.street, "house_number": order.house_number,
        "additional_info": order.additional_info, "postcode": order.postcode, "city": order.city,
        "country": order.country,
    }
    columns = {
        "orders_id": order.orders_id, "customers_id": order.customers_id,
        "customers_email_address": order.email, "customers_vat_id": order.vat_id,
        "customers_firstname": order.firstname, "customers_lastname": order.lastname,
        "customers_name": person["name"], "customers_street_address": order.street,
        "customers_city": order.city, "customers_postcode": order.postcode, "customers_country": order.country,
        "date_purchased": order.purchased, "orders_status": order.status, "currency": order.currency,
        "currency_value": Decimal("1"), "comments": order.comments, "payment_method": "paypal",
        "payment_class": "paypal", "shipping_method": "DHL Paket", "shipping_class": "flat_flat",
        "language": "german", "delivery_country_iso_code_2": order.iso, "billing_country_iso_code_2": order.iso,
    }
    for prefix in ("delivery", "billing"):
        for key, value in person.items():
            columns[f"{prefix}_{key}"] = value
    names = ", ".join(columns)
    placeholders = ", ".join(f"%({name})s" for name in columns)
    cursor.execute(f"INSERT INTO orders ({names}) VALUES ({placeholders})", columns)

    for line in order.lines:
        cursor.execute(
            "INSERT INTO orders_products (orders_id, products_id, products_model, products_name, products_price,"
            " final_price, products_tax, products_quantity, allow_tax, properties_combi_model)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (order.orders_id, 1, line.model, line.name, line.price, line.total, line.tax, line.quantity,
             line.allow_tax, line.combi_model),
        )

    for sort_order, (total_class, value) in enumerate(order.totals or order.default_totals(), start=1):
        cursor.execute(
            "INSERT INTO orders_total (orders_id, title, text, value, class, sort_order) VALUES (%s, %s, %s, %s, %s, %s)",
            (order.orders_id, total_class, f"{value} EUR", value, total_class, sort_order),
        )
    for rate, tax in order.tax_sums or []:
        cursor.execute(
            "INSERT INTO orders_tax_sum_items (order_id, tax_rate, tax, currency) VALUES (%s, %s, %s, 'EUR')",
            (order.orders_id, rate, tax),
        )
    cursor.execute(
        "INSERT INTO orders_status_history (orders_id, orders_status_id, date_added, customer_notified, comments)"
        " VALUES (%s, %s, %s, 0, '')",
        (order.orders_id, order.status, order.purchased),
    )
    if order.platform:
        cursor.execute(
            "INSERT INTO magnalister_orders (orders_id, orders_status, mpID, platform, data, internaldata, special)"
            " VALUES (%s, %s, %s, %s, '', %s, %s)",
            (order.orders_id, order.status, order.mp_id, order.platform, order.internaldata, order.special),
        )
    conn.commit()


def add_articles(hcs_conn, *skus: str, stock: Decimal = Decimal("100")) -> None:
    cursor = hcs_conn.cursor()
    for sku in skus:
        cursor.execute(*to_qmark(
            "INSERT INTO artikel (artikel_nr, bezeichnung, bestand, geaendert_am) VALUES (:nr, :name, :stock, :now)",
            {"nr": sku, "name": f"Artikel {sku}", "stock": stock, "now": datetime(2026, 11, 1)},
        ))
    hcs_conn.commit()


def hcs_rows(hcs_conn, sql: str, **params) -> list[tuple]:
    cursor = hcs_conn.cursor()
    try:
        cursor.execute(*to_qmark(sql, params))
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        cursor.close()
        hcs_conn.commit()


def gambio_rows(conn, sql: str, params=None) -> list[tuple]:
    cursor = conn.cursor()
    cursor.execute(sql, params)
    rows = [tuple(row) for row in cursor.fetchall()]
    cursor.close()
    conn.commit()
    return rows


__all__ = ["Line", "Order", "PAID", "HANDED_OVER", "add_order", "add_paid_statuses", "add_articles",
           "hcs_rows", "gambio_rows", "pyodbc"]
