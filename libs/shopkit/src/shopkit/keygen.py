"""Generate the services' key pairs once, each private key into its own folder.

    python -m shopkit.keygen --public /public-keys \\
        identity-commerce=/keys/identity-commerce catalog-fulfillment=/keys/catalog-fulfillment

docker-compose.yml runs this in a one-shot container before the services start: every
private key lands in a volume that only its own service mounts, and every public key in
the shared public folder (which the services mount read-only). Existing keys are kept.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shopkit.tokens import ensure_dev_key


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the services' RSA key pairs once.")
    parser.add_argument("--public", type=Path, required=True, help="folder for <name>.pub")
    parser.add_argument("pairs", nargs="+", metavar="NAME=PRIVATE_FOLDER")
    args = parser.parse_args(argv)
    for pair in args.pairs:
        name, _, folder = pair.partition("=")
        if not name or not folder:
            parser.error(f"expected NAME=PRIVATE_FOLDER, got {pair!r}")
        ensure_dev_key(Path(folder), name, args.public)
        print(f"{name}: private key in {folder}, public key in {args.public}")


if __name__ == "__main__":
    main()
