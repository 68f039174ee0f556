#!/usr/bin/env python3
"""Layer check: every #include points down, and no two .c files call each other.

Usage: python3 tests/check_layers.py [SOURCE_DIR]

The layers and the rules are written down in docs/architecture.md ("## Layers"); the
table LAYERS below is that list. Two checks, both from the sources alone (no build):

1. Includes. Each `#include "..."` of a project file is resolved (from the repository
   root, or beside the including file) and its layer must be one the including file's
   layer may use.
2. GDAL. Its headers (gdal*.h, ogr*.h, cpl_*.h) are included only by the output
   writers in host/report/ (and tests): io/, kernels/ and the engine never use GDAL.
3. Call circles. For every .c file the external (non-static) functions it defines are
   collected; file A uses file B when A names one of B's functions. A circle of such
   uses between .c files (A uses B and B uses A, or longer) is an error: one of them
   should own the shared part, or the shared part should move to a file both use.

Exit status 0 when the tree is clean, 1 with one line per violation otherwise.
"""
import os
import re
import sys

# (layer name, path prefixes). The first matching prefix decides a file's layer.
LAYERS = [
    ("kernels", ["kernels/"]),
    ("io", ["io/"]),
    ("engine", ["host/backend.h", "host/engine/", "host/events/", "host/backends/", "host/opencl/"]),
    ("mpi", ["host/mpi/"]),
    ("report", ["host/report/"]),
    ("generate", ["bench/generate/"]),
    ("harness", ["bench/harness/"]),
    ("cli", ["host/cli/"]),
    ("tests", ["tests/"]),
]

# What each layer may include (itself always included).
ALLOWED = {
    "kernels": {"kernels"},
    "io": {"io", "kernels"},
    "engine": {"engine", "io", "kernels"},
    "mpi": {"mpi", "engine", "io", "kernels"},
    "report": {"report", "engine", "io", "kernels"},
    "generate": {"generate", "engine", "io", "kernels"},
    "harness": {"harness", "generate", "report", "engine", "io", "kernels"},
    "cli": {name for name, _ in LAYERS},
    "tests": {name for name, _ in LAYERS},
}

SOURCE_DIRS = ["kernels", "io", "host", "bench", "tests"]
EXTS = (".c", ".h", ".cl")
SYS_MPI_RE = re.compile(r'^\s*#\s*include\s*[<"]mpi\.h[>"]', re.M)
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def layer_of(rel):
    for name, prefixes in LAYERS:
        for p in prefixes:
            if rel == p or (p.endswith("/") and rel.startswith(p)):
                return name
    return None


def sources(root):
    out = []
    for d in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, d)):
            dirnames[:] = sorted(x for x in dirnames if x not in ("data", "__pycache__"))
            for f in sorted(filenames):
                if f.endswith(EXTS):
                    out.append(os.path.relpath(os.path.join(dirpath, f), root))
    return out


def strip_c(text):
    """Blanks comments, string and character literals (keeps line structure)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * max(0, min(j, n) - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_includes(root, files):
    errors = []
    for rel in files:
        layer = layer_of(rel)
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for m in INCLUDE_RE.finditer(text):
            inc = m.group(1)
            line = text.count("\n", 0, m.start()) + 1
            beside = os.path.normpath(os.path.join(os.path.dirname(rel), inc))
            if os.path.exists(os.path.join(root, inc)):
                target = os.path.normpath(inc)
            elif os.path.exists(os.path.join(root, beside)):
                target = beside
            else:
                continue  # generated or system header: not a layer
            tlayer = layer_of(target)
            if layer is None or tlayer is None:
                errors.append(f"{rel}:{line}: include \"{inc}\": file outside every layer")
            elif tlayer not in ALLOWED[layer]:
                errors.append(f"{rel}:{line}: include \"{inc}\": layer {layer} may not "
                              f"include layer {tlayer} (allowed: {', '.join(sorted(ALLOWED[layer]))})")
        # MPI stays in host/mpi/: the engine, io/ and kernels/ run the same with or without it
        for m in SYS_MPI_RE.finditer(text):
            if layer != "mpi":
                line = text.count("\n", 0, m.start()) + 1
                errors.append(f"{rel}:{line}: includes mpi.h outside host/mpi/")
    return errors


SYS_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*<([^>]+)>', re.M)
GDAL_HEADER_RE = re.compile(r"^(gdal\w*|ogr\w*|cpl_\w*)\.h$")
GDAL_LAYERS = {"report", "tests"}


def check_gdal(root, files):
    errors = []
    for rel in files:
        layer = layer_of(rel)
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for m in SYS_INCLUDE_RE.finditer(text):
            if GDAL_HEADER_RE.match(os.path.basename(m.group(1))) and layer not in GDAL_LAYERS:
                line = text.count("\n", 0, m.start()) + 1
                errors.append(f"{rel}:{line}: include <{m.group(1)}>: GDAL belongs to the output writers "
                              f"(host/report), not layer {layer}")
    return errors


DEF_HEAD_RE = re.compile(r"\b([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*$", re.S)
IDENT_RE = re.compile(r"\b[A-Za-z_]\w*\b")
NOT_DEFS = {"if", "for", "while", "switch", "return", "sizeof"}


def external_definitions(code):
    """Names of the non-static functions defined at file scope."""
    defs = set()
    depth, start = 0, 0
    for i, c in enumerate(code):
        if c == "{":
            if depth == 0:
                head = code[start:i]
                head = re.sub(r"^\s*#.*$", "", head, flags=re.M)
                m = DEF_HEAD_RE.search(head)
                if m and m.group(1) not in NOT_DEFS and "=" not in head \
                        and not re.search(r"\bstatic\b", head) \
                        and not re.search(r"\b(struct|union|enum)\s+\w*\s*$", head):
                    defs.add(m.group(1))
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                start = i + 1
        elif c == ";" and depth == 0:
            start = i + 1
    return defs


def check_circles(root, files):
    cfiles = [f for f in files if f.endswith(".c")]
    code, defs = {}, {}
    for rel in cfiles:
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
            code[rel] = strip_c(fh.read())
        defs[rel] = external_definitions(code[rel])
    owner = {}
    for rel, names in defs.items():
        for name in names:
            owner.setdefault(name, rel)
    uses = {}
    for rel in cfiles:
        used = {}
        for name in set(IDENT_RE.findall(code[rel])) - defs[rel]:
            o = owner.get(name)
            if o is not None and o != rel:
                used.setdefault(o, name)
        uses[rel] = used
    # Tarjan's strongly connected components: every component of more than one file is a circle.
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(uses[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in cfiles:
        if v not in index:
            visit(v)
    errors = []
    for comp in comps:
        members = set(comp)
        edges = [f"{a} calls {b} ({uses[a][b]})" for a in comp for b in sorted(uses[a]) if b in members]
        errors.append("call circle between " + ", ".join(comp) + ": " + "; ".join(edges))
    return errors


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    files = sources(root)
    errors = check_includes(root, files) + check_gdal(root, files) + check_circles(root, files)
    for e in errors:
        print(e)
    nc = sum(1 for f in files if f.endswith(".c"))
    print(f"check_layers: {len(files)} files ({nc} .c), {len(errors)} violation(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
