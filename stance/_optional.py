"""One place that turns a missing optional dependency into an actionable message."""

from __future__ import annotations

import importlib


def require(module: str, extra: str):
    """Import `module`, or say which extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"this needs {module.split('.')[0]!r}: pip install 'intervention-stance[{extra}]'") from None
