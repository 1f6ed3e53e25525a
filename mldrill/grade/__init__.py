"""Grading student code: run a submission's functions in a sandboxed child and bring back data.

`mldrill.grade.sandbox.Sandbox` is the entry point (its vocabulary lives in `model`). Student
code runs only in a child process: `isolation` probes which namespaces this machine allows and
plans the hidden paths, `process` starts and kills the child, `_wrapper.py` (namespaces, mounts,
privileges, limits) and `_child.py` (the harness that imports the submission and calls it) are
standalone programs the child runs, and `protocol` decodes the framed, untrusted replies. Every
comparison with a reference happens in the grader's own process, on plain data.
"""
