# make bench: the foundation benchmark (boot time, image size, idle cost).
# Figures are printed and written to bench/results/, never asserted.
.PHONY: bench bench-quick
bench: images
	python3 bench/boot.py --image-dir $(B)

bench-quick: images
	python3 bench/boot.py --image-dir $(B) --quick
