"""The operator's configuration, read from the INI file PYAPP_CONFIG_FILE."""

import configparser
import os

# Mirrors configuration.yaml: used when the file or a value is missing.
DEFAULTS = {
    "site": {
        "title": "My guestbook",
        "entries_per_page": "20",
        "admin_email": "",
        "theme": "light",
        "secret_key": "",
    }
}

# Fields whose values must never be shown (widget: secret in configuration.yaml).
SECRETS = {("site", "secret_key")}


def load():
    """Returns {section: {field: value}}: the defaults overlaid with the file."""
    values = {section: dict(fields) for section, fields in DEFAULTS.items()}
    path = os.environ.get("PYAPP_CONFIG_FILE")
    if path and os.path.isfile(path):
        # interpolation off: a '%' in a value is just a character
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(path, encoding="utf-8")
        for section in parser.sections():
            values.setdefault(section, {}).update(parser.items(section))
    return values


def masked(values):
    """The same values with every secret replaced by '***'."""
    return {
        section: {
            name: ("***" if (section, name) in SECRETS and value else value)
            for name, value in fields.items()
        }
        for section, fields in values.items()
    }


def entries_per_page(values):
    try:
        return max(1, min(500, int(values["site"]["entries_per_page"])))
    except (KeyError, ValueError):
        return 20
