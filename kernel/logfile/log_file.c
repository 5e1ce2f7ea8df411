// SPDX-License-Identifier: MIT
/*
 * The log on the volume: with the boot argument logfile=PATH every console
 * line also goes to the file PATH on the mounted volume (fs=...), appended;
 * when the file would pass logsize=BYTES (default LOGFILE_SIZE_DEFAULT) it is
 * renamed PATH.1 (the previous PATH.1 is deleted) and a new PATH begun, so
 * the volume holds at most about twice logsize of logs.
 *
 * mote_log may run in an interrupt handler, and file writes take
 * milliseconds, so the sink only copies the line into a ring and raises an
 * event; the event loop writes what is queued and then syncs, so a line is
 * on the volume (its size in the directory entry) soon after it was logged.
 * Lines logged at boot, before the volume is mounted, wait in the ring. When
 * the ring is full a line is dropped and counted; the count is written to the
 * file when there is room again. A volume that is missing, read-only or fails
 * a write turns the file log off, said once on the console.
 * Linked with the fs feature (mk/board.mk), as it writes through <mote/fs.h>.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/error.h>
#include <mote/fs.h>
#include <mote/log.h>

#include "arch/aarch64/cpu.h"
#include "kernel/boothook.h"
#include "kernel/event.h"
#include "kernel/log.h"
#include "kernel/ring.h"
#include "lib/args/number.h"

#define LOGFILE_SIZE_DEFAULT (256u * 1024u)
#define LOGFILE_SIZE_MIN     1024u
#define LOGFILE_SIZE_MAX     (1024u * 1024u * 1024u)
#define LOGFILE_RING         16384 /* bytes of lines waiting for the loop: a boot's worth */
#define LOGFILE_CHUNK        512   /* bytes moved from the ring to the file at a time */
#define LOGFILE_ROTATED      ".1"

enum logfile_state {
    LOGFILE_OFF,     /* no logfile= argument, or given up */
    LOGFILE_WAITING, /* not open yet: the first flush opens it */
    LOGFILE_OPEN,
};

static struct {
    enum logfile_state state;
    char path[MOTE_FS_PATH_MAX];
    char rotated[MOTE_FS_PATH_MAX + sizeof(LOGFILE_ROTATED)];
    uint32_t max_size;
    uint32_t size; /* bytes in the file */
    int fd;
    int event;
    unsigned long dropped; /* lines that found the ring full */
    uint8_t storage[LOGFILE_RING];
    struct ring ring;
} lf;

/* Any context: queue the line for the loop (mote_log has no other way to wait). */
static void sink(const char *line, size_t len)
{
    uint64_t daif = cpu_irq_save(); /* one producer at a time: the loop or an interrupt */
    if (!ring_write(&lf.ring, line, len))
        lf.dropped++;
    cpu_irq_restore(daif);
    event_raise(lf.event);
}

/* Gives up on the file: said once, and nothing more is queued. */
static void turn_off(const char *why, int err)
{
    log_set_file_sink(NULL);
    if (lf.state == LOGFILE_OPEN)
        mote_fs_close(lf.fd);
    lf.state = LOGFILE_OFF;
    if (err)
        mote_log(MOTE_LOG_ERROR, "logfile: %s: %s (%s); logs go to the console only", lf.path, why,
                 mote_strerror(err));
    else
        mote_log(MOTE_LOG_ERROR, "logfile: %s: %s; logs go to the console only", lf.path, why);
}

static int open_log(void)
{
    lf.fd = mote_fs_open(lf.path, MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_APPEND);
    if (lf.fd < 0)
        return lf.fd;
    struct mote_fs_stat st;
    int err = mote_fs_fstat(lf.fd, &st);
    if (err) {
        mote_fs_close(lf.fd);
        return err;
    }
    lf.size = st.size;
    lf.state = LOGFILE_OPEN;
    return 0;
}

/* PATH becomes PATH.1 and a new PATH starts. */
static int rotate(void)
{
    int err = mote_fs_close(lf.fd);
    lf.state = LOGFILE_WAITING;
    if (err)
        return err;
    err = mote_fs_unlink(lf.rotated);
    if (err && err != -ENOENT)
        return err;
    err = mote_fs_rename(lf.path, lf.rotated);
    if (err)
        return err;
    return open_log();
}

