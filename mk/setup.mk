# scripts/setup runs once (it is idempotent) before anything that needs its packages.
SETUP_STAMP := third_party/.setup-done-v7-iot

$(SETUP_STAMP):
	scripts/setup

.PHONY: setup
setup:
	scripts/setup --force
