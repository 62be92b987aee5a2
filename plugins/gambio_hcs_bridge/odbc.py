"""Settings every pyodbc connection to HCS gets, whoever opens it."""

from __future__ import annotations

# Parameters up to this many bytes are sent in one piece instead of being streamed.
MAX_WRITE_BYTES = 1024 * 1024


def prepare_hcs_connection(conn):
    """Turn autocommit off and send long text parameters in one piece; return ``conn``.

    MariaDB Connector/ODBC 3.1.15 fails with "Memory allocation error (SQLPutData)" when
    pyodbc streams a text parameter of more than 255 characters with non-ASCII letters in
    pieces; a large ``maxwrite`` makes pyodbc bind it whole.
    """
    conn.autocommit = False
    conn.maxwrite = MAX_WRITE_BYTES
    return conn
