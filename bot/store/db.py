"""Engine, sessions and schema upgrades: one session per unit of work.

SQLite runs in WAL with `synchronous=NORMAL`, SQLite's own advice for WAL: a commit no
longer waits for an fsync of the log (only checkpoints do), so a deal post's unit of
work costs no disk flush. It stays durable against Serve crashing or being killed, which
is what a bot restarting under a supervisor meets; only a power loss or an OS crash may
roll back the last commits, and those are redone as Slack's events are: a deal post
replayed or caught up from history records the same deal once (see catch-up)."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    Insert,
    Result,
    Table,
    create_engine,
    event,
    make_url,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_UPGRADE_LOCK_KEY = 7_406_195_301  # any constant: serialises replicas upgrading one PostgreSQL
# Waits, in seconds, before each new try at a unit of work's connection: enough to ride
# out a PostgreSQL restart (a fraction of a second) without holding a listener long.
RECONNECT_BACKOFF = (0.05, 0.1, 0.2, 0.4)


def database_unavailable(error: BaseException) -> bool:
    """The database could not do the work (it went away, refused to connect, or has no
    room left) rather than refused the work itself: the same work can succeed later."""
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


class Store:
    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite gives one writer at a time: reads that need no lock get their own
        # connections, which never wait for it (WAL keeps their snapshot steady).
        self._read_engine = (
            make_engine(url, read_only=True, **engine_options)
            if self.dialect == "sqlite"
            else self.engine
        )
        self._read_sessions = sessionmaker(self._read_engine, expire_on_commit=False)
        # SQLite's own wait for its write lock sleeps in steps of up to 100 ms; writers
        # of this process (the only one a SQLite file serves) queue here instead.
        self._one_writer: AbstractContextManager[object] = (
            threading.RLock() if self.dialect == "sqlite" else nullcontext()
        )

    @property
    def read_engine(self) -> Engine:
        """The engine `reading` uses: SQLite's own read-only one, else the same engine."""
        return self._read_engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._one_writer:
            session, transaction = self._connected(self._sessions)
            with session, transaction:
                yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A transaction that only reads: on SQLite it neither takes nor waits for the
        write lock, and a write in it fails."""
        session, transaction = self._connected(self._read_sessions)
        with session, transaction:
            yield session

    def _connected(self, sessions: sessionmaker[Session]) -> tuple[Session, SessionTransaction]:
        """A session whose transaction has begun on a live connection. Every unit of work
        starts here, and only here is one tried again: nothing of it has run yet, so a
        connection dropped or refused (a database restarting) costs a short wait, never
        work done twice. A failure later in the unit rolls it all back and reaches its
        caller (see `database_unavailable`)."""
        waits = iter(RECONNECT_BACKOFF)
        while True:
            session = sessions()
            try:
                transaction = session.begin()
                session.connection()
                return session, transaction
            except DBAPIError as error:
                session.close()
                wait = next(waits, None)
                if wait is None or not self._reconnecting_helps(error):
                    raise
                log.warning("the database did not answer; trying again in %s s", wait)
                time.sleep(wait)  # the database's own time to come back, not Serve's clock

    def _reconnecting_helps(self, error: DBAPIError) -> bool:
        """A dropped connection, or a server not taking connections for a moment (a
        PostgreSQL restart). SQLite's file drops none: its failures here (a lock held
        past its busy timeout, a file it cannot open) last longer than these waits."""
        if error.connection_invalidated:
            return True
        return self.dialect != "sqlite" and isinstance(error, OperationalError)

    def upgrade(self) -> None:
        """Bring the schema to the newest migration; safe when several replicas start at once."""
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": _UPGRADE_LOCK_KEY}
                )
            config = alembic_config()
            unknown = unknown_revisions(connection, config)
            if unknown:
                raise SchemaFromNewerServe(unknown)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()
        self._read_engine.dispose()


class SchemaFromNewerServe(Exception):
    """The database's schema is at a revision this code has no migration for: a newer
    Serve made it, and this one must not run on it."""

    def __init__(self, revisions: list[str]) -> None:
        super().__init__(", ".join(revisions))
        self.revisions = revisions


def unknown_revisions(connection: Connection, config: Config) -> list[str]:
    """The database's schema revisions that none of this code's migrations is."""
    current = MigrationContext.configure(connection).get_current_heads()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    return sorted(revision for revision in current if revision not in known)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def make_engine(url: str, read_only: bool = False, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _tune_sqlite)
        if read_only:
            event.listen(engine, "connect", _only_read)
            event.listen(engine, "begin", _begin_reading)
        else:
            event.listen(engine, "begin", _begin_immediately)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # The driver would open transactions lazily, at the first write; `_begin_immediately`
    # opens them itself so a unit of work's reads and writes are one transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # see the module's docstring
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _only_read(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _begin_reading(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _begin_immediately(connection: Connection) -> None:
    """Take SQLite's write lock when a unit of work starts: what it read cannot change
    before it writes, as a row lock would ensure on PostgreSQL."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def dialect_insert(dialect: str) -> Callable[[Any], Any]:
    """The dialect's own INSERT, the one with ON CONFLICT."""
    if dialect == "postgresql":
        return postgresql.insert
    if dialect == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"no insert-if-absent for {dialect}")


