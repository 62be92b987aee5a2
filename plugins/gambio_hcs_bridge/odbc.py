"""Connection settings that every pyodbc connection to HCS gets, from hooks, tools and tests alike."""

from __future__ import annotations

# Parameters up to this many bytes are bound whole instead of being streamed.
MAX_INLINE_PARAMETER_BYTES = 1 << 20


def prepare_hcs_connection(conn):
    """Turn autocommit off and bind long text parameters whole; return ``conn``.

    MariaDB Connector/ODBC 3.1.15 corrupts (byte-swapped text) or rejects ("HY001 Memory
    allocation error (SQLPutData)") string parameters of 128 characters or more that
    pyodbc 5.5 streams with SQLPutData by default. A large ``maxwrite`` makes pyodbc bind them
    in one piece.
    """
    conn.autocommit = False
    conn.maxwrite = MAX_INLINE_PARAMETER_BYTES
    return conn
