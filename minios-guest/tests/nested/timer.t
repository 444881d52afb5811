#!/bin/sh
# timer.t: the timer app sleeps on Xen's one-shot timer and time moves.
# run-in-dom0: timeout=240
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh

plan 7
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
done_testing
