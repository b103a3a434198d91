"""Safe KPI formulas: numbers, part names, ``+ - * /`` and parentheses, nothing else.

A formula is parsed with :mod:`ast` and every node is checked against a short allow-list, so
an expression can never call a function, touch an attribute, or reach files, network or Python
internals. Evaluation works on whole columns (pandas Series), never row by row; ``x / 0`` is NaN.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping

import pandas as pd

MAX_FORMULA_LENGTH = 300
ALLOWED = "only numbers, part names, + - * / and parentheses"

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
_UNARY = (ast.UAdd, ast.USub)


def check_formula(text: str, parts: set[str] | frozenset[str]) -> list[str]:
    """Every problem of ``text`` as a formula over ``parts`` (an empty list means it is fine)."""
    if len(text) > MAX_FORMULA_LENGTH:
        return [f"longer than {MAX_FORMULA_LENGTH} characters"]
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        return [f"{text!r} is not a valid formula ({exc.msg})"]
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp) + _BINOPS + _UNARY + (ast.Load,)):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            continue
        if isinstance(node, ast.Name):
            if node.id not in parts:
                problems.append(f"{node.id!r} is not a part of this KPI (parts: {sorted(parts)})")
            continue
        what = f"text {node.value!r}" if isinstance(node, ast.Constant) else type(node).__name__
        problems.append(f"{what} is not allowed ({ALLOWED})")
    return list(dict.fromkeys(problems))


def names(text: str) -> tuple[str, ...]:
    """The part names a (checked) formula uses, in order of appearance."""
    tree = ast.parse(text.strip(), mode="eval")
    return tuple(dict.fromkeys(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)))


def evaluate(text: str, columns: Mapping[str, pd.Series]) -> pd.Series:
    """Evaluate a checked formula column-wise. Division by zero gives NaN, not an error."""
    tree = ast.parse(text.strip(), mode="eval")
    problems = check_formula(text, frozenset(columns))
    if problems:  # defence in depth: the catalogue has checked it already
        raise ValueError("; ".join(problems))
    return _eval(tree.body, columns)


def _eval(node: ast.AST, columns: Mapping[str, pd.Series]):
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return columns[node.id].astype("float64")
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, columns)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, columns), _eval(node.right, columns)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(right, pd.Series):
            return left / right.where(right != 0)
        return left / right if right != 0 else left * float("nan")
    raise ValueError(f"{type(node).__name__} is not allowed ({ALLOWED})")
