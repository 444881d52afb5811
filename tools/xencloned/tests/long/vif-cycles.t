#!/bin/sh
# long/vif-cycles.t: 100 'xl clone' / 'xl destroy' cycles of a serving
# httpd guest with a vif in mode new, then 30 in mode same, with every
# check of tests/nested/vif-cycles.t (the same scenario, shorter, in make
# test): no vif, bridge or bond port, backend, XenStore node or domain is
# left, and Xen's free memory is exactly back. About 11 minutes under TCG.
# run-in-dom0: timeout=2400
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/vif-cycles.sh

vif_cycles_scenario 100 30
