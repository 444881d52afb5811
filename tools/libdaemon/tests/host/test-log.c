/* test-log.c: host tests of libdaemon's log line, levels and handler. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon/log.h"
#include "tap.h"

/* Everything written to a FILE so far, as a string to g_free(). */
static gchar *contents(FILE *f)
{
    long n;
    gchar *s;

    fflush(f);
    n = ftell(f);
    s = g_malloc0(n + 1);
    rewind(f);
    if (fread(s, 1, n, f) != (size_t)n)
        s[0] = '\0';
    fseek(f, 0, SEEK_END);
    return s;
}

static void test_format(void)
{
    gchar *l;

    l = dlog_format("2026-12-06 14:00:00.123456", "xencloned", 42,
                    G_LOG_LEVEL_CRITICAL, "child 5: step copy failed");
    is_str(l,
           "2026-12-06 14:00:00.123 xencloned[42]: error: child 5: step "
           "copy failed\n",
           "format: stamp cut to milliseconds, name[pid], tag, message");
    g_free(l);
    l = dlog_format("short", "chaosd", 7, G_LOG_LEVEL_DEBUG, "");
    is_str(l, "short chaosd[7]: debug: \n", "format: short stamp, empty");
    g_free(l);
}

static void test_tags(void)
{
    is_str(dlog_level_tag(G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL), "fatal",
           "tag: error is fatal");
    is_str(dlog_level_tag(G_LOG_LEVEL_CRITICAL), "error", "tag: critical");
    is_str(dlog_level_tag(G_LOG_LEVEL_WARNING), "warning", "tag: warning");
    is_str(dlog_level_tag(G_LOG_LEVEL_MESSAGE), "info", "tag: message");
    is_str(dlog_level_tag(G_LOG_LEVEL_INFO), "info", "tag: info");
    is_str(dlog_level_tag(G_LOG_LEVEL_DEBUG), "debug", "tag: debug");
}

static void test_levels(void)
{
    static const struct {
        const char *name;
        GLogLevelFlags level;
    } good[] = {{"error", G_LOG_LEVEL_CRITICAL},
                {"warning", G_LOG_LEVEL_WARNING},
                {"info", G_LOG_LEVEL_INFO},
                {"debug", G_LOG_LEVEL_DEBUG}};
    static const char *const bad[] = {"", "WARNING", "inf", "infos", "5"};
    GLogLevelFlags level;

    for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
        level = 0;
        ok(dlog_level_parse(good[i].name, &level) == 0 &&
               level == good[i].level,
           "parse '%s'", good[i].name);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        level = G_LOG_LEVEL_INFO;
        ok(dlog_level_parse(bad[i], &level) == -EINVAL &&
               level == G_LOG_LEVEL_INFO,
           "refuse '%s', level unchanged", bad[i]);
    }
    ok(dlog_wanted(G_LOG_LEVEL_INFO, G_LOG_LEVEL_MESSAGE),
       "info shows g_message");
    ok(dlog_wanted(G_LOG_LEVEL_INFO, G_LOG_LEVEL_INFO), "info shows info");
    ok(!dlog_wanted(G_LOG_LEVEL_INFO, G_LOG_LEVEL_DEBUG), "info hides debug");
    ok(!dlog_wanted(G_LOG_LEVEL_CRITICAL, G_LOG_LEVEL_WARNING),
       "error hides warnings");
    ok(dlog_wanted(G_LOG_LEVEL_CRITICAL,
                   G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL),
       "a fatal message always shows");
    ok(dlog_wanted(G_LOG_LEVEL_DEBUG, G_LOG_LEVEL_DEBUG), "debug shows all");
}

/* The installed handler: lines to OUT, warnings also to the tee. */
static void test_handler(void)
{
    FILE *out = tmpfile(), *tee = tmpfile();
    gchar *s, *want;

    if (!out || !tee) {
        printf("Bail out! tmpfile: %s\n", g_strerror(errno));
        exit(1);
    }
    dlog_init("prog", 0, G_LOG_LEVEL_INFO, out);
    dlog_tee(tee);
    g_log("dom", G_LOG_LEVEL_WARNING, "w %d", 1);
    g_log(NULL, G_LOG_LEVEL_MESSAGE, "m");
    g_log("dom", G_LOG_LEVEL_DEBUG, "hidden");
    dlog_tee(NULL);
    g_log(NULL, G_LOG_LEVEL_CRITICAL, "after the tee");
    dlog_init("prog", DLOG_DOMAIN_NAMES, G_LOG_LEVEL_DEBUG, out);
    g_log("dom", G_LOG_LEVEL_DEBUG, "shown");
    g_log(NULL, G_LOG_LEVEL_DEBUG, "no domain");

    s = contents(out);
    want = g_strdup_printf("prog[%d]: warning: w 1\n", (int)getpid());
    ok(strstr(s, want) != NULL, "a domain's warning as prog[pid]");
    g_free(want);
    want = g_strdup_printf("prog[%d]: info: m\n", (int)getpid());
    ok(strstr(s, want) != NULL, "g_message as info");
    g_free(want);
    ok(strstr(s, "hidden") == NULL, "debug filtered at info");
    want = g_strdup_printf("dom[%d]: debug: shown\n", (int)getpid());
    ok(strstr(s, want) != NULL, "DLOG_DOMAIN_NAMES: the domain's name");
    g_free(want);
    want = g_strdup_printf("prog[%d]: debug: no domain\n", (int)getpid());
    ok(strstr(s, want) != NULL, "DLOG_DOMAIN_NAMES: no domain, prog");
    g_free(want);
    is_int(s[4] == '-' && s[10] == ' ' && s[13] == ':' && s[19] == '.' &&
               s[23] == ' ',
           1, "line starts with a millisecond timestamp");
    g_free(s);
    s = contents(tee);
    is_str(s, "prog: warning: w 1\n", "tee: just the warning, while set");
    g_free(s);
    fclose(out);
    fclose(tee);
}

int main(void)
{
    test_format();
    test_tags();
    test_levels();
    test_handler();
    return done_testing();
}
