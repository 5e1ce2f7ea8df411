// SPDX-License-Identifier: MIT
/*
 * mote: build, run and manage Mote images the way people manage containers.
 * This file dispatches the commands and holds their help; each command is in
 * its own cmd_*.c. docs/mote.md describes them all with examples.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/commands.h"
#include "tools/mote/monitor.h"
#include "tools/mote/spec.h"
#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

#ifndef MOTE_VERSION
#define MOTE_VERSION "0.2"
#endif
#ifndef MOTE_COMMIT
#define MOTE_COMMIT "unknown" /* mk/tools.mk passes `git describe` of the tree built */
#endif

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage, *summary, *help;
};

static const struct command commands[] = {
    {"build", cmd_build,
     "mote build [SERVICE_DIR|SERVICE] [--board B] [-t NAME:TAG] [--debug] [-q]",
     "Build a service into an image and store it",
     "Builds the service in SERVICE_DIR (a services/<name> folder of a Mote source tree; default:\n"
     "the current folder, or a service name looked up in ./services, $MOTE_SRC/services and the\n"
     "tree mote was built from) with make, then stores the image under NAME:TAG (default:\n"
     "<service>:latest) with its manifest: board, size, sha256, build time, default arguments.\n"
     "  --board B     a board of the source tree (platform/B/board.mk), by its name or its QEMU\n"
     "                machine: virt (default), raspi3 or raspi3b\n"
     "  -t NAME:TAG   the name to store it under\n"
     "  --debug       a debug image (make DEBUG=1), with the GDB stub, for run --gdb and debug\n"
     "  -q, --quiet   only print the image's name\n"},
    {"images", cmd_images, "mote images [-q] [--json]", "List the images in the store",
     "  -q, --quiet   only NAME:TAG\n"
     "  --json        a JSON array of manifests (the fields of inspect)\n"},
    {"rmi", cmd_rmi, "mote rmi [-f] NAME[:TAG]...", "Remove images",
     "Refused while an instance (running or not) uses the image, unless -f: then the tag is\n"
     "removed and the files stay as long as an instance needs them.\n"},
    {"run", cmd_run,
     "mote run [-d] [--name N] [-p [IP:]HOSTPORT:PORT[/udp|/tcp]]... [-v FILE:DISK]...\n"
     "         [-m MEM] [--board B]\n"
     "         [--net user|none|tap:IF] [-e KEY=VAL]... [--gdb] [--gdb-wait] [--syslog]\n"
     "         [--restart no|on-failure[:MAX]] [--timeout SECS] [-i] [-t] [--rm]\n"
     "         [--runtime qemu|libvirt] [--connect URI] IMAGE [--] [ARGS...]",
     "Start an instance of an image",
     "Starts QEMU for IMAGE and waits until the image logs \"mote: ready\". With -d it then\n"
     "prints the instance's name and returns; without, it shows the console until the instance\n"
     "exits (Ctrl-C powers it off, a second Ctrl-C kills it) and returns its exit status.\n"
     "If QEMU exits first or --timeout passes, it says why and shows the console's last lines.\n"
     "  -d, --detach        return once the instance is ready\n"
     "  --name N            the instance's name, also the guest's hostname (default: IMAGE-xxxx)\n"
     "  -p, --publish SPEC  forward a host port to a guest port ([IP:]HOSTPORT:PORT[/udp|/tcp];\n"
     "                      tcp by default; every address unless IP is given)\n"
     "  -v, --volume F:D    attach disk image file F as disk D: virtio0 to virtio7 on virt; sd\n"
     "                      (or virtio0) is the SD card on raspi3b; F must be read-writable\n"
     "  -m, --memory MEM    guest RAM, e.g. 128M (default) or 1G\n"
     "  --board B           must match the image's board, by name or QEMU machine (raspi3b)\n"
     "  --net N             user (default: QEMU user networking), none, or tap:IFNAME\n"
     "  -e, --env KEY=VAL   add KEY=VAL to the boot arguments\n"
     "  --gdb               forward a free host port to the image's GDB stub (debug images)\n"
     "  --gdb-wait          as --gdb, and the image waits for gdb before starting its service\n"
     "  --syslog            the image sends its log as syslog to a collector mote runs\n"
     "  --restart P         no (default), on-failure or on-failure:MAX (restarts after a\n"
     "                      non-zero exit that stop or kill did not cause)\n"
     "  --timeout SECS      how long to wait for \"mote: ready\" (default 120; -d says every 10 s\n"
     "                      how long it has waited)\n"
     "  -i, --interactive   (attached) send what you type to the console\n"
     "  -t, --tty           (attached, with a terminal) raw terminal: no local echo, keys sent\n"
     "                      at once, as docker run -it\n"
     "  --rm                (attached) remove the instance when it exits\n"
     "  --runtime R         qemu (default: mote's own monitor) or libvirt: a libvirt domain\n"
     "                      (needs -d), managed by mote and by virsh alike\n"
     "  -c, --connect URI   the libvirt to use, as virsh -c takes it (qemu:///system,\n"
     "                      qemu+ssh://host/system)\n"
     "ARGS are boot arguments (KEY=VALUE or FLAG), after the image's defaults, hostname=NAME\n"
     "and the -e ones; the image reads the last of a repeated key.\n"},
    {"ps", cmd_ps, "mote ps [-a] [-q] [--json] [--format json|TEMPLATE]", "List instances",
     "Shows NAME, IMAGE, STATUS (uptime, or exit status and when), PORTS and PID (QEMU's).\n"
     "  -a, --all        also instances that are not running\n"
     "  -q, --quiet      only names\n"
     "  --json           a JSON array (the fields of inspect); also --format json\n"
     "  --format TMPL    a line per instance from a template such as '{{.Name}} {{.State.Status}}'\n"
     "                   (inspect's fields, any case; {{json .Ports}} prints JSON)\n"},
    {"logs", cmd_logs, "mote logs [-f] [--tail N] [--since T] [-t] [--syslog] NAME | --all",
     "Show an instance's console (or syslog) lines",
     "  -f, --follow      keep printing new lines (until the instance exits; with --all, until\n"
     "                    Ctrl-C, including instances started later)\n"
     "  --tail N          only the last N lines (default: all)\n"
     "  --since T         lines since T: a duration (10m), an RFC 3339 time or epoch seconds\n"
     "  -t, --timestamps  show the host time each line was captured\n"
     "  --syslog          the lines the image sent as syslog (run --syslog), not the console\n"
     "  -a, --all         every instance, each line prefixed with its name\n"},
    {"stop", cmd_stop, "mote stop [-t SECS] NAME...", "Power instances off gracefully",
     "Presses the guest's power button (QMP system_powerdown): the image logs \"power button:\n"
     "shutting down\" and exits with status 0. After SECS (default 10) QEMU is killed.\n"},
    {"kill", cmd_kill, "mote kill [-s SIGNAL] NAME...", "Kill instances' QEMU",
     "  -s, --signal SIG  KILL (default), TERM, INT or a number\n"},
    {"rm", cmd_rm, "mote rm [-f] NAME...", "Remove instances",
     "Removes an exited instance and everything it left (logs, sockets, state).\n"
     "  -f, --force   kill it first if it is running\n"},
    {"inspect", cmd_inspect, "mote inspect [--type instance|image] [-f TEMPLATE] NAME|IMAGE...",
     "Show instances or images as JSON",
     "Prints a JSON array with one object per argument; a name is looked up as an instance\n"
     "first, then as an image. docs/mote.md lists every field.\n"
     "  -f, --format TMPL  a line per object from a template: '{{.State.Status}}',\n"
     "                     '{{.State.ExitCode}}', '{{json .Ports}}' (field names in any case)\n"},
    {"start", cmd_start, "mote start [--timeout SECS] NAME...", "Start exited instances again",
     "Runs the instance again with the options it was created with and waits for it to be\n"
     "ready, as run -d does.\n"},
    {"restart", cmd_restart, "mote restart [-t SECS] [--timeout SECS] NAME...",
     "Stop (if running) and start instances", "  -t SECS   as stop's -t\n"},
    {"wait", cmd_wait, "mote wait NAME...", "Wait for instances to exit and print their status",
     "Waits through restarts (a restart policy ends before the instance does).\n"},
    {"port", cmd_port, "mote port NAME [PORT[/PROTO]]", "List an instance's published ports",
     "Prints GUESTPORT/PROTO -> HOSTIP:HOSTPORT per forward.\n"},
    {"stats", cmd_stats, "mote stats [--no-stream] [NAME...]",
     "CPU and memory of running instances",
     "Samples QEMU's process for a second: CPU %, resident memory against the guest's RAM.\n"},
    {"system", cmd_system, "mote system prune [-a] [-f]", "Remove what is not in use",
     "Removes every exited instance, the image files no tag or instance uses and what a failed\n"
     "pull or load left; asks first unless -f.\n"
     "  -a, --all     also untag every image no instance was started from\n"
     "  -f, --force   do not ask\n"},
    {"export", cmd_export, "mote export --libvirt [RUN OPTIONS] IMAGE [--] [ARGS...]",
     "Print an image as a libvirt domain",
     "Prints the libvirt domain XML of the instance `mote run` would start with the same\n"
     "options (--name, -p, -m, -v, --net, -e, ARGS): machine, cpu, memory, the kernel with its\n"
     "boot arguments, a pty console (virsh console), virtio-rng, disks, and the network with\n"
     "its port forwards; virsh shutdown presses the image's power button. The kernel is named\n"
     "by its path in $MOTE_HOME. Define it with: mote export --libvirt dns > dns.xml;\n"
     "virsh define dns.xml; virsh start NAME.\n"},
    {"exec", cmd_exec, "mote exec NAME COMMAND", "(Says why a unikernel has no shell)", ""},
    {"cp", cmd_cp, "mote cp SRC DST", "(Says why a unikernel has no files to copy)", ""},
    {"debug", cmd_debug, "mote debug [--dry-run] NAME [-- GDB_ARGS...]",
     "Attach gdb to an instance's GDB stub",
     "Runs gdb-multiarch on the image's ELF (its symbols) attached to the stub of NAME, which\n"
     "must run a debug image (build --debug) started with run --gdb. GDB_ARGS are added after\n"
     "the attach, e.g. -- -batch -ex bt.\n"
     "  --dry-run   print the gdb command line instead of running it\n"},
    {"save", cmd_save, "mote save IMAGE -o FILE.tar", "Write an image as an OCI image layout",
     "The tar holds oci-layout, index.json and blobs/sha256/ (manifest, config, the image and\n"
     "its ELF as layers), the OCI Image Layout Specification's format.\n"
     "  -o, --output FILE   the tar file to write\n"},
    {"load", cmd_load, "mote load -i FILE.tar [-t NAME:TAG]", "Load an image saved with save",
     "Checks every blob's digest and size, then stores the image under the name it was saved\n"
     "with (or NAME:TAG).\n"
     "  -i, --input FILE    the tar file to read\n"
     "  -t, --tag NAME:TAG  store it under this name\n"},
    {"tag", cmd_tag, "mote tag SOURCE TARGET", "Give an image another name",
     "SOURCE and TARGET are image references, [HOST[:PORT]/]NAME[:TAG]: a name with a registry\n"
     "host is how push knows where to send the image. Both names share the same files.\n"},
    {"push", cmd_push, "mote push [--ca-file FILE] [--plain-http] IMAGE",
     "Upload an image to an OCI registry",
     "IMAGE names the registry, e.g. 127.0.0.1:5000/team/dns:1 (give an image such a name with\n"
     "mote tag). Blobs the registry has already are not sent again. The manifest's config says\n"
     "it is a Mote image for arm64 and names its board. HTTPS unless --plain-http (a registry\n"
     "on this machine without TLS is reached over HTTP, as docker does).\n"
     "  --ca-file FILE   trust the CA certificates in FILE (PEM) for this registry\n"
     "  --plain-http     talk HTTP, not HTTPS\n"},
    {"pull", cmd_pull, "mote pull [--board B] [--ca-file FILE] [--plain-http] IMAGE",
     "Download an image from an OCI registry",
     "IMAGE is [HOST[:PORT]/]NAME[:TAG] or NAME@sha256:DIGEST. Every blob is checked against its\n"
     "digest and size before the image is stored; a failed pull stores nothing.\n"
     "  --board B        the board the image must be for: virt (default), raspi3 or raspi3b\n"
     "  --ca-file FILE   trust the CA certificates in FILE (PEM)\n"
     "  --plain-http     talk HTTP, not HTTPS\n"},
    {"login", cmd_login, "mote login -u USER [--password-stdin] [--ca-file FILE] HOST[:PORT]",
     "Store credentials for a registry",
     "Checks them against the registry, then stores them in $MOTE_HOME/auth.json (mode 0600,\n"
     "docker's config.json layout). The password is read from stdin (--password-stdin) or\n"
     "asked for without echo; it is never printed.\n"},
    {"logout", cmd_logout, "mote logout HOST[:PORT]", "Forget a registry's credentials", ""},
    {"sdcard", cmd_sdcard, "mote sdcard [--uboot] [--firmware DIR] [-o FILE] IMAGE [-- ARGS...]",
     "Write a Raspberry Pi 3 SD card image",
     "For an image built with --board raspi3b: an MBR and a FAT32 boot partition with its\n"
     "kernel8.img, config.txt, cmdline.txt (ARGS, default the image's arguments) and the Pi 3\n"
     "device trees; `make sdcard` in the source tree mote was built from (or $MOTE_SRC)\n"
     "writes it. Write the file to a card with dd (docs/raspi3.md).\n"
     "  -o, --output FILE   the card image (default sdcard-NAME.img)\n"
     "  --uboot             boot through U-Boot (Debian's u-boot-rpi) and a boot.scr\n"
     "  --firmware DIR      copy bootcode.bin, start.elf and fixup.dat from DIR\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void help_all(FILE *out)
{
    fprintf(out, "Usage: mote COMMAND [OPTIONS]\n\n"
                 "Build, run and manage Mote unikernel images the way people manage containers.\n"
                 "State lives in $MOTE_HOME (default ~/.local/share/mote).\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun `mote help COMMAND` (or `mote COMMAND --help`) for a command's options.\n"
                 "docs/mote.md has examples of each.\n");
}

/* Text for roff: a leading '.' or '\'' would be a request, a '\\' an escape. */
static void roff_text(FILE *out, const char *text)
{
    bool line_start = true;
    for (const char *p = text; *p; p++) {
        if (line_start && (*p == '.' || *p == '\''))
            fputs("\\&", out);
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-')
            fputs("\\-", out);
        else
            fputc(*p, out);
        line_start = *p == '\n';
    }
}

/* mote(1), from the same table as `mote help` (make install writes it). */
static void man_page(FILE *out)
{
    fprintf(out,
            ".TH MOTE 1 \"\" \"mote %s\" \"Mote\"\n.SH NAME\nmote \\- build, run and manage "
            "Mote unikernel images the way people manage containers\n.SH SYNOPSIS\n"
            ".B mote\nCOMMAND [OPTIONS]\n.SH DESCRIPTION\nState lives in $MOTE_HOME (default "
            "~/.local/share/mote). docs/mote.md in the source tree has examples.\n"
            ".SH COMMANDS\n",
            MOTE_VERSION);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(out, ".SS %s\n.nf\n", commands[i].name);
        roff_text(out, commands[i].usage);
        fputs("\n.fi\n", out);
        roff_text(out, commands[i].summary);
        fputs(".\n.PP\n.nf\n", out);
        roff_text(out, commands[i].help);
        fputs(".fi\n", out);
    }
    fputs(".SH EXIT STATUS\n0 on success, 1 when a command failed (the message says why), 2 for "
          "bad arguments; an attached run returns the instance's own status.\n",
          out);
}

/* The long options named in a command's usage and help ("--name"), space-separated. */
static void options_of(const struct command *c, FILE *out)
{
    const char *texts[] = {c->usage, c->help};
    for (size_t t = 0; t < 2; t++)
        for (const char *p = texts[t]; (p = strstr(p, "--"));) {
            size_t n = 2;
            while ((p[n] >= 'a' && p[n] <= 'z') || p[n] == '-')
                n++;
            if (n > 2)
                fprintf(out, " %.*s", (int)n, p);
            p += n;
        }
}

/* A bash completion script (make install puts it where bash-completion finds it). */
static void bash_completion(FILE *out)
{
    fputs("# bash completion for mote, written by `mote __completion`\n_mote() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n        COMPREPLY=($(compgen -W \"",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "%s%s", i ? " " : "", commands[i].name);
    fputs(" help --version\" -- \"$cur\")); return\n    fi\n    case $cur in -*)\n"
          "        case $cmd in\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "        %s) COMPREPLY=($(compgen -W \"--help", commands[i].name);
        options_of(&commands[i], out);
        fputs("\" -- \"$cur\")) ;;\n", out);
    }
    fputs("        esac; return ;;\n    esac\n    case $cmd in\n"
          "        run|push|save|sdcard|tag|rmi) COMPREPLY=($(compgen -W \"$(mote images -q "
          "2>/dev/null)\" -- \"$cur\")) ;;\n"
          "        ps|images|build|pull|login|logout|system) ;;\n"
          "        *) COMPREPLY=($(compgen -W \"$(mote ps -aq 2>/dev/null)\" -- \"$cur\")) ;;\n"
          "    esac\n}\ncomplete -o default -F _mote mote\n",
          out);
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

void help_exit(const char *cmd)
{
    const struct command *c = find(cmd);
    if (!c)
        exit(MOTE_EXIT_USAGE);
    printf("Usage: %s\n\n%s.\n\n%s", c->usage, c->summary, c->help);
    exit(MOTE_EXIT_OK);
}

void print_json(const json_t *j)
{
    char *text = json_text(j, true);
    puts(text);
    free(text);
}

int main(int argc, char **argv)
{
    /* A peer closing a socket (QEMU exiting) is an error to report, not a reason to die. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        help_all(stderr);
        return MOTE_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        help_all(stdout);
        return MOTE_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("mote %s (source commit %s)\n", MOTE_VERSION, MOTE_COMMIT);
        return MOTE_EXIT_OK;
    }
    if (strcmp(name, MONITOR_COMMAND) == 0) {
        if (argc != 3 || spec_check_name(argv[2], NULL) != 0)
            return MOTE_EXIT_USAGE;
        return monitor_main(argv[2]);
    }
    if (strcmp(name, "__man") == 0) {
        man_page(stdout);
        return MOTE_EXIT_OK;
    }
    if (strcmp(name, "__completion") == 0) {
        bash_completion(stdout);
        return MOTE_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc == 2) {
            help_all(stdout);
            return MOTE_EXIT_OK;
        }
        if (!find(argv[2]))
            die(MOTE_EXIT_USAGE, "no command '%s'; `mote help` lists them", argv[2]);
        help_exit(argv[2]);
    }
    const struct command *c = find(name);
    if (!c)
        die(MOTE_EXIT_USAGE, "no command '%s'; `mote help` lists them", name);
    return c->fn(argc - 1, argv + 1);
}