static int write_all(const void *buf, uint32_t len)
{
    if (lf.size + len > lf.max_size && lf.size > 0) {
        int err = rotate();
        if (err)
            return err;
    }
    int32_t n = mote_fs_write(lf.fd, buf, len);
    if (n < 0)
        return n;
    lf.size += (uint32_t)n;
    return (uint32_t)n == len ? 0 : -ENOSPC;
}

/* Event loop: moves the queued lines into the file, whole lines at a time. */
static void flush(void *arg)
{
    (void)arg;
    if (lf.state == LOGFILE_OFF) {
        ring_skip(&lf.ring, ring_used(&lf.ring));
        return;
    }
    if (lf.state == LOGFILE_WAITING) {
        bool ro;
        if (!mote_fs_mounted(&ro)) {
            turn_off("no volume is mounted (boot argument fs=)", 0);
            return;
        }
        if (ro) {
            turn_off("the volume is read-only", 0);
            return;
        }
        int err = open_log();
        if (err) {
            turn_off("cannot open it", err);
            return;
        }
        mote_log(MOTE_LOG_INFO, "logfile: logging to %s (%lu bytes, then %s%s)", lf.path,
                 (unsigned long)lf.size, lf.path, LOGFILE_ROTATED);
    }
    uint8_t chunk[LOGFILE_CHUNK];
    bool wrote = false;
    while (ring_used(&lf.ring) > 0) {
        /* Up to the last newline in the chunk, so a rotation never splits a line. */
        size_t n = ring_peek(&lf.ring, chunk, sizeof(chunk));
        size_t whole = n;
        while (whole > 0 && chunk[whole - 1] != '\n')
            whole--;
        if (whole == 0)
            whole = n; /* a line longer than a chunk (mote_log's are not) */
        int err = write_all(chunk, (uint32_t)whole);
        if (err) {
            turn_off("writing failed", err);
            return;
        }
        ring_skip(&lf.ring, whole);
        wrote = true;
    }
    unsigned long dropped = __atomic_exchange_n(&lf.dropped, 0, __ATOMIC_RELAXED);
    if (dropped) {
        int len =
            snprintf((char *)chunk, sizeof(chunk),
                     "logfile: %lu lines dropped here (logged faster than written)\n", dropped);
        int err = write_all(chunk, (uint32_t)len);
        if (err) {
            turn_off("writing failed", err);
            return;
        }
    }
    if (wrote || dropped) {
        /* mote_fs_sync rather than fsync: FAT32's free count (FSInfo) stays right too. */
        int err = mote_fs_sync();
        if (err)
            turn_off("syncing failed", err);
    }
}

/* After the devices: from here every line is queued for the file. */
static void attach(const char *bootargs)
{
    if (mote_arg_get(bootargs, "logfile", lf.path, sizeof(lf.path)) < 0)
        return;
    if (lf.path[0] != '/' || strlen(lf.path) + sizeof(LOGFILE_ROTATED) > sizeof(lf.path)) {
        mote_log(MOTE_LOG_ERROR,
                 "logfile=%s: expected an absolute path on the volume "
                 "(logfile=/mote.log); logs go to the console only",
                 lf.path);
        return;
    }
    char val[16];
    uint64_t size = LOGFILE_SIZE_DEFAULT;
    if (mote_arg_get(bootargs, "logsize", val, sizeof(val)) != -ENOENT &&
        (number_parse_decimal_str(val, LOGFILE_SIZE_MAX, &size) != 0 || size < LOGFILE_SIZE_MIN)) {
        mote_log(MOTE_LOG_ERROR, "logsize=%s: expected bytes from %u to %u; using %u", val,
                 LOGFILE_SIZE_MIN, LOGFILE_SIZE_MAX, LOGFILE_SIZE_DEFAULT);
        size = LOGFILE_SIZE_DEFAULT;
    }
    lf.max_size = (uint32_t)size;
    snprintf(lf.rotated, sizeof(lf.rotated), "%s%s", lf.path, LOGFILE_ROTATED);
    lf.ring = (struct ring)RING_INIT(lf.storage);
    lf.event = event_source_add(flush, NULL);
    if (lf.event < 0) {
        mote_log(MOTE_LOG_ERROR, "logfile: no event source left; logs go to the console only");
        return;
    }
    lf.state = LOGFILE_WAITING;
    log_set_file_sink(sink);
}

BOOT_HOOK(logfile_hook) = {
    .name = "logfile",
    .args = {"logfile", "logsize"},
    .attach = attach,
};