@cache
def _insert_if_absent(table: Table, dialect: str, unique: tuple[str, ...]) -> Insert:
    """Built once per table and dialect: the row's values come as parameters, so
    SQLAlchemy compiles it once and never rebuilds it per call."""
    key = next(iter(table.primary_key.columns))
    insert = dialect_insert(dialect)(table)
    return cast(Insert, insert.on_conflict_do_nothing(index_elements=list(unique)).returning(key))


def insert_if_absent(
    session: Session, model: type[Any], values: dict[str, Any], unique: list[str]
) -> Any | None:
    """INSERT … ON CONFLICT DO NOTHING; the new primary key, or None when the row existed.

    The unique constraint decides, so two replicas or two deliveries racing get one winner.
    """
    dialect = session.get_bind().dialect.name
    statement = _insert_if_absent(model.__table__, dialect, tuple(unique))
    return session.execute(statement, values).scalar_one_or_none()


def hold_row(session: Session, model: type[Any], values: dict[str, Any], unique: list[str]) -> None:
    """Make sure a row exists and hold its lock until the unit of work ends: a SELECT
    FOR UPDATE, or for a row not there yet an INSERT whose conflict is an UPDATE that
    changes nothing (so a row inserted meanwhile is held all the same)."""
    key = next(iter(model.__table__.primary_key.columns))
    same_row = [model.__table__.c[name] == values[name] for name in unique]
    if session.execute(select(key).where(*same_row).with_for_update()).first() is not None:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(model).values(**values)
        same = {name: pg.excluded[name] for name in unique}
        session.execute(pg.on_conflict_do_update(index_elements=unique, set_=same))
        return
    if dialect == "sqlite":
        lite = sqlite.insert(model).values(**values)
        same = {name: lite.excluded[name] for name in unique}
        session.execute(lite.on_conflict_do_update(index_elements=unique, set_=same))
        return
    raise NotImplementedError(f"no row lock for {dialect}")


def ping(session: Session) -> None:
    """The cheapest statement the database must answer: the health check's question."""
    session.execute(text("SELECT 1"))


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched."""
    return int(cast(CursorResult[Any], result).rowcount)


class SQLiteInUse(Exception):
    """Another process runs Serve on this SQLite file: `pid` when the system says which."""

    def __init__(self, path: Path, pid: int | None) -> None:
        super().__init__(f"{path} (pid {pid})" if pid else str(path))
        self.path = path
        self.pid = pid


FileKey = tuple[int, int]  # (st_dev, st_ino): the file itself, whatever name reaches it
_held_files: dict[FileKey, int] = {}
_held_lock = threading.Lock()
PROC_LOCKS = Path("/proc/locks")


def hold_sqlite_file(url: str) -> None:
    """Serve's SQLite file is for one process: a second one on the same file stops here
    (several bots in one process, as in tests, share the hold). PostgreSQL is for
    replicas. The hold is an flock on the database file itself, so a hard link, a
    relative path or a `file:` URI to it is the same file; SQLite's own locks are POSIX
    locks, which an flock neither meets nor breaks. The hold ends with the process."""
    path = sqlite_file(url)
    if path is None or not path.parent.is_dir():
        return  # in memory; or the database can't open either, and says why
    with _held_lock:
        if _key_of(path) in _held_files:
            return  # never open (and so close) another descriptor: that drops SQLite's locks
        descriptor = _open_for_hold(path)
        if descriptor is None:
            return  # unreadable: opening the database fails, and says why
        status = os.fstat(descriptor)
        key = (status.st_dev, status.st_ino)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise SQLiteInUse(path, holder_pid(key, _read_locks())) from None
        _held_files[key] = descriptor


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL opens, as an absolute path: a relative one is the working
    folder's, and `sqlite:///file:…?uri=true` is read as SQLite reads a URI. None for a
    database in memory, or a URL that is not SQLite's."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    query = {name: str(value) for name, value in parsed.query.items()}
    if query.get("uri", "").lower() in ("true", "1") and database.startswith("file:"):
        if query.get("mode") == "memory":
            return None
        database = _uri_path(database.removeprefix("file:"))
    if database in ("", ":memory:"):
        return None
    return Path(os.path.abspath(database))


def _uri_path(rest: str) -> str:
    """`///abs/x.db`, `//localhost/abs/x.db`, `rel.db` or `/abs/x%20y.db` → its path."""
    path = rest.split("#", 1)[0]
    if path.startswith("//"):
        _authority, _, below = path[2:].partition("/")
        path = "/" + below
    return unquote(path)


def _key_of(path: Path) -> FileKey | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def _open_for_hold(path: Path) -> int | None:
    """A descriptor on the database file, made empty when absent (SQLite takes an empty
    file as a new database), so there is a file to hold before the database opens it."""
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags, 0o600)
        except OSError:
            continue
    return None


def _read_locks() -> str:
    try:
        return PROC_LOCKS.read_text()
    except OSError:  # not Linux, or not readable: the pid stays unknown
        return ""


def holder_pid(key: FileKey, locks: str) -> int | None:
    """Which other process holds an flock on the file, from /proc/locks' lines like
    `1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF` (device major:minor in hex)."""
    device, inode = key
    wanted = f"{os.major(device):02x}:{os.minor(device):02x}:{inode}"
    for line in locks.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted:
            pid = int(fields[4]) if fields[4].isdigit() else 0
            if pid and pid != os.getpid():
                return pid
    return None
