#!/bin/sh
# SPDX-License-Identifier: MIT
# scripts/tls_files.sh CA CERT KEY: the assembly that embeds a TLS service's
# certificate files (mk/image.mk, tls_files) as the mote_service_tls_* arrays
# of include/mote/tls.h. An empty argument gives an empty array. The files are
# named by absolute path, so the output changes (and the image is rebuilt)
# when other files are named.
set -eu
emit() {
    name=$1 file=$2
    echo "    .section .rodata.mote_service_tls_$name, \"a\""
    echo "    .balign 8"
    echo "    .global mote_service_tls_$name"
    echo "mote_service_tls_$name:"
    if [ -n "$file" ]; then
        [ -r "$file" ] || { echo "tls_files.sh: cannot read the $name file '$file'" >&2; exit 1; }
        echo "    .incbin \"$(realpath "$file")\""
    fi
    echo "mote_service_tls_${name}_end:"
    echo "    .byte 0 /* a NUL after the text: harmless for DER, where the length counts */"
    echo "    .balign 8"
    echo "    .global mote_service_tls_${name}_len"
    echo "mote_service_tls_${name}_len:"
    echo "    .quad mote_service_tls_${name}_end - mote_service_tls_$name"
}
emit ca "$1"
emit cert "$2"
emit key "$3"
