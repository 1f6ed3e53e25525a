"""A sheet as text: Markdown, a complete LaTeX document, the answer file and the key.

Pure functions from data to strings (no dates, no randomness), so the same seed, roster
and secret give the same files byte for byte. Prompts keep their layout (aligned grids)
in a fenced block (Markdown) or `verbatim` (LaTeX).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from mldrill.sheets.build import Question, SheetSpec, Student, token

TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
               "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
               "^": r"\textasciicircum{}"}


def tex_escape(text: str) -> str:
    return "".join(TEX_SPECIAL.get(c, c) for c in text)


def _pts(x: float) -> str:
    return f"{x:g} point{'s' if x != 1 else ''}"


def _who(student: Student) -> str:
    return f"{student.name} ({student.id})" if student.name else student.id


# --------------------------------------------------------------------------- Markdown

def sheet_markdown(spec: SheetSpec, student: Student, qs: Sequence[Question],
                   key: bool = False) -> str:
    total = sum(q.points for q in qs)
    out = [f"# {spec.title}{' — answer key' if key else ''}", ""]
    out.append(f"Student: {_who(student)}")
    if spec.exam:
        out += ["", f"Exam: {len(qs)} questions, {_pts(total)}"
                + (f", {spec.minutes:g} minutes" if spec.minutes else "") + ".",
                "Write each answer in answers.yaml, after the part's name. Show your work "
                "on paper if asked; only answers.yaml is graded."]
    else:
        out += ["", f"{len(qs)} questions, {_pts(total)}. Write each answer in answers.yaml "
                    "after the part's name (the comments there say the expected form)."]
    for q in qs:
        v = q.variant
        out += ["", f"## Question {q.number} ({_pts(q.points)}): {v.family.title}", "",
                "```text", v.prompt.rstrip(), "```", ""]
        for p in v.parts:
            label = p.prompt if p.prompt != p.name else ""
            out.append(f"- **{p.name}** ({_pts(p.points)}){': ' + label if label else ''}")
            for letter, choice in p.choices:
                out.append(f"  - {letter}) {choice}")
            if key:
                out.append(f"  - answer: `{v.answer_text(p.name)}`")
        if key and v.solution().strip():
            out += ["", "Worked solution:", "", "```text", v.solution().rstrip(), "```"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- LaTeX

def _verbatim(text: str) -> str:
    safe = text.rstrip().replace("\\end{verbatim}", "\\end {verbatim}")
    return "{\\small\n\\begin{verbatim}\n" + safe + "\n\\end{verbatim}\n}"


def sheet_tex(spec: SheetSpec, student: Student, qs: Sequence[Question],
              key: bool = False) -> str:
    total = sum(q.points for q in qs)
    title = tex_escape(spec.title + (" --- answer key" if key else ""))
    lines = [r"\documentclass[11pt]{article}", r"\usepackage[T1]{fontenc}",
             r"\usepackage[margin=2cm]{geometry}", r"\setlength{\parindent}{0pt}",
             r"\setlength{\parskip}{0.5em}", r"\begin{document}"]
    if spec.exam and not key:
        lines += [r"\begin{titlepage}", r"\centering", r"\vspace*{3cm}",
                  f"{{\\Huge {title}\\par}}", r"\vspace{1cm}",
                  f"{{\\Large {tex_escape(_who(student))}\\par}}", r"\vspace{1cm}",
                  f"{{\\large {len(qs)} questions, {tex_escape(_pts(total))}"
                  + (f", {spec.minutes:g} minutes" if spec.minutes else "") + r"\par}",
                  r"\vspace{1cm}"]
        if len(qs) <= 25:  # a table that fits the cover page
            lines += [r"\begin{tabular}{rlr}", r"Question & & Points \\ \hline"]
            for q in qs:
                lines.append(f"{q.number} & {tex_escape(q.variant.family.title[:50])} & "
                             f"{q.points:g} \\\\")
            lines += [r"\hline & Total & " + f"{total:g}" + r" \\", r"\end{tabular}"]
        lines += [r"\vfill", r"Write each answer in answers.yaml after the part's name; "
                  r"only answers.yaml is graded.\par", r"\end{titlepage}"]
    else:
        lines += [f"{{\\Large\\bfseries {title}}}\\par",
                  f"Student: {tex_escape(_who(student))}\\par",
                  f"{len(qs)} questions, {tex_escape(_pts(total))}"
                  + (f", {spec.minutes:g} minutes" if spec.minutes else "") + r".\par"]
    for q in qs:
        v = q.variant
        lines += [f"\\section*{{Question {q.number} ({tex_escape(_pts(q.points))}): "
                  f"{tex_escape(v.family.title)}}}", _verbatim(v.prompt), r"\begin{itemize}"]
        for p in v.parts:
            label = p.prompt if p.prompt != p.name else ""
            item = f"\\item \\textbf{{{tex_escape(p.name)}}} ({tex_escape(_pts(p.points))})"
            if label:
                item += ": " + tex_escape(label)
            lines.append(item)
            if p.choices:
                lines.append(r"\begin{itemize}")
                lines += [f"\\item[{tex_escape(letter)})] {tex_escape(choice)}"
                          for letter, choice in p.choices]
                lines.append(r"\end{itemize}")
            if key:
                lines.append(f"\\par answer: \\texttt{{{tex_escape(v.answer_text(p.name))}}}")
        lines.append(r"\end{itemize}")
        if key and v.solution().strip():
            lines += [r"\textbf{Worked solution}", _verbatim(v.solution())]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- answer files

def _yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def answers_yaml(spec: SheetSpec, student: Student, qs: Sequence[Question],
                 key: bool = False) -> str:
    """The file the student fills in (or, with `key`, the same file filled in)."""
    out = [f"# {spec.title}: {'ANSWER KEY for' if key else 'answers of'} {_who(student)}",
           "# Write each answer after its part's name, on the same line. Quote an answer",
           "# that contains ': ' or '#' (\"...\"). Matrices as [[1, 2], [3, 4]] or "
           "\"[1 2; 3 4]\".",
           "# Leave a part empty to skip it. Do not change sheet, student or token.",
           f"sheet: {_yaml_str(spec.title)}",
           f"student: {_yaml_str(student.id)}",
           f"token: {_yaml_str(token(spec, student.id))}",
           "answers:"]
    for q in qs:
        v = q.variant
        out.append(f"  q{q.number}:  # {_comment(v.family.title)} ({_pts(q.points)})")
        for p in v.parts:
            label = _comment(p.prompt) if p.prompt != p.name else ""
            out.append(f"    # {p.name}: {label + ' — ' if label else ''}{_comment(p.form)}"
                       f" ({_pts(p.points)})")
            if p.follows:
                out.append(f"    #   marked on your own {' and '.join(p.follows)} if "
                           "that is wrong (follow-through)")
            value = _yaml_str(v.answer_text(p.name)) if key else ""
            out.append(f"    {p.name}: {value}".rstrip())
    return "\n".join(out) + "\n"


def sheet_yaml(spec: SheetSpec) -> str:
    """DIR/key/sheet.yaml: what the grader needs to rebuild every variant (with the
    secret: keep it away from students)."""
    data = spec.to_data()
    lines = ["# Written by `mldrill sheet new`. Holds the secret behind every variant:",
             "# keep the key/ folder away from students.",
             f"title: {_yaml_str(data['title'])}", f"seed: {data['seed']}",
             f"secret: {_yaml_str(data['secret'])}", f"exam: {str(data['exam']).lower()}",
             f"minutes: {data['minutes'] if data['minutes'] is not None else 'null'}",
             f"shared: {str(data['shared']).lower()}", "problems:"]
    lines += [f"  - {p}" for p in data["problems"]]
    lines.append("students:")
    lines += [f"  - {{id: {_yaml_str(s['id'])}, name: {_yaml_str(s['name'])}}}"
              for s in data["students"]]
    if "fingerprints" in data:  # each question's answers, to catch a bank changed since
        lines.append("fingerprints:")
        lines += [f"  {_yaml_str(sid)}: [{', '.join(prints)}]"
                  for sid, prints in data["fingerprints"].items()]
    return "\n".join(lines) + "\n"
