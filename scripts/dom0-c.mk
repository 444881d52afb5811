# dom0-c.mk: compiler flags for Dom0 programs built against our own
# toolstack in build/xen/dist (not the host's). Include, then use
# $(call xen-cflags,PKGS) and $(call xen-libs,PKGS).
TOP ?= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
BUILD ?= $(TOP)/build
XEN_DIST ?= $(BUILD)/xen/dist
DOM0_EXTRA ?= $(BUILD)/dom0-extra

CC ?= gcc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter

PKG_CONFIG_XEN = PKG_CONFIG_PATH=$(XEN_DIST)/usr/lib/pkgconfig \
                 PKG_CONFIG_SYSROOT_DIR=$(XEN_DIST) pkg-config
xen-cflags = $(shell $(PKG_CONFIG_XEN) --cflags $(1))
xen-libs = $(shell $(PKG_CONFIG_XEN) --libs $(1)) \
           -Wl,-rpath-link,$(XEN_DIST)/usr/lib
