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
