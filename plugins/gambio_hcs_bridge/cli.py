"""Command line of the bridge: ``hcsbridge <command>``.

Each command group lives beside the code it drives and registers itself through an
``add_commands(subparsers)`` function listed in ``_COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

_COMMAND_MODULES = (
    "gambio_hcs_bridge.devstack.commands",
    "gambio_hcs_bridge.devstack.demo_import",
    "gambio_hcs_bridge.devstack.demo_delivery",
    "gambio_hcs_bridge.demo.commands",
    "gambio_hcs_bridge.hcs_user",
    "gambio_hcs_bridge.statuses",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hcsbridge", description="Gambio ⇄ HCS 2000 bridge tools")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
