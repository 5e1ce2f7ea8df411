/* SPDX-License-Identifier: MIT */
/* One function per `mote` command (cmd_*.c); each returns the program's exit status. */
#ifndef TOOLS_MOTE_COMMANDS_H
#define TOOLS_MOTE_COMMANDS_H

#include "tools/mote/json.h"
#include "tools/mote/opts.h"

#define OPT_HELP_DEF            \
    {                           \
        "help", 'h', false, 'h' \
    }

int cmd_build(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_kill(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_debug(int argc, char **argv);
int cmd_save(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_sdcard(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_cp(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_wait(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_system(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Prints `mote help cmd` and exits 0 (for -h/--help). */
__attribute__((noreturn)) void help_exit(const char *cmd);

/* Prints a JSON document (pretty) and a newline on stdout. */
void print_json(const json_t *j);

#endif
