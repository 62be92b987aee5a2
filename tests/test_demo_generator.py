"""The demo shop generator (gambio_hcs_bridge.demo.generator) writes consistent Gambio data."""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema, load_installer_schema
from gambio_hcs_bridge.demo.generator import generate_shop
from gambio_hcs_bridge.demo.marketplace import magnalister_comment, php_serialize
from gambio_hcs_bridge.demo.totals import compute_totals
from gambio_hcs_bridge.statuses import DEFAULT_STATUS_NAMES, ensure_statuses


CENT = Decimal("0.01")
EU = {"DE", "AT", "FR", "NL", "IT", "PL", "BE", "LU", "DK"}
PLATFORMS = {"ebay", "amazon", "hood", "hitmeister", "otto"}
SHOP_ORDERS = 2000


def test_coupon_split_over_mixed_rates():
    totals = compute_totals(
        [(Decimal("19"), Decimal("59.50")), (Decimal("7"), Decimal("21.40"))],
        shipping=Decimal("4.90"),
        cod_fee=Decimal("0"),
        coupon=Decimal("8.09"),
        voucher=Decimal("10.00"),
        fee_rate=Decimal("19"),
    )

    # 8.09 splits 5.95 / 2.14 by goods; shipping joins the 19 % gross; the voucher lowers only the total.
    assert totals.tax_by_rate == {
        Decimal("19"): (Decimal("58.45"), Decimal("9.33")),
        Decimal("7"): (Decimal("19.26"), Decimal("1.26")),
    }
    assert (totals.subtotal, totals.coupon, totals.total) == (Decimal("80.90"), Decimal("-8.09"), Decimal("67.71"))


def test_coupon_split_rounding_remainder_goes_to_last_rate():
    totals = compute_totals(
        [(Decimal("19"), Decimal("10.00")), (Decimal("7"), Decimal("10.00"))],
        shipping=Decimal("0"),
        cod_fee=Decimal("0"),
        coupon=Decimal("5.01"),
        voucher=Decimal("0"),
        fee_rate=Decimal("19"),
    )

    assert {rate: gross for rate, (gross, _) in totals.tax_by_rate.items()} == {
        Decimal("19"): Decimal("7.49"),
        Decimal("7"): Decimal("7.50"),
    }
    assert totals.total == Decimal("14.99")


def test_php_serialize_counts_utf8_bytes():
    assert php_serialize({"eBayOrderID": ["12-34567-89012", "13-34567-89012"], "Käufer": "Jürgen"}) == (
        'a:2:{s:11:"eBayOrderID";a:2:{i:0;s:14:"12-34567-89012";i:1;s:14:"13-34567-89012";}'
        's:7:"Käufer";s:7:"Jürgen";}'
    )


def test_magnalister_comment_for_amazon_prime():
    assert magnalister_comment("amazon", "MFN-Prime", ["303-1234567-1234567"]) == (
        "magnalister-Verarbeitung (Amazon Prime)\nMarketplace Bestellnummer: 303-1234567-1234567"
    )


@pytest.fixture(scope="module")
def shop(mariadb):
    """2,000 orders on the project's DDL, generated once for the tests that only read."""
    name = f"gambio_gen_{uuid.uuid4().hex[:8]}"
    mariadb.create_database(name, "utf8")
    conn = mariadb.connect(name)
    create_gambio_schema(conn)
    paid = ensure_statuses(conn, DEFAULT_STATUS_NAMES)["paid"]

    started = time.perf_counter()
    result = generate_shop(conn, seed=42, orders=SHOP_ORDERS, paid_status_id=paid)
    print(f"\ngenerate_shop: {SHOP_ORDERS} orders in {time.perf_counter() - started:.2f} s")

    yield conn, result, paid
    conn.close()
    mariadb.drop_database(name)


def _query(conn, sql: str, params: tuple = ()) -> list[tuple]:
    cursor = conn.cursor()
    cursor.execute(sql, params)
    return list(cursor.fetchall())


