#!/bin/sh
# long/clone-soak.t: the whole family soak (1,000 trees; make test-long;
# make fuzz runs it too): xen-clone-soak grows 1,000 random clone
# family trees (Dom0 clones through xl clone and libxenctrl, the guests'
# own forks, resets, destruction in random orders) and after each tree
# Xen's free memory must be back exactly and only Dom0 left.
# run-in-dom0: timeout=28800
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/soak-test.sh

soak_scenario 1000 1,000
