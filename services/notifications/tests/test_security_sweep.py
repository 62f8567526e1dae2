"""Every secured route refuses missing and bad tokens; privileged ones refuse weaker roles."""

from shopkit.testing.security import AuthSweep


class TestAuthSweep(AuthSweep):
    privileged = ("/notifications", "/notify")
    service_only = ("POST /notify",)
    at_least = 2
