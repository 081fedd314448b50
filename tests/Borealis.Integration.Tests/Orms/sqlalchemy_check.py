"""SQLAlchemy (Debian's python3-sqlalchemy 1.4) on PyMySQL against Borealis: Core and ORM.

Usage: python3 sqlalchemy_check.py PORT PASSWORD. Prints a JSON report SqlAlchemyTests.cs checks; every part
records its result or its error, so one failure does not hide the others.
"""
import datetime
import decimal
import json
import sys

import sqlalchemy as sa
from sqlalchemy import orm

port, password = int(sys.argv[1]), sys.argv[2]
url = "mysql+pymysql://admin:%s@127.0.0.1:%d/%s?charset=utf8mb4"
admin = sa.create_engine(url % (password, port, ""), future=True)
with admin.begin() as c:
    c.execute(sa.text("CREATE DATABASE sa_core"))
    c.execute(sa.text("CREATE DATABASE sa_orm"))
report = {"version": sa.__version__}


def part(name):
    def wrap(fn):
        try:
            report[name] = fn()
        except Exception as e:  # noqa: BLE001 - every failure goes into the report
            report[name] = {"error": "%s: %s" % (type(e).__name__, e)}
        return fn
    return wrap


engine = sa.create_engine(url % (password, port, "sa_core"), future=True)
meta = sa.MetaData()
users = sa.Table(
    "users", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(50), nullable=False, unique=True),
    sa.Column("email", sa.String(100)),
    sa.Column("balance", sa.Numeric(12, 2), nullable=False, server_default="0"),
    sa.Column("created", sa.DateTime, nullable=False),
)
addresses = sa.Table(
    "addresses", meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("city", sa.String(50), nullable=False),
    sa.Column("zip", sa.String(10)),
)


@part("core_create")
def core_create():
    meta.create_all(engine)
    meta.create_all(engine)  # checks that the tables exist and creates nothing
    inspector = sa.inspect(engine)
    columns = inspector.get_columns("users")
    return {
        "tables": sorted(inspector.get_table_names()),
        "columns": [[c["name"], str(c["type"]), c["nullable"]] for c in columns],
        "pk": inspector.get_pk_constraint("users")["constrained_columns"],
        "fks": [[fk["constrained_columns"], fk["referred_table"], fk["referred_columns"]] for fk in inspector.get_foreign_keys("addresses")],
        "indexes": sorted([i["name"], i["column_names"], bool(i["unique"])] for i in inspector.get_indexes("addresses")),
    }


@part("core_dml")
def core_dml():
    created = datetime.datetime(2026, 5, 1, 12, 0, 0)
    with engine.begin() as c:
        first = c.execute(users.insert().values(name="ada", email="ada@example.com", balance=decimal.Decimal("10.50"), created=created))
        ada_id = first.inserted_primary_key[0]
        c.execute(users.insert(), [
            {"name": "grace", "email": None, "balance": decimal.Decimal("99.99"), "created": created},
            {"name": "linus", "email": "l@example.com", "balance": decimal.Decimal("0.01"), "created": created},
        ])
        ids = dict(c.execute(sa.select(users.c.name, users.c.id)).all())
        c.execute(addresses.insert(), [
            {"user_id": ids["ada"], "city": "London", "zip": "N1"},
            {"user_id": ids["grace"], "city": "Arlington", "zip": None},
            {"user_id": ids["ada"], "city": "Oslo", "zip": "0150"},
        ])
    with engine.connect() as c:
        joined = c.execute(
            sa.select(users.c.name, addresses.c.city)
            .join_from(users, addresses)
            .where(addresses.c.zip.is_not(None))
            .order_by(users.c.name, addresses.c.city)).all()
        counts = c.execute(
            sa.select(users.c.name, sa.func.count(addresses.c.id).label("n"))
            .select_from(users.outerjoin(addresses))
            .group_by(users.c.name)
            .order_by(sa.desc("n"), users.c.name)
            .limit(2).offset(1)).all()
        rich = c.execute(sa.select(users.c.name, users.c.balance).where(users.c.balance > sa.bindparam("min")), {"min": decimal.Decimal("5")}).all()
    with engine.begin() as c:
        updated = c.execute(users.update().where(users.c.name == "linus").values(balance=users.c.balance + 1)).rowcount
        deleted = c.execute(addresses.delete().where(addresses.c.city == "Oslo")).rowcount
    with engine.connect() as c:
        linus = c.execute(sa.select(users.c.balance, users.c.created).where(users.c.name == "linus")).one()
        left = c.execute(sa.select(sa.func.count()).select_from(addresses)).scalar_one()
    return {
        "first_id": ada_id,
        "joined": [list(r) for r in joined],
        "counts": [list(r) for r in counts],
        "rich": sorted([r[0], str(r[1])] for r in rich),
        "updated": updated, "deleted": deleted,
        "linus": [str(linus[0]), linus[1].isoformat(sep=" ")],
        "addresses_left": left,
    }


