#!/usr/bin/env python3
"""Do the products of src/ use each other only as src/products.tsv allows?

  check_layout.py SOURCE_DIR WORK_DIR [CMAKE [GENERATOR]]

1. Includes: every #include of every .c and .h of every product (and of
   liblhv1's public headers) is resolved the way the build resolves it: the
   including file's own folder first, then the products' include
   directories (an interface directory also in the build tree, where
   configure writes generated headers such as lhv1/version.h). A header of
   another product must be in its interface and that product in the row's
   `uses` or `internals`; a private header needs `internals`. A header of an
   include directory of its own (include/lhv1, lhv1testing) includes only
   interface headers. A quoted include must resolve to
   exactly one file, and none may climb folders with "../".
2. Links: CMake's own target graph (`cmake --graphviz` of a configure of
   SOURCE_DIR into WORK_DIR, without the tests) may link a product's target
   only to its own product's or to the products it uses; every lhv1_ target
   must belong to a product. The configure is a fresh one in a temporary
   directory under WORK_DIR, so two runs never share it.
3. The table: every .c and .h under src/ is in a product's folder, and the
   `uses` relation has no cycle.

Prints what it checked; exit 1 with every violation listed.
"""
import os
import re
import subprocess
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
NODE = re.compile(r'^\s*"(node\d+)"\s*\[\s*label\s*=\s*"([^"]+)"', re.M)
EDGE = re.compile(r'^\s*"(node\d+)"\s*->\s*"(node\d+)"', re.M)
VARIANTS = ("plain", "asan")


def read_table(path):
    rows = [l.rstrip("\n") for l in open(path) if l.strip() and not l.startswith("#")]
    header = rows[0].split("\t")
    want = ["product", "folder", "interface", "targets", "uses", "internals"]
    if header != want:
        sys.exit(f"{path}: header {header}, want {want}")
    products = {}
    for r in rows[1:]:
        cols = r.split("\t")
        if len(cols) != len(want):
            sys.exit(f"{path}: row {r!r} has {len(cols)} columns, want {len(want)}")
        name, folder, interface, targets, uses, internals = cols
        words = lambda s: [] if s == "-" else s.split()
        products[name] = {
            "folder": folder,
            "interface": folder if interface == "-" else interface,
            "targets": [t.replace("{v}", v) for t in targets.split() for v in VARIANTS]
            if "{v}" in targets else targets.split(),
            "uses": set(words(uses)),
            "internals": set(words(internals)),
        }
    for name, p in products.items():
        for other in p["uses"] | p["internals"]:
            if other not in products:
                sys.exit(f"{path}: {name} uses {other}, which is no product")
    return products


def inside(path, folder):
    return os.path.commonpath([path, folder]) == folder


class Tree:
    def __init__(self, root, build, products):
        self.root, self.products = root, products
        self.errors = []
        # Directories an include is looked up in, with who owns them:
        # interface directories (also in the build tree), every folder
        # holding a product's private headers, and the product's folder in
        # the build tree (private headers configure generates).
        self.search = []
        for name, p in products.items():
            iface = os.path.join(root, p["interface"])
            self.search.append((iface, name))
            self.search.append((os.path.join(build, p["interface"]), name))
            if p["folder"] != p["interface"]:
                self.search.append((os.path.join(build, p["folder"]), name))
            for d, _, files in os.walk(os.path.join(root, p["folder"])):
                if any(f.endswith(".h") for f in files) and d != iface:
                    self.search.append((d, name))
        self.build = build

    def owner(self, path):
        """(product, is_interface) of a file, or (None, False)."""
        for name, p in self.products.items():
            for base in (self.root, self.build):
                if inside(path, os.path.join(base, p["interface"])):
                    return name, True
        for name, p in self.products.items():
            for base in (self.root, self.build):
                if inside(path, os.path.join(base, p["folder"])):
                    return name, False
        return None, False

    def resolve(self, src, quote, inc):
        """The file an include names, or None for a system header."""
        if quote == '"':
            local = os.path.normpath(os.path.join(os.path.dirname(src), inc))
            if os.path.isfile(local):
                return local
        found = sorted({os.path.normpath(os.path.join(d, inc)) for d, _ in self.search
                        if os.path.isfile(os.path.join(d, inc))})
        if len(found) > 1:
            self.errors.append(f"{self.rel(src)}: #include {inc!r} is ambiguous: "
                               + ", ".join(self.rel(f) for f in found))
        if found:
            return found[0]
        if quote == '"':
            self.errors.append(f"{self.rel(src)}: #include \"{inc}\" names no file of the tree")
        return None

    def rel(self, path):
        for base in (self.root, self.build):
            if inside(path, base):
                return os.path.relpath(path, base)
        return path


