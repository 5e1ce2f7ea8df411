# The host tools: build/host/mote (tools/mote/, C with libjansson, libcrypto, libarchive, libcurl), installed by make install.
#   make tools                      build/host/mote
#   make install [PREFIX=/usr/local] [DESTDIR=]   $(DESTDIR)$(PREFIX)/bin/mote
#   make mote-image-info            (for `mote build`) where $(SERVICE)'s image for $(BOARD) goes
PREFIX ?= /usr/local
HOST_CC ?= cc
HOST_DIR := build/host
MOTE_BIN := $(HOST_DIR)/mote
# lib/syslog/parse.c: the RFC 5424 parser the image's own messages are written beside.
MOTE_SRCS := $(wildcard tools/mote/*.c) lib/syslog/parse.c
MOTE_OBJS := $(patsubst %.c,$(HOST_DIR)/obj/%.o,$(MOTE_SRCS))
# The tree it was built from, so an installed mote can build services by name.
MOTE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wvla -I. \
	-DMOTE_SRC_DIR='"$(CURDIR)"'

$(HOST_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(HOST_CC) $(MOTE_CFLAGS) -MMD -MP -c $< -o $@

# Debian's libraries for JSON, digests, tar and HTTP (scripts/setup installs their -dev packages).
MOTE_LIBS := -ljansson -lcrypto -larchive -lcurl

$(MOTE_BIN): $(MOTE_OBJS)
	$(HOST_CC) $(MOTE_CFLAGS) $^ $(MOTE_LIBS) -o $@

.PHONY: tools install mote-image-info
tools: $(MOTE_BIN)

install: $(MOTE_BIN)
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(MOTE_BIN) $(DESTDIR)$(PREFIX)/bin/mote

# The system tests drive build/host/mote.
test-system: $(MOTE_BIN)

mote-image-info:
	$(info dir=$(B))
	$(info args=$(SERVICE_ARGS_$(SERVICE)))
	$(info dtb=$(filter %.dtb,$(BOARD_IMAGES)))
	@:

-include $(shell find $(HOST_DIR)/obj -name '*.d' 2>/dev/null)
