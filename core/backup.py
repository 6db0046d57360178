"""One archive holding the database and the media files (evidence, report files), and back.

The archive is a plain tar file:

    manifest.json      what was backed up, when, from which database engine
    database.pgdump    pg_dump --format=custom (PostgreSQL), or database.sqlite3 (SQLite)
    media/...          every file under MEDIA_ROOT, with its relative path

The database and the files are restored together, so a report row never points at a file the
restore did not bring back, and no file survives that the backup did not hold.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why in plain words."""


def _engine(alias: str = "default") -> str:
    engine = connections[alias].settings_dict["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"Backing up a {engine} database is not supported.")


def _pg_command(program: str, alias: str = "default") -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    args = [program, "--no-owner", "--no-privileges", f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (the Docker image has it).")
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def _dump_database(workdir: Path) -> Path:
    if _engine() == "postgresql":
        target = workdir / "database.pgdump"
        args, env = _pg_command("pg_dump")
        _run([*args, "--format=custom", f"--file={target}"], env)
        return target
    target = workdir / "database.sqlite3"
    source = sqlite3.connect(connections["default"].settings_dict["NAME"])
    try:
        with sqlite3.connect(target) as copy:
            source.backup(copy)
    finally:
        source.close()
    return target


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup_write(output: BinaryIO) -> dict:
    """Write the archive to a binary stream; returns the manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    media_files = sorted(p for p in media_root.rglob("*") if p.is_file())
    with tempfile.TemporaryDirectory() as workdir:
        dump = _dump_database(Path(workdir))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "engine": _engine(),
            "database": dump.name,
            "media_files": len(media_files),
        }
        # Stream mode: the archive can go to stdout (docker compose exec ... > backup.tar).
        with tarfile.open(fileobj=output, mode="w|") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            archive.add(dump, arcname=dump.name)
            for path in media_files:
                archive.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
    return manifest


def _restore_database(dump: Path, engine: str) -> None:
    if engine != _engine():
        raise BackupError(f"The backup is of a {engine} database; this site uses {_engine()}.")
    connections.close_all()
    if engine == "postgresql":
        args, env = _pg_command("pg_restore")
        _run([*args, "--clean", "--if-exists", "--single-transaction", str(dump)], env)
        return
    source = sqlite3.connect(dump)
    try:
        with sqlite3.connect(connections["default"].settings_dict["NAME"]) as target:
            source.backup(target)
    finally:
        source.close()


def _replace_media(extracted: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if extracted.exists():
        for child in extracted.iterdir():
            shutil.move(str(child), media_root / child.name)


def backup_restore(source: BinaryIO) -> dict:
    """Replace the database and the media files with an archive's; returns its manifest."""
    with tempfile.TemporaryDirectory() as workdir:
        work = Path(workdir)
        try:
            with tarfile.open(fileobj=source, mode="r|") as archive:
                # The data filter refuses absolute paths, "..", links out and devices.
                archive.extractall(work, filter="data")
        except tarfile.TarError as error:
            raise BackupError(f"This is not a backup archive: {error}") from error
        try:
            manifest = json.loads((work / MANIFEST).read_text())
        except (OSError, ValueError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
            raise BackupError("This is not a backup archive written by `manage.py backup`.")
        dump = work / manifest["database"]
        if not dump.is_file():
            raise BackupError(f"The archive has no {manifest['database']}.")
        _restore_database(dump, manifest["engine"])
        _replace_media(work / MEDIA)
    return manifest


def default_backup_name() -> str:
    return f"nisp-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar"
