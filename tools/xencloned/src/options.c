/* options.c: parse xencloned's command line (getopt_long, xl-style errors). */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "daemon/log.h"
#include "xencloned/options.h"

static const char usage_text[] =
    "Usage: xencloned [OPTIONS]\n"
    "       xencloned --status [--socket FILE]\n"
    "\n"
    "The Dom0 clone service. It registers a notification ring with Xen and\n"
    "binds VIRQ_CLONED. For every child Xen announces (a guest's fork() or\n"
    "'xl clone') it copies the parent's XenStore entries to the child\n"
    "(/local/domain/<parent>, /libxl/<parent> and the vm node, as\n"
    "'<name>-clone-<childid>' with the child's domid, permissions and ring\n"
    "references), introduces the child to xenstored, so that xenconsoled\n"
    "brings up its console, reports the child complete to Xen and unpauses\n"
    "it. A child that cannot be set up is reported with the error, and Xen\n"
    "destroys it. xencloned also gives every new domain its clone policy\n"
    "(cloning enabled or not, max_clones) from the configuration file,\n"
    "and destroys clones that shut down (unless [children] on_exit is\n"
    "preserve); a forked child's exit status stays with Xen for its parent.\n"
    "On SIGTERM or SIGINT it unregisters from Xen (children still waiting\n"
    "are failed) and exits.\n"
    "\n"
    "It keeps per-phase timings of every child (wait, xenstore_copy, 9pfs,\n"
    "introduce, vifs, complete, unpause, first_run) and its counters, and\n"
    "answers {\"op\":\"status\"} on its control socket with them as JSON.\n"
    "'xencloned --status' prints that reply (exit 1 if no daemon runs).\n"
    "\n"
    "Options:\n"
    "  -f, --foreground       stay in the foreground and log to stderr\n"
    "                         (otherwise: detach, log "
    "to " CLONED_DEFAULT_LOGFILE ")\n"
    "  -c, --config FILE      configuration file "
    "(default " CLONED_DEFAULT_CONFIG ";\n"
    "                         if it is missing the defaults apply: cloning\n"
    "                         enabled, max_clones 64, a one-page ring)\n"
    "  -l, --log-level LEVEL  error, warning, info (default) or debug\n"
    "  -p, --pidfile FILE     write the daemon's pid to FILE (default\n"
    "                         " CLONED_DEFAULT_PIDFILE "; '' for none)\n"
    "      --log-file FILE    log file when detached (default\n"
    "                         " CLONED_DEFAULT_LOGFILE ")\n"
    "  -s, --socket FILE      the control socket (default\n"
    "                         " CLONED_DEFAULT_SOCKET ")\n"
    "      --status           print the running daemon's status (JSON:\n"
    "                         counters, per-phase timings of the recent\n"
    "                         children) and exit\n"
    "  -h, --help             this text\n"
    "\n"
    "Exit status (of the daemon, or of the starting process when it\n"
    "detaches, which returns once the daemon is ready): 0 after a clean\n"
    "start (detached) or shutdown (--foreground), or a status printed; 1\n"
    "if the service could not start (no Xen, another clone service\n"
    "registered, a bad configuration) or, for --status, if no daemon\n"
    "answers; 2 on bad command line arguments; 3 if the hypervisor has no\n"
    "clone_op.\n";

const char *options_usage(void)
{
    return usage_text;
}

int options_parse(int argc, char **argv, struct cloned_options *o, char **err)
{
    enum { OPT_LOG_FILE = 256, OPT_STATUS };
    static const struct option longopts[] = {
        {"foreground", no_argument, NULL, 'f'},
        {"config", required_argument, NULL, 'c'},
        {"log-level", required_argument, NULL, 'l'},
        {"pidfile", required_argument, NULL, 'p'},
        {"log-file", required_argument, NULL, OPT_LOG_FILE},
        {"socket", required_argument, NULL, 's'},
        {"status", no_argument, NULL, OPT_STATUS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, rc = 0;

    *o = (struct cloned_options){
        .config = CLONED_DEFAULT_CONFIG,
        .pidfile = CLONED_DEFAULT_PIDFILE,
        .logfile = CLONED_DEFAULT_LOGFILE,
        .socket = CLONED_DEFAULT_SOCKET,
        .log_level = G_LOG_LEVEL_INFO,
    };
    *err = NULL;
    optind = 0; /* full re-initialisation: the parser may run again */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":fc:l:p:s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            o->foreground = true;
            break;
        case 'c':
            if (optarg[0] == '\0') {
                *err = g_strdup("--config needs a file name");
                rc = -EINVAL;
                goto out;
            }
            o->config = optarg;
            o->config_given = true;
            break;
        case 'l':
            if (dlog_level_parse(optarg, &o->log_level) < 0) {
                *err = g_strdup_printf("unknown log level '%s' (use error, "
                                       "warning, info or debug)",
                                       optarg);
                rc = -EINVAL;
                goto out;
            }
            break;
        case 'p':
            o->pidfile = optarg;
            break;
        case OPT_LOG_FILE:
            if (optarg[0] == '\0') {
                *err = g_strdup("--log-file needs a file name");
                rc = -EINVAL;
                goto out;
            }
            o->logfile = optarg;
            break;
        case 's':
            if (optarg[0] == '\0') {
                *err = g_strdup("--socket needs a file name");
                rc = -EINVAL;
                goto out;
            }
            o->socket = optarg;
            break;
        case OPT_STATUS:
            o->status = true;
            break;
        case 'h':
            o->help = true;
            break;
        case ':':
            *err =
                g_strdup_printf("option '%s' needs a value", argv[optind - 1]);
            rc = -EINVAL;
            goto out;
        default:
            *err = g_strdup_printf("unknown option '%s'", argv[optind - 1]);
            rc = -EINVAL;
            goto out;
        }
    }
    if (optind < argc) {
        *err = g_strdup_printf("unexpected argument '%s'", argv[optind]);
        rc = -EINVAL;
    }
out:
    return rc;
}
