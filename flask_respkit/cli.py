"""``flask respkit``: the kit's commands on Flask's command line.

``flask respkit routes``
    One row per route: its rule, methods and endpoint, and each kit decorator
    that applies to it with its options as the app's settings resolve them.
``flask respkit check``
    Resolves every kit decorator of every view and error handler against the
    app's configuration, as their first requests would: exit status 1 and a
    line per configuration error, or 0 and a count.

The group is registered through the ``flask.commands`` entry point (so it
works without ``RespKit(app)``) and on ``app.cli`` by
:meth:`RespKit.init_app <flask_respkit.RespKit.init_app>` (so it works where
the entry point is not installed, and in ``app.test_cli_runner()``). Both
name this one group: Flask lists it once. It names no family: what it prints
comes from :mod:`flask_respkit.inventory`.
"""

from __future__ import annotations

import typing as t

import click
from flask.cli import AppGroup, ScriptInfo, pass_script_info

from .inventory import placed_decorators, report
from .settings import settings_for

if t.TYPE_CHECKING:  # pragma: no cover
    from werkzeug.routing import Rule

__all__ = ["respkit"]

#: ``flask respkit``: the command group (``routes``, ``check``).
respkit = AppGroup(
    "respkit",
    help="flask-respkit: the kit decorators of each route, and a check of"
    " their configuration before the first request.",
)

#: Methods ``flask respkit routes`` leaves out unless ``--all-methods``, as
#: ``flask routes`` does: Flask (or ``cors``) answers them for every route.
_AUTOMATIC = frozenset({"HEAD", "OPTIONS"})
_HEADERS = ("Rule", "Methods", "Endpoint", "Kit decorators")


def _sorted(rules: list[Rule], sort: str) -> list[Rule]:
    if sort == "rule":
        return sorted(rules, key=lambda rule: rule.rule)
    if sort == "endpoint":
        return sorted(rules, key=lambda rule: rule.endpoint)
    if sort == "methods":
        return sorted(rules, key=lambda rule: sorted(rule.methods or ()))
    return rules  # "match": the order Flask matches them in


def table(rows: list[tuple[str, str, str, list[str]]]) -> list[str]:
    """Plain text columns; a route with several decorators takes a line for
    each, the first three cells left blank after its first line."""
    widths = [
        max(len(cell) for cell in column)
        for column in zip(_HEADERS[:3], *(row[:3] for row in rows))
    ]

    def line(cells: t.Sequence[str]) -> str:
        padded = [cell.ljust(width) for cell, width in zip(cells, widths)]
        return "  ".join([*padded, cells[3]]).rstrip()

    lines = [line(_HEADERS), line(["-" * width for width in (*widths, 14)])]
    for rule, methods, endpoint, decorators in rows:
        first, *more = decorators or ["-"]
        lines.append(line([rule, methods, endpoint, first]))
        lines.extend(line(["", "", "", text]) for text in more)
    return lines


@respkit.command("routes")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("rule", "endpoint", "methods", "match")),
    default="rule",
    show_default=True,
    help="What to sort the routes by; 'match' is the order Flask matches them in.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS too.")
@pass_script_info
def routes_command(info: ScriptInfo, sort: str, all_methods: bool) -> None:
    """Show each route with the kit decorators that apply to it.

    Each decorator is shown with its options as the app's RESPKIT_* settings
    resolve them; [GET] marks one on a MethodView's method, [app-wide] one
    applied without being on the view (a blueprint's cors).
    """
    app = info.load_app()
    rules = _sorted(list(app.url_map.iter_rules()), sort)
    if not rules:
        click.echo("No routes were registered.")
        return
    settings = settings_for(app)
    hidden = set() if all_methods else _AUTOMATIC
    labels: dict[str, list[str]] = {}
    rows = []
    for rule in rules:
        endpoint = rule.endpoint
        if endpoint not in labels:
            placed = placed_decorators(app, endpoint)
            labels[endpoint] = [item.label(settings) for item in placed]
        methods = ", ".join(sorted(set(rule.methods or ()) - hidden))
        rows.append((rule.rule, methods, endpoint, labels[endpoint]))
    for text in table(rows):
        click.echo(text)


@respkit.command("check")
@pass_script_info
def check_command(info: ScriptInfo) -> None:
    """Check every kit decorator against the app's configuration.

    Resolves the kit decorators of every view and error handler with the
    app's settings, as the first request of each would. Exit status 1 with a
    line per configuration error (endpoint: decorator: error), else 0.
    """
    found = report(info.load_app())
    click.echo(str(found))
    if found.findings:
        raise click.exceptions.Exit(1)
