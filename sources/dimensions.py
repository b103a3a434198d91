"""One filter-to-column resolution: which column of an entity answers a dimension such as
``channel`` or ``campaign``, for the KPI engine, the pre-aggregates and the lifecycle views alike.

The aliases are data (``dimension_aliases`` of ``config/entities.yaml``, parsed in
``data.schema``): ``opportunities: {channel: source_channel}`` means a ``channel`` filter or
``--by channel`` reads ``source_channel`` of the opportunities.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from data.schema import EntitySchema


class Dimensions:
    """The dimension resolution of one schema (a source's entities)."""

    def __init__(self, schema: Mapping[str, EntitySchema]) -> None:
        self.schema = schema
        self._aliases = {name: dict(e.dimension_aliases) for name, e in schema.items()}

    def alias(self, entity: str, name: str) -> str:
        """The column name ``name`` stands for in ``entity`` (itself when it is no alias there)."""
        return self._aliases.get(entity, {}).get(name, name)

    def column(self, entity: str, name: str) -> str | None:
        """The entity's own canonical column for ``name`` (an alias, or a field of that name), else None."""
        target = self.alias(entity, name)
        return target if target in self.schema[entity].field_names else None

    def declared(self, entity: str, name: str, declared: Mapping[str, str], columns: Iterable[str]) -> str | None:
        """The column answering ``name`` for a KPI that declares ``declared`` (name asked -> column):
        declared under the name or its alias, else a kept (non-canonical) column of the data."""
        found = declared.get(name) or declared.get(self.alias(entity, name))
        if found:
            return found
        return name if name in set(columns) and name not in self.schema[entity].field_names else None
