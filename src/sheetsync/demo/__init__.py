"""The whole loop on the fictional 示例县: ``run`` (every stage) and ``data`` (its units and plan)."""

from sheetsync.demo.run import build_demo

__all__ = ["build_demo"]
