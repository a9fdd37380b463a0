"""Reports which requirements a directory of installed distributions already satisfies:
``python shared.py DIR REQUIREMENT...`` prints one JSON line per requirement:
``{"requirement", "name", "installed", "satisfied"}``. Run by the server with the
interpreter that owns pip (it uses pip's vendored ``packaging``)."""
import json
import re
import sys
from importlib import metadata


def _normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def main(argv):
    directory, requirements = argv[0], argv[1:]
    try:
        from pip._vendor.packaging.requirements import Requirement
    except ImportError:
        from packaging.requirements import Requirement
    installed = {}
    for dist in metadata.distributions(path=[directory]):
        installed[_normalize(dist.metadata["Name"])] = dist.version
    for text in requirements:
        requirement = Requirement(text)
        name = _normalize(requirement.name)
        version = installed.get(name)
        satisfied = version is not None and requirement.specifier.contains(version, prereleases=True)
        print(json.dumps({"requirement": text, "name": name, "installed": version, "satisfied": satisfied}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
