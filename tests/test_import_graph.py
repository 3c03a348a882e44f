"""sklstm's modules import each other in layers: no cycle, persistence on top.

The graph is read from the source (every ``import`` statement, those inside
functions too), so a lazy import that closes a cycle is found as well.
"""

import ast
from pathlib import Path

import sklstm

ROOT = Path(sklstm.__file__).parent


def module_name(path):
    parts = ["sklstm", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph():
    """``{module: {modules of sklstm it imports}}``, lazy imports included."""
    paths = {module_name(path): path for path in ROOT.rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for statement in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(statement, ast.Import):
                targets = [alias.name for alias in statement.names]
            elif isinstance(statement, ast.ImportFrom):
                base = statement.module or ""
                if statement.level:
                    anchor = package.split(".")[: len(package.split(".")) - statement.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # ``from package import module`` imports the module
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base
                    for alias in statement.names
                ]
            else:
                continue
            edges.update(target for target in targets if target in paths and target != name)
        graph[name] = edges
    return graph


def find_cycle(graph):
    """A list of modules that import each other in a circle, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert "sklstm._neural._lazy" in graph["sklstm._neural._regressor"]
    assert "sklstm._neural._format" in graph["sklstm._neural._regressor"]  # a lazy import
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_imports_itself_through_others():
    cycle = find_cycle(import_graph())
    assert cycle is None, " -> ".join(cycle)


def test_nothing_below_persistence_imports_it():
    graph = import_graph()
    importers = sorted(
        name
        for name, targets in graph.items()
        if not name.startswith("sklstm._persistence")
        and any(t.startswith("sklstm._persistence") for t in targets)
    )
    assert importers == ["sklstm"]
