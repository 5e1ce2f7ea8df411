// SPDX-License-Identifier: MIT
/* Readings kept on the volume while the broker is unreachable (spool.h). */
#include "spool.h"

#include <errno.h>
#include <string.h>

#include <mote/error.h>
#include <mote/fs.h>
#include <mote/log.h>
#include <mote/mqtt.h>
#include <mote/time.h>
#include <mote/timer.h>

#define SPOOL_DIR      "/gateway"
#define LINE_MAX       512                   /* a reading's JSON is under 256 bytes */
#define REPLAY_TICK_NS (50 * MOTE_NS_PER_MS) /* between batches, while the queue drains */
#define QUEUE_SHARE    2                     /* use at most half the client's QoS 1 queue */

static struct {
    bool usable;
    bool failed_logged;
    int replay_timer;
    int client;
    const char *topic;
    unsigned batch;
    uint32_t offset; /* how far the replay has read the file */
    struct spool_stats st;
} sp;

bool spool_start(void)
{
    bool ro = true;
    if (!mote_fs_mounted(&ro))
        return false;
    if (ro) {
        mote_log(MOTE_LOG_INFO, "gateway: the volume is read-only: readings are not kept on it");
        return false;
    }
    int err = mote_fs_mkdir(SPOOL_DIR);
    if (err && err != -EEXIST) {
        mote_log(MOTE_LOG_WARN, "gateway: %s: %s: readings are not kept on the volume", SPOOL_DIR,
                 mote_strerror(err));
        return false;
    }
    struct mote_fs_stat st;
    if (mote_fs_stat(SPOOL_PATH, &st) == 0 && st.size > 0)
        mote_log(MOTE_LOG_INFO,
                 "gateway: %s holds %u bytes of readings from before: sent once "
                 "the broker is reached",
                 SPOOL_PATH, (unsigned)st.size);
    sp.usable = true;
    return true;
}

static int failed(int err)
{
    sp.st.dropped++;
    if (!sp.failed_logged) {
        sp.failed_logged = true;
        mote_log(MOTE_LOG_WARN, "gateway: a reading not kept on the volume: %s (counted in stats)",
                 mote_strerror(err));
    }
    return err;
}

int spool_append(const char *json, size_t len)
{
    if (!sp.usable)
        return -ENODEV;
    if (len + 1 > LINE_MAX)
        return failed(-EINVAL);
    int fd = mote_fs_open(SPOOL_PATH, MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_APPEND);
    if (fd < 0)
        return failed(fd);
    struct mote_fs_stat st;
    int err = mote_fs_fstat(fd, &st);
    if (err == 0 && st.size + len + 1 > SPOOL_MAX_BYTES)
        err = -ENOSPC;
    char line[LINE_MAX];
    memcpy(line, json, len);
    line[len] = '\n';
    if (err == 0) {
        int32_t n = mote_fs_write(fd, line, len + 1);
        err = n < 0 ? n : (size_t)n == len + 1 ? 0 : -ENOSPC;
    }
    int cerr = mote_fs_close(fd); /* on the disk now: a power cut keeps it */
    err = err ? err : cerr;
    if (err)
        return failed(err);
    if (sp.st.kept++ == 0)
        mote_log(MOTE_LOG_INFO, "gateway: the broker is away: readings go to %s", SPOOL_PATH);
    sp.failed_logged = false;
    return 0;
}

/* Reads the next line at sp.offset into line. Returns its length (> 0), 0 at the end, or an error.
 */
static int next_line(int fd, char *line)
{
    if (mote_fs_seek(fd, sp.offset, MOTE_FS_SEEK_SET) < 0)
        return -EIO;
    int32_t n = mote_fs_read(fd, line, LINE_MAX);
    if (n <= 0)
        return n;
    char *nl = memchr(line, '\n', (size_t)n);
    if (!nl) /* a line cut by a power cut, or longer than any reading */
        return n == LINE_MAX ? -EUCLEAN : 0;
    return (int)(nl - line) + 1;
}

static void replay_stop(void)
{
    if (sp.replay_timer > 0)
        mote_timer_cancel(sp.replay_timer);
    sp.replay_timer = 0;
}

static void replay_batch(void *arg)
{
    (void)arg;
    struct mote_mqtt_stats ms;
    if (mote_mqtt_stats(sp.client, &ms) != 0 || !ms.connected) {
        replay_stop();
        return;
    }
    int fd = mote_fs_open(SPOOL_PATH, MOTE_FS_READ);
    if (fd < 0) { /* nothing (more) to send */
        replay_stop();
        return;
    }
    char line[LINE_MAX];
    int len = 0;
    for (unsigned room = ms.queued < sp.batch ? sp.batch - ms.queued : 0; room > 0; room--) {
        len = next_line(fd, line);
        if (len <= 0)
            break;
        int err = mote_mqtt_publish(sp.client, sp.topic, line, (size_t)len - 1, 1, false);
        if (err) {
            mote_log(MOTE_LOG_WARN, "gateway: sending kept readings: %s", mote_strerror(err));
            len = 1; /* try again next tick */
            break;
        }
        sp.offset += (uint32_t)len;
        sp.st.sent++;
    }
    mote_fs_close(fd);
    if (len > 0)
        return; /* more next tick */
    if (len < 0)
        mote_log(MOTE_LOG_WARN, "gateway: %s: %s: the rest is dropped", SPOOL_PATH,
                 mote_strerror(len));
    /* Everything is in MQTT's queue: the file has done its job. */
    int err = mote_fs_unlink(SPOOL_PATH);
    if (err)
        mote_log(MOTE_LOG_WARN, "gateway: removing %s: %s", SPOOL_PATH, mote_strerror(err));
    else
        mote_log(MOTE_LOG_INFO, "gateway: %llu kept readings sent", (unsigned long long)sp.st.sent);
    sp.offset = 0;
    replay_stop();
}

void spool_replay(int client, const char *topic, unsigned queue_max)
{
    if (!sp.usable || sp.replay_timer > 0)
        return;
    struct mote_fs_stat st;
    if (mote_fs_stat(SPOOL_PATH, &st) != 0)
        return;
    sp.client = client;
    sp.topic = topic;
    sp.batch = queue_max / QUEUE_SHARE ? queue_max / QUEUE_SHARE : 1;
    int t = mote_timer_every(REPLAY_TICK_NS, replay_batch, NULL);
    if (t < 0) {
        mote_log(MOTE_LOG_WARN, "gateway: no timer to send kept readings: %s", mote_strerror(t));
        return;
    }
    sp.replay_timer = t;
}

void spool_pause(void)
{
    replay_stop();
}

void spool_stats(struct spool_stats *st)
{
    *st = sp.st;
}
