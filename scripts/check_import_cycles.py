"""Fails when modules of twinspace import each other, directly or round a longer cycle.

import-linter's layers keep packages acyclic; this keeps modules acyclic inside a package too
(docs/architecture.md, "Layout and layers"). Imports under ``if TYPE_CHECKING:`` count: a cycle
of types is still a cycle a reader has to follow.
"""

from __future__ import annotations

import sys

import grimp


def module_cycles(package: str) -> list[list[str]]:
    graph = grimp.build_graph(package)
    modules = sorted(graph.modules)
    index = {name: i for i, name in enumerate(modules)}
    edges = {name: sorted(graph.find_modules_directly_imported_by(name)) for name in modules}
    # Tarjan's strongly connected components, iterative
    order: list[int] = [-1] * len(modules)
    low = [0] * len(modules)
    on_stack = [False] * len(modules)
    stack: list[int] = []
    cycles: list[list[str]] = []
    counter = 0
    for root in range(len(modules)):
        if order[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                order[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            targets = [index[t] for t in edges[modules[node]] if t in index]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if order[target] == -1:
                    work.append((target, 0))
                elif on_stack[target]:
                    low[node] = min(low[node], order[target])
                continue
            for target in targets:
                if on_stack[target] and order[target] > order[node]:
                    low[node] = min(low[node], low[target])
            if low[node] == order[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(modules[member])
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def main() -> int:
    cycles = module_cycles("twinspace")
    for cycle in cycles:
        print("import cycle between modules:", " <-> ".join(cycle))
    if not cycles:
        print("no import cycles between modules of twinspace")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
