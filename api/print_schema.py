"""Prints the GraphQL schema (SDL); `make schema` writes it to schema.graphql."""

from __future__ import annotations

import sys

from api.schema import schema


def schema_sdl() -> str:
    """The schema as committed in schema.graphql."""
    return schema.as_str() + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_sdl())
