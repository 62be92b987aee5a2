"""End-to-end run of the Spezialliste through the real Airflow UI in headless Chromium.

The test starts MariaDB with a small demo shop, the HCS SQLite database, a mail sink and
``airflow standalone`` in a temporary state folder on free loopback ports. Playwright drives
Debian's Chromium (``/usr/bin/chromium``, never a browser downloaded by Playwright): it logs in,
fills the trigger form of ``webshop_spezialliste`` by its German field titles and triggers a run.
The mailed workbook must list exactly the orders that an independent SQL query finds in Gambio.

A screenshot of the filled form is saved as ``test-artifacts/spezialliste_trigger_form.png``, and
on a failure in the browser part ``test-artifacts/spezialliste_failure.png`` shows the page.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import time
import urllib.request
from datetime import date
from pathlib import Path

import pyodbc
import pytest

from gambio_hcs_bridge.demo.gambio_schema import create_gambio_schema
from gambio_hcs_bridge.demo.generator import generate_shop
from gambio_hcs_bridge.devstack.airflow_standalone import ADMIN_USER, AirflowStandalone
from gambio_hcs_bridge.devstack.config import (
    GAMBIO_DATABASE,
    REPO_ROOT,
    hcs_sqlite_connection,
    odbc_connection_string,
)
from gambio_hcs_bridge.devstack.mailsink import MailSink
from gambio_hcs_bridge.devstack.mariadb import LocalMariaDB
from gambio_hcs_bridge.hcs_schema import create_hcs_schema
from gambio_hcs_bridge.hcs_user import seed_articles_from_gambio
from gambio_hcs_bridge.odbc import prepare_hcs_connection
from gambio_hcs_bridge.statuses import DEFAULT_STATUS_NAMES, ensure_statuses
from shopdata import gambio_rows
from stack_env import point_stack_at

DAG_ID = "webshop_spezialliste"
DAG_FILE = REPO_ROOT / "dags" / f"{DAG_ID}.py"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
FORM_SCREENSHOT = ARTIFACTS / "spezialliste_trigger_form.png"
FAILURE_SCREENSHOT = ARTIFACTS / "spezialliste_failure.png"

# Flags that keep Chromium off every network but loopback: no update checks, sync, field trials
# or QUIC. --no-sandbox because the tests run as root.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
MARKETPLACE = "ebay"
RECIPIENT = "datenteam@example.com"
# Time for everything after the api-server responds: parsing, the UI steps, the run and the mail.
DEADLINE_SECONDS = 240
# Maximum wait for one UI element. The React UI loads its scripts on the first page, which is slow on a busy machine.
ELEMENT_TIMEOUT_MS = 30_000


@pytest.fixture
def stack(tmp_path, monkeypatch):
    """MariaDB, the mail sink and (not yet started) Airflow of a stack in ``tmp_path``."""
    config = point_stack_at(monkeypatch, tmp_path / "state")

    server = LocalMariaDB(config.mariadb_dir, config.mariadb_port, config.mariadb_root_password())
    sink = MailSink(config.smtp_port, tmp_path / "mail")
    airflow = AirflowStandalone(config)
    try:
        server.start()
        sink.start()
        yield config, server, sink, airflow
    finally:
        airflow.stop()
        sink.stop()
        server.stop()


@pytest.mark.slow
@pytest.mark.airflow
@pytest.mark.timeout(480)
def test_spezialliste_triggered_from_ui(stack):
    if not DAG_FILE.is_file():
        pytest.skip(f"{DAG_FILE} does not exist yet")
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not found: install the Debian package chromium (scripts/setup.sh does)")
    from playwright.sync_api import sync_playwright

    config, server, sink, airflow = stack
    started = time.monotonic()

    server.create_database(GAMBIO_DATABASE, "utf8")
    gambio = server.connect(GAMBIO_DATABASE)
    create_gambio_schema(gambio)
    statuses = ensure_statuses(gambio, DEFAULT_STATUS_NAMES)
    generate_shop(gambio, seed=7, orders=60, paid_status_id=statuses["paid"])

    config.hcs_sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    hcs = prepare_hcs_connection(pyodbc.connect(odbc_connection_string(hcs_sqlite_connection(config.hcs_sqlite_path))))
    create_hcs_schema(hcs)
    seed_articles_from_gambio(gambio, hcs, seed=7)
    hcs.close()

    # The generator puts 60 orders on one day, so they are spread over six days here. The window
    # spans the middle of those days, so that the date filter drops orders at both ends.
    # date_purchased is shop-local time, as are the form's dates.
    gambio.cursor().execute("UPDATE orders SET date_purchased = date_purchased - INTERVAL (orders_id % 6) DAY")
    gambio.commit()
    days = [row[0] for row in gambio_rows(gambio, "SELECT DISTINCT DATE(date_purchased) FROM orders ORDER BY 1")]
    assert len(days) >= 4, f"the demo shop has orders on only {len(days)} days"
    date_from: date = days[len(days) // 4]
    date_to: date = days[3 * len(days) // 4]
    expected = {
        row[0]
        for row in gambio_rows(
            gambio,
            "SELECT o.orders_id FROM orders o JOIN magnalister_orders m ON m.orders_id = o.orders_id"
            " WHERE m.platform = %s AND DATE(o.date_purchased) BETWEEN %s AND %s",
            (MARKETPLACE, date_from, date_to),
        )
    }
    outside = gambio_rows(gambio, "SELECT COUNT(*) FROM orders")[0][0] - len(expected)
    gambio.close()
    assert expected, f"no {MARKETPLACE} orders between {date_from} and {date_to} in the demo shop"
    assert outside > 0, "the selection covers every order, so the filters would go untested"

    airflow.start()
    env = airflow.environment()
    deadline = time.monotonic() + DEADLINE_SECONDS
    unpause = ["airflow", "dags", "unpause", DAG_ID]
    while subprocess.run(unpause, env=env, capture_output=True).returncode != 0:
        assert time.monotonic() < deadline, f"{DAG_ID} never appeared in Airflow; see {airflow.log_file}"
        time.sleep(3)

    ARTIFACTS.mkdir(exist_ok=True)
    FAILURE_SCREENSHOT.unlink(missing_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(config.state_dir / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1800},
            # The button and dialog texts below are those of Airflow's English UI, which follows
            # the browser language.
            locale="en-US",
        )
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.set_default_timeout(ELEMENT_TIMEOUT_MS)
        try:
            log_in(page, airflow.url, airflow.admin_password())
            token = session_token(browser)

            page.goto(f"{airflow.url}/dags/{DAG_ID}")
            page.get_by_role("button", name="Trigger").first.click()
            form = page.get_by_role("dialog")
            form.get_by_text(f"Trigger Dag - {DAG_ID}").wait_for()

            form_field(form, "Kaufdatum von").locator("input").fill(date_from.isoformat())
            form_field(form, "Kaufdatum bis").locator("input").fill(date_to.isoformat())
            form_field(form, "Marktplätze").locator("textarea").fill(MARKETPLACE)
            form_field(form, "Empfänger").locator("textarea").fill(RECIPIENT)
            form.screenshot(path=str(FORM_SCREENSHOT))

            # The submit button is the last "Trigger" button of the dialog, below the run parameters.
            submit = form.get_by_role("button", name="Trigger").last
            assert submit.is_enabled(), "the trigger form rejects the filled values"
            submit.click()
            form.wait_for(state="hidden")

            run = wait_for_manual_run(airflow.url, token, deadline)
        except Exception:
            page.screenshot(path=str(FAILURE_SCREENSHOT), full_page=True)
            raise
        finally:
            browser.close()

    assert run["state"] == "success", f"run {run['dag_run_id']} ended {run['state']}; see {config.airflow_home}/logs"
    assert run["conf"]["marktplaetze"] == [MARKETPLACE]
    assert run["conf"]["datum_von"] == date_from.isoformat()
    assert run["conf"]["datum_bis"] == date_to.isoformat()

    mail = wait_for_list_mail(sink, run["dag_run_id"], deadline)
    assert mail["To"] == RECIPIENT
    assert f"Spezialliste {date_from:%d.%m.%Y} – {date_to:%d.%m.%Y}: {len(expected)} Bestellungen" == mail["Subject"]

    attachments = [part for part in mail.iter_attachments() if part.get_filename().endswith(".xlsx")]
    assert len(attachments) == 1, f"expected one .xlsx attachment, got {[p.get_filename() for p in mail.iter_attachments()]}"
    assert attachments[0].get_filename().startswith(f"spezialliste_{date_from}_{date_to}_")
    order_numbers = shop_order_numbers(attachments[0].get_content())
    assert len(order_numbers) == len(expected)
    assert set(order_numbers) == expected

    archived = list((config.state_dir / "archive").glob(f"spezialliste_{date_from}_{date_to}_*.xlsx"))
    assert len(archived) == 1, f"expected one archived workbook, found {archived}"
    print(f"UI run of {DAG_ID} with {len(expected)} orders passed in {time.monotonic() - started:.0f} s")


def log_in(page, url: str, password: str | None) -> None:
    """Sign in through the SimpleAuthManager login form and wait for the start page."""
    assert password, "airflow standalone wrote no admin password"
    page.goto(f"{url}/auth/login")
    page.get_by_label("Username").fill(ADMIN_USER)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/auth/login).*$"))


def session_token(browser) -> str:
    """Return the JWT from the UI's ``_token`` cookie, which the REST API accepts as a bearer token."""
    tokens = [cookie["value"] for cookie in browser.cookies() if cookie["name"] == "_token"]
    assert tokens, "no _token cookie after the login"
    return tokens[0]


