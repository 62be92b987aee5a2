# Image of the Gambio ⇄ HCS 2000 bridge: Airflow's official image plus the ODBC drivers
# and the bridge package. docker-compose.yml runs every Airflow component from this image.
#
# Build stage: compile mysqlclient into a wheel, so gcc and the header packages stay out
# of the final image. mysqlclient (MySQLdb) is the driver of the mysql provider and of the
# demo shop seeding; PyPI has no Linux binary wheel for it.
FROM apache/airflow:3.3.2-python3.11 AS mysqlclient-build

USER root
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        gcc pkg-config libmariadb-dev \
    && rm -rf /var/lib/apt/lists/*

USER airflow
COPY constraints.txt /tmp/constraints.txt
RUN pip wheel --no-cache-dir --no-deps -c /tmp/constraints.txt -w /tmp/wheels mysqlclient


FROM apache/airflow:3.3.2-python3.11

# Runtime libraries, installed as root because they are Debian packages:
# - unixodbc: the ODBC driver manager that pyodbc loads.
# - odbc-mariadb: MariaDB Connector/ODBC, registered as the driver "MariaDB Unicode".
#   It reaches an HCS database on MariaDB or MySQL, and the demo's reference HCS schema.
# - libsqliteodbc: the SQLite3 ODBC driver ("SQLite3"), for an HCS reference database in a file.
# - libmariadb3: the client library that the mysqlclient wheel from the build stage links.
USER root
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        unixodbc libsqliteodbc odbc-mariadb libmariadb3 \
    && rm -rf /var/lib/apt/lists/*

# Sources of the bridge package. dags/ goes to Airflow's default DAG folder instead, so the
# DAG files are not part of the installed package.
COPY --chown=airflow:0 pyproject.toml constraints.txt README.md /opt/bridge/
COPY --chown=airflow:0 plugins/ /opt/bridge/plugins/
COPY --chown=airflow:0 include/ /opt/bridge/include/
COPY --chown=airflow:0 dags/ /opt/airflow/dags/
COPY --from=mysqlclient-build /tmp/wheels/ /tmp/wheels/

# The official image expects pip to run as the airflow user. The constraints file pins Airflow
# and every dependency to the versions the bridge is tested with; --find-links lets pip take the
# prebuilt mysqlclient wheel instead of compiling it again.
# NOTE: the official image ships more providers than the bridge pins, and their requirements may
# conflict with constraints.txt. Run `pip check` in a built image after each upgrade.
USER airflow
RUN pip install --no-cache-dir --find-links /tmp/wheels -c /opt/bridge/constraints.txt /opt/bridge

# A non-editable install puts only the Python package into site-packages, so the SQL files
# would not be found relative to it (plugins/gambio_hcs_bridge/sql.py reads this variable).
ENV GAMBIO_HCS_SQL_DIR=/opt/bridge/include/sql
