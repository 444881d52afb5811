# Makefile: top-level entry points (see README.md, "Make targets").
# Every target pulls in what it needs, starting with `deps`.

TOP := $(CURDIR)
BUILD ?= $(TOP)/build
export BUILD
RUN_IN_DOM0 := tests/nested/run-in-dom0
# Components with a Makefile. Contract (see README, "Adding a component"):
#   make -C DIR install     build; install Dom0 files under $(BUILD)/dom0-extra
#   make -C DIR host-tests  build host TAP executables in $(BUILD)/host-tests/DIR
#   DIR/tests/host/*.t      host TAP scripts; DIR/tests/nested/*.t Dom0 scenarios
#   DIR/bench/*.sh          Dom0 benchmark scripts (see scripts/bench.sh)
COMPONENTS := minios-guest tools/libxendev tools/libdaemon tools/libchaos \
              tools/xencloned tools/xenstored-clone tools/xen9pfsd \
              xen/tests
COMPONENT_MAKEFILES := $(wildcard $(addsuffix /Makefile,$(COMPONENTS)))
COMPONENT_DIRS := $(patsubst %/Makefile,%,$(COMPONENT_MAKEFILES))

.DEFAULT_GOAL := help
.PHONY: help deps xen kernel components dom0 test test-host test-nested test-long \
        demo shell bench fuzz style format clean distclean

help:
	@sed -n 's/^## \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

## Targets:
##   make deps    install the Debian packages everything needs (idempotent)
##   make xen     fetch Xen's Debian source, patch it, build Xen + toolstack
##   make kernel  fetch Debian's Dom0 kernel into build/kernel
##   make dom0    build the Dom0 initramfs (toolstack, daemons, guests)
##   make test    host unit tests + every nested scenario, through prove
##   make test-long  the long nested scenarios (*/tests/long/, not in CI)
##   make demo    boot Xen in QEMU and show the system at work
##   make shell   interactive Dom0 shell on the serial console
##   make bench   benchmarks: JSON and plots under build/bench
##   make fuzz    the clone_op fuzzing campaign (not CI): build/fuzz
##   make style   check formatting with clang-format
##   make clean   remove build products (keeps downloads and ccache)

deps:
	@scripts/deps.sh

xen: deps
	@scripts/build-xen.sh

kernel: deps
	@scripts/fetch-kernel.sh

# Dom0 programs and guest images, installed into build/dom0-extra.
components: xen
	@rm -rf $(BUILD)/dom0-extra
	@$(MAKE) --no-print-directory -C tests/nested/helpers install
	@rm -rf $(BUILD)/host-tests
	@set -e; for d in $(COMPONENT_DIRS); do \
		echo "==> building $$d"; \
		$(MAKE) --no-print-directory -C $$d install host-tests; \
	done

dom0: xen kernel components
	@scripts/mkdom0.sh

test: dom0
	@scripts/run-tests.sh

test-host: components
	@scripts/run-tests.sh --host-only

test-long: dom0
	@scripts/run-tests.sh --long

test-nested: dom0
	@scripts/run-tests.sh --nested-only

demo: dom0
	@$(RUN_IN_DOM0) --timeout 600 scripts/demo.sh

shell: dom0
	@$(RUN_IN_DOM0) --shell

bench: dom0
	@scripts/bench.sh

fuzz: dom0
	@scripts/fuzz.sh

style: deps
	@scripts/style.sh --check

format: deps
	@scripts/style.sh --fix

clean:
	rm -rf $(BUILD)/xen/src $(BUILD)/xen/applied $(BUILD)/xen/dist \
	       $(BUILD)/dom0 $(BUILD)/dom0-extra $(BUILD)/logs $(BUILD)/bench
	@set -e; for d in $(COMPONENT_DIRS); do $(MAKE) -C $$d clean; done

distclean:
	rm -rf $(BUILD)
