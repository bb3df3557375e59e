"""Entry point for ASGI servers: the application for the settings in the environment."""

from litestar import Litestar

from greenapp.settings import Settings
from greenapp.web.app import create_app


def app_from_env() -> Litestar:
    return create_app(Settings.from_env())
