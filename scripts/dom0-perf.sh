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
# perf comes from Debian's linux-perf package on this machine; mkdom0.sh
# builds the image again with it and the libraries it needs. In a PV
# Dom0 only software events work (cpu-clock); time spent in Xen shows up
# as xen_hypercall_pv. Not used by any test.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"
command -v perf >/dev/null 2>&1 || {
    msg "installing linux-perf"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-perf >/dev/null
}
DOM0_EXTRA_BINS=$(readlink -f "$(command -v perf)") DOM0_IMAGE=dom0-perf.cpio \
    exec scripts/mkdom0.sh
