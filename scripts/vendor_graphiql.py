"""`make graphiql`: vendor GraphiQL and React into api/static/graphiql/ and pin them by hash.

GraphiQL's page must work on a closed network (a government intranet), so every file it loads
is served by govgraph itself. This script fetches the npm packages at the versions pinned
below with `npm pack` (the npm client and its configured registry), copies their minified
browser builds and licences into `api/static/graphiql/vendor/`, and rewrites the `integrity`
attribute (SRI, sha384) of every local script and stylesheet that `index.html` references.
Run with `--check` to verify the attributes without fetching anything (the tests do the same).

GraphiQL 3.x is the last line with a UMD build (one script, no module workers); it needs
React 18's UMD builds, which React 19 no longer ships.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "api" / "static" / "graphiql"
VENDOR = STATIC / "vendor"
INDEX = STATIC / "index.html"

# package, version, {file in the package: name under vendor/}
PACKAGES: list[tuple[str, str, dict[str, str]]] = [
    (
        "react",
        "18.2.0",
        {
            "umd/react.production.min.js": "react.production.min.js",
            "LICENSE": "LICENSE-react",
        },
    ),
    (
        "react-dom",
        "18.2.0",
        {
            "umd/react-dom.production.min.js": "react-dom.production.min.js",
            "LICENSE": "LICENSE-react-dom",
        },
    ),
    (
        "graphiql",
        "3.8.3",
        {
            "graphiql.min.js": "graphiql.min.js",
            "graphiql.min.css": "graphiql.min.css",
            "LICENSE": "LICENSE-graphiql",
        },
    ),
]

# <script src="static/graphiql/..." integrity="..."> and <link href="..." integrity="...">
ASSET = re.compile(
    r'(?P<attr>src|href)="(?P<path>static/graphiql/[^"]+)"(?P<between>\s+)'
    r'integrity="(?P<integrity>[^"]*)"'
)


def integrity(path: Path) -> str:
    """The SRI value of a file: sha384, base64."""
    return "sha384-" + base64.b64encode(hashlib.sha384(path.read_bytes()).digest()).decode()


def fetch() -> None:
    """npm pack each pinned package and copy its browser build and licence into vendor/."""
    VENDOR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for name, version, files in PACKAGES:
            spec = f"{name}@{version}"
            packed = subprocess.run(
                ["npm", "pack", "--silent", spec],
                cwd=work,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()[-1]
            with tarfile.open(Path(work) / packed) as archive:
                for inner, target in files.items():
                    member = archive.extractfile(f"package/{inner}")
                    if member is None:
                        raise SystemExit(f"{spec} has no {inner}")
                    with member, (VENDOR / target).open("wb") as out:
                        shutil.copyfileobj(member, out)
            print(f"{spec}: {', '.join(files.values())}")


def sign(*, check: bool) -> bool:
    """Rewrite (or, with check, compare) index.html's integrity attributes; True when they
    were already right."""
    html = INDEX.read_text(encoding="utf-8")
    stale: list[str] = []

    def replace(match: re.Match[str]) -> str:
        wanted = integrity(STATIC / match["path"].removeprefix("static/graphiql/"))
        if wanted != match["integrity"]:
            stale.append(match["path"])
        return f'{match["attr"]}="{match["path"]}"{match["between"]}integrity="{wanted}"'

    signed = ASSET.sub(replace, html)
    if not check and stale:
        INDEX.write_text(signed, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if check else 'signed'}: {path}")
    return not stale


def main() -> None:
    """Fetch (unless --check) and sign."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify, fetch nothing")
    args = parser.parse_args()
    if not args.check:
        fetch()
    if not sign(check=args.check) and args.check:
        sys.exit(1)


if __name__ == "__main__":
    main()
