// SPDX-License-Identifier: MIT
/* mote debug: gdb-multiarch on the image's ELF, attached to the instance's GDB stub. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/mote/commands.h"
#include "tools/mote/instance.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define GDB_DEFAULT "gdb-multiarch"

/* Prints word so a POSIX shell reads it back as one word. */
static void print_quoted(const char *word)
{
    if (*word && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                              "_-./:=@+,") == strlen(word)) {
        fputs(word, stdout);
        return;
    }
    putchar('\'');
    for (const char *p = word; *p; p++)
        if (*p == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*p);
    putchar('\'');
}

int cmd_debug(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"dry-run", 0, false, 'n'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    bool dry_run = false;
    const char *val;
    char err[SPEC_ERR_LEN];
    int id;
    opts_init(&o, "debug", defs, argc, argv, true);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("debug");
        dry_run = true;
    }
    if (o.npos < 1)
        usage_error("debug", "expected the NAME of an instance");
    const char *name = o.pos[0];
    if (spec_check_name(name, err) != 0)
        usage_error("debug", "%s", err);
    struct instance_config c;
    struct instance_state s;
    if (instance_config_load(name, &c, NULL) != 0 || instance_state_refresh(name, &s) != 0)
        die(MOTE_EXIT_ERROR, "no instance %s; `mote ps -a` lists them", name);
    if (!c.debug_image)
        die(MOTE_EXIT_ERROR,
            "%s runs %s, which is not a debug image: it has no GDB stub; build "
            "it with `mote build --debug` and run it with --gdb",
            name, c.image);
    if (!c.gdb)
        die(MOTE_EXIT_ERROR,
            "%s was not started with --gdb, so its stub is off and not "
            "reachable; run it again with `mote run --gdb`",
            name);
    if (!dry_run && (!instance_is_active(&s) || s.status == ST_RESTARTING))
        die(MOTE_EXIT_ERROR, "%s is not running (%s); start it again with `mote run --gdb`", name,
            instance_status_name(s.status));
    char *elf = store_blob_path(c.elf_sha256);
    if (!path_exists(elf))
        die(MOTE_EXIT_ERROR, "the ELF of %s (%s) is missing from the store", c.image, elf);
    const char *gdb = getenv("MOTE_GDB");
    if (!gdb || !*gdb)
        gdb = GDB_DEFAULT;
    char *target = xasprintf("target remote 127.0.0.1:%u", c.gdb_host_port);
    char **gdb_argv = xcalloc((size_t)o.npos + 8, sizeof(char *));
    int n = 0;
    gdb_argv[n++] = (char *)gdb;
    gdb_argv[n++] = "-q";
    gdb_argv[n++] = elf;
    gdb_argv[n++] = "-ex";
    gdb_argv[n++] = target;
    for (int i = 1; i < o.npos; i++)
        gdb_argv[n++] = o.pos[i];
    if (dry_run) {
        for (int i = 0; i < n; i++) {
            if (i)
                putchar(' ');
            print_quoted(gdb_argv[i]);
        }
        putchar('\n');
        return MOTE_EXIT_OK;
    }
    char *found = path_search(gdb);
    if (!found)
        die(MOTE_EXIT_ERROR,
            "%s not found in PATH; install it (Debian: apt install "
            "gdb-multiarch) or set MOTE_GDB",
            gdb);
    free(found);
    fflush(NULL);
    execvp(gdb, gdb_argv);
    die(MOTE_EXIT_ERROR, "cannot run %s: %s", gdb, strerror(errno));
}