Base = orm.declarative_base()


class Author(Base):
    __tablename__ = "authors"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(60), nullable=False, unique=True)
    born = sa.Column(sa.Date)
    books = orm.relationship("Book", back_populates="author", cascade="all, delete-orphan", order_by="Book.title")


class Book(Base):
    __tablename__ = "books"
    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(200), nullable=False)
    year = sa.Column(sa.Integer, nullable=False)
    price = sa.Column(sa.Numeric(8, 2))
    in_print = sa.Column(sa.Boolean, nullable=False, default=True)
    author_id = sa.Column(sa.Integer, sa.ForeignKey("authors.id"), nullable=False)
    author = orm.relationship("Author", back_populates="books")


orm_engine = sa.create_engine(url % (password, port, "sa_orm"), future=True)


@part("orm")
def orm_part():
    Base.metadata.create_all(orm_engine)
    with orm.Session(orm_engine) as s:
        knuth = Author(name="Knuth", born=datetime.date(1938, 1, 10), books=[
            Book(title="TAOCP 1", year=1968, price=decimal.Decimal("79.99")),
            Book(title="TAOCP 2", year=1969, price=decimal.Decimal("74.50")),
            Book(title="Concrete Mathematics", year=1989, price=None, in_print=False)])
        gray = Author(name="Gray", books=[Book(title="Transaction Processing", year=1992, price=decimal.Decimal("120.00"))])
        s.add_all([knuth, gray])
        s.commit()
        ids = {"knuth": knuth.id, "gray": gray.id}
    with orm.Session(orm_engine) as s:
        authors = s.execute(sa.select(Author).order_by(Author.name)).scalars().all()
        lazy = {a.name: [b.title for b in a.books] for a in authors}
        page = s.execute(sa.select(Book.title).order_by(Book.year.desc()).limit(2).offset(1)).scalars().all()
        joined = s.execute(
            sa.select(Author.name, sa.func.count(Book.id), sa.func.sum(Book.price))
            .join(Author.books).where(Book.in_print.is_(True)).group_by(Author.name).order_by(Author.name)).all()
        knuth = s.execute(sa.select(Author).options(orm.selectinload(Author.books)).where(Author.name == "Knuth")).scalar_one()
        eager = [knuth.name, knuth.born.isoformat(), len(knuth.books)]
        book = s.get(Book, 1)
        book.price = decimal.Decimal("81.00")
        book.title = "TAOCP Volume 1"
        s.delete(s.execute(sa.select(Author).where(Author.name == "Gray")).scalar_one())
        s.commit()
    with orm.Session(orm_engine) as s:
        s.add(Author(name="Nobody"))
        s.flush()
        s.rollback()
        after = s.execute(sa.select(Book.title, Book.price).order_by(Book.title)).all()
        names = s.execute(sa.select(Author.name).order_by(Author.name)).scalars().all()
        try:
            s.add(Author(name="knuth"))
            s.commit()
            duplicate = "no error"
        except sa.exc.IntegrityError as e:
            s.rollback()
            duplicate = e.orig.args[0]
    return {
        "ids": ids,
        "lazy": lazy,
        "page": page,
        "joined": [[r[0], r[1], str(r[2])] for r in joined],
        "eager": eager,
        "after": [[t, str(p) if p is not None else None] for t, p in after],
        "authors": names,
        "duplicate": duplicate,
    }


print(json.dumps(report, separators=(",", ":")))
