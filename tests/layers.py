"""make check-layers: the layers of arc, proved on the object files.

    python3 tests/layers.py NAME: obj.o ... NAME: obj.o ...

Reads each object's defined and undefined symbols with nm and checks:

1. Calls go down only: an object may use what objects of its own layer
   or of the layers it stands on (ALLOWED) define. Taking a function's
   address counts as using it; a call through a pointer set by arcd.c
   (a hook, an ops table) does not, which is the point of hooks.
2. No call cycle between source files anywhere (within a layer too).
3. What the pure layers may take from outside: the runtime and the core
   only libc and libm, and not the clock, sockets, files or threads (the
   core takes `now` as data); proto/ only libc and libcrypto.

Prints every violation and exits 1, or prints a one-line summary.
"""
import os
import re
import subprocess
import sys

# layer -> the layers it may use (besides itself)
ALLOWED = {
    "runtime": set(),
    "proto": set(),
    "db": {"runtime", "proto"},
    "core": {"runtime"},
    "pipeline": {"core", "runtime", "db", "proto"},
    "adapters": {"pipeline", "core", "runtime", "db", "proto"},
    "arcd": {"adapters", "pipeline", "core", "runtime", "db", "proto"},
    "ctl": {"runtime", "db", "proto"},
    "console": {"runtime"},
    "loadgen": {"runtime", "proto"},
}

# The pure layers: libraries they may use from outside arc.
PURE_LIBS = {"runtime": ["c", "m"], "core": ["c", "m"],
             "proto": ["c", "crypto"]}
# ... and what of libc they may not (the core decides, it does no I/O).
NO_IO = {"socket", "bind", "listen", "accept", "accept4", "connect",
         "send", "sendto", "sendmsg", "recv", "recvfrom", "recvmsg",
         "read", "write", "open", "open64", "fopen", "fopen64", "close",
         "poll", "select", "epoll_wait", "epoll_ctl", "pthread_create",
         "pthread_mutex_lock", "clock_gettime", "gettimeofday", "time",
         "sleep", "usleep", "nanosleep", "system", "popen", "fork",
         "execve", "getenv"}
DENY = {"core": NO_IO | {"clock_wall", "clock_mono", "clock_turn"},
        "proto": NO_IO}
# Instrumentation and compiler runtime, whatever the layer.
TOOLING = re.compile(r"^(__asan_|__ubsan_|__sanitizer_|__lsan_|__msan_|"
                     r"__tsan_|__sancov_|__stack_chk_fail|_GLOBAL_OFFSET_TABLE_|"
                     r"__gmon_start__|_ITM_|__cxa_finalize|__dso_handle)")

_libsyms = {}


def lib_symbols(name):
    """Symbols a system library defines (dynamic table)."""
    if name in _libsyms:
        return _libsyms[name]
    out = subprocess.run(["gcc", "-print-file-name=lib%s.so" % name],
                         capture_output=True, text=True).stdout.strip()
    path = os.path.realpath(out)
    # libc.so is a linker script on Debian: read the real object.
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError:
        head = b""
    if head != b"\x7fELF":
        cand = {"c": "/lib/x86_64-linux-gnu/libc.so.6",
                "m": "/lib/x86_64-linux-gnu/libm.so.6"}.get(name)
        if cand is None:
            for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"):
                for n in sorted(os.listdir(d)):
                    if n.startswith("lib%s.so." % name):
                        cand = os.path.join(d, n)
                        break
                if cand:
                    break
        path = cand
    syms = set()
    r = subprocess.run(["nm", "-D", "--defined-only", path],
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            syms.add(parts[2].split("@")[0])
    _libsyms[name] = syms
    return syms


def symbols(obj):
    """(defined, undefined) global symbols of one object."""
    r = subprocess.run(["nm", "-P", obj], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("layers: nm %s: %s" % (obj, r.stderr.strip()))
    defined, undefined = set(), set()
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind.isupper() or kind in ("u", "v", "w"):
            defined.add(name)
    return defined, undefined


def parse(argv):
    layers, cur = {}, None
    for a in argv:
        if a.endswith(":"):
            cur = a[:-1]
            if cur not in ALLOWED:
                sys.exit("layers: unknown layer %s" % cur)
            layers.setdefault(cur, [])
        elif cur is None:
            sys.exit("layers: an object before any layer: %s" % a)
        else:
            layers[cur].append(a)
    return layers


def src(obj):
    """build/obj/arc/core/alarm.o -> arc/core/alarm.c"""
    m = re.search(r"/obj/(.*)\.o$", obj)
    return (m.group(1) + ".c") if m else obj


def cycles(edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
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
                out.append(sorted(comp))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def main():
    layers = parse(sys.argv[1:])
    layer_of, defs, undefs, owner = {}, {}, {}, {}
    for layer, objs in layers.items():
        for o in objs:
            layer_of[o] = layer
            defs[o], undefs[o] = symbols(o)
    # A symbol defined in two layers (a program's main) is owned per layer.
    for o, ds in defs.items():
        for s in ds:
            owner.setdefault(s, []).append(o)
    bad, edges = [], {}
    for o in sorted(undefs):
        lay = layer_of[o]
        for s in sorted(undefs[o]):
            users = [d for d in owner.get(s, []) if d != o]
            mine = [d for d in users if layer_of[d] == lay or
                    layer_of[d] in ALLOWED[lay]]
            if mine:
                for d in mine:
                    edges.setdefault(src(o), set()).add(src(d))
                continue
            if users:
                bad.append("%s (%s) uses %s from %s (%s): not below it" % (
                    src(o), lay, s, src(users[0]), layer_of[users[0]]))
                continue
            if TOOLING.match(s):
                continue
            if lay in DENY and s in DENY[lay]:
                bad.append("%s (%s) uses %s: no I/O, clock or threads here"
                           % (src(o), lay, s))
                continue
            if lay in PURE_LIBS and not any(
                    s in lib_symbols(l) for l in PURE_LIBS[lay]):
                bad.append("%s (%s) uses %s: not from %s" % (
                    src(o), lay, s, " or ".join(
                        "lib" + l for l in PURE_LIBS[lay])))
    for comp in cycles(edges):
        bad.append("call cycle between files: %s" % " <-> ".join(comp))
    for b in bad:
        print("layers: " + b)
    nobj = sum(len(v) for v in layers.values())
    nedge = sum(len(v) for v in edges.values())
    if bad:
        print("layers: %d violations" % len(bad))
        sys.exit(1)
    print("layers: %d files in %d layers, %d edges between files, all "
          "downward, no cycles" % (nobj, len(layers), nedge))


if __name__ == "__main__":
    main()
