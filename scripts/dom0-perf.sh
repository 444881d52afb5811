#!/bin/bash
# dom0-perf.sh: a Dom0 initramfs with Linux's perf in it, for profiling
# Dom0's daemons (xenstored, xencloned, xl...) in a nested run:
#
#   scripts/dom0-perf.sh            # after 'make dom0'; installs linux-perf
#   RUN_IN_DOM0_INITRD=build/dom0/dom0-perf.cpio scripts/run-tests.sh T.t
#
# and in the scenario, e.g. 10 clones profiled system-wide:
#   echo -1 >/proc/sys/kernel/perf_event_paranoid
#   echo 0 >/proc/sys/kernel/kptr_restrict
#   perf record -a -F 499 -e cpu-clock -o /tmp/p.data -- sh -c '...'
#   perf report -i /tmp/p.data --stdio --sort comm,sym | head -60
#
# perf comes from Debian's linux-perf package on this machine, with the
# shared libraries it needs that Dom0's image lacks, appended to
# build/dom0/dom0.cpio as a second cpio archive (the kernel unpacks
# both). In a PV Dom0 only software events work (cpu-clock); time spent
# in Xen shows up as xen_hypercall_pv. Not used by any test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"
base=$BUILD/dom0/dom0.cpio
out=$BUILD/dom0/dom0-perf.cpio
[ -f "$base" ] || die "$base is missing: run 'make dom0' first"
command -v perf >/dev/null 2>&1 || {
    msg "installing linux-perf"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-perf >/dev/null
}
perf=$(readlink -f "$(command -v perf)")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# What the image has already is kept (same Debian release).
cpio -it <"$base" 2>/dev/null | sort >"$work/have"
mkdir "$work/root"
for f in /usr/bin/perf $(ldd "$perf" | awk '$3 ~ /^\// {print $3}'); do
    rel=${f#/}
    grep -qxF "$rel" "$work/have" && continue
    mkdir -p "$work/root/$(dirname "$rel")"
    cp -L "$f" "$work/root/$rel"
done
(cd "$work/root" && find . -mindepth 1 | cpio -o -H newc 2>/dev/null) >"$work/perf.cpio"
cat "$base" "$work/perf.cpio" >"$out"
msg "Dom0 initramfs with perf: $out ($(($(stat -c %s "$out") / 1048576)) MiB)"