def _checksum(conn, table: str, key: str) -> str:
    digest = hashlib.sha256()
    for row in _query(conn, f"SELECT * FROM `{table}` ORDER BY `{key}`"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


CHECKSUM_TABLES = {
    "products": "products_id",
    "products_properties_combis": "products_properties_combis_id",
    "customers": "customers_id",
    "orders": "orders_id",
    "orders_products": "orders_products_id",
    "orders_total": "orders_total_id",
    "orders_status_history": "orders_status_history_id",
    "magnalister_orders": "orders_id",
}


def _reconciliation_errors(conn) -> dict[str, list[int]]:
    """Recompute every order from its lines and total rows; return the failing order ids per check."""
    lines = defaultdict(list)
    for orders_id, price, final, tax, quantity, allow_tax in _query(
        conn,
        "SELECT orders_id, products_price, final_price, products_tax, products_quantity, allow_tax "
        "FROM orders_products",
    ):
        lines[orders_id].append((price, final, tax, quantity, allow_tax))
    totals = defaultdict(lambda: defaultdict(list))
    for orders_id, total_class, value in _query(conn, "SELECT orders_id, class, value FROM orders_total"):
        totals[orders_id][total_class].append(value)
    tax_sums = defaultdict(list)
    for orders_id, rate, gross, net, tax in _query(
        conn, "SELECT order_id, tax_rate, gross, net, tax FROM orders_tax_sum_items"
    ):
        tax_sums[orders_id].append((rate, gross, net, tax))
    order_ids = [row[0] for row in _query(conn, "SELECT orders_id FROM orders")]

    errors = defaultdict(list)
    for orders_id in order_ids:
        order_lines, order_totals, order_taxes = lines[orders_id], totals[orders_id], tax_sums[orders_id]

        def one(total_class):
            values = order_totals.get(total_class, [])
            return values[0] if values else Decimal("0")

        if not order_lines:
            errors["no lines"].append(orders_id)
            continue
        if any(final != price * quantity for price, final, _, quantity, _ in order_lines):
            errors["final_price != price x quantity"].append(orders_id)
        money = [final for _, final, _, _, _ in order_lines] + [v for values in order_totals.values() for v in values]
        if any(value != value.quantize(CENT) for value in money):
            errors["amount with fractions of a cent"].append(orders_id)
        for total_class in ("ot_subtotal", "ot_shipping", "ot_total"):
            if len(order_totals.get(total_class, [])) != 1:
                errors[f"not exactly one {total_class}"].append(orders_id)

        subtotal = sum(final for _, final, _, _, _ in order_lines)
        if one("ot_subtotal") != subtotal:
            errors["ot_subtotal != sum of lines"].append(orders_id)
        expected_total = subtotal + one("ot_shipping") + one("ot_cod_fee") + one("ot_coupon") - one("ot_gv")
        if one("ot_total") != expected_total:
            errors["ot_total != subtotal + shipping + fee + coupon - voucher"].append(orders_id)
        if one("ot_coupon") > 0 or one("ot_gv") < 0:
            errors["coupon not negative or voucher not positive"].append(orders_id)
        if sum(gross for _, gross, _, _ in order_taxes) != one("ot_total") + one("ot_gv"):
            errors["tax sums gross != total before voucher"].append(orders_id)
        for rate, gross, net, tax in order_taxes:
            if tax != (gross * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP) or net != gross - tax:
                errors["tax sum item not gross x rate / (100 + rate)"].append(orders_id)
        line_rates = {tax for _, _, tax, _, _ in order_lines}
        fee_rates = {Decimal("19")} if line_rates - {Decimal("0")} else {Decimal("0")}
        if not {rate for rate, _, _, _ in order_taxes} <= line_rates | fee_rates:
            errors["tax sum rate that no line or fee has"].append(orders_id)
        if sorted(order_totals.get("ot_tax", [])) != sorted(tax for rate, _, _, tax in order_taxes if rate):
            errors["ot_tax rows != tax sum items"].append(orders_id)
        if not one("ot_coupon"):
            goods = defaultdict(Decimal)
            for _, final, tax, _, _ in order_lines:
                goods[tax] += final
            fees = one("ot_shipping") + one("ot_cod_fee")
            for rate, gross, _, _ in order_taxes:
                expected = goods[rate] + (fees if rate in fee_rates else 0)
                if gross != expected:
                    errors["tax sum gross != lines + fees of its rate"].append(orders_id)
    return dict(errors)


@pytest.mark.mariadb
def test_every_order_reconciles_to_the_cent(shop):
    conn, _, _ = shop

    assert _reconciliation_errors(conn) == {}


@pytest.mark.mariadb
def test_result_counts_match_database(shop):
    conn, result, _ = shop

    assert result.orders == SHOP_ORDERS
    assert _query(conn, "SELECT COUNT(*) FROM orders") == [(SHOP_ORDERS,)]
    assert _query(conn, "SELECT COUNT(*) FROM orders_products") == [(result.order_lines,)]
    assert _query(conn, "SELECT MIN(orders_id), MAX(orders_id) FROM orders") == [(400210, 402209)]
    assert (result.first_order_id, result.last_order_id) == (400210, 402209)


@pytest.mark.mariadb
def test_every_channel_present(shop):
    conn, result, _ = shop
    by_platform = dict(_query(conn, "SELECT platform, COUNT(*) FROM magnalister_orders GROUP BY platform"))
    shop_orders = _query(
        conn,
        "SELECT COUNT(*) FROM orders o LEFT JOIN magnalister_orders mo USING (orders_id) WHERE mo.orders_id IS NULL",
    )[0][0]

    assert set(by_platform) == PLATFORMS
    assert min(by_platform.values()) > 0
    assert {**by_platform, "shop": shop_orders} == result.orders_by_platform


@pytest.mark.mariadb
def test_marketplace_ids_unique_per_platform(shop):
    conn, _, _ = shop
    rows = _query(conn, "SELECT platform, COUNT(*), COUNT(DISTINCT special) FROM magnalister_orders GROUP BY platform")

    assert [row for row in rows if row[1] != row[2]] == []


@pytest.mark.mariadb
def test_marketplace_id_formats(shop):
    conn, _, _ = shop
    patterns = {
        "ebay": r"\d{2}-\d{5}-\d{5}(\n\d{2}-\d{5}-\d{5})*",
        "amazon": r"\d{3}-\d{7}-\d{7}",
        "hood": r"\d{9}",
        "hitmeister": r"[A-Z2-9]{7}",
        "otto": r"[a-z0-9]{10}",
    }
    rows = _query(conn, "SELECT platform, special FROM magnalister_orders")

    assert [row for row in rows if not re.fullmatch(patterns[row[0]], row[1])] == []


@pytest.mark.mariadb
def test_merged_ebay_orders_hold_two_ids(shop):
    conn, result, _ = shop
    merged = _query(
        conn,
        "SELECT mo.special, mo.data, o.comments FROM magnalister_orders mo JOIN orders o USING (orders_id) "
        "WHERE mo.platform = 'ebay' AND mo.special LIKE CONCAT('%%', CHAR(10), '%%')",
    )

    assert len(merged) == result.merged_ebay_orders
    assert result.merged_ebay_orders > 0
    assert [row for row in merged if len(row[0].split("\n")) != 2] == []
    assert [row for row in merged if not row[1].startswith('a:1:{s:11:"eBayOrderID";a:2:{i:0;s:14:"')] == []
    unnamed = [row for row in merged if any(f"Bestellnummer: {i}" not in row[2] for i in row[0].split("\n"))]
    assert unnamed == []


@pytest.mark.mariadb
def test_fba_orders_marked_and_shipped(shop):
    conn, result, _ = shop
    fba = _query(
        conn,
        "SELECT o.orders_status, mo.orders_status, o.payment_class, o.comments FROM magnalister_orders mo "
        "JOIN orders o USING (orders_id) WHERE mo.internaldata = 'a:1:{s:18:\"FulfillmentChannel\";s:3:\"AFN\";}'",
    )

    assert len(fba) == result.fba_orders
    assert result.fba_orders > 0
    assert {row[:3] for row in fba} == {(3, 3, "amazon")}
    assert [row for row in fba if not row[3].startswith("magnalister-Verarbeitung (Amazon FBA)\n")] == []


@pytest.mark.mariadb
def test_marketplace_comment_names_order_number(shop):
    conn, _, _ = shop
    rows = _query(
        conn,
        "SELECT mo.platform, mo.special, o.comments, h.comments FROM magnalister_orders mo "
        "JOIN orders o USING (orders_id) "
        "JOIN orders_status_history h ON h.orders_status_history_id = "
        "(SELECT MIN(orders_status_history_id) FROM orders_status_history WHERE orders_id = o.orders_id) "
        "WHERE mo.platform = 'hood'",
    )

    assert rows != []
    expected = {row[1]: f"magnalister-Verarbeitung (Hood)\nMarketplace Bestellnummer: {row[1]}" for row in rows}
    assert [row for row in rows if row[2] != expected[row[1]]] == []
    assert [row for row in rows if row[3] != row[2]] == []


@pytest.mark.mariadb
def test_status_shares(shop):
    conn, result, paid = shop
    by_status = dict(_query(conn, "SELECT orders_status, COUNT(*) FROM orders GROUP BY orders_status"))

    assert set(by_status) == {1, 3, 99, paid}
    assert by_status[paid] > SHOP_ORDERS // 2
    assert by_status == result.orders_by_status


@pytest.mark.mariadb
def test_history_starts_at_purchase_and_ends_at_status(shop):
    conn, _, _ = shop
    rows = _query(
        conn,
        """
        SELECT o.orders_id, o.orders_status, o.date_purchased, first.date_added, last.orders_status_id
        FROM orders o
        JOIN orders_status_history first ON first.orders_status_history_id =
             (SELECT MIN(orders_status_history_id) FROM orders_status_history WHERE orders_id = o.orders_id)
        JOIN orders_status_history last ON last.orders_status_history_id =
             (SELECT MAX(orders_status_history_id) FROM orders_status_history WHERE orders_id = o.orders_id)
        """,
    )

    assert len(rows) == SHOP_ORDERS
    assert [row[0] for row in rows if row[2] != row[3]] == []
    assert [row[0] for row in rows if row[1] != row[4]] == []


@pytest.mark.mariadb
def test_variant_lines_name_their_combination(shop):
    conn, _, _ = shop
    rows = _query(
        conn,
        """
        SELECT op.orders_products_id, op.properties_combi_model, c.combi_model, op.products_id, c.products_id,
               op.products_model, p.products_model
        FROM orders_products op
        JOIN orders_products_properties opp ON opp.orders_products_id = op.orders_products_id
        JOIN products_properties_combis c ON c.products_properties_combis_id = opp.products_properties_combis_id
        JOIN products p ON p.products_id = op.products_id
        """,
    )

    assert rows != []
    assert [row for row in rows if row[1] != row[2] or row[3] != row[4]] == []
    # The shop appends the variant SKU to the product SKU (APPEND_PROPERTIES_MODEL).
    assert [row for row in rows if row[5] != f"{row[6]}-{row[2]}"] == []


@pytest.mark.mariadb
def test_attribute_lines_find_their_attribute_sku(shop):
    conn, _, _ = shop
    lines = _query(
        conn,
        """
        SELECT opa.orders_products_attributes_id, pa.attributes_model
        FROM orders_products_attributes opa
        JOIN orders_products op ON op.orders_products_id = opa.orders_products_id
        LEFT JOIN products_attributes pa ON pa.products_id = op.products_id
             AND pa.options_id = opa.options_id AND pa.options_values_id = opa.options_values_id
        """,
    )

    assert lines != []
    assert [line for line in lines if not line[1]] == []


@pytest.mark.mariadb
def test_skus_exist_at_their_level(shop):
    conn, result, _ = shop
    queries = {
        "product": "SELECT products_model FROM products",
        "combi": "SELECT combi_model FROM products_properties_combis",
        "attribute": "SELECT attributes_model FROM products_attributes",
    }
    stored = {level: {row[0] for row in _query(conn, sql)} for level, sql in queries.items()}

    assert {sku.level for sku in result.skus} == {"product", "combi", "attribute"}
    assert [sku for sku in result.skus if sku.sku not in stored[sku.level]] == []
    assert len({sku.sku for sku in result.skus}) == len(result.skus)


@pytest.mark.mariadb
def test_zero_tax_orders_are_exports_or_reverse_charge(shop):
    conn, _, _ = shop
    rows = _query(
        conn,
        """
        SELECT o.orders_id, o.delivery_country_iso_code_2, o.customers_vat_id, op.allow_tax, op.products_tax
        FROM orders o JOIN orders_products op USING (orders_id)
        WHERE op.allow_tax = 0 OR op.products_tax = 0
        """,
    )
    countries = {row[1] for row in rows}

    assert "CH" in countries
    assert {(row[3], row[4]) for row in rows} == {(0, Decimal("0.0000"))}
    assert [row for row in rows if row[1] in EU and not row[2]] == []


@pytest.mark.mariadb
def test_zero_tax_orders_have_no_tax_rows(shop):
    conn, _, _ = shop
    rows = _query(
        conn,
        """
        SELECT COUNT(*) FROM orders_total ot JOIN orders_products op USING (orders_id)
        WHERE op.allow_tax = 0 AND ot.class = 'ot_tax'
        """,
    )

    assert rows == [(0,)]


@pytest.mark.mariadb
def test_mixed_rates_coupons_vouchers_and_fees_present(shop):
    conn, _, _ = shop
    classes = dict(_query(conn, "SELECT class, COUNT(*) FROM orders_total GROUP BY class"))
    mixed = _query(
        conn, "SELECT COUNT(*) FROM (SELECT order_id FROM orders_tax_sum_items GROUP BY order_id HAVING COUNT(*) > 1) m"
    )[0][0]
    free_shipping = _query(conn, "SELECT COUNT(*) FROM orders_total WHERE class = 'ot_shipping' AND value = 0")[0][0]

    assert set(classes) == {"ot_subtotal", "ot_shipping", "ot_cod_fee", "ot_coupon", "ot_gv", "ot_tax", "ot_total"}
    assert mixed > 0
    assert free_shipping > 0


@pytest.mark.mariadb
def test_b2b_orders_carry_company_and_vat_id(shop):
    conn, _, _ = shop
    rows = _query(
        conn,
        "SELECT customers_company, customers_vat_id, billing_company FROM orders WHERE customers_vat_id IS NOT NULL",
    )

    assert rows != []
    assert [row for row in rows if not row[0] or row[0] != row[2]] == []
    assert [row for row in rows if not re.fullmatch(r"(DE|ATU|FR|NL|IT|PL)\d{8,11}(B01)?", row[1])] == []


@pytest.mark.mariadb
def test_german_text_survives(shop):
    conn, _, _ = shop
    rows = _query(
        conn,
        "SELECT COUNT(*) FROM orders WHERE delivery_street_address LIKE '%%ß%%' OR delivery_lastname LIKE '%%ü%%'",
    )
    names = {row[0] for row in _query(conn, "SELECT products_name FROM products_description WHERE language_id = 2")}

    assert rows[0][0] > 0
    assert any("ü" in name or "ä" in name or "ö" in name for name in names)


@pytest.mark.mariadb
def test_dates_skip_the_dst_gap(shop):
    conn, _, _ = shop
    in_gap = _query(
        conn,
        "SELECT COUNT(*) FROM orders "
        "WHERE date_purchased >= '2025-03-30 02:00:00' AND date_purchased < '2025-03-30 03:00:00'",
    )
    span = _query(conn, "SELECT MIN(date_purchased), MAX(date_purchased) FROM orders")[0]

    assert in_gap == [(0,)]
    assert span[0] == datetime(2025, 3, 24, 6, 0, 0)
    assert span[1] > datetime(2025, 3, 30, 3, 0, 0)


def _generate_into(mariadb, seed: int, orders: int) -> tuple[str, dict[str, str]]:
    name = f"gambio_det_{uuid.uuid4().hex[:8]}"
    mariadb.create_database(name, "utf8")
    with mariadb.connect(name) as conn:
        create_gambio_schema(conn)
        paid = ensure_statuses(conn, DEFAULT_STATUS_NAMES)["paid"]
        generate_shop(conn, seed=seed, orders=orders, paid_status_id=paid)
        checksums = {table: _checksum(conn, table, key) for table, key in CHECKSUM_TABLES.items()}
    return name, checksums


@pytest.mark.mariadb
def test_same_seed_gives_identical_data(mariadb):
    first_db, first = _generate_into(mariadb, seed=7, orders=300)
    second_db, second = _generate_into(mariadb, seed=7, orders=300)
    other_db, other = _generate_into(mariadb, seed=8, orders=300)
    for name in (first_db, second_db, other_db):
        mariadb.drop_database(name)

    assert first == second
    assert first["orders"] != other["orders"]


@pytest.mark.mariadb
def test_generation_on_real_installer_schema(mariadb, gx48_installer_sql):
    name = f"gambio_gx48_{uuid.uuid4().hex[:8]}"
    mariadb.create_database(name, "utf8")
    try:
        with mariadb.connect(name) as conn:
            load_installer_schema(conn, gx48_installer_sql)
            paid = ensure_statuses(conn, DEFAULT_STATUS_NAMES)["paid"]
            result = generate_shop(conn, seed=3, orders=400, paid_status_id=paid)

            first_ids = _query(
                conn,
                "SELECT (SELECT MIN(products_id) FROM products "
                "WHERE products_model LIKE 'ART-%%' OR products_model LIKE 'MW-%%'), "
                "(SELECT MIN(products_properties_combis_id) FROM products_properties_combis WHERE products_id > 5), "
                "(SELECT MIN(products_attributes_id) FROM products_attributes WHERE products_id > 5), "
                "(SELECT MIN(orders_id) FROM orders)",
            )
            demo_products = _query(conn, "SELECT COUNT(*) FROM products WHERE products_id <= 5")
            errors = _reconciliation_errors(conn)
            magnalister_rows = _query(conn, "SELECT COUNT(*) FROM magnalister_orders")[0][0]
    finally:
        mariadb.drop_database(name)

    assert paid == 150
    assert first_ids == [(6, 37, 7, 400210)]
    assert demo_products == [(5,)]
    assert errors == {}
    assert magnalister_rows == result.orders - result.orders_by_platform["shop"]


def _run_demo_data(argv: list[str]) -> int:
    import argparse

    from gambio_hcs_bridge.demo.commands import add_commands

    parser = argparse.ArgumentParser(prog="hcsbridge")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["demo-data", *argv])
    return args.handler(args)


