#!/bin/bash
# fetch-kernel.sh: download the pinned Debian 6.1 kernel package (Dom0's
# kernel), unpack it into build/kernel without installing it, and extract
# the uncompressed ELF vmlinux (Xen then skips a slow in-guest XZ unpack).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_deps

STAMP=$KERNEL_DIR/.ready-$DOM0_KERNEL_VERSION
[ -e "$STAMP" ] && exit 0
mkdir -p "$KERNEL_DIR"
cd "$KERNEL_DIR"
deb=${DOM0_KERNEL_PKG}_${DOM0_KERNEL_VERSION}_amd64.deb
if [ ! -s "$deb" ]; then
    msg "apt-get download $DOM0_KERNEL_PKG=$DOM0_KERNEL_VERSION"
    # apt checks the .deb against the signed archive index it downloads from.
    apt-get download -q "$DOM0_KERNEL_PKG=$DOM0_KERNEL_VERSION" >download.log 2>&1 || {
        cat download.log >&2
        die "could not download $DOM0_KERNEL_PKG=$DOM0_KERNEL_VERSION; run 'make deps'" \
            "or pick a version from 'apt-cache policy $DOM0_KERNEL_PKG' for scripts/pins.sh"
    }
fi
msg "unpacking $deb"
rm -rf root && mkdir root
dpkg-deb -x "$deb" root
[ -f "root/boot/vmlinuz-$DOM0_KVER" ] || die "$deb holds no vmlinuz-$DOM0_KVER"
msg "extracting vmlinux"
python3 - "root/boot/vmlinuz-$DOM0_KVER" vmlinux <<'PY'
# A Debian bzImage carries its kernel as an XZ-compressed ELF payload.
import lzma, sys
data = open(sys.argv[1], 'rb').read()
off = data.find(b'\xfd7zXZ\x00')
while off >= 0:
    try:
        out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[off:])
        if out[:4] == b'\x7fELF':
            open(sys.argv[2], 'wb').write(out)
            sys.exit(0)
    except lzma.LZMAError:
        pass
    off = data.find(b'\xfd7zXZ\x00', off + 1)
sys.exit("no XZ-compressed ELF payload in " + sys.argv[1])
PY
touch "$STAMP"
