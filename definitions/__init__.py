"""The definitions registry: every YAML definition loaded together and checked as a whole."""
from definitions.registry import Definitions, check, load_definitions, shipped

__all__ = ["Definitions", "check", "load_definitions", "shipped"]
