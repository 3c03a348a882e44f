"""sklstm's benchmarks, one script per question, importable as a package.

Each script runs from the repository root, as a file or as a module::

    python benchmarks/bench.py --quick
    python -m benchmarks.m3 --quick

They import each other and their shared code by the package's name
(``from benchmarks import m3``, ``from benchmarks._common import smape``),
as the tests do (``pythonpath = .`` in setup.cfg's ``[tool:pytest]`` puts
the repository root on the path). A script run as a file puts the root on
the path first: see ``_common``'s docstring for the one line that does it.
"""
