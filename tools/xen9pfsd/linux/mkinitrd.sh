#!/bin/bash
# mkinitrd.sh KERNEL_ROOT OUT: the initramfs (newc cpio) of the Linux PV
# guest that tests xen9pfsd with Linux's 9p client: busybox with its
# libraries, Debian's 9p modules from KERNEL_ROOT/lib/modules, our init.
set -euo pipefail
KROOT=$1 OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
kver=$(ls "$KROOT/lib/modules" | head -1)
[ -n "$kver" ] || { echo "mkinitrd.sh: no modules in $KROOT/lib/modules" >&2; exit 1; }
R=$(mktemp -d)
trap 'rm -rf "$R"' EXIT
mkdir -p "$R"/{bin,proc,sys,dev,tmp,mnt,lib/modules}
cp /bin/busybox "$R/bin/busybox"
{ ldd /bin/busybox 2>/dev/null || true; } | awk '/=> \// {print $3} /^[ \t]*\/lib/ {print $1}' |
    while read -r l; do mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; done
for m in netfs fscache 9pnet 9pnet_xen 9p; do
    f=$(find "$KROOT/lib/modules/$kver" -name "$m.ko" | head -1)
    [ -n "$f" ] || { echo "mkinitrd.sh: module $m.ko not found (compressed modules are not handled)" >&2; exit 1; }
    cp "$f" "$R/lib/modules/$m.ko"
done
install -m 755 "$HERE/init" "$R/init"
(cd "$R" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$OUT.new"
mv "$OUT.new" "$OUT"
