/* test-names.c: the domain-name index behind chaos_name_in_use()
 * (src/names.c): which events forget a name, what a sync reads and drops. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chaos/config.h"
#include "chaos/names.h"
#include "tap.h"

/* A fake XenStore: NAMES[d] is domain d's name (NULL: none). */
#define FAKE_DOMS 40000
static const char *names[FAKE_DOMS];
static int reads, fail_domid = -1, fail_rc;

static int fake_read(void *arg, unsigned int domid, char *buf, size_t len)
{
    (void)arg;
    reads++;
    if ((int)domid == fail_domid)
        return fail_rc;
    if (domid >= FAKE_DOMS || !names[domid])
        return -ENOENT;
    if (strlen(names[domid]) >= len)
        return -ENOSPC;
    strcpy(buf, names[domid]);
    return 0;
}

/* Sync T with listing "a b c ..." (space-separated); the reads it made. */
static int sync_list(struct chaos_names *t, const char *list, int *rc)
{
    char buf[8192], *doms[2048], *save = NULL, *w;
    size_t n = 0;

    snprintf(buf, sizeof(buf), "%s", list);
    for (w = strtok_r(buf, " ", &save); w && n < 2048;
         w = strtok_r(NULL, " ", &save))
        doms[n++] = w;
    reads = 0;
    *rc = chaos_names_sync(t, doms, n, fake_read, NULL);
    return reads;
}

static void test_sync(void)
{
    struct chaos_names *t;
    int rc;

    is_int(chaos_names_new(&t), 0, "a new index");
    names[0] = "Domain-0";
    names[3] = "web";
    names[7] = "db";
    is_int(chaos_names_find(t, "web"), -ENOENT, "an empty index finds nothing");
    is_int(sync_list(t, "0 3 7", &rc), 3, "the first sync reads every name");
    is_int(rc, 0, "  and succeeds");
    is_int(chaos_names_find(t, "web"), 3, "web is domain 3");
    is_int(chaos_names_find(t, "Domain-0"), 0, "Domain-0 is domain 0");
    is_int(chaos_names_find(t, "nope"), -ENOENT, "an unknown name is free");
    is_int((long long)chaos_names_count(t), 3, "3 domains held");

    is_int(sync_list(t, "0 3 7", &rc), 0, "a second sync reads nothing");
    names[9] = "new";
    is_int(sync_list(t, "0 3 7 9", &rc), 1, "a new domain: one read");
    is_int(chaos_names_find(t, "new"), 9, "  and its name is found");

    /* Renamed, without an event: the index does not know (the watch is
     * what tells it). */
    names[3] = "web2";
    is_int(sync_list(t, "0 3 7 9", &rc), 0, "no event: nothing re-read");
    is_int(chaos_names_find(t, "web"), 3, "  the old name stays");
    chaos_names_event(t, "/local/domain/3/name");
    is_int(sync_list(t, "0 3 7 9", &rc), 1, "a name event: that name re-read");
    is_int(chaos_names_find(t, "web"), -ENOENT, "  the old name is free");
    is_int(chaos_names_find(t, "web2"), 3, "  the new one taken");

    /* Gone from the listing: dropped, its name free. */
    is_int(sync_list(t, "0 3 9", &rc), 0, "domain 7 gone: nothing read");
    is_int(chaos_names_find(t, "db"), -ENOENT, "  its name is free");
    is_int((long long)chaos_names_count(t), 3, "  3 held");
    /* Its domid reused by a new domain: read as new. */
    names[7] = "db-again";
    is_int(sync_list(t, "0 3 7 9", &rc), 1, "domid 7 reused: read again");
    is_int(chaos_names_find(t, "db-again"), 7, "  the new name found");

    /* A domain without a name, and one whose name does not fit. */
    names[11] = NULL;
    names[12] = "a-name-longer-than-any-name-chaos-accepts-"
                "because-it-goes-on-and-on-and-on";
    is_int(sync_list(t, "0 3 7 9 11 12", &rc), 2, "two more domains read");
    is_int(rc, 0, "  no name, or too long, is not an error");
    is_int(chaos_names_find(t, ""), -ENOENT, "no name matches \"\"");
    chaos_names_free(t);
}

