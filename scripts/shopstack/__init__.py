"""The one launcher of the whole shop: three services, localstripe and the frontend.

`make dev`, the e2e and bench runs (`scripts/stack.py`) and the whole-shop acceptance tests
(`tests/acceptance/`) all start the shop through this package:

- `profiles`: data only, the services and the profiles (ports, databases, frontend);
- `environment`: one profile made concrete (ports, PostgreSQL, folders) and the environment
  every process gets;
- `supervisor`: child processes in their own process groups, readiness, stopping;
- `steps`: databases, migrations, seeds and the post-start hooks;
- `launch`: which processes make up the shop, started through the supervisor;
- `cli`: `stack.py up | run | prepare`.
"""
