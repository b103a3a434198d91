"""Balanced scorecards: definitions (``model``, ``loader``), rules (``rules``), evaluation
(``evaluation``, ``result``), strategy map data (``strategy_map``) and the ``scorecard`` command."""
