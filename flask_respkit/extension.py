"""The :class:`RespKit` extension: app-wide configuration and guarantees.

The top layer: it validates the ``RESPKIT_*`` settings that the decorator
families declare (:mod:`.settings`), runs each family's
:meth:`~flask_respkit.core.ResponseDecorator.init_app` and adds the
``flask respkit`` commands (:mod:`.cli`) to the app's command line. It names
no family.
"""

from __future__ import annotations

import typing as t

from .cli import respkit as commands
from .core import family_hooks
from .inventory import check_app
from .settings import State, known_settings, refuse_unknown_keys, validate

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask


class RespKit:
    """The flask-respkit extension.

    ::

        respkit = RespKit()
        respkit.init_app(app)   # or RespKit(app)

    Registering it is optional: every decorator works without it, with the
    built-in defaults. Registered, it gives decorators the app's ``RESPKIT_*``
    configuration as their defaults.

    :param app: An app to register with right away.

    .. versionadded:: 0.1.0
    """

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Register the extension with ``app``.

        Sets every ``RESPKIT_*`` key the app's config lacks to its default
        (``app.config.setdefault``), validates them all, then lets each
        decorator family install what it does app-wide
        (:meth:`~flask_respkit.core.ResponseDecorator.init_app`): with
        ``RESPKIT_AUTH_CHALLENGE_401`` (the default) every 401 leaving the app
        without ``WWW-Authenticate`` gets the default challenge;
        ``RESPKIT_CORS_RESOURCES`` gives CORS to paths. Adds the
        ``flask respkit`` commands to ``app.cli``, unless it has a
        ``respkit`` command of its own.

        :param app: The Flask app.
        :raise RuntimeError: The extension is already registered on ``app``.
        :raise ValueError: A config value is wrong (the message names the key),
            or a ``RESPKIT_*`` key is not one the kit knows (a misspelling).
        :raise TypeError: A config value has the wrong type (named likewise).
        """
        if "respkit" in app.extensions:
            raise RuntimeError(
                "flask-respkit is already registered on this app; call"
                " init_app once per app."
            )
        refuse_unknown_keys(app.config)
        for setting in known_settings():
            app.config.setdefault(setting.key, setting.default)
        settings = validate(app.config)
        for install in family_hooks("init_app"):
            install(app, settings)
        if commands.name not in app.cli.commands:
            app.cli.add_command(commands)
        app.extensions["respkit"] = State(extension=self, settings=settings)

    @staticmethod
    def check(app: Flask) -> None:
        """Check every kit decorator of ``app`` against its configuration:
        what ``flask respkit check`` does, for tests::

            def test_configuration():
                RespKit.check(create_app())

        Resolves the kit decorators of every view and error handler with the
        app's ``RESPKIT_*`` settings (the built-in defaults without the
        extension), as the first request of each would, and reports every
        configuration error at once: cursor pagination without
        ``SECRET_KEY``, a ``per_page`` above ``RESPKIT_MAX_PER_PAGE``, CORS
        credentials with the ``"*"`` origins of the config...

        :param app: The Flask app, its routes registered.
        :raise ValueError: Listing every configuration error, one per line:
            ``endpoint: decorator: error``.

        .. versionadded:: 0.2.0
        """
        check_app(app)
