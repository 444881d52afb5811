#!/bin/bash
# mkdom0.sh: build the Dom0 initramfs (build/dom0/dom0.cpio): busybox, our
# self-built Xen toolstack, the Dom0 kernel's Xen modules, our daemons and
# guest images (from build/dom0-extra), example configs, and the init.
# DOM0_EXTRA_BINS adds host programs (with their libraries) and
# DOM0_IMAGE names another image in build/dom0 (scripts/dom0-perf.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_deps

[ -x "$XEN_DIST/usr/sbin/xl" ] || die "no toolstack in $XEN_DIST; run 'make xen'"
MODDIR=$KERNEL_DIR/root/lib/modules/$DOM0_KVER
[ -d "$MODDIR" ] || die "no Dom0 kernel modules in $MODDIR; run 'make kernel'"
EXTRA=$BUILD/dom0-extra     # components install their Dom0 files here

R=$DOM0_DIR/root
rm -rf "$R"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/lib,etc/xen/examples,proc,sys,dev,tmp,root,test} \
    "$R"/var/{run/xen,run/xenstored,lib/xen,lib/xenstored,log/xen/console,lock} \
    "$R"/lib/modules "$R"/etc/xen-clone/init.d "$R"/usr/lib/minios-guest "$R"/usr/lib/xen-clone
ln -s var/run "$R/run"
cp /bin/busybox "$R/bin/busybox"
install -m 755 "$TOP/scripts/dom0/init" "$R/init"
install -m 644 "$TOP/scripts/dom0/profile" "$R/etc/profile"
echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
echo 'root:x:0:' >"$R/etc/group"
# Dom0 memory is fixed by dom0_mem; never balloon it down for guests.
echo 'autoballoon="off"' >"$R/etc/xen/xl.conf"

# The toolstack from `make -C tools install DESTDIR=build/xen/dist`.
BINS=(usr/sbin/xl usr/sbin/xenstored usr/sbin/xenconsoled usr/sbin/xenhypfs
      usr/sbin/xentop usr/sbin/xenperf usr/sbin/xen-mfndump usr/bin/xenstore
      usr/lib/xen/bin/xen-init-dom0 usr/lib/xen/bin/xenconsole
      usr/lib/xen/bin/libxl-save-helper usr/lib/xen/bin/lsevtchn
      usr/lib/xen/bin/readnotes)
for b in "${BINS[@]}"; do
    [ -e "$XEN_DIST/$b" ] || die "$XEN_DIST/$b is missing from the toolstack"
    mkdir -p "$R/$(dirname "$b")"
    cp -L "$XEN_DIST/$b" "$R/$b"
done
for t in read write ls list rm exists watch chmod; do
    ln -sf xenstore "$R/usr/bin/xenstore-$t"
done
cp -a "$XEN_DIST"/usr/lib/lib*.so* "$R/usr/lib/"
# Host programs for tests and benchmarks (Debian packages, see deps.sh).
for b in /usr/bin/wrk ${DOM0_EXTRA_BINS:-}; do
    [ -x "$b" ] || die "$b is missing; run 'make deps'"
    cp -L "$b" "$R/usr/bin/"
done

# Components' Dom0 files (daemons, guest images, tests' helpers).
[ -d "$EXTRA" ] && cp -a "$EXTRA/." "$R/"
install -m 644 "$TOP/tests/nested/lib/tap.sh" "$R/usr/lib/xen-clone/tap.sh"
for c in "$TOP"/configs/*.cfg; do
    [ -e "$c" ] && install -m 644 "$c" "$R/etc/xen/examples/"
done

# Host shared libraries for every ELF we ship (ldd with our libs first).
find "$R" -type f -perm -u+x | while read -r f; do
    file -b "$f" | grep -q 'ELF.*dynamically linked' || continue
    LD_LIBRARY_PATH=$R/usr/lib ldd "$f" 2>/dev/null |
        awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}'
done | grep -v "^$R/" | sort -u | while read -r l; do
    mkdir -p "$R$(dirname "$l")"
    cp -L "$l" "$R$l"
done
# glibc dlopen()s libgcc_s for pthread_cancel, which libxl uses.
mkdir -p "$R/lib/x86_64-linux-gnu"
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$R/lib/x86_64-linux-gnu/"
/sbin/ldconfig -r "$R" 2>/dev/null || true

# Kernel modules, loaded by init in the order of /etc/xen-clone/modules
# (one "FILE [ARGS]" a line): the Xen device modules, then networking
# (netback, the bridge, bonding, tun; veth, the ingress qdisc, matchall
# and mirred for mode same's flow slots). Dependencies come first, resolved
# from each module's own .modinfo "depends=" (Debian's package ships no
# modules.dep: depmod runs at install time). A compressed module (.ko.xz,
# .ko.zst) is unpacked here: busybox's insmod reads plain .ko only.
MODULES=(xen-privcmd xenfs xen-evtchn xen-gntdev xen-gntalloc
         xen-netback bridge bonding tun veth sch_ingress cls_matchall
         act_mirred)
# Arguments: no bond0 at load time (bonds are made when needed).
declare -A MODARGS=([bonding]="max_bonds=0")
declare -A MOD_PATH=() MOD_DONE=()
while read -r f; do # index: module name (- and _ alike) -> file
    n=$(basename "$f"); n=${n%%.ko*}; MOD_PATH[${n//-/_}]=$f
done < <(find "$MODDIR/kernel" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst')
mod_plain() { # FILE: the module's ELF on stdout
    case $1 in
    *.xz) xz -dc "$1" ;;
    *.zst) zstd -qdc "$1" ;;
    *) cat "$1" ;;
    esac
}
add_module() { # NAME: its dependencies first, then itself
    local key=${1//-/_} f base d deps
    [ -n "${MOD_DONE[$key]:-}" ] && return 0
    MOD_DONE[$key]=1
    f=${MOD_PATH[$key]:-}
    [ -n "$f" ] || die "kernel module $1 not found in $MODDIR"
    base=$(basename "${f%.xz}"); base=${base%.zst}
    mod_plain "$f" >"$R/lib/modules/$base"
    deps=$(objcopy -O binary --only-section=.modinfo "$R/lib/modules/$base" \
        /dev/stdout | tr '\0' '\n' | sed -n 's/^depends=//p')
    for d in ${deps//,/ }; do add_module "$d"; done
    echo "$base${MODARGS[$1]:+ ${MODARGS[$1]}}" >>"$R/etc/xen-clone/modules"
}
: >"$R/etc/xen-clone/modules"
for m in "${MODULES[@]}"; do add_module "$m"; done

# Uncompressed: it unpacks faster than it would decompress under TCG.
mkdir -p "$DOM0_DIR"
IMAGE=${DOM0_IMAGE:-dom0.cpio}
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$DOM0_DIR/$IMAGE.new"
mv "$DOM0_DIR/$IMAGE.new" "$DOM0_DIR/$IMAGE"
msg "Dom0 initramfs: build/dom0/$IMAGE ($(( $(stat -c %s "$DOM0_DIR/$IMAGE") / 1048576 )) MiB)"