def form_field(form, title: str):
    """Return the field group of the trigger form whose label is ``title``.

    Airflow 3.3.2 points the label's ``for`` at another id than the input's, so Playwright's
    get_by_label finds nothing, and the group around label and input is matched instead.
    """
    # A locator passed as has= is matched inside each group, so it must start at the page, not the dialog.
    label = form.page.locator("label[data-part='label']").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*\*?\s*$"))
    field = form.get_by_role("group").filter(has=label)
    field.wait_for()
    return field


def api_get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_for_manual_run(url: str, token: str, deadline: float) -> dict:
    """Poll the REST API until the one manually triggered run of the DAG has finished.

    Unpausing also lets the scheduler start the run of the last monthly interval, so the manual run
    is selected by its run type.
    """
    while True:
        runs = api_get(f"{url}/api/v2/dags/{DAG_ID}/dagRuns?limit=100", token)["dag_runs"]
        manual = [run for run in runs if run["run_type"] == "manual"]
        assert len(manual) <= 1, f"expected one manual run, got {[run['dag_run_id'] for run in manual]}"
        if manual and manual[0]["state"] in ("success", "failed"):
            return manual[0]
        assert time.monotonic() < deadline, f"the manual run did not finish in time: {manual}"
        time.sleep(2)


def wait_for_list_mail(sink: MailSink, run_id: str, deadline: float):
    """Return the Spezialliste mail whose footer names ``run_id``."""
    while True:
        for message in sink.messages():
            body = message.get_body(("html", "plain"))
            if message["Subject"].startswith("Spezialliste") and body is not None and run_id in body.get_content():
                return message
        assert time.monotonic() < deadline, f"no Spezialliste mail for run {run_id} in {sink.folder}"
        time.sleep(1)


def shop_order_numbers(workbook_bytes: bytes) -> list[int]:
    """Read the column "Shop-Nr." of the sheet "Bestellungen", below its header row."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes), read_only=True)
    assert "Bestellungen" in workbook.sheetnames, f"no sheet Bestellungen in {workbook.sheetnames}"
    rows = list(workbook["Bestellungen"].iter_rows(values_only=True))
    header_index = next((i for i, row in enumerate(rows) if "Shop-Nr." in row), None)
    assert header_index is not None, f"no header Shop-Nr. in the first rows {rows[:3]}"
    column = rows[header_index].index("Shop-Nr.")
    return [int(row[column]) for row in rows[header_index + 1:] if row[column] is not None]


def test_artifacts_folder_ignored():
    """The screenshots must never end up in a commit."""
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", "check-ignore", "-q", str(FORM_SCREENSHOT)], cwd=REPO_ROOT)
    assert result.returncode == 0, "test-artifacts/ is not listed in .gitignore"
