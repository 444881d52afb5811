#!/bin/sh
# 9pfs.sh: xen9pfsd benchmarks (Dom0 script, see scripts/bench.sh), side by
# side in one run: sequential write/read MB/s and small files/s of our
# guest on xen9pfsd against a Dom0 process on Dom0's own filesystem (the
# same one the share lives on), and kvsnap's fork and save times (a guest
# fork() through xencloned and xen9pfsd) against a Dom0 Linux process's
# fork() with the same dataset, at 0, 10k and 100k keys.
# run-in-dom0: timeout=1800
. /usr/lib/xen-clone/tap.sh
. /usr/lib/xen-clone/minios-guest.sh
. /usr/lib/xen-clone/xen9pfsd.sh
# The plots' x axes (scripts/bench-report.py).
echo "info: x_axis.kvsnap_fork_ms keys in the store"
echo "info: x_axis.kvsnap_save_ms keys in the store"
echo "info: x_axis.small_files_per_s files"

BIN=/usr/lib/xen-clone/bin
RUNS=${RUNS:-3} MB=${MB:-16} FILES=${FILES:-200}
echo "info: seq_mb $MB"
echo "info: small_files $FILES"

# emit METRIC LABEL X KBS: KB/s as MB/s.
mbs() { echo "bench: $1 $2 $3 $(awk -v k="$4" 'BEGIN {printf "%.2f", k / 1024}') MB/s"; }

i=0
while [ $i -lt $RUNS ]; do
    i=$((i + 1))
    rm -rf /tmp/bench-share /tmp/bench-local && mkdir -p /tmp/bench-share
    if p9_run bg /tmp/bench-share -- "cmdline=\"mode=bench dir=/b mb=$MB files=$FILES\"" &&
        p9_ok bg; then
        out=$(grep '^files: bench:' "$CONSOLE_DIR/guest-bg.log")
        mbs seq_write_mbs guest-9pfs $MB "$(echo "$out" | awk '$3 == "seq_write_kbs" {print $4}')"
        mbs seq_read_mbs guest-9pfs $MB "$(echo "$out" | awk '$3 == "seq_read_kbs" {print $4}')"
        echo "bench: small_files_per_s guest-9pfs $FILES $(echo "$out" | awk '$3 == "small_files_per_s" {print $4}') files/s"
    else
        echo "bench run failed: guest run $i"
        show_console bg
    fi
    destroy_wait bg
    if out=$($BIN/xen9pfs-localbench /tmp/bench-local $MB $FILES); then
        mbs seq_write_mbs dom0-local $MB "$(echo "$out" | awk '$3 == "seq_write_kbs" {print $4}')"
        mbs seq_read_mbs dom0-local $MB "$(echo "$out" | awk '$3 == "seq_read_kbs" {print $4}')"
        echo "bench: small_files_per_s dom0-local $FILES $(echo "$out" | awk '$3 == "small_files_per_s" {print $4}') files/s"
    else
        echo "bench run failed: local run $i"
    fi
done

# ms from a "kvsnap: keys N, fork A us, save B us" line.
ms() { echo "$1" | sed -n "s/.* $2 \([0-9]*\) us.*/\1/p" | awk '{printf "%.3f", $1 / 1000}'; }
for keys in 0 10000 100000; do
    i=0
    while [ $i -lt $RUNS ]; do
        i=$((i + 1))
        rm -rf /tmp/bench-kv && mkdir -p /tmp/bench-kv
        if p9_guest kv /tmp/bench-kv --app kvsnap -- "cmdline=\"keys=$keys\"" &&
            wait_console 600 kv '^kvsnap: ok'; then
            line=$(console_line kv '^kvsnap: keys')
            echo "bench: kvsnap_fork_ms guest-clone $keys $(ms "$line" fork) ms"
            echo "bench: kvsnap_save_ms guest-clone $keys $(ms "$line" save) ms"
        else
            echo "bench run failed: kvsnap keys=$keys run $i"
            show_console kv
        fi
        destroy_wait kv
        if line=$($BIN/xen9pfs-kvsnap-linux /tmp/bench-kv $keys); then
            echo "bench: kvsnap_fork_ms dom0-process $keys $(ms "$line" fork) ms"
            echo "bench: kvsnap_save_ms dom0-process $keys $(ms "$line" save) ms"
        else
            echo "bench run failed: kvsnap-linux keys=$keys run $i"
        fi
    done
done