static void test_events(void)
{
    static const char *const ignored[] = {"/local/domain/3/device/vif/0/state",
                                          "/local/domain/3/names",
                                          "/local/domain/3name",
                                          "/local/domain/03/name",
                                          "/local/domain/x/name",
                                          "/local/domain/99999/name",
                                          "/local/domainX",
                                          "/vm/3/name",
                                          "@releaseDomain",
                                          "/local/domain/3/name/x",
                                          NULL};
    static const char *const forget_all[] = {"/local/domain", "/local", "/",
                                             NULL};
    struct chaos_names *t;
    int rc, i, n;

    chaos_names_new(&t);
    names[3] = "web";
    names[5] = "five";
    sync_list(t, "0 3 5", &rc);
    for (i = 0; ignored[i]; i++) {
        chaos_names_event(t, ignored[i]);
        n = sync_list(t, "0 3 5", &rc);
        ok(n == 0, "ignored: %s (%d reads)", ignored[i], n);
    }
    chaos_names_event(t, "/local/domain/3");
    is_int(sync_list(t, "0 3 5", &rc), 1, "/local/domain/3: re-read 3");
    chaos_names_event(t, "/local/domain/3/name");
    chaos_names_event(t, "/local/domain/5/name");
    is_int(sync_list(t, "0 3 5", &rc), 2, "two name events: two reads");
    chaos_names_event(t, "/local/domain/4/name");
    is_int(sync_list(t, "0 3 5", &rc), 0,
           "an event for a domain not held reads nothing");
    for (i = 0; forget_all[i]; i++) {
        chaos_names_event(t, forget_all[i]);
        n = sync_list(t, "0 3 5", &rc);
        ok(n == 3, "%s: every name re-read (%d reads)", forget_all[i], n);
    }
    chaos_names_free(t);
}

static void test_listing(void)
{
    struct chaos_names *t;
    int rc;

    chaos_names_new(&t);
    names[32751] = "last";
    is_int(sync_list(t, "0 x 03 -1 32752 99999999999 3 32751", &rc), 3,
           "entries that are not domids are skipped");
    is_int((long long)chaos_names_count(t), 3, "  3 held");
    is_int(chaos_names_find(t, "last"), 32751, "the highest domid is held");
    is_int(sync_list(t, "", &rc), 0, "an empty listing reads nothing");
    is_int((long long)chaos_names_count(t), 0, "  and drops everything");
    is_int(chaos_names_find(t, "last"), -ENOENT, "  its names are free");
    chaos_names_free(t);
}

static void test_read_error(void)
{
    struct chaos_names *t;
    int rc;

    chaos_names_new(&t);
    names[3] = "web";
    names[5] = "five";
    names[7] = "db";
    fail_domid = 5;
    fail_rc = -EIO;
    sync_list(t, "0 3 5 7", &rc);
    is_int(rc, -EIO, "a failed read fails the sync with its errno");
    fail_domid = -1;
    is_int(sync_list(t, "0 3 5 7", &rc), 4,
           "the next sync reads everything again");
    is_int(rc, 0, "  and succeeds");
    is_int(chaos_names_find(t, "db"), 7, "  db found");
    /* A failure after a domain went away keeps nothing stale. */
    fail_domid = 3;
    chaos_names_event(t, "/local/domain/3/name");
    sync_list(t, "0 3 5", &rc);
    is_int(rc, -EIO, "a failed re-read fails the sync");
    is_int(chaos_names_find(t, "web"), -ENOENT,
           "  the name being re-read is not trusted");
    fail_domid = -1;
    is_int(sync_list(t, "0 3 5", &rc), 1, "the next sync re-reads it");
    is_int(chaos_names_find(t, "db"), -ENOENT, "  and drops the gone one");
    chaos_names_free(t);
}

/* Many domains: a sync after one change reads one name. */
static void test_many(void)
{
    static char buf[FAKE_DOMS][16];
    static char list[1000 * 6];
    struct chaos_names *t;
    size_t off = 0;
    int rc, d;

    chaos_names_new(&t);
    for (d = 1; d <= 1000; d++) {
        snprintf(buf[d], sizeof(buf[d]), "g%d", d);
        names[d] = buf[d];
        off += (size_t)snprintf(list + off, sizeof(list) - off, "%d ", d);
    }
    is_int(sync_list(t, list, &rc), 1000, "1,000 domains: 1,000 reads once");
    chaos_names_event(t, "/local/domain/500/name");
    is_int(sync_list(t, list, &rc), 1, "  then one change: one read");
    is_int(chaos_names_find(t, "g1000"), 1000, "  g1000 found");
    chaos_names_free(t);
}

int main(void)
{
    test_sync();
    test_events();
    test_listing();
    test_read_error();
    test_many();
    return done_testing();
}
