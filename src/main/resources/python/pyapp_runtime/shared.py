"""Reports which requirements a directory of installed distributions already satisfies:
``python shared.py DIR REQUIREMENT...`` prints one JSON line per requirement:
``{"requirement", "name", "installed", "satisfied", "pins"}``; ``pins`` (when
satisfied): ``name==version`` of the installed distribution and of every installed one
it requires, transitively, whose version satisfies that requirement (what pip is asked
for to compare an app's own copies with them). Run by the server with the interpreter
that owns pip (it uses pip's vendored ``packaging``)."""
import json
import re
import sys
from importlib import metadata


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(name, extras, installed, requires, requirement_type):
    """The installed distributions ``name`` (with ``extras``) needs, itself included."""
    pins = set()
    seen = set()
    pending = [(name, frozenset(extras))]
    while pending:
        current, wanted = pending.pop()
        if (current, wanted) in seen:
            continue
        seen.add((current, wanted))
        pins.add("%s==%s" % (current, installed[current]))
        for text in requires.get(current) or []:
            needed = requirement_type(text)
            if needed.marker is not None and not any(
                    needed.marker.evaluate({"extra": extra}) for extra in (wanted or {""})):
                continue
            other = _normalize(needed.name)
            version = installed.get(other)
            if version is not None and needed.specifier.contains(version, prereleases=True):
                pending.append((other, frozenset(needed.extras)))
    return sorted(pins)


def main(argv):
    directory, requirements = argv[0], argv[1:]
    try:
        from pip._vendor.packaging.requirements import Requirement
    except ImportError:
        from packaging.requirements import Requirement
    installed = {}
    requires = {}
    for dist in metadata.distributions(path=[directory]):
        installed[_normalize(dist.metadata["Name"])] = dist.version
        requires[_normalize(dist.metadata["Name"])] = dist.requires
    for text in requirements:
        requirement = Requirement(text)
        name = _normalize(requirement.name)
        version = installed.get(name)
        satisfied = version is not None and requirement.specifier.contains(version, prereleases=True)
        pins = _pins(name, requirement.extras, installed, requires, Requirement) if satisfied else []
        print(json.dumps({"requirement": text, "name": name, "installed": version, "satisfied": satisfied,
                          "pins": pins}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
