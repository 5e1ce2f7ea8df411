# make test: everything CI runs. Host unit tests (mk/unit.mk), then the system
# tests that boot real images in QEMU and check them from outside (tests/system/).
PYTHON ?= /usr/bin/python3
PYTEST_ARGS ?=

include mk/unit.mk
include mk/fuzz.mk

.PHONY: test test-system
test: format-check test-unit fuzz-smoke test-system test-bench

# Every board in platform/ gets its images built for the system tests: a new
# board's tests find them in build/<board>/ and build/<board>-debug/ with no
# edit here. virt builds every service; the others build `image` of hello too
# (the Pi's kernel8.img).
BOARDS := $(sort $(notdir $(patsubst %/board.mk,%,$(wildcard platform/*/board.mk))))
OTHER_BOARDS := $(filter-out virt,$(BOARDS))

test-system: images debug-images $(foreach b,$(OTHER_BOARDS),images-$(b) debug-images-$(b)) \
	images-raspi3-fb
	@# The tests run make themselves (mote build); without the jobserver a
	@# parent -j hands them, they warn on stderr, which tests read.
	cd tests/system && MAKEFLAGS= MFLAGS= MOTE_BUILD=$(CURDIR)/$(B) MOTE_BUILD_DEBUG=$(CURDIR)/$(B)-debug $(PYTHON) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# make soak: the long versions of the load tests, MOTE_SOAK_S seconds of load each
# (tests/system/test_virtio_recovery.py keeps a bounded run in make test).
SOAK_S ?= 900
SOAK_FS_ROUNDS ?= 500
.PHONY: soak
soak: images $(foreach b,$(OTHER_BOARDS),images-$(b))
	cd tests/system && MOTE_SOAK_S=$(SOAK_S) MOTE_BUILD=$(CURDIR)/$(B) $(PYTHON) -m pytest -q -s -p no:cacheprovider test_virtio_recovery.py -k mixed_load
	@# tests/system/test_fs_power.py: SOAK_FS_ROUNDS power cuts instead of make test's 25
	cd tests/system && MOTE_FS_POWER_ROUNDS=$(SOAK_FS_ROUNDS) MOTE_BUILD=$(CURDIR)/$(B) $(PYTHON) -m pytest -q -p no:cacheprovider test_fs_power.py

# images-<board>, debug-images-<board>: build/<board>/ and build/<board>-debug/.
.PHONY: $(foreach b,$(OTHER_BOARDS),images-$(b) debug-images-$(b))
$(foreach b,$(OTHER_BOARDS),images-$(b)):
	@$(MAKE) --no-print-directory BOARD=$(patsubst images-%,%,$@) SERVICE=hello images image
$(foreach b,$(OTHER_BOARDS),debug-images-$(b)):
	@$(MAKE) --no-print-directory BOARD=$(patsubst debug-images-%,%,$@) DEBUG=1 SERVICE=hello images image

# The screen console's images (tests/system/test_raspi3_fb.py): hello and crashtest
# with the fb feature added, in build/raspi3-fb/.
.PHONY: images-raspi3-fb
images-raspi3-fb:
	@$(MAKE) --no-print-directory BOARD=raspi3 USES=fb B=build/raspi3-fb build/raspi3-fb/hello.img \
	    build/raspi3-fb/crashtest.img build/raspi3-fb/bootargs.dtb
