#!/usr/bin/env python3
"""check-ibt-targets.py: every function whose address an object takes
starts with endbr64.

Xen builds with -fcf-protection=branch -mmanual-endbr (CONFIG_XEN_IBT): only
functions marked cf_check get an endbr64, and an indirect call to any other
function faults on a CPU with CET-IBT. This reads each object's relocations
(readelf) and code (objdump): a relocation that names the start of a
function, anywhere but in the operand of a direct call or jump, takes its
address, so that function must begin with endbr64.

usage: check-ibt-targets.py OBJECT...   (exit 1 and a list on stderr if one
lacks it; exit 2 on bad usage or a tool failure)
"""
import re
import subprocess
import sys

# Sections whose references to functions are not calls through pointers.
IGNORED_SECTIONS = re.compile(
    r"^\.rela(\.debug|\.eh_frame|__ex_table|\.ex_table|\.altinstr|"
    r"\.bug_frames|\.fixup|\.note|\.discard|__bug_table)")
# Direct branches: their relocations are calls, not address-taking.
DIRECT_BRANCH = re.compile(r"^(call|jmp|j[a-z]{1,3})\b")


def run(*cmd):
    try:
        return subprocess.run(cmd, check=True, capture_output=True,
                              text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"check-ibt-targets: {' '.join(cmd)} failed: {e}",
              file=sys.stderr)
        sys.exit(2)


def sections(obj):
    """Section index -> name."""
    out = {}
    for m in re.finditer(r"^\s*\[\s*(\d+)\]\s+(\S+)", run("readelf", "-SW", obj),
                         re.M):
        out[int(m.group(1))] = m.group(2)
    return out


def symbols(obj):
    """(functions: (section name, offset) -> name, by-name: name -> key)."""
    secs = sections(obj)
    funcs, by_name = {}, {}
    for line in run("readelf", "-sW", obj).splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].rstrip(":").isdigit():
            continue
        value, typ, ndx, name = int(f[1], 16), f[3], f[6], f[7]
        if not ndx.isdigit():
            continue
        sec = secs.get(int(ndx), "")
        if typ == "FUNC":
            funcs[(sec, value)] = name
            by_name[name] = (sec, value)
        elif typ == "SECTION":
            by_name.setdefault(sec, (sec, 0))
    return funcs, by_name


def disassembly(obj):
    """(section, offset) of each instruction -> (mnemonic, its bytes), and
    the non-branch instructions that name a symbol of their own section."""
    insns, local_refs, sec = {}, [], None
    for line in run("objdump", "-d", "-w", obj).splitlines():
        m = re.match(r"^Disassembly of section (\S+):", line)
        if m:
            sec = m.group(1)
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*(\S*)", line)
        if m and sec:
            insns[(sec, int(m.group(1), 16))] = (
                m.group(3), m.group(2).split())
            # A RIP-relative operand inside the same section has no
            # relocation: objdump names its target as "# ADDR <symbol>".
            t = re.search(r"#\s*[0-9a-f]+ <([^>+]+)>\s*$", line)
            if t and not DIRECT_BRANCH.match(m.group(3)):
                local_refs.append((sec, int(m.group(1), 16), t.group(1)))
    return insns, local_refs


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    bad = []
    for obj in argv[1:]:
        funcs, by_name = symbols(obj)
        insns, local_refs = disassembly(obj)
        starts = sorted(k for k in insns)
        cur = None
        for line in run("readelf", "-rW", obj).splitlines():
            m = re.match(r"^Relocation section '(\S+)'", line)
            if m:
                cur = m.group(1)
                continue
            if cur is None or IGNORED_SECTIONS.match(cur):
                continue
            m = re.match(r"^([0-9a-f]+)\s+[0-9a-f]+\s+(R_X86_64_\w+)\s+"
                         r"[0-9a-f]+\s+(\S+)\s*([+-])\s*([0-9a-f]+)", line)
            if not m:
                continue
            off, rtype, sym = int(m.group(1), 16), m.group(2), m.group(3)
            addend = int(m.group(5), 16) * (1 if m.group(4) == "+" else -1)
            if sym not in by_name:
                continue
            tsec, tval = by_name[sym]
            where = cur[len(".rela"):]
            # PC-relative fields sit in the last 4 bytes of the instruction
            # (no immediate follows in lea/mov of an address): target is
            # S + A + 4 - (distance from the field to the instruction end).
            target = tval + addend
            insn = None
            if where in {s for s, _ in starts}:
                at = max((k for k in starts if k[0] == where and k[1] <= off),
                         default=None, key=lambda k: k[1])
                insn = insns.get(at)
                if insn and DIRECT_BRANCH.match(insn[0]):
                    continue
                if rtype in ("R_X86_64_PC32", "R_X86_64_PLT32"):
                    end = at[1] + len(insn[1]) if insn else off + 4
                    target = tval + addend + (end - off)
            elif rtype in ("R_X86_64_PC32", "R_X86_64_PLT32"):
                target = tval + addend + 4
            fn = funcs.get((tsec, target))
            if fn is None:
                continue
            first = insns.get((tsec, target))
            if not first or first[0] != "endbr64":
                bad.append(f"{obj}: {fn} has its address taken "
                           f"(in {where} at {off:#x}) but no endbr64: "
                           "mark it cf_check")
        for sec, off, name in local_refs:
            key = by_name.get(name)
            if key is None or key not in funcs:
                continue
            first = insns.get(key)
            if not first or first[0] != "endbr64":
                bad.append(f"{obj}: {name} has its address taken "
                           f"(in {sec} at {off:#x}) but no endbr64: "
                           "mark it cf_check")
    for b in sorted(set(bad)):
        print(b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
