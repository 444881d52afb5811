#!/bin/sh
# cli.t: xencloned's command line in Dom0: --help, and bad options or a bad
# configuration give a clear message and a non-zero exit.
# run-in-dom0: timeout=120
. /usr/lib/xen-clone/tap.sh

plan 15

run xencloned --help
is "$st" 0 "--help exits 0"
like "$out" '^Usage: xencloned \[OPTIONS\]' "  and prints the usage"
like "$out" '-l, --log-level LEVEL +error, warning, info \(default\) or debug' \
    "  which documents --log-level"
run xencloned --frobnicate
is "$st" 2 "an unknown option exits 2"
like "$out" "unknown option '--frobnicate'" "  and names it"
like "$out" "Try 'xencloned --help'" "  and points to --help"
run xencloned --log-level loud
is "$st" 2 "a bad log level exits 2"
like "$out" "unknown log level 'loud'" "  and names it"
run xencloned --config
is "$st" 2 "--config without a file exits 2"
run xencloned stray
is "$st" 2 "a stray argument exits 2"
like "$out" "unexpected argument 'stray'" "  and names it"
run xencloned --foreground --config /nonexistent.conf
is "$st" 1 "a missing --config file exits 1"
like "$out" 'nonexistent.conf' "  and names the file"
printf '[policy]\nmax_clones=lots\n' >/tmp/bad.conf
run xencloned --foreground --config /tmp/bad.conf
is "$st" 1 "a bad configuration exits 1"
like "$out" "max_clones: 'lots' is not a number" "  and says what is wrong"
done_testing
