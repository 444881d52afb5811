#!/bin/sh
# clone-soak.t: a short, fixed-seed part of the family soak (make fuzz and
# make test-long run 1,000 trees): xen-clone-soak grows 8 random clone
# family trees (Dom0 clones through xl clone and libxenctrl, the guests'
# own forks, resets, destruction in random orders) and after each tree
# Xen's free memory must be back exactly and only Dom0 left.
# run-in-dom0: timeout=1500
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/soak-test.sh

soak_scenario 8 8
