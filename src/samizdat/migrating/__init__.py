"""Bringing a newsroom's archive from another system (docs/migrating.md): WordPress today."""
