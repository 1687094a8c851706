"""The :class:`RespKit` extension: app-wide configuration and guarantees."""

from __future__ import annotations

import csv
import difflib
import typing as t
from dataclasses import dataclass
from types import MappingProxyType

from ._cors_options import (
    check_allow_headers,
    check_expose_headers,
    check_max_age,
    check_methods,
    check_origins,
    check_resources,
)
from ._http import check_bool, check_field_value, check_positive_int, check_token

if t.TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Mapping

    from flask import Flask, Response


def _check_dialect(key: str, value: object) -> object:
    if isinstance(value, str):
        if value not in csv.list_dialects():
            raise ValueError(
                f"{key} must be one of {sorted(csv.list_dialects())} or a"
                f" csv.Dialect, got {value!r}"
            )
        return value
    if isinstance(value, type) and issubclass(value, csv.Dialect):
        return value
    raise TypeError(f"{key} must be a dialect name or a csv.Dialect, got {value!r}")


@dataclass(frozen=True)
class Setting:
    """One ``RESPKIT_*`` configuration key.

    :param key: The config key.
    :param default: The built-in default.
    :param check: ``(key, value) -> normalized value``; raises ``TypeError`` or
        ``ValueError`` naming the key when the value is bad.
    """

    key: str
    default: t.Any
    check: Callable[[str, t.Any], t.Any]


#: Every configuration key the kit reads, with its default and validation.
SETTINGS: tuple[Setting, ...] = (
    Setting("RESPKIT_CORS_ORIGINS", "*", check_origins),
    Setting("RESPKIT_CORS_METHODS", None, check_methods),
    Setting("RESPKIT_CORS_ALLOW_HEADERS", "*", check_allow_headers),
    Setting("RESPKIT_CORS_EXPOSE_HEADERS", None, check_expose_headers),
    Setting("RESPKIT_CORS_ALLOW_CREDENTIALS", False, check_bool),
    Setting("RESPKIT_CORS_MAX_AGE", None, check_max_age),
    Setting("RESPKIT_CORS_ALLOW_PRIVATE_NETWORK", False, check_bool),
    Setting("RESPKIT_CORS_RESOURCES", None, check_resources),
    Setting("RESPKIT_AUTH_CHALLENGE_401", True, check_bool),
    Setting("RESPKIT_AUTH_SCHEME", "Basic", check_token),
    Setting("RESPKIT_AUTH_REALM", "Authentication Required", check_field_value),
    Setting("RESPKIT_CSV_BOM", False, check_bool),
    Setting("RESPKIT_CSV_ESCAPE_FORMULAS", True, check_bool),
    Setting("RESPKIT_CSV_DIALECT", "excel", _check_dialect),
    Setting("RESPKIT_PER_PAGE", 20, check_positive_int),
    Setting("RESPKIT_MAX_PER_PAGE", 100, check_positive_int),
)


def _validate(values: Mapping[str, t.Any]) -> Mapping[str, t.Any]:
    checked = {s.key: s.check(s.key, values[s.key]) for s in SETTINGS}
    if checked["RESPKIT_PER_PAGE"] > checked["RESPKIT_MAX_PER_PAGE"]:
        raise ValueError(
            "RESPKIT_PER_PAGE must not exceed RESPKIT_MAX_PER_PAGE"
            f" ({checked['RESPKIT_PER_PAGE']} > {checked['RESPKIT_MAX_PER_PAGE']})"
        )
    if (
        checked["RESPKIT_CORS_ALLOW_CREDENTIALS"]
        and checked["RESPKIT_CORS_ORIGINS"] == "*"
    ):
        raise ValueError(
            "RESPKIT_CORS_ALLOW_CREDENTIALS = True needs RESPKIT_CORS_ORIGINS to list"
            " the origins: with '*' any website could act as your signed-in users"
        )
    return MappingProxyType(checked)


#: The validated built-in defaults, used when the extension is not registered.
DEFAULTS: Mapping[str, t.Any] = _validate({s.key: s.default for s in SETTINGS})


@dataclass(frozen=True)
class State:
    """What :class:`RespKit` keeps for one app, at ``app.extensions["respkit"]``."""

    #: The extension object that was registered.
    extension: RespKit
    #: The app's validated ``RESPKIT_*`` settings (read-only).
    settings: Mapping[str, t.Any]


def _refuse_unknown_keys(config: Mapping[str, t.Any]) -> None:
    """A misspelled key would silently leave the default (say ``"*"`` origins)."""
    known = [s.key for s in SETTINGS]
    for key in config:
        if key.startswith("RESPKIT_") and key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ValueError(f"{key} is not a flask-respkit setting{hint}")


def settings_for(app: Flask) -> Mapping[str, t.Any]:
    """The validated ``RESPKIT_*`` settings of ``app``.

    :return: The settings validated at :meth:`RespKit.init_app`, or the
        built-in :data:`DEFAULTS` when the extension is not registered.
    """
    state = app.extensions.get("respkit")
    return state.settings if isinstance(state, State) else DEFAULTS


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
        (``app.config.setdefault``) and validates them all. With
        ``RESPKIT_AUTH_CHALLENGE_401`` (the default) every 401 leaving the app
        without ``WWW-Authenticate`` gets the default challenge (an
        ``after_request`` hook).

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
        _refuse_unknown_keys(app.config)
        for setting in SETTINGS:
            app.config.setdefault(setting.key, setting.default)
        settings = _validate(app.config)
        from ._cors_app import expose_challenge, install_resources

        # after_request hooks run last-registered first: these two see the
        # 401 challenge the next one adds.
        install_resources(app, settings)
        if settings["RESPKIT_AUTH_CHALLENGE_401"]:
            app.after_request(expose_challenge)
            app.after_request(_challenge_401_hook(settings))
        app.extensions["respkit"] = State(extension=self, settings=settings)


def _challenge_401_hook(
    settings: Mapping[str, t.Any],
) -> Callable[[Response], Response]:
    """The ``after_request`` hook of ``RESPKIT_AUTH_CHALLENGE_401``: give every
    401 without a ``WWW-Authenticate`` the app's default challenge."""
    from .auth import default_challenge

    value = str(
        default_challenge(
            settings["RESPKIT_AUTH_SCHEME"], settings["RESPKIT_AUTH_REALM"]
        )
    )

    def challenge_401(response: Response) -> Response:
        if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
            response.headers["WWW-Authenticate"] = value
        return response

    return challenge_401
