#!/usr/bin/env python3
"""Builds the example apps into .pyapp archives (Python standard library only).

    python3 examples/build.py                     # every example -> examples/dist/<name>.pyapp
    python3 examples/build.py guestbook           # one example
    python3 examples/build.py --version 1.1.0     # examples/dist/<name>-1.1.0.pyapp, with that version
    python3 examples/build.py --out DIR ...       # write into DIR instead of examples/dist

An example is a directory of examples/ holding a metadata.yaml. The archives are
deterministic: entries sorted, fixed timestamps and permissions, no __pycache__,
so the same sources always give the same bytes (and the same checksum).

Maven runs this in the generate-test-resources phase (exec-maven-plugin), so
tests can use examples/dist/guestbook.pyapp. Java tests that need another
version run: python3 examples/build.py --version 1.1.0 --out <dir> guestbook
"""

import argparse
import os
import re
import sys
import zipfile

EXAMPLES = os.path.dirname(os.path.abspath(__file__))

# 1980-01-01, the earliest time a zip entry can hold
TIMESTAMP = (1980, 1, 1, 0, 0, 0)

SKIPPED_DIRS = {"__pycache__", ".git", ".pytest_cache", ".mypy_cache"}
SKIPPED_SUFFIXES = (".pyc", ".pyo", ".swp", "~")
SKIPPED_FILES = {".DS_Store"}

VERSION_LINE = re.compile(r"^version:.*$", re.MULTILINE)
PEP440 = re.compile(r"^[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$")


def examples():
    """The names of the example directories."""
    return sorted(name for name in os.listdir(EXAMPLES)
                  if os.path.isfile(os.path.join(EXAMPLES, name, "metadata.yaml")))


def files(root):
    """The files to archive, as sorted paths relative to root with '/' separators."""
    result = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = [d for d in subdirs if d not in SKIPPED_DIRS]
        for name in names:
            if name in SKIPPED_FILES or name.endswith(SKIPPED_SUFFIXES):
                continue
            path = os.path.join(directory, name)
            if os.path.islink(path):
                raise SystemExit("refusing to archive a symlink: " + path)
            result.append(os.path.relpath(path, root).replace(os.sep, "/"))
    return sorted(result)


def build(name, out, version=None):
    root = os.path.join(EXAMPLES, name)
    target = os.path.join(out, "%s.pyapp" % name if version is None else "%s-%s.pyapp" % (name, version))
    os.makedirs(out, exist_ok=True)
    temp = target + ".tmp"
    with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files(root):
            with open(os.path.join(root, path), "rb") as source:
                data = source.read()
            if path == "metadata.yaml" and version is not None:
                text, count = VERSION_LINE.subn("version: " + version, data.decode("utf-8"), count=1)
                if count != 1:
                    raise SystemExit("%s/metadata.yaml has no 'version:' line" % name)
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(path, date_time=TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            entry.create_system = 3  # unix, so the mode above is meaningful
            archive.writestr(entry, data)
    os.replace(temp, target)
    return target


def main(argv):
    parser = argparse.ArgumentParser(description="Build the example apps into .pyapp archives.")
    parser.add_argument("names", nargs="*", help="examples to build (default: all)")
    parser.add_argument("--version", help="write <name>-<version>.pyapp with this version in metadata.yaml")
    parser.add_argument("--out", default=os.path.join(EXAMPLES, "dist"), help="output directory")
    args = parser.parse_args(argv)
    if args.version is not None and not PEP440.match(args.version):
        parser.error("--version must be a PEP 440 version such as 1.1.0")
    known = examples()
    for name in args.names:
        if name not in known:
            parser.error("no example named %r (known: %s)" % (name, ", ".join(known)))
    for name in args.names or known:
        print(build(name, args.out, args.version))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
