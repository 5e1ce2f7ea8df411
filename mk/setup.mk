# scripts/setup runs once (it is idempotent) before anything that needs its packages.
SETUP_STAMP := third_party/.setup-done-v4-pi

$(SETUP_STAMP):
	scripts/setup

.PHONY: setup
setup:
	scripts/setup --force
