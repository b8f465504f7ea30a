"""What a config fragment says of itself: its header lines (configs/README.md).

A cell's config is one fragment of configs/ or several joined by '+'; the
constraints of every part apply."""
import os
import re

from .paths import tree
from .tables import ARCH_NAMES

CONFIGS = tree("configs")


def names():
    """Every config name: a fragment that is not common, an arch's, or an
    arch add-on (<config>-<arch>)."""
    out = []
    for f in sorted(os.listdir(CONFIGS)):
        if not f.endswith(".config"):
            continue
        n = f[:-len(".config")]
        if n == "common" or n in ARCH_NAMES or any(n.endswith("-" + a) for a in ARCH_NAMES):
            continue
        out.append(n)
    return out


def header(part):
    """{key: [values]} of a fragment's '# key: value' lines."""
    out = {}
    with open(os.path.join(CONFIGS, part + ".config"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^# (needs|boot|expect|optional): (.*)$", line.rstrip("\n"))
            if m:
                out.setdefault(m.group(1), []).append(m.group(2).strip())
    return out


def options(part):
    """{CONFIG_X: value} a fragment sets."""
    out = {}
    with open(os.path.join(CONFIGS, part + ".config"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$", line.strip())
            if m:
                out[m.group(1)] = m.group(2)
    return out


class Needs:
    """The constraints of a config (every part's): arches, the oldest kernel
    series, whether it is a Rust config; each with its reason."""

    def __init__(self, config):
        self.config = config
        self.parts = config.split("+")
        self.arches, self.kernel, self.rust = None, None, False
        self.boot, self.expect = [], {}
        self.why = {}
        for p in self.parts:
            h = header(p)
            for n in h.get("needs", []):
                word, _, rest = n.partition(" ")
                reason = re.search(r"\((.*)\)\s*$", rest)
                rest = re.sub(r"\s*\(.*\)\s*$", "", rest).strip()
                if word == "arch":
                    self.arches = rest.split()
                    self.why["arch"] = f"{p} is {' '.join(self.arches)} only"
                elif word == "kernel":
                    self.kernel = rest
                    self.why["kernel"] = (f"{p} needs kernel {rest} or newer"
                                          + (f" ({reason.group(1)})" if reason else ""))
                elif word == "rust":
                    self.rust = True
            self.boot += h.get("boot", [])
            for e in h.get("expect", []):
                k, _, v = e.partition(" ")
                self.expect[k] = v.strip()
        # a Rust config is its own kernel: not joined with another
        self.joined_rust = self.rust and len(self.parts) > 1

    def excludes(self, arch, kernel_series):
        """Why the cell (arch, kernel series) cannot run, or None."""
        from .tables import version_key
        if self.arches is not None and arch not in self.arches:
            return self.why["arch"]
        if self.kernel and version_key(kernel_series) < version_key(self.kernel):
            return self.why["kernel"]
        return None


def sets(config, option):
    """Whether any part of a config sets CONFIG option to y."""
    return any(options(p).get(option) == "y" for p in config.split("+"))
