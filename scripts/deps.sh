#!/bin/bash
# deps.sh: install (idempotently) every Debian package the build, tests and
# benchmarks need; add a deb-src entry and run apt-get update only if needed.
#
#   scripts/deps.sh          install what is missing
#   scripts/deps.sh --check  exit 0 if nothing is missing, else list it
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
    # compilers and the Xen build
    build-essential gcc-multilib flex bison autoconf automake pkg-config
    python3 python3-dev uuid-dev libncurses-dev libyajl-dev libzstd-dev
    liblzma-dev zlib1g-dev libext2fs-dev libglib2.0-dev acpica-tools ccache rsync
    # the FLASK hypervisor's built-in policy
    checkpolicy
    # fetching and verifying Debian sources
    dpkg-dev gpgv debian-keyring xz-utils file
    # the nested test bed
    qemu-system-x86 busybox-static cpio perl
    # style check, benchmarks' plots
    clang-format gnuplot-nox
    # the HTTP load generator shipped in Dom0
    wrk
)
SRC_LIST=/etc/apt/sources.list.d/xen-clone-deb-src.sources

missing_packages() {
    local p
    for p in "${PACKAGES[@]}"; do
        [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = \
            "install ok installed" ] || echo "$p"
    done
}

have_deb_src_entry() {
    grep -rqsE '^[[:space:]]*(deb-src|Types:.*deb-src)' \
        /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

have_xen_source() {
    local versions
    versions=$(apt-cache showsrc xen 2>/dev/null || true)
    grep -qx "Version: $XEN_DEB_VERSION" <<<"$versions"
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $* (run as root or install sudo)"
    fi
}

add_deb_src_entry() {
    msg "adding deb-src entries for Debian bookworm in $SRC_LIST"
    as_root tee "$SRC_LIST" >/dev/null <<'SRC'
# Added by xen-clone's `make deps`: `apt-get source xen` needs source indexes.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}

apt_update() {
    msg "apt-get update"
    as_root apt-get update -q >/dev/null ||
        die "apt-get update failed; is Debian's archive reachable?"
}

missing=$(missing_packages | xargs)
if [ "${1:-}" = --check ]; then
    status=0
    [ -z "$missing" ] || { echo "missing packages: $missing"; status=1; }
    have_xen_source || { echo "apt has no source for xen=$XEN_DEB_VERSION"; status=1; }
    exit $status
fi
[ $# -eq 0 ] || die "usage: $0 [--check]"

updated=0
if ! have_xen_source; then
    have_deb_src_entry || add_deb_src_entry
    apt_update; updated=1
    have_xen_source || die "Debian's archive does not offer xen=$XEN_DEB_VERSION" \
        "any more; pick a version from 'apt-cache showsrc xen' and update scripts/pins.sh"
fi

if [ -n "$missing" ]; then
    msg "installing: $missing"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! as_root apt-get install -y -q --no-install-recommends $missing >/dev/null; then
        [ $updated = 1 ] && die "apt-get install failed"
        apt_update; updated=1
        # shellcheck disable=SC2086
        as_root apt-get install -y -q --no-install-recommends $missing >/dev/null ||
            die "apt-get install failed for: $missing"
    fi
fi
missing=$(missing_packages | xargs)
[ -z "$missing" ] || die "still missing after install: $missing"
msg "dependencies are installed"
