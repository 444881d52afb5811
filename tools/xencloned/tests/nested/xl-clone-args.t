#!/bin/sh
# xl-clone-args.t: 'xl clone' documents itself and refuses bad arguments
# with a clear message and a non-zero exit, before asking Xen for anything.
# run-in-dom0: timeout=120
. /usr/lib/xen-clone/tap.sh

plan 21

run xl clone -h
is "$st" 0 "xl clone -h exits 0"
like "$out" '^Usage: xl \[-vtTf\] clone \[options\] <Domain>' "  with the synopsis"
like "$out" '-n N +Create N children \(1 to 64; default 1\)' "  documenting -n"
like "$out" '-p +Leave the children paused' "  and -p"
like "$(xl help 2>&1)" 'clone +Clone a running PV domain' "xl help lists clone"

run xl clone
is "$st" 2 "no domain: exit 2"
like "$out" "'xl clone' requires at least 1 argument" "  saying a domain is needed"
run xl clone a b
is "$st" 2 "two domains: exit 2"
like "$out" 'one domain expected, got 2 arguments' "  saying one is expected"

for n in 0 65 abc -1 3x; do
    run xl clone -n "$n" Domain-0
    is "$st" 2 "-n $n: exit 2"
done
like "$out" "-n wants a number of children from 1 to 64, not '3x'" \
    "  naming the bad value and the range"

run xl clone no-such-domain
is "$st" 1 "an unknown name: exit 1"
like "$out" "no such domain 'no-such-domain'" "  saying so"
run xl clone 4242
is "$st" 1 "an unknown domid: exit 1"
like "$out" "no such domain '4242'" "  saying so"
run xl clone Domain-0
is "$st" 1 "Domain-0: exit 1"
like "$out" 'Domain-0 cannot be cloned' "Domain-0 is refused"
done_testing
