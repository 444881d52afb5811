# pins.sh: pinned versions of everything fetched from Debian's archive.
# Sourced by the build scripts and included by the Makefile (VAR=value only).
# Bump a pin here, nowhere else; `make deps xen dom0` picks the change up.

# Xen source package (bookworm main). Verified against the signed .dsc.
XEN_DEB_VERSION=4.17.5+72-g01140da4e8-1
XEN_UPSTREAM_VERSION=4.17.5+72-g01140da4e8

# Dom0 kernel: Debian's 6.1 image (bookworm main), downloaded and unpacked
# into build/, never installed on the host.
DOM0_KERNEL_PKG=linux-image-6.1.0-50-amd64
DOM0_KERNEL_VERSION=6.1.176-1
DOM0_KVER=6.1.0-50-amd64

# lwIP for minios-guest's TCP/IP (bookworm main): fetched with `apt-get
# source`, the .dsc's signature and these SHA-256 sums checked, unpacked
# into build/lwip/src at build time; never committed.
LWIP_DEB_VERSION=2.1.3+dfsg1-2
LWIP_DSC_SHA256=8d8f944db8e6d542fc2d6f01559078fb1b5dda71651c67ee5fa3571ed1342c50
LWIP_ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
LWIP_DEBIAN_SHA256=c5a48413d362cc757032cdd58f528f75eb64ee781ca46ca24f010b49b0e62a90
