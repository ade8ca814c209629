"""Read a config stored in a checkpoint without executing it.

mmengine stores ``Config.pretty_text`` in ``meta['cfg']``: top-level
assignments of literals, lists, tuples, ``dict(key=value)`` calls and
``dict({...})`` (for keys that are not identifiers). ``Config.fromstring``
would execute that text as Python, so any code a crafted checkpoint carries
would run. :func:`parse_literal_config` parses it with :mod:`ast` and
accepts exactly that shape; anything else (another call, an import, an
attribute, an operator) is refused.

The reverse direction needs the same care: ``pretty_text`` writes a dict
key between quotes without escaping it, so a key read from a crafted
checkpoint can close the quote and become code in a written config.
:func:`literal_config_text` returns the text only when it reads back as
the same plain values.
"""
import ast
from typing import Any

from mmengine.config import Config


class UnsafeConfigError(ValueError):
    """A stored config holds something other than plain values."""


def _value(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_value(item) for item in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_value(k): _value(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.UnaryOp) and isinstance(
            node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return -node.operand.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == 'dict' and not node.args
            and all(k.arg is not None for k in node.keywords)):
        return {k.arg: _value(k.value) for k in node.keywords}
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id == 'dict' and len(node.args) == 1
            and not node.keywords and isinstance(node.args[0], ast.Dict)):
        return _value(node.args[0])
    raise UnsafeConfigError(
        f'line {getattr(node, "lineno", "?")}: {ast.unparse(node)[:80]!r} is '
        f'not a plain value')


def parse_literal_config(text: str) -> Config:
    """A Config from the text of ``Config.pretty_text``, never executed.

    Args:
        text: the stored config.

    Returns:
        Config: its assignments.

    Raises:
        UnsafeConfigError: the text is anything but assignments of plain
            values (literals, lists, tuples, dicts, ``dict(...)``).
    """
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise UnsafeConfigError(f'not a config: {error}') from error
    values = {}
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            raise UnsafeConfigError(
                f'line {statement.lineno}: only assignments of plain values '
                f'are read, got {ast.unparse(statement)[:80]!r}')
        values[statement.targets[0].id] = _value(statement.value)
    return Config(values)


def literal_config_text(cfg: Config) -> str:
    """``cfg.pretty_text``, checked to hold nothing but ``cfg``'s values.

    Args:
        cfg: a config of plain values (e.g. read from a checkpoint).

    Returns:
        str: the text, safe to write as a ``.py`` config that others load
        with ``Config.fromfile`` (which executes it).

    Raises:
        UnsafeConfigError: the text would be code, or would read back as
            other values (a key or string that escapes its quotes).
    """
    try:
        # mmengine formats the text with yapf, which fails on a key that
        # breaks the syntax
        text = cfg.pretty_text
        written = parse_literal_config(text).to_dict()
    except (SyntaxError, UnsafeConfigError) as error:
        raise UnsafeConfigError(
            f'the config would be written as code, not plain values (a key '
            f'or string closes its quotes): {error}') from error
    if written != cfg.to_dict():
        raise UnsafeConfigError(
            'the config would be written as other values than it holds (a '
            'key or string closes its quotes); nothing was written')
    return text