def check_includes(tree):
    crossing = 0
    files = 0
    for name, p in tree.products.items():
        dirs = {os.path.join(tree.root, p["folder"]), os.path.join(tree.root, p["interface"])}
        sources = sorted({os.path.join(d, f) for top in dirs for d, _, fs in os.walk(top)
                          for f in fs if f.endswith((".c", ".h"))})
        for src in sources:
            files += 1
            # An exported header (one of an include directory of its own)
            # must compile where only the interfaces are visible.
            exported = src.endswith(".h") and p["interface"] != p["folder"] and \
                tree.owner(src)[1]
            for m in INCLUDE.finditer(open(src, errors="replace").read()):
                quote, inc = m.group(1), m.group(2)
                where = f"{tree.rel(src)}: #include {inc!r}"
                if ".." in inc.split("/"):
                    tree.errors.append(f"{where} climbs folders ('../'): include through the "
                                       "product's exported directory")
                    continue
                target = tree.resolve(src, quote, inc)
                if target is None:
                    continue
                other, public = tree.owner(target)
                if other is None:
                    tree.errors.append(f"{where}: {tree.rel(target)} belongs to no product")
                    continue
                if exported and not public:
                    tree.errors.append(f"{where}: an interface header includes the private "
                                       f"header {tree.rel(target)}")
                if other == name:
                    continue
                crossing += 1
                if public and other not in p["uses"] | p["internals"]:
                    tree.errors.append(f"{where}: {name} may not use {other} "
                                       f"(src/products.tsv)")
                elif not public and other not in p["internals"]:
                    tree.errors.append(f"{where}: {tree.rel(target)} is private to {other}; "
                                       f"{name} may not use {other}'s internals "
                                       f"(src/products.tsv)")
    return files, crossing


def check_links(tree, work, cmake, generator):
    dot = os.path.join(work, "deps.dot")
    run = subprocess.run([cmake, "-S", tree.root, "-B", work, "-DLHV1_BUILD_TESTS=OFF",
                          "-DLHV1_SANITIZE=ON", f"--graphviz={dot}"]
                         + (["-G", generator] if generator else []),
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"configure for the target graph failed:\n{run.stdout}{run.stderr}")
    text = open(dot).read()
    label = dict(NODE.findall(text))
    owner = {t: name for name, p in tree.products.items() for t in p["targets"]}
    for t in sorted(label.values()):
        if t.startswith("lhv1_") and t not in owner:
            tree.errors.append(f"target {t} belongs to no product (src/products.tsv)")
    edges = crossing = 0
    for a, b in EDGE.findall(text):
        ta, tb = label.get(a), label.get(b)
        if ta not in owner or tb not in owner:
            continue  # an external library
        edges += 1
        pa, pb = owner[ta], owner[tb]
        if pa == pb:
            continue
        crossing += 1
        allowed = tree.products[pa]["uses"] | tree.products[pa]["internals"]
        if pb not in allowed:
            tree.errors.append(f"target {ta} links {tb}: {pa} may not use {pb} "
                               f"(src/products.tsv)")
    return edges, crossing


def check_table(tree):
    src = os.path.join(tree.root, "src")
    folders = [os.path.join(tree.root, p["folder"]) for p in tree.products.values()]
    for d, _, fs in os.walk(src):
        for f in fs:
            path = os.path.join(d, f)
            if f.endswith((".c", ".h")) and not any(inside(path, x) for x in folders):
                tree.errors.append(f"{tree.rel(path)} is in no product's folder (src/products.tsv)")
    # The uses relation must be a hierarchy.
    state = {}

    def visit(n, path):
        if state.get(n) == "done":
            return
        if state.get(n) == "open":
            tree.errors.append("products use each other in a circle: " + " -> ".join(path + [n]))
            return
        state[n] = "open"
        for m in sorted(tree.products[n]["uses"] | tree.products[n]["internals"]):
            visit(m, path + [n])
        state[n] = "done"

    for n in tree.products:
        visit(n, [])


def main():
    if len(sys.argv) not in (3, 4, 5):
        sys.exit(__doc__)
    root = os.path.realpath(sys.argv[1])
    cmake = sys.argv[3] if len(sys.argv) > 3 else "cmake"
    generator = sys.argv[4] if len(sys.argv) > 4 else None
    products = read_table(os.path.join(root, "src", "products.tsv"))
    os.makedirs(sys.argv[2], exist_ok=True)
    with tempfile.TemporaryDirectory(dir=sys.argv[2]) as work:
        tree = Tree(root, os.path.realpath(work), products)
        check_table(tree)
        edges, link_crossing = check_links(tree, tree.build, cmake, generator)
        files, inc_crossing = check_includes(tree)
    print(f"layout: {len(products)} products; {files} files, {inc_crossing} includes across "
          f"products; {edges} links between product targets, {link_crossing} across products")
    # A scan that sees nothing passes everything: the tree has both kinds.
    if inc_crossing == 0 or link_crossing == 0:
        tree.errors.append("found no include or no link across products: the scan is broken")
    for e in tree.errors:
        print("FAIL " + e)
    return 1 if tree.errors else 0


if __name__ == "__main__":
    sys.exit(main())
