"""Copy static files to names that carry their content's hash, for `make assets`.

A hashed name changes whenever the content does, so browsers may keep the file for a year
(web/static_files.py marks it immutable). `static/build/manifest.json` maps the name a
template asks for, `url_for('static', filename='build/app.css')`, to the hashed copy. Copies
from earlier builds are removed, with their compressed variants.

    python tools/hash_assets.py static build/app.css js/respond.js
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z]+(\.gz|\.br)?$")


def hashed_name(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}.{digest}{path.suffix}"


def main(static: Path, names: list[str]) -> None:
    build = static / "build"
    build.mkdir(exist_ok=True)
    for old in build.iterdir():
        if HASHED.search(old.name):
            old.unlink()
    manifest = {}
    for name in names:
        target = build / hashed_name(static / name)
        shutil.copyfile(static / name, target)
        manifest[name] = target.relative_to(static).as_posix()
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (build / "manifest.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
