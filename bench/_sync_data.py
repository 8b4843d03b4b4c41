"""Data of `bench/sync_1m.py`: N realistic customers in a MariaDB database of their own,
the PostgreSQL databases the loads go to, and the 1 % change between the runs.

The customer table has the key and 16 columns (texts, two lists by code, a decimal, a
double, an integer, a checkbox, a date and the change stamp); values are made by the
server (`seq_1_to_N`) from Nordic word lists so that names, streets and cities repeat
the way they do in a real register, phones are missing on every tenth row and web
sites on every third. Countries and currencies are list tables of their own.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

MARIADB_ADMIN = "mysql+mysqldb://root@127.0.0.1:3306/"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

COLUMNS = ["code", "name", "org_no", "email", "phone", "web", "street", "zip", "city",
           "country_code", "currency_code", "credit_limit", "discount", "employees",
           "blocked", "founded", "updated_at"]  # fmt: skip
DDL = """CREATE TABLE customer (
  id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) NOT NULL, name VARCHAR(120) NOT NULL,
  org_no VARCHAR(20), email VARCHAR(120), phone VARCHAR(30), web VARCHAR(120),
  street VARCHAR(120), zip VARCHAR(10), city VARCHAR(60), country_code CHAR(2),
  currency_code CHAR(3), credit_limit DECIMAL(12,2), discount DOUBLE, employees INT,
  blocked BOOLEAN NOT NULL, founded DATE, updated_at DATETIME(6) NOT NULL)"""
PG_DDL = (
    DDL.replace("INT AUTO_INCREMENT PRIMARY KEY", "INT PRIMARY KEY")
    .replace("DOUBLE", "DOUBLE PRECISION")
    .replace("DATETIME(6)", "TIMESTAMP")
)

_FIRST = ["Nordic", "Baltic", "Svea", "Fjord", "Norr", "Väst", "Öst", "Lind", "Berg", "Sjö",
          "Ek", "Björk", "Gran", "Hav", "Sol", "Vind", "Sten", "Dal", "Å", "Skog"]  # fmt: skip
_SECOND = ["Timber", "Steel", "Konsult", "Bygg", "Data", "Logistik", "Foods", "Energi",
           "Media", "Verkstad", "Design", "Transport", "Fastigheter", "Marin", "Tech"]  # fmt: skip
_FORM = ["AB", "AS", "Oy", "ApS", "GmbH", "HB"]
_STREET = ["Storgatan", "Kungsgatan", "Drottninggatan", "Industrivägen", "Hamngatan",
           "Järnvägsgatan", "Skolgatan", "Kyrkogatan", "Nygatan", "Torggatan"]  # fmt: skip
_CITY = ["Stockholm", "Göteborg", "Malmö", "Uppsala", "Oslo", "Bergen", "København",
         "Aarhus", "Helsinki", "Tampere", "Hamburg", "Västerås", "Örebro", "Umeå"]  # fmt: skip
COUNTRIES = [("SE", "Sweden", "SEK"), ("NO", "Norway", "NOK"), ("DK", "Denmark", "DKK"),
             ("FI", "Finland", "EUR"), ("DE", "Germany", "EUR")]  # fmt: skip


def _pick(words: list[str], index: str) -> str:
    quoted = ", ".join("'" + word + "'" for word in words)
    return f"ELT(1 + ({index}) % {len(words)}, {quoted})"


def fill_sql(rows: int) -> str:
    n = "seq"
    first, second = _pick(_FIRST, n), _pick(_SECOND, f"{n} DIV 20")
    country = f"1 + {n} % 7 % {len(COUNTRIES)}"  # mostly Swedish, as a Swedish register
    values = [
        f"CONCAT('C', LPAD({n}, 7, '0'))",
        f"CONCAT({first}, ' ', {second}, ' ', {_pick(_FORM, f'{n} DIV 300')})",
        f"CONCAT('55', LPAD(({n} * 7919) % 100000000, 8, '0'))",
        f"LOWER(CONCAT('info@', {second}, {n}, '.example.com'))",
        f"IF({n} % 10 = 0, NULL, CONCAT('+46 8 ', LPAD(({n} * 37) % 1000000, 6, '0')))",
        f"IF({n} % 3 = 0, NULL, LOWER(CONCAT('https://www.', {first}, {n}, '.example.com')))",
        f"CONCAT({_pick(_STREET, f'{n} DIV 7')}, ' ', 1 + {n} % 140)",
        f"LPAD(10000 + ({n} * 13) % 89999, 5, '0')",
        _pick(_CITY, f"{n} DIV 3"),
        f"ELT({country}, {', '.join(repr(c[0]) for c in COUNTRIES)})",
        f"ELT({country}, {', '.join(repr(c[2]) for c in COUNTRIES)})",
        f"(({n} * 31) % 500) * 1000.00",
        f"({n} % 25) / 100.0",
        f"1 + ({n} * 17) % 2500",
        f"{n} % 50 = 0",
        f"DATE '1960-01-01' + INTERVAL ({n} * 11) % 23000 DAY",
        f"TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ({n} DIV 3) SECOND",
    ]
    return (
        f"INSERT INTO customer ({', '.join(COLUMNS)}) "
        f"SELECT {', '.join(values)} FROM seq_1_to_{rows}"
    )


def change_sql(rows: int, round_: int = 0) -> tuple[str, int]:
    """1 % of the rows get a new phone and e-mail, stamped over the last hour; each
    further round (1, 2, …) gives the same rows other values, stamped over the last
    0.36 s (after the cursor the round before left)."""
    step = 100
    scale, unit = (100, "MICROSECOND") if round_ else (1, "SECOND")
    email = f"order', id, '.{round_}" if round_ else "order', id, '"
    sql = (
        f"UPDATE customer SET phone = CONCAT('+46 31 ', LPAD((id * 53 + {round_}) % 1000000, 6, "
        f"'0')), email = CONCAT('{email}@example.net'), "
        f"updated_at = UTC_TIMESTAMP(6) - INTERVAL (id % 3600) * {scale} {unit} "
        f"WHERE id % {step} = 7"
    )
    return sql, len(range(7, rows + 1, step))


@dataclass
class Databases:
    """The run's databases: the ERP (MariaDB), the loads' target and the CRM (PostgreSQL)."""

    tag: str
    erp: sa.URL
    target: sa.URL
    crm: sa.URL

    @classmethod
    def new(cls) -> Databases:
        tag = f"erpsync_bench_{uuid.uuid4().hex[:8]}"
        erp = sa.make_url(MARIADB_ADMIN).set(database=tag)
        pg = sa.make_url(PG_ADMIN)
        return cls(tag, erp, pg.set(database=f"{tag}_target"), pg.set(database=f"{tag}_crm"))

    def create(self, rows: int) -> None:
        admin = sa.create_engine(MARIADB_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as db:
            db.execute(sa.text(f"CREATE DATABASE `{self.tag}` CHARACTER SET utf8mb4"))
        admin.dispose()
        pg = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with pg.connect() as db:
            for url in (self.target, self.crm):
                db.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
        pg.dispose()
        started = time.perf_counter()
        erp = sa.create_engine(self.erp)
        with erp.begin() as db:
            db.execute(sa.text("CREATE TABLE country (code CHAR(2) PRIMARY KEY, name VARCHAR(60))"))
            db.execute(sa.text("CREATE TABLE currency (code CHAR(3) PRIMARY KEY)"))
            for code, name, currency in COUNTRIES:
                db.execute(sa.text("INSERT INTO country VALUES (:c, :n)"), {"c": code, "n": name})
                db.execute(sa.text("INSERT IGNORE INTO currency VALUES (:c)"), {"c": currency})
            db.execute(sa.text(DDL))
            db.execute(sa.text(fill_sql(rows)))
            db.execute(sa.text("CREATE INDEX customer_stamp ON customer (updated_at, id)"))
            db.execute(sa.text("ANALYZE TABLE customer"))
        erp.dispose()
        target = sa.create_engine(self.target)
        with target.begin() as db:
            for table in ("customer_cli", "customer_py"):
                db.execute(sa.text(PG_DDL.replace("customer", table, 1)))
        target.dispose()
        print(f"  filled {rows:,} customers in MariaDB in {time.perf_counter() - started:.1f} s")

    def change(self, rows: int, round_: int = 0) -> int:
        sql, count = change_sql(rows, round_)
        erp = sa.create_engine(self.erp)
        with erp.begin() as db:
            changed = db.execute(sa.text(sql)).rowcount
        erp.dispose()
        assert changed == count, (changed, count)
        return count

    def drop(self) -> None:
        admin = sa.create_engine(MARIADB_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as db:
            db.execute(sa.text(f"DROP DATABASE IF EXISTS `{self.tag}`"))
        admin.dispose()
        pg = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with pg.connect() as db:
            for url in (self.target, self.crm):
                db.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        pg.dispose()
