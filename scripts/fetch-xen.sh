#!/bin/bash
# fetch-xen.sh: download the pinned Xen source package from Debian's archive,
# verify the .dsc signature and every file's SHA-256 against it, and unpack
# the pristine tree (with Debian's own patches) into build/xen/pristine.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_deps

DSC=xen_${XEN_DEB_VERSION}.dsc
STAMP=$XEN_PRISTINE/.unpacked-$XEN_DEB_VERSION
[ -e "$STAMP" ] && exit 0

mkdir -p "$XEN_DL"
cd "$XEN_DL"
if [ ! -s "$DSC" ]; then
    msg "apt-get source xen=$XEN_DEB_VERSION"
    # _apt cannot write into root-only build dirs; the download is verified below.
    apt-get source --download-only -q "xen=$XEN_DEB_VERSION" >download.log 2>&1 || {
        cat download.log >&2
        die "could not download xen=$XEN_DEB_VERSION; run 'make deps', or update scripts/pins.sh"
    }
fi

msg "verifying $DSC signature"
gpgv --keyring /usr/share/keyrings/debian-keyring.gpg \
    --keyring /usr/share/keyrings/debian-maintainers.gpg "$DSC" >verify.log 2>&1 ||
    gpgv --keyring /usr/share/keyrings/debian-keyring.gpg "$DSC" >verify.log 2>&1 || {
    cat verify.log >&2; die "bad or unknown signature on $DSC"; }

msg "verifying SHA-256 checksums listed in $DSC"
sed -n '/^Checksums-Sha256:/,/^[^ ]/{/^ /p}' "$DSC" >sums.txt
[ -s sums.txt ] || die "$DSC lists no SHA-256 checksums"
while read -r sum size name; do
    [ -f "$name" ] || die "$name (listed in $DSC) was not downloaded"
    [ "$(stat -c %s "$name")" = "$size" ] || die "$name: size differs from $DSC"
    echo "$sum  $name"
done <sums.txt | sha256sum --quiet -c - || die "checksum mismatch against $DSC"

msg "unpacking into $XEN_PRISTINE"
rm -rf "$XEN_PRISTINE"
dpkg-source --no-check -x "$DSC" "$XEN_PRISTINE" >unpack.log 2>&1 || {
    cat unpack.log >&2; die "dpkg-source -x failed"; }
touch "$STAMP"
