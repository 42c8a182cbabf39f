"""Command line: a thin layer over the Python API (``nlp_extract.Extractor``).

Errors are one line on stderr and a non-zero exit (2: bad input, 1: anything else);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import annotations as annotation_files
from . import batch, interop, panel, render, suggest, train
from .errors import InputError

Handler = Callable[[argparse.Namespace], int]


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_predict(args: argparse.Namespace) -> int:
    from .output import to_json, to_markdown
    from .pipeline import Extractor

    extractor = Extractor.load(args.model)
    result = extractor.extract_file(args.file)
    _write(to_markdown(result) if args.format == "md" else to_json(result) + "\n", args.output)
    return 0


def cmd_text(args: argparse.Namespace) -> int:
    from .readers import read_document

    _write(read_document(args.file).text, args.output)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .output import output_schema

    _write(json.dumps(output_schema(), ensure_ascii=False, indent=2) + "\n", args.output)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nlp-extract",
        description="Structured, source-grounded data from Chinese government information-disclosure annual reports.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("predict", help="extract one report and print JSON (or a Markdown outline)")
    p.add_argument("file", help="report: .txt (any encoding), .html, .docx, .pdf")
    p.add_argument("-o", "--output", help="write to this path instead of stdout")
    p.add_argument("--format", choices=("json", "md"), default="json")
    p.add_argument("--model", help="model directory (default: the shipped models/default)")
    p.set_defaults(handler=cmd_predict)

    p = sub.add_parser("text", help="print the text that offsets index (decoded / extracted from the file)")
    p.add_argument("file")
    p.add_argument("-o", "--output")
    p.set_defaults(handler=cmd_text)

    p = sub.add_parser("schema", help="print the JSON Schema of the predict output")
    p.add_argument("-o", "--output")
    p.set_defaults(handler=cmd_schema)

    train.register(sub)
    annotation_files.register(sub)
    interop.register(sub)
    render.register(sub)
    batch.register(sub)
    suggest.register(sub)
    panel.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except InputError as e:
        if args.debug:
            raise
        print(f"nlp-extract: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nlp-extract: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        if args.debug:
            raise
        print(f"nlp-extract: internal error: {type(e).__name__}: {e} (rerun with --debug)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
