"""A decorator family defined only in the tests, on the public seam alone: it
adds a header, declares a setting, installs an app-wide hook at ``init_app``
and describes itself to OpenAPI. Nothing of flask_respkit knows it."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

from flask import Flask, Response

from flask_respkit.core import ResponseDecorator, Step
from flask_respkit.describe import Description, header
from flask_respkit.settings import Setting

GREETING = "X-Greeting"
APP_HOOK = "X-Toy-App"


def check_name(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.isalpha():
        raise ValueError(f"{key} must be a word of letters, got {value!r}")
    return value


class GreetingStep(Step):
    def __init__(self, name: str) -> None:
        self.value = f"Hello, {name}"

    def apply(self, response: Response) -> Response:
        response.headers[GREETING] = self.value
        return response


class Greeting(ResponseDecorator):
    """``@greeting()``: say hello in a header, to the configured name."""

    exposes = (GREETING,)
    settings = (Setting("RESPKIT_TOY_NAME", "world", check_name),)

    def __init__(self, name: str | None) -> None:
        self.name = None if name is None else check_name("greeting(name)", name)

    def identity(self) -> t.Hashable:
        return self.name

    def resolve(self, app: Flask, settings: Mapping[str, t.Any]) -> Step:
        return GreetingStep(self.name or settings["RESPKIT_TOY_NAME"])

    @classmethod
    def init_app(cls, app: Flask, settings: Mapping[str, t.Any]) -> None:
        @app.after_request
        def mark(response: Response) -> Response:
            response.headers[APP_HOOK] = settings["RESPKIT_TOY_NAME"]
            return response

    def describe(self, doc: Description, settings: Mapping[str, t.Any]) -> None:
        name = self.name or settings["RESPKIT_TOY_NAME"]
        doc.header(GREETING, header("A greeting.", example=f"Hello, {name}"))

    def summary(self, settings: Mapping[str, t.Any]) -> str:
        return f"greeting(name={self.name or settings['RESPKIT_TOY_NAME']!r})"


def greeting(name: str | None = None) -> Greeting:
    return Greeting(name)
