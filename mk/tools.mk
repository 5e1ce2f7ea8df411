# The host tools: build/host/mote (tools/mote/, C with libjansson, libcrypto, libarchive, libcurl)
# and its man page and bash completion, both written by mote from its own help text., installed by make install.
#   make tools                      build/host/mote
#   make install [PREFIX=/usr/local] [DESTDIR=]   $(DESTDIR)$(PREFIX)/bin/mote, man1/mote.1,
#                                                 bash-completion/completions/mote
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

# mote --version names the commit it was built from ("-dirty" with changes not committed); the
# stamp changes only when that does, so main.o is rebuilt then and only then.
MOTE_COMMIT := $(shell git describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
MOTE_COMMIT_STAMP := $(HOST_DIR)/commit
$(MOTE_COMMIT_STAMP): FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = "$(MOTE_COMMIT)" ] || echo "$(MOTE_COMMIT)" > $@
$(HOST_DIR)/obj/tools/mote/main.o: MOTE_CFLAGS += -DMOTE_COMMIT='"$(MOTE_COMMIT)"'
$(HOST_DIR)/obj/tools/mote/main.o: $(MOTE_COMMIT_STAMP)
.PHONY: FORCE

# Debian's libraries for JSON, digests, tar and HTTP (scripts/setup installs their -dev packages).
MOTE_LIBS := -ljansson -lcrypto -larchive -lcurl

$(MOTE_BIN): $(MOTE_OBJS)
	$(HOST_CC) $(MOTE_CFLAGS) $^ $(MOTE_LIBS) -o $@

.PHONY: tools install mote-image-info
tools: $(MOTE_BIN)

$(HOST_DIR)/mote.1: $(MOTE_BIN)
	$(MOTE_BIN) __man > $@
$(HOST_DIR)/mote.bash: $(MOTE_BIN)
	$(MOTE_BIN) __completion > $@

install: $(MOTE_BIN) $(HOST_DIR)/mote.1 $(HOST_DIR)/mote.bash
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 $(MOTE_BIN) $(DESTDIR)$(PREFIX)/bin/mote
	install -m 0644 $(HOST_DIR)/mote.1 $(DESTDIR)$(PREFIX)/share/man/man1/mote.1
	install -m 0644 $(HOST_DIR)/mote.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mote

# The system tests drive build/host/mote.
test-system: $(MOTE_BIN)

mote-image-info:
	$(info dir=$(B))
	$(info args=$(SERVICE_ARGS_$(SERVICE)))
	$(info dtb=$(filter %.dtb,$(BOARD_IMAGES)))
	@:

-include $(shell find $(HOST_DIR)/obj -name '*.d' 2>/dev/null)
