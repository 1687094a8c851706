"""Configuration machinery: the ``RESPKIT_*`` table that decorator families
fill, its validation, and :func:`settings_for`, which gives a decorator the
app's validated settings. The layer above :mod:`flask_respkit._http`.

This module knows no family: each declares its keys as :class:`Setting`
values (and may refuse a bad combination of them) through
:attr:`~flask_respkit.core.ResponseDecorator.settings` and
:meth:`~flask_respkit.core.ResponseDecorator.check_settings`, which
:mod:`flask_respkit.core` hands to :func:`register`.

Every checker takes ``(key, value)``, raises ``TypeError``/``ValueError``
naming the key, and returns the value normalized.
"""

from __future__ import annotations

import difflib
import functools
import typing as t
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

if t.TYPE_CHECKING:  # pragma: no cover
    from flask import Flask

__all__ = [
    "Setting",
    "State",
    "defaults",
    "known_settings",
    "refuse_unknown_keys",
    "register",
    "settings_for",
    "validate",
]


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


#: A check of a combination of settings: given every normalized setting,
#: raises ``ValueError`` naming the keys.
CombinedCheck = Callable[[Mapping[str, t.Any]], None]

#: Every registered key, in registration order.
_TABLE: dict[str, Setting] = {}
_COMBINED: list[CombinedCheck] = []


def register(
    settings: Iterable[Setting], combined: CombinedCheck | None = None
) -> None:
    """Add a family's keys (and its check of their combination) to the table.

    Called by :class:`~flask_respkit.core.ResponseDecorator` for each class
    that declares :attr:`~flask_respkit.core.ResponseDecorator.settings`;
    registering the same :class:`Setting` again does nothing.

    :raise ValueError: A key is registered already with another definition,
        or a default fails its own check.
    """
    for setting in settings:
        known = _TABLE.get(setting.key)
        if known is not None and known != setting:
            raise ValueError(f"{setting.key} is registered twice")
        setting.check(setting.key, setting.default)  # a bad default fails here
        _TABLE[setting.key] = setting
    if combined is not None and combined not in _COMBINED:
        _COMBINED.append(combined)
    defaults.cache_clear()


def known_settings() -> tuple[Setting, ...]:
    """Every registered ``RESPKIT_*`` setting, in registration order."""
    return tuple(_TABLE.values())


def validate(values: Mapping[str, t.Any]) -> Mapping[str, t.Any]:
    """Check every ``RESPKIT_*`` key of ``values`` and the combinations.

    :return: The normalized settings, read-only.
    :raise ValueError: A value, or a combination, is bad (naming the key).
    :raise TypeError: A value has the wrong type (naming the key).
    """
    checked = {key: s.check(key, values[key]) for key, s in _TABLE.items()}
    for check in _COMBINED:
        check(checked)
    return MappingProxyType(checked)


def refuse_unknown_keys(config: Mapping[str, t.Any]) -> None:
    """Refuse a ``RESPKIT_*`` key the kit does not know: a misspelled key would
    silently leave the default (say ``"*"`` origins).

    :raise ValueError: Naming the key, with the closest known key as a hint.
    """
    known = list(_TABLE)
    for key in config:
        if key.startswith("RESPKIT_") and key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ValueError(f"{key} is not a flask-respkit setting{hint}")


@functools.cache
def defaults() -> Mapping[str, t.Any]:
    """The validated built-in defaults of every registered key, used when the
    extension is not registered (computed again after :func:`register`)."""
    return validate({key: s.default for key, s in _TABLE.items()})


@dataclass(frozen=True)
class State:
    """What :class:`~flask_respkit.RespKit` keeps for one app, at
    ``app.extensions["respkit"]``."""

    #: The extension object that was registered (a
    #: :class:`~flask_respkit.RespKit`).
    extension: object
    #: The app's validated ``RESPKIT_*`` settings (read-only).
    settings: Mapping[str, t.Any]


def settings_for(app: Flask) -> Mapping[str, t.Any]:
    """The validated ``RESPKIT_*`` settings of ``app``.

    :return: The settings validated at :meth:`~flask_respkit.RespKit.init_app`,
        or the built-in :func:`defaults` when the extension is not registered.
    """
    state = app.extensions.get("respkit")
    return state.settings if isinstance(state, State) else defaults()
