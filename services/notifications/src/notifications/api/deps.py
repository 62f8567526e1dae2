"""Dependencies of the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from shopkit.deps import from_app_state

from notifications.clients import Notifier
from notifications.core.config import Settings

NotifierDep = Annotated[Notifier, Depends(from_app_state("notifier"))]
SettingsDep = Annotated[Settings, Depends(from_app_state("settings"))]
