"""The floor: the cost of the files alone.

Writes the same set of files as a build (their paths come from a JSON list, which the
benchmark takes from the build's own manifest) from one fixed string template, with no
parsing of links.yaml, no validation and no rule files: a lower bound that no generator
writing those files can beat on this machine. Folders are made once each, files written
with os.open/os.write, as the generator's writer does.

    python bench/floor.py PATHS.json OUTPUT_FOLDER
"""

from __future__ import annotations

import json
import os
import sys

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redirecting</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="strict-origin-when-cross-origin">
<link rel="canonical" href="https://shop.example.com/{path}">
<noscript><meta http-equiv="refresh" content="0; url=https://shop.example.com/{path}"></noscript>
<script>location.replace("https://shop.example.com/{path}"+location.search+location.hash)</script>
</head>
<body>
<p>Redirecting to <a href="https://shop.example.com/{path}">https://shop.example.com/{path}</a></p>
</body>
</html>
"""


def main() -> None:
    paths_file, out = sys.argv[1], sys.argv[2]
    with open(paths_file, encoding="utf-8") as f:
        paths = json.load(f)
    made = {""}
    for rel in paths:
        parent = rel.rpartition("/")[0]
        if parent not in made:
            os.makedirs(os.path.join(out, parent), exist_ok=True)
            made.add(parent)
        fd = os.open(os.path.join(out, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        os.write(fd, TEMPLATE.format(path=rel).encode())
        os.close(fd)


if __name__ == "__main__":
    main()