def test_demo_data_command_without_server(tmp_path, monkeypatch, capsys):
    from gambio_hcs_bridge.devstack.process import free_port

    port = free_port()
    monkeypatch.setenv("GAMBIO_HCS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("GAMBIO_HCS_MARIADB_PORT", str(port))

    exit_code = _run_demo_data(["--orders", "5"])

    assert exit_code == 1
    error = capsys.readouterr().err
    assert error.startswith(f"The local stack's MariaDB on 127.0.0.1:{port} is not reachable (")
    assert error.endswith("Run `hcsbridge stack start` first, then run this command again.\n")


@pytest.mark.mariadb
def test_demo_data_command_fills_gambio_database(mariadb, tmp_path, monkeypatch, capsys):
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "mariadb_root_password").write_text(mariadb.root_password)
    monkeypatch.setenv("GAMBIO_HCS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("GAMBIO_HCS_MARIADB_PORT", str(mariadb.port))
    try:
        exit_code = _run_demo_data(["--orders", "50", "--seed", "1", "--reset", "--start", "2025-10-25T12:00"])
        with mariadb.connect("gambio") as conn:
            counts = _query(
                conn,
                "SELECT (SELECT COUNT(*) FROM orders), (SELECT MIN(date_purchased) FROM orders), "
                "(SELECT COUNT(*) FROM orders_status WHERE orders_status_name = 'An HCS übergeben')",
            )
    finally:
        mariadb.drop_database("gambio")

    assert exit_code == 0
    assert counts == [(50, datetime(2025, 10, 25, 12, 0, 0), 1)]
    output = capsys.readouterr().out.splitlines()
    assert output[0] == f"Demo shop in database gambio on 127.0.0.1:{mariadb.port} (seed 1):"
    assert output[1].startswith("  orders 400210-400259: 50 with ")
    assert output[-2] == "  statuses: paid = 150, handed over to HCS = 151"
