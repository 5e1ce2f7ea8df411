// SPDX-License-Identifier: MIT
/*
 * mote sdcard: a Raspberry Pi 3 SD card image from a stored raspi3 image.
 * The card's layout stays make's (mk/sdcard.mk, scripts/mksdcard): mote runs
 * `make sdcard` in the tree it was built from with the image's kernel8.img, so
 * the device tree list and the U-Boot path are written down in one place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/mote/commands.h"
#include "tools/mote/image.h"
#include "tools/mote/store.h"
#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

#ifndef MOTE_SRC_DIR
#define MOTE_SRC_DIR ""
#endif

#define SDCARD_BOARD "raspi3" /* the only board with a card (mk/sdcard.mk) */

enum { OPT_UBOOT = 1, OPT_FIRMWARE, OPT_OUTPUT };

/* The source tree with mk/sdcard.mk: $MOTE_SRC, else the one mote was built from. */
static const char *find_tree(void)
{
    const char *roots[] = {getenv("MOTE_SRC"), MOTE_SRC_DIR};
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
        if (!roots[i] || !*roots[i])
            continue;
        char *mk = xasprintf("%s/mk/sdcard.mk", roots[i]);
        bool found = path_exists(mk);
        free(mk);
        if (found)
            return roots[i];
    }
    die(MOTE_EXIT_ERROR,
        "no Mote source tree with mk/sdcard.mk (looked at $MOTE_SRC%s%s): set MOTE_SRC to one",
        *MOTE_SRC_DIR ? " and " : "", MOTE_SRC_DIR);
}

/* Runs argv with make's output on stderr (stdout stays quiet). Returns its exit status or -1. */
static int run_make(char *const argv[])
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(argv[0], argv);
        fprintf(stderr, "mote: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int cmd_sdcard(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"uboot", 0, false, OPT_UBOOT},
        {"firmware", 0, true, OPT_FIRMWARE},
        {"output", 'o', true, OPT_OUTPUT},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val, *output = NULL, *firmware = NULL;
    bool uboot = false;
    char err[SPEC_ERR_LEN];
    int id;
    opts_init(&o, "sdcard", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("sdcard");
        else if (id == OPT_UBOOT)
            uboot = true;
        else if (id == OPT_FIRMWARE)
            firmware = val;
        else
            output = val;
    }
    if (o.npos < 1)
        usage_error("sdcard", "expected an IMAGE (NAME[:TAG]) built for %s", SDCARD_BOARD);
    struct image img;
    if (image_find(o.pos[0], &img, err) != 0)
        die(MOTE_EXIT_ERROR, "%s", err);
    if (strcmp(img.board.name, SDCARD_BOARD) != 0)
        die(MOTE_EXIT_ERROR,
            "%s:%s is built for %s: an SD card needs an image for %s (mote build --board "
            "raspi3b)",
            img.name, img.tag, img.board.name, SDCARD_BOARD);
    struct strbuf args = {0};
    if (o.npos > 1) {
        for (int i = 1; i < o.npos; i++) {
            if (i > 1)
                sb_addc(&args, ' ');
            sb_adds(&args, o.pos[i]);
        }
    } else {
        sb_adds(&args, img.args);
    }
    char *out =
        output ? path_absolute(output) : path_absolute(xasprintf("sdcard-%s.img", img.name));
    /* Fail before make runs, with the path the user gave. */
    bool existed = path_exists(out);
    int fd = open(out, O_WRONLY | O_CREAT, 0644);
    if (fd < 0)
        die(MOTE_EXIT_ERROR, "cannot write %s: %s", output ? output : out, strerror(errno));
    close(fd);

    const char *tree = find_tree();
    char *blob = store_blob_path(img.sha256);
    char *dir_arg = xasprintf("-C%s", tree);
    char *board_arg = xasprintf("BOARD=%s", SDCARD_BOARD);
    char *kernel_arg = xasprintf("SDCARD_KERNEL=%s", blob);
    char *out_arg = xasprintf("SDCARD=%s", out);
    char *args_arg = xasprintf("ARGS=%s", sb_str(&args));
    char *uboot_arg = xstrdup(uboot ? "UBOOT=1" : "UBOOT=");
    char *fw_arg = xasprintf("FIRMWARE=%s", firmware ? path_absolute(firmware) : "");
    char *make_argv[] = {"make",  "-s",      "--no-print-directory",
                         dir_arg, board_arg, kernel_arg,
                         out_arg, args_arg,  uboot_arg,
                         fw_arg,  "sdcard",  NULL};
    int lock = store_lock(); /* the blob must not be collected while it is copied */
    int st = run_make(make_argv);
    store_unlock(lock);
    if (st != 0) {
        if (!existed)
            unlink(out);
        die(MOTE_EXIT_ERROR, "make sdcard failed (exit status %d): its message is above", st);
    }
    printf("%s\n", out);
    return MOTE_EXIT_OK;
}
