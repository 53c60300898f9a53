"""What every `qmarket` command shares: where it writes, how it fails, its progress bar."""

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

console = Console(stderr=True, soft_wrap=True)  # long messages stay on one line, greppable


def fail(message: str, errors: list[str] | None = None) -> None:
    console.print(f"[bold red]{message}[/]")
    for line in errors or []:
        console.print(f"  - {line}", markup=False, highlight=False)
    raise typer.Exit(code=1)


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console)
