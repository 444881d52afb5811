/* test-options.c: host tests of xencloned's command line parsing. */
#include <errno.h>

#include "xencloned/options.h"
#include "tap.h"

/* Parse the NULL-terminated argument list ARGS (argv[0] included). */
static int parse(char **args, struct cloned_options *o, char **err)
{
    int argc = 0;

    while (args[argc])
        argc++;
    return options_parse(argc, args, o, err);
}

static void bad(char **args, const char *want_in_msg, const char *name)
{
    struct cloned_options o;
    char *err = NULL;

    if (is_int(parse(args, &o, &err), -EINVAL, name))
        ok(err && strstr(err, want_in_msg), "  the message names '%s'",
           want_in_msg);
    else
        ok(0, "  (message not checked)");
    if (err)
        printf("#   message: %s\n", err);
    g_free(err);
}

int main(void)
{
    struct cloned_options o;
    char *err = NULL;

    plan(38);

    is_int(parse((char *[]){"xencloned", NULL}, &o, &err), 0, "no options");
    ok(!o.foreground && !o.help && !o.config_given, "  defaults: detach");
    is_str(o.config, CLONED_DEFAULT_CONFIG, "  default config");
    is_str(o.pidfile, CLONED_DEFAULT_PIDFILE, "  default pid file");
    is_int(o.log_level, G_LOG_LEVEL_INFO, "  default level info");

    is_int(parse((char *[]){"xencloned", "--foreground", "--config", "/c",
                            "--log-level", "debug", "--pidfile", "",
                            "--log-file", "/l", NULL},
                 &o, &err),
           0, "every long option");
    ok(o.foreground && o.config_given, "  --foreground, --config");
    is_str(o.config, "/c", "  config file");
    is_str(o.pidfile, "", "  no pid file");
    is_str(o.logfile, "/l", "  log file");
    is_int(o.log_level, G_LOG_LEVEL_DEBUG, "  --log-level debug");

    is_int(parse((char *[]){"xencloned", "-f", "-c", "/d", "-l", "error", "-p",
                            "/p", NULL},
                 &o, &err),
           0, "short options");
    ok(o.foreground && !strcmp(o.config, "/d") && !strcmp(o.pidfile, "/p") &&
           o.log_level == G_LOG_LEVEL_CRITICAL,
       "  are read");
    is_int(parse((char *[]){"xencloned", "--help", NULL}, &o, &err), 0,
           "--help");
    ok(o.help, "  asks for help");
    ok(strstr(options_usage(), "Usage: xencloned") != NULL,
       "the usage text starts with a synopsis");
    is_int(parse((char *[]){"xencloned", NULL}, &o, &err), 0, "no options:");
    ok(!o.status && !strcmp(o.socket, CLONED_DEFAULT_SOCKET),
       "  no --status, the default control socket");
    is_int(
        parse((char *[]){"xencloned", "--status", "-s", "/s", NULL}, &o, &err),
        0, "--status -s FILE");
    ok(o.status && !strcmp(o.socket, "/s"), "  status asked, socket /s");
    bad((char *[]){"xencloned", "--socket=", NULL}, "--socket",
        "an empty socket name");

    bad((char *[]){"xencloned", "--frobnicate", NULL}, "--frobnicate",
        "an unknown long option");
    bad((char *[]){"xencloned", "-z", NULL}, "-z", "an unknown short option");
    bad((char *[]){"xencloned", "--config", NULL}, "--config",
        "--config without a file");
    bad((char *[]){"xencloned", "--log-level", "loud", NULL}, "loud",
        "an unknown log level");
    bad((char *[]){"xencloned", "extra", NULL}, "extra", "a stray argument");
    bad((char *[]){"xencloned", "--config=", NULL}, "--config",
        "an empty config file name");

    is_int(parse((char *[]){"xencloned", "--log-level", "warning", NULL}, &o,
                 &err),
           0, "--log-level warning");
    is_int(o.log_level, G_LOG_LEVEL_WARNING, "  is GLib's warning");
    bad((char *[]){"xencloned", "--log-level", "WARNING", NULL}, "WARNING",
        "levels are lower case");
    return done_testing();
}
