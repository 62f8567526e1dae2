"""Dependencies of the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from notifications.clients import Notifier
from notifications.core.config import Settings


def get_notifier(request: Request) -> Notifier:
    notifier: Notifier = request.app.state.notifier
    return notifier


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


NotifierDep = Annotated[Notifier, Depends(get_notifier)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
