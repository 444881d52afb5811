#!/bin/sh
# vif-cycles.t: 20 'xl clone' / 'xl destroy' cycles of a serving httpd
# guest with a vif in mode new (every child on the bridge with its own
# address): each child's vif is connected; every tenth child answers HTTP
# at its own address. Then 10 cycles in mode same (each child takes the
# family bond's slot 1, the ended child's, and leaves it: the bond keeps 2
# slots, both leading to the parent). Afterwards no vif, bridge or bond port,
# backend or frontend node, or domain is left but the parent's, and Xen's
# free memory is exactly what it was after the first cycle (a leaked grant
# mapping keeps a dying domain, and its pages, alive); once the parent is
# gone, no bond or slot either. tests/long/vif-cycles.t runs 100 and 30 (about
# 11 minutes under TCG: make test-long).
# run-in-dom0: timeout=1200
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/vif-cycles.sh

vif_cycles_scenario 20 10
