#!/bin/bash
# fetch-lwip.sh: download the pinned lwIP source package from Debian's
# archive, check the .dsc signature, the files' SHA-256 against the .dsc and
# against scripts/pins.sh, and unpack it into build/lwip/src (minios-guest
# builds its TCP/IP stack from there).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

LWIP_DL=$BUILD/lwip/download
LWIP_SRC=$BUILD/lwip/src
DSC=lwip_${LWIP_DEB_VERSION}.dsc
UPSTREAM=${LWIP_DEB_VERSION%-*}
STAMP=$LWIP_SRC/.unpacked-$LWIP_DEB_VERSION
[ -e "$STAMP" ] && exit 0

mkdir -p "$LWIP_DL"
cd "$LWIP_DL"
if [ ! -s "$DSC" ]; then
    msg "apt-get source lwip=$LWIP_DEB_VERSION"
    apt-get source --download-only -q "lwip=$LWIP_DEB_VERSION" >download.log 2>&1 || {
        cat download.log >&2
        die "could not download lwip=$LWIP_DEB_VERSION; run 'make deps', or update scripts/pins.sh"
    }
fi

msg "verifying $DSC signature"
gpgv --keyring /usr/share/keyrings/debian-keyring.gpg \
    --keyring /usr/share/keyrings/debian-maintainers.gpg "$DSC" >verify.log 2>&1 || {
    cat verify.log >&2; die "bad or unknown signature on $DSC"; }

msg "verifying SHA-256 sums (scripts/pins.sh and $DSC)"
sha256sum --quiet -c - <<SUMS || die "checksum mismatch against scripts/pins.sh"
$LWIP_DSC_SHA256  $DSC
$LWIP_ORIG_SHA256  lwip_$UPSTREAM.orig.tar.xz
$LWIP_DEBIAN_SHA256  lwip_$LWIP_DEB_VERSION.debian.tar.xz
SUMS
sed -n '/^Checksums-Sha256:/,/^[^ ]/{/^ /p}' "$DSC" >sums.txt
[ -s sums.txt ] || die "$DSC lists no SHA-256 checksums"
while read -r sum size name; do
    [ "$(stat -c %s "$name")" = "$size" ] || die "$name: size differs from $DSC"
    echo "$sum  $name"
done <sums.txt | sha256sum --quiet -c - || die "checksum mismatch against $DSC"

msg "unpacking into $LWIP_SRC"
rm -rf "$LWIP_SRC"
dpkg-source --no-check -x "$DSC" "$LWIP_SRC" >unpack.log 2>&1 || {
    cat unpack.log >&2; die "dpkg-source -x failed"; }
touch "$STAMP"
