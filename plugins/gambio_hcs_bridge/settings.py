"""Typed settings of the bridge, read when a task runs (never when a DAG file is parsed).

The settings are one JSON object in the Airflow Variable ``gambio_hcs_bridge``
(or the environment variable ``AIRFLOW_VAR_GAMBIO_HCS_BRIDGE``). Every key is optional;
README.md lists the keys, their defaults and allowed forms.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

VARIABLE_KEY = "gambio_hcs_bridge"

STATUS_ROLES = ("paid", "handed_over", "shipped", "invoiced", "cancelled")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class SettingsError(ValueError):
    """Raised for a setting with an invalid value; the message names key, value and allowed form."""

    def __init__(self, key: str, value: object, allowed: str):
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"Invalid setting {key}={value!r}: expected {allowed}")


@dataclass(frozen=True)
class Settings:
    """All tunable behaviour of the bridge. Status roles hold a Gambio status id or name."""

    status_paid: int | str = "Bezahlt"
    status_handed_over: int | str = "An HCS übergeben"
    status_shipped: int | str = 3
    status_invoiced: int | str = 149
    status_cancelled: int | str = 99
    shop_timezone: str = "Europe/Berlin"
    language: str = "de"
    mail_recipients: tuple[str, ...] = ()
    report_recipients_allowed: tuple[str, ...] = ()
    archive_retention_days: int = 90
    stock_buffer: Decimal = Decimal("0")
    stock_open_statuses: tuple[int | str, ...] = (1, 2)
    cancel_writeback: bool = False
    invoice_wait_minutes: int = 240
    carrier_mapping: tuple[tuple[str, str], ...] = ()
    extract_chunk_size: int = 5000
    load_batch_size: int = 200
    validate_workers: int = 0
    extract_connections: int = 2
    sql_override_dir: str | None = None
    unknown_sku_policy: str = "reject"
    allowed_vat_rates: tuple[Decimal, ...] = (Decimal("0.00"), Decimal("7.00"), Decimal("19.00"))
    max_unit_price: Decimal = Decimal("100000.00")
    shipping_vat_rate: Decimal | None = None
    grown_order_lookback_days: int = 30
    work_dir: str | None = None
    archive_dir: str | None = None
    gambio_conn_id: str = "gambio_db"
    hcs_conn_id: str = "hcs_odbc"
    smtp_conn_id: str = "smtp_default"
    mail_from: str = "hcs-bridge@localhost"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.shop_timezone)

    def status_setting(self, role: str) -> int | str:
        return getattr(self, f"status_{role}")

    @property
    def allowed_report_recipients(self) -> tuple[str, ...]:
        """Addresses a Spezialliste may be mailed to: the allow-list, else the mail recipients."""
        return self.report_recipients_allowed or self.mail_recipients

    @property
    def carriers(self) -> dict[str, str]:
        """HCS carrier name -> Gambio parcel service name, from ``carrier_mapping``."""
        return dict(self.carrier_mapping)


_DEFAULTS = Settings()


def parse_settings(raw: Mapping[str, object] | None) -> Settings:
    """Validate ``raw`` against the known keys and return a :class:`Settings`."""
    raw = dict(raw or {})
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(unknown[0], raw[unknown[0]], "one of the keys " + ", ".join(sorted(known)))

    values: dict[str, object] = {}
    for role in STATUS_ROLES:
        key = f"status_{role}"
        if key in raw:
            values[key] = _status(key, raw[key])

    if "shop_timezone" in raw:
        values["shop_timezone"] = _timezone(raw["shop_timezone"])
    if "language" in raw:
        values["language"] = _choice("language", raw["language"], ("de", "en"))
    if "unknown_sku_policy" in raw:
        values["unknown_sku_policy"] = _choice(
            "unknown_sku_policy", raw["unknown_sku_policy"], ("reject", "free_text")
        )
    if "mail_recipients" in raw:
        values["mail_recipients"] = _recipients(raw["mail_recipients"])
    if "report_recipients_allowed" in raw:
        values["report_recipients_allowed"] = _recipients(raw["report_recipients_allowed"], "report_recipients_allowed")
    if "stock_open_statuses" in raw:
        value = raw["stock_open_statuses"]
        if not isinstance(value, list | tuple):
            raise SettingsError("stock_open_statuses", value, "a list of Gambio status ids or names")
        values["stock_open_statuses"] = tuple(_status("stock_open_statuses", item) for item in value)
    if "cancel_writeback" in raw:
        if not isinstance(raw["cancel_writeback"], bool):
            raise SettingsError("cancel_writeback", raw["cancel_writeback"], "true or false")
        values["cancel_writeback"] = raw["cancel_writeback"]
    if "carrier_mapping" in raw:
        values["carrier_mapping"] = _carrier_mapping(raw["carrier_mapping"])
    if "allowed_vat_rates" in raw:
        values["allowed_vat_rates"] = _vat_rates(raw["allowed_vat_rates"])
    if raw.get("shipping_vat_rate") is not None:
        rate = _non_negative_decimal("shipping_vat_rate", raw["shipping_vat_rate"])
        if rate > 100:
            raise SettingsError("shipping_vat_rate", raw["shipping_vat_rate"], "a VAT rate in percent between 0 and 100, or null")
        values["shipping_vat_rate"] = rate.quantize(Decimal("0.01"))
    if "max_unit_price" in raw:
        values["max_unit_price"] = _non_negative_decimal("max_unit_price", raw["max_unit_price"])
    if "stock_buffer" in raw:
        values["stock_buffer"] = _non_negative_decimal("stock_buffer", raw["stock_buffer"])
    for key, low, high in (
        ("extract_chunk_size", 1, 200_000),
        ("load_batch_size", 1, 10_000),
        ("validate_workers", 0, 64),
        ("extract_connections", 1, 8),
        ("grown_order_lookback_days", 0, 3650),
        ("invoice_wait_minutes", 0, 10080),
        ("archive_retention_days", 1, 3650),
    ):
        if key in raw:
            values[key] = _int_range(key, raw[key], low, high)
    for key in ("sql_override_dir", "work_dir", "archive_dir"):
        if key in raw and raw[key] is not None:
            values[key] = _folder(key, raw[key])
    for key in ("gambio_conn_id", "hcs_conn_id", "smtp_conn_id"):
        if key in raw:
            values[key] = _conn_id(key, raw[key])
    if "mail_from" in raw:
        values["mail_from"] = _email("mail_from", raw["mail_from"])

    return Settings(**values)


def load_settings() -> Settings:
    """Read the settings from the Airflow Variable; call this inside a running task only."""
    from airflow.sdk import Variable

    text = Variable.get(VARIABLE_KEY, default=None)
    if text is None:
        return _DEFAULTS
    try:
        raw = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as exc:
        raise SettingsError(VARIABLE_KEY, "<invalid JSON>", f"a JSON object ({exc.msg} at {exc.pos})") from None
    if not isinstance(raw, dict):
        raise SettingsError(VARIABLE_KEY, type(raw).__name__, "a JSON object")
    return parse_settings(raw)


def _status(key: str, value: object) -> int | str:
    if isinstance(value, bool):
        raise SettingsError(key, value, "a Gambio status id (integer >= 0) or status name")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit():
            return int(text)
        if len(text) > 32:
            raise SettingsError(key, value, "a status name of at most 32 characters (orders_status_name)")
        return text
    raise SettingsError(key, value, "a Gambio status id (integer >= 0) or status name")


def _timezone(value: object) -> str:
    if not isinstance(value, str):
        raise SettingsError("shop_timezone", value, "an IANA time zone name such as Europe/Berlin")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("shop_timezone", value, "an IANA time zone name such as Europe/Berlin") from None
    return value


def _choice(key: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise SettingsError(key, value, "one of " + ", ".join(allowed))
    return str(value)


def _email(key: str, value: object) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise SettingsError(key, value, "an e-mail address such as team@example.com")
    return value


def _recipients(value: object, key: str = "mail_recipients") -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        raise SettingsError(key, value, "a list of e-mail addresses")
    return tuple(_email(key, item) for item in value)


def _non_negative_decimal(key: str, value: object) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise SettingsError(key, value, "a number >= 0") from None
    if not number.is_finite() or number < 0:
        raise SettingsError(key, value, "a number >= 0")
    return number


def _carrier_mapping(value: object) -> tuple[tuple[str, str], ...]:
    allowed = 'an object mapping HCS carrier names to Gambio parcel service names, such as {"DHL Paket": "DHL"}'
    if not isinstance(value, dict):
        raise SettingsError("carrier_mapping", value, allowed)
    pairs = []
    for carrier, service in value.items():
        if not isinstance(carrier, str) or not isinstance(service, str) or not carrier.strip() or not service.strip():
            raise SettingsError("carrier_mapping", value, allowed)
        pairs.append((carrier.strip(), service.strip()))
    return tuple(sorted(pairs))


def _vat_rates(value: object) -> tuple[Decimal, ...]:
    allowed = "a list of VAT rates in percent between 0 and 100, such as [0, 7, 19]"
    if not isinstance(value, list | tuple) or not value:
        raise SettingsError("allowed_vat_rates", value, allowed)
    rates = []
    for item in value:
        rate = _non_negative_decimal("allowed_vat_rates", item)
        if rate > 100:
            raise SettingsError("allowed_vat_rates", value, allowed)
        rates.append(rate.quantize(Decimal("0.01")))
    return tuple(sorted(set(rates)))


def _int_range(key: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SettingsError(key, value, f"an integer from {low} to {high}")
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(key, value, f"an integer from {low} to {high}") from None
    if not low <= number <= high:
        raise SettingsError(key, value, f"an integer from {low} to {high}")
    return number


def _folder(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(key, value, "an absolute folder path")
    if not Path(value).is_absolute():
        raise SettingsError(key, value, "an absolute folder path")
    return value


def _conn_id(key: str, value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,250}", value):
        raise SettingsError(key, value, "an Airflow connection id (letters, digits, _ . -)")
    return value


__all__ = ["DEFAULT_SETTINGS", "Settings", "SettingsError", "STATUS_ROLES", "VARIABLE_KEY", "load_settings", "parse_settings"]

DEFAULT_SETTINGS = _DEFAULTS
