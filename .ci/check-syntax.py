#!/usr/bin/env python3
"""Parses the hand-written Swift that cannot be compiled here (no Swift toolchain) with
tree-sitter's Swift grammar, and fails on any syntax error. A syntax check only: types and
API use are checked when the package is built on a Mac (README, "Swift")."""
import pathlib
import sys

import tree_sitter
import tree_sitter_swift

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = ["bindings/swift/**/*.swift", "ios/**/*.swift"]


def errors(tree):
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            yield node
        stack.extend(node.children)


def main():
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    files = sorted(
        p for pattern in SOURCES for p in ROOT.glob(pattern)
        if ".build" not in p.parts and "Sources" not in p.parts  # generated
    )
    if not files:
        sys.exit("no Swift sources found")
    bad = 0
    for path in files:
        for node in errors(parser.parse(path.read_bytes())):
            row, col = node.start_point
            print(f"{path.relative_to(ROOT)}:{row + 1}:{col + 1}: syntax error")
            bad += 1
    print(f"Swift syntax: {len(files)} files parsed, {bad} errors")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
