"""`erpsync connector new NAME` (R-SDK-9): writes an installable connector package.

    acme-erpsync/
      pyproject.toml              entry point erpsync.connectors: acme = acme_erpsync:AcmeConnector
      README.md
      acme_erpsync/__init__.py
      acme_erpsync/connector.py   every method raises "not implemented yet: <method>"
      tests/test_conformance.py   the conformance kit, by subclassing ConnectorConformance

The files are `string.Template`s in `templates/` (package data, so they ship in the
wheel); the package works as generated: the registry lists it and the kit's tests
run and fail, each naming what to implement next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

_NAME = re.compile(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*")

#: template file → path in the package; `{module}` is filled in.
FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "init.py.tmpl": "{module}/__init__.py",
    "connector.py.tmpl": "{module}/connector.py",
    "test_conformance.py.tmpl": "tests/test_conformance.py",
}


@dataclass(frozen=True)
class Names:
    """Every spelling of the connector's name a package needs."""

    key: str  # entry-point name and `Connector.key`: acme_erp
    distribution: str  # acme-erp-erpsync
    module: str  # acme_erp_erpsync
    class_name: str  # AcmeErpConnector
    title: str  # Acme Erp

    @classmethod
    def of(cls, name: str) -> Names:
        if not _NAME.fullmatch(name):
            raise ValueError(
                f"{name!r} is not a usable connector name: use lowercase letters, digits, "
                "'-' and '_', starting with a letter (e.g. 'acme' or 'acme-erp')."
            )
        key = name.replace("-", "_")
        words = key.split("_")
        return cls(
            key=key,
            distribution=f"{name.replace('_', '-')}-erpsync",
            module=f"{key}_erpsync",
            class_name="".join(word.capitalize() for word in words) + "Connector",
            title=" ".join(word.capitalize() for word in words),
        )


def new_connector(name: str, directory: Path) -> Path:
    """Write the package for connector `name` under `directory`; return its folder.

    Raises ValueError for a bad name or when the folder already exists (never
    overwrites someone's work).
    """
    names = Names.of(name)
    target = directory / names.distribution
    if target.exists():
        raise ValueError(f"{target} already exists; choose another name or --dir.")
    templates = files(__name__) / "templates"
    values = {
        "key": names.key,
        "distribution": names.distribution,
        "module": names.module,
        "class_name": names.class_name,
        "title": names.title,
    }
    for template, relative in FILES.items():
        text = Template(templates.joinpath(template).read_text(encoding="utf-8"))
        path = target / relative.format(module=names.module)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.substitute(values), encoding="utf-8")
    return target
