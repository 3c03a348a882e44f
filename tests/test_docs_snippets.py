"""What a page says its code prints is what the code prints.

A page states the output of its Python code in one of two ways, and this file
runs the code and compares:

* an inline comment on the line that prints: ``print(...)  # prints: 21.3``;
* a fenced block right after the marker line ``<!-- prints -->``.

Each check covers everything the page's code printed since the previous
check: the page's Python blocks run in order in one namespace, up to its last
check, so every ``print`` on a checked page is claimed by a check. Words,
integers, dates and labels must match exactly (whitespace aside); numbers
with a decimal point and percentages must lie within the tolerance the page
states once, ``<!-- printed numbers: within 10% -->``, or half a unit of
their last printed digit, whichever is larger. A page that prints without
stating what is listed in :data:`NOT_CHECKED` with the reason.
"""

import contextlib
import importlib.util
import io
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

TOLERANCE = re.compile(r"<!-- printed numbers: within (\d+(?:\.\d+)?)% -->")
OUTPUT_MARKER = "<!-- prints -->"
INLINE = re.compile(r"#\s*prints:\s?(.*)$")
FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
# A number with a decimal point, or a percentage; other tokens match exactly.
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*(?:e[-+]?\d+)?|\d+(?=%))")
# Modules a snippet may need that the test install ([test]) does not have:
# a block importing one that is missing is not run, and a check on its
# output is skipped, by name.
OPTIONAL = ("matplotlib", "statsforecast")
# Pages whose code prints without the page stating what (file name -> why).
NOT_CHECKED = {
    "interop.md": "its inline results are checked by tests/test_interop.py",
    "persistence.md": "its inline result is checked by tests/test_persistence.py",
    "scaling-out.md": "prints a search's choice, states no figure",
    "tuning.md": "prints a search's choice and score, states no figure",
}
# Pages whose checked code takes more than about 20 s.
SLOW: "set[str]" = set()
# Pages with a test of their own below.
OWN_TEST = {"intervals.md"}


@dataclass
class Block:
    kind: str  # "python" or "output"
    text: str
    line: int  # 1-based line of the opening fence
    expected: "list[str]" = field(default_factory=list)  # inline claims


