"""The command line: the only place rich and typer are used, over the pure core.

- `app`: every command (parse the arguments, one core call returning a dataclass, one
  renderer); `errors`: `ExitStatus` and the one place errors become exit codes.
- `env`: the `Terminal` that practice and exams run on (input, consoles, isatty, clocks),
  passed in so tests use a fake; `terminal`: readline driven so Ctrl-C acts at once.
- `practice`, `exam`: the interactive loops; `render` (problems, verdicts, JSON, stats),
  `grade`, `sheet`, `report`, `render_functions`: the renderers of each command's result.
"""
