# make format rewrites every C file of ours with .clang-format; make format-check fails on a difference.
FORMAT_FILES = $(shell git ls-files -co --exclude-standard '*.c' '*.h' | grep -v '^third_party/')

.PHONY: format format-check
format:
	clang-format -i $(FORMAT_FILES)

format-check: | $(SETUP_STAMP)
	@clang-format --dry-run -Werror $(FORMAT_FILES) && echo "format-check: $(words $(FORMAT_FILES)) files clean"