def parse(text):
    """The page's Python blocks and output checks, in order."""
    lines, blocks, i = text.splitlines(), [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, info, start = match.group(1), match.group(2), i
        i += 1
        body = []
        while i < len(lines) and not re.match(rf"^{indent}```\s*$", lines[i]):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence
        code = textwrap.dedent("\n".join(body)) + "\n"
        if start > 0 and lines[start - 1].strip() == OUTPUT_MARKER:
            blocks.append(Block("output", code, start + 1))
        elif info == "python":
            claims = [m.group(1).strip() for m in map(INLINE.search, body) if m]
            blocks.append(Block("python", code, start + 1, claims))
    return blocks


def has_checks(blocks):
    return any(b.kind == "output" or b.expected for b in blocks)


def tolerance(text, name):
    found = TOLERANCE.findall(text)
    assert len(found) == 1, (
        f"{name} states printed output: say once how close the numbers must be, "
        "e.g. '<!-- printed numbers: within 10% -->'"
    )
    return float(found[0]) / 100


def _tokens(text):
    return text.split()


def _numbers(token):
    return [(m.group(0), m.start(), m.end()) for m in NUMBER.finditer(token)]


def mismatch(expected, actual, rel):
    """The first difference between two outputs, or None when they agree."""
    want, got = _tokens(expected), _tokens(actual)
    if len(want) != len(got):
        return f"{len(got)} words printed, {len(want)} stated"
    for w, g in zip(want, got):
        w_nums, g_nums = _numbers(w), _numbers(g)
        skeleton = (NUMBER.sub("#", w), NUMBER.sub("#", g))
        if skeleton[0] != skeleton[1] or len(w_nums) != len(g_nums):
            return f"printed {g!r}, stated {w!r}"
        for (wn, *_), (gn, *_) in zip(w_nums, g_nums):
            decimals = len(wn.split(".")[1]) if "." in wn else 0
            allowed = max(rel * abs(float(wn)), 0.5 * 10.0**-decimals)
            if abs(float(gn) - float(wn)) > allowed:
                return f"printed {g!r}, stated {w!r} (allowed +/- {allowed:.3g})"
    return None


def _missing_optional(code):
    return [
        name
        for name in OPTIONAL
        if re.search(rf"^\s*(?:import|from)\s+{name}\b", code, re.MULTILINE)
        and importlib.util.find_spec(name) is None
    ]


def run_page(path):
    """Run the page's code up to its last check; assert every check.

    Returns the namespace the code ran in.
    """
    text = path.read_text()
    blocks = parse(text)
    rel = tolerance(text, path.name)
    last = max(i for i, b in enumerate(blocks) if b.kind == "output" or b.expected)
    namespace, printed, not_run, unchecked = {}, io.StringIO(), [], []
    previous_skipped = False
    for block in blocks[: last + 1]:
        if block.kind == "python":
            missing = _missing_optional(block.text)
            previous_skipped = bool(missing)
            if missing:
                not_run.append(f"line {block.line} (needs {', '.join(missing)})")
                if block.expected:
                    unchecked.append(f"line {block.line}")
                continue
            with contextlib.redirect_stdout(printed):
                code = compile(block.text, f"{path.name}:{block.line}", "exec")
                exec(code, namespace)  # noqa: S102
            if not block.expected:
                continue
            expected = "\n".join(block.expected)
        elif previous_skipped:
            unchecked.append(f"line {block.line}")
            printed = io.StringIO()
            continue
        else:
            expected = block.text
        problem = mismatch(expected, printed.getvalue(), rel)
        assert problem is None, (
            f"{path.name}, the output stated at line {block.line}: {problem}.\n"
            f"The code printed:\n{printed.getvalue()}"
        )
        printed = io.StringIO()
    if unchecked:
        pytest.skip(f"{path.name}: not run {not_run}, so unchecked: {unchecked}")
    return namespace


def _checked_pages():
    params = []
    for page in PAGES:
        if page.name in OWN_TEST or not has_checks(parse(page.read_text())):
            continue
        marks = [pytest.mark.slow] if page.name in SLOW else []
        params.append(pytest.param(page, id=page.name, marks=marks))
    return params


@pytest.fixture(autouse=True)
def _agg_backend(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # plots drawn, never shown


@pytest.mark.parametrize("page", _checked_pages())
def test_the_page_prints_what_it_says(page):
    run_page(page)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_printing_page_states_and_checks_its_output(page):
    blocks = parse(page.read_text())
    prints = any(re.search(r"\bprint\(", b.text) for b in blocks if b.kind == "python")
    if page.name in NOT_CHECKED:
        assert prints and not has_checks(blocks), f"update NOT_CHECKED for {page.name}"
    elif prints:
        assert has_checks(blocks), f"{page.name} prints: state what, or say why not"


def test_slow_and_own_pages_exist():
    names = {page.name for page in PAGES}
    assert SLOW | OWN_TEST | set(NOT_CHECKED) <= names


def test_the_comparison_fails_on_a_figure_the_code_does_not_print():
    # The intervals page once said "covers 85%" where its code printed 54%.
    assert mismatch("covers 85%", "covers 54%", 0.15) is not None
    assert mismatch("covers 55%", "covers 54%", 0.15) is None
    assert mismatch("RMSE 21.3", "RMSE 21.30", 0.0) is None
    assert mismatch("RMSE 21.3", "RMSE 24.0", 0.1) is not None
    assert mismatch("2024-01 105.9", "2024-02 105.9", 0.5) is not None  # labels exact
    assert mismatch("{'look_back': 12}", "{'look_back': 13}", 0.5) is not None
    assert mismatch("a b", "a b c", 0.1) is not None


def test_a_page_is_parsed_into_code_and_checks():
    page = textwrap.dedent(
        """\
        <!-- printed numbers: within 10% -->
        ```python
        x = 1.5
        print(x)  # prints: 1.5
        ```
        Then:
          ```python
          print(x * 2)
          ```
        <!-- prints -->
        ```text
        3.0
        ```
        ```text
        not a check
        ```
        """
    )
    blocks = parse(page)
    assert [b.kind for b in blocks] == ["python", "python", "output"]
    assert blocks[0].expected == ["1.5"]
    assert blocks[1].text == "print(x * 2)\n"
    assert tolerance(page, "page") == pytest.approx(0.10)


def test_the_intervals_page_code_runs():
    """docs/intervals.md: its snippets run as printed, in order."""
    page = ROOT / "docs" / "intervals.md"
    namespace = run_page(page)  # checks the stated coverage and quantiles
    assert namespace["bands"].shape == (48, 3)
    direct = [b for b in parse(page.read_text()) if b.kind == "python"][1]
    exec(compile(direct.text, "intervals.md (direct)", "exec"), namespace)  # noqa: S102
    assert namespace["ahead"].shape == (18, 3)
    assert (np.diff(namespace["ahead"], axis=1) >= 0).all()
