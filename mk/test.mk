# make test: everything CI runs. Host unit tests (mk/unit.mk), then the system
# tests that boot real images in QEMU and check them from outside (tests/system/).
PYTHON ?= /usr/bin/python3
PYTEST_ARGS ?=

include mk/unit.mk
include mk/fuzz.mk

.PHONY: test test-system
test: format-check test-unit fuzz-smoke test-system test-bench

test-system: images images-raspi3 debug-images debug-images-raspi3
	cd tests/system && MOTE_BUILD=$(CURDIR)/$(B) MOTE_BUILD_DEBUG=$(CURDIR)/$(B)-debug $(PYTHON) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# The Raspberry Pi 3 images the tests/system/test_raspi3*.py tests boot (build/raspi3/),
# and the screen console's (test_raspi3_fb.py): the same services with the fb feature added.
.PHONY: images-raspi3
images-raspi3:
	@$(MAKE) --no-print-directory BOARD=raspi3 SERVICE=hello images image
	@$(MAKE) --no-print-directory BOARD=raspi3 USES=fb B=build/raspi3-fb build/raspi3-fb/hello.img \
	    build/raspi3-fb/crashtest.img build/raspi3-fb/bootargs.dtb

# The Raspberry Pi 3 debug images tests/system/test_raspi3_gdb.py boots (build/raspi3-debug/).
.PHONY: debug-images-raspi3
debug-images-raspi3:
	@$(MAKE) --no-print-directory BOARD=raspi3 DEBUG=1 SERVICE=hello images image
