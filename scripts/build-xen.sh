#!/bin/bash
# build-xen.sh: build the patched hypervisor (xen/xen, the multiboot ELF) and
# the toolstack (`make dist-tools` into build/xen/dist). Incremental.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_deps

"$TOP/scripts/fetch-xen.sh"
msg "applying patch queues and overlays"
"$TOP/scripts/prepare-xen.sh"
cd "$XEN_SRC"

# Hypervisor .config: Debian's fragment plus ours; rewritten only on change.
cat debian/xen-kconfig "$TOP/xen/xen.kconfig" >"$BUILD/xen/kconfig.frag"
if ! cmp -s "$BUILD/xen/kconfig.frag" "$BUILD/xen/kconfig.applied" 2>/dev/null ||
        [ ! -f xen/.config ]; then
    msg "configuring the hypervisor"
    cp "$BUILD/xen/kconfig.frag" xen/.config
    run_logged "$LOG_DIR/xen-kconfig.log" make -C xen olddefconfig
    cp "$BUILD/xen/kconfig.frag" "$BUILD/xen/kconfig.applied"
fi

msg "building the hypervisor (log: build/logs/xen-hypervisor.log)"
run_logged "$LOG_DIR/xen-hypervisor.log" make -j"$JOBS" build-xen
[ -f xen/xen ] || die "the hypervisor build produced no xen/xen"

# CET-IBT: every function our code calls through a pointer is cf_check.
# Checked in our own files and in the upstream files our patches touch,
# as built in the tree $1 (the current directory).
check_ibt() {
    grep -q '^CONFIG_XEN_IBT=y' xen/.config || return 0
    local ours
    mapfile -t ours < <(
        cd "$TOP" && { find xen -path xen/tests -prune -o -path xen/tools -prune \
                           -o -name '*.c' -print
                       grep -h '^+++ b/xen/.*\.c' xen/patches/*.patch |
                           awk '{sub(/^b\//, "", $2); print $2}'; } |
            sort -u | sed 's/\.c$/.o/' |
            while read -r o; do [ ! -f "$1/$o" ] || echo "$o"; done)
    msg "checking indirect-call targets for endbr64 (${#ours[@]} objects)"
    "$TOP/scripts/check-ibt-targets.py" "${ours[@]}" ||
        die "a function called through a pointer lacks cf_check (CET-IBT)"
}
check_ibt "$XEN_SRC"

# A second hypervisor, with XSM/FLASK and Xen's default policy built in
# (its tools/flask/policy, with our clone module): build/xen/xen-flask, for
# the nested FLASK test (xen/tests/nested/clone-flask.t). The same patched
# tree, copied to build/xen/flask-src (only changed files are rewritten).
FLASK_SRC=$BUILD/xen/flask-src
msg "building the FLASK hypervisor (log: build/logs/xen-flask.log)"
mkdir -p "$FLASK_SRC"
rsync -rlpc "$BUILD/xen/applied/" "$FLASK_SRC/"
{ cat "$BUILD/xen/kconfig.frag"
  printf '%s\n' CONFIG_XSM=y CONFIG_XSM_FLASK=y CONFIG_XSM_FLASK_POLICY=y \
                CONFIG_XSM_FLASK_DEFAULT=y; } >"$BUILD/xen/kconfig-flask.frag"
if ! cmp -s "$BUILD/xen/kconfig-flask.frag" "$BUILD/xen/kconfig-flask.applied" 2>/dev/null ||
        [ ! -f "$FLASK_SRC/xen/.config" ]; then
    cp "$BUILD/xen/kconfig-flask.frag" "$FLASK_SRC/xen/.config"
    run_logged "$LOG_DIR/xen-flask-kconfig.log" make -C "$FLASK_SRC/xen" olddefconfig
    cp "$BUILD/xen/kconfig-flask.frag" "$BUILD/xen/kconfig-flask.applied"
fi
grep -q '^CONFIG_XSM_FLASK_POLICY=y' "$FLASK_SRC/xen/.config" ||
    die "the FLASK hypervisor has no built-in policy: is checkpolicy installed? (make deps)"
run_logged "$LOG_DIR/xen-flask.log" make -C "$FLASK_SRC" -j"$JOBS" build-xen
(cd "$FLASK_SRC" && check_ibt "$FLASK_SRC")
cp "$FLASK_SRC/xen/xen" "$BUILD/xen/xen-flask"

CONFIGURE_ARGS="--prefix=/usr --disable-stubdom --disable-docs
 --disable-qemu-traditional --with-system-qemu=/usr/bin/qemu-system-i386
 --disable-ocamltools --disable-golang --disable-seabios --disable-pvshim
 --disable-xsmpolicy --disable-rombios --disable-ipxe"
if ! [ -f config.status ] ||
        [ "$(cat "$BUILD/xen/configure.args" 2>/dev/null)" != "$CONFIGURE_ARGS" ]; then
    msg "configuring the tools (log: build/logs/xen-configure.log)"
    # The Debian tree ships no generated configure; make one.
    run_logged "$LOG_DIR/xen-configure.log" sh -c '
        ./autogen.sh &&
        cp /usr/share/automake-1.16/config.guess /usr/share/automake-1.16/config.sub . &&
        ./configure '"$(echo $CONFIGURE_ARGS)"
    echo "$CONFIGURE_ARGS" >"$BUILD/xen/configure.args"
fi

msg "building the tools (log: build/logs/xen-tools.log)"
run_logged "$LOG_DIR/xen-tools.log" make -j"$JOBS" build-tools
msg "installing the tools into build/xen/dist"
rm -rf "$XEN_DIST.new"
run_logged "$LOG_DIR/xen-tools-install.log" \
    make install-tools DESTDIR="$XEN_DIST.new"
rm -rf "$XEN_DIST"
mv "$XEN_DIST.new" "$XEN_DIST"
cp xen/xen xen/xen-syms "$BUILD/xen/"
msg "hypervisor: build/xen/xen ($(sed -n 's/.*XEN_EXTRAVERSION.*"\(.*\)".*/\1/p' xen/include/xen/compile.h 2>/dev/null || true))"
