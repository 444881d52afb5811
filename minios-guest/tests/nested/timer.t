#!/bin/sh
# timer.t: the timer app sleeps on Xen's one-shot timer and time moves;
# the jitter app (a probe of xen/bench/latency.sh) wakes every 20 ms and
# reports each second's wake-ups and their lateness.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 10
ok "xl create timer (n=5 ms=200)" guest_create timer timer
ok "timer reports ok" wait_console 60 timer '^timer: ok$'
is "$(grep -c '^timer: sleep [1-5] of 5: ' $CONSOLE_DIR/guest-timer.log)" 5 \
    "five sleeps are reported"
ok "no sleep woke up early" sh -c "! grep -q 'woke up early' \
    $CONSOLE_DIR/guest-timer.log"
ok "exit 0 and powered off" wait_state 30 timer s
console_line timer 'timer events' | sed 's/^/# /'
destroy_wait timer

guest_create timer-bad timer 'cmdline="ms=0"' >/dev/null 2>&1
ok "ms=0 is refused with the bad argument named" wait_console 60 timer-bad \
    "^timer: bad argument 'ms=0'"
ok "and exit 2" wait_console 30 timer-bad '^exit 2$'
destroy_wait timer-bad

ok "xl create jitter (period=20 max=3)" guest_create jit jitter \
    'cmdline="period=20 max=3"'
ok "three one-second reports, then exit 0" wait_console 30 jit '^exit 0$'
# 50 periods of 20 ms a second: never more wake-ups than that (none early);
# a late one stands for those it missed, so how many fewer is load, not a
# behaviour to check.
is "$(grep -cE '^jitter [0-2]: wakeups ([1-9]|[1-4][0-9]|50) late max_us [0-9]+ mean_us [0-9]+$' \
    $CONSOLE_DIR/guest-jit.log)" 3 "each report counts 1-50 wake-ups (50 periods) and their lateness"
show_console jit
destroy_wait jit
done_testing
