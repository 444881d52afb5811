/* test-pool.c: flavour matching, pool accounting and the refill rate
 * limit (src/pool.c). */
#include <errno.h>
#include <string.h>

#include "chaos/pool.h"
#include "tap.h"

#define F(n, m, v, t)                                                          \
    {                                                                          \
        .name = n, .memory_mb = m, .vcpus = v, .target = t                     \
    }

static void test_match(void)
{
    static const struct chaos_flavour f[] = {
        F("big", 64, 1, 2), F("small", 4, 1, 4),  F("wide", 4, 4, 1),
        F("mid", 16, 2, 2), F("small2", 4, 1, 1),
    };

    is_int(chaos_flavour_match(f, 5, 4, 1, NULL, 0, NULL), 1,
           "4 MB 1 vCPU: small (least memory, fewest vCPUs, first listed)");
    is_int(chaos_flavour_match(f, 5, 3, 1, NULL, 0, NULL), 1,
           "3 MB fits small too");
    is_int(chaos_flavour_match(f, 5, 4, 2, NULL, 0, NULL), 2,
           "4 MB 2 vCPUs: wide");
    is_int(chaos_flavour_match(f, 5, 5, 1, NULL, 0, NULL), 3, "5 MB: mid");
    is_int(chaos_flavour_match(f, 5, 17, 1, NULL, 0, NULL), 0, "17 MB: big");
    is_int(chaos_flavour_match(f, 5, 65, 1, NULL, 0, NULL), -ENOENT,
           "65 MB: no flavour fits");
    is_int(chaos_flavour_match(f, 5, 4, 5, NULL, 0, NULL), -ENOENT,
           "5 vCPUs: none fits");
    is_int(chaos_flavour_match(f, 0, 1, 1, NULL, 0, NULL), -ENOENT,
           "no flavours: none");
    is_int(chaos_flavour_name_valid("small-1_x"), 0, "flavour name ok");
    is_int(chaos_flavour_name_valid("a b"), -EINVAL, "blank refused");
    is_int(chaos_flavour_name_valid("a.b"), -EINVAL, "dot refused");
    is_int(chaos_flavour_name_valid(""), -EINVAL, "empty refused");
}

static void test_match_clone(void)
{
    struct chaos_flavour f[] = {
        F("small", 4, 1, 2),  F("c64", 64, 1, 2),    F("c32", 32, 1, 2),
        F("c32x2", 32, 2, 1), F("huge", 1024, 1, 1),
    };

    f[1].clone = f[2].clone = f[3].clone = true;
    is_int(chaos_flavour_match_clone(f, 5, 17, 1, NULL, 0, NULL), 2,
           "clone of 17 MB, 1 vCPU: c32 (least memory)");
    is_int(chaos_flavour_match_clone(f, 5, 33, 1, NULL, 0, NULL), 1,
           "33 MB: c64");
    is_int(chaos_flavour_match_clone(f, 5, 17, 2, NULL, 0, NULL), 3,
           "2 vCPUs: c32x2 (vCPUs must be equal)");
    is_int(chaos_flavour_match_clone(f, 5, 4, 4, NULL, 0, NULL), -ENOENT,
           "4 vCPUs: none (more vCPUs do not fit either)");
    is_int(chaos_flavour_match_clone(f, 5, 65, 1, NULL, 0, NULL), -ENOENT,
           "65 MB: none (guest flavours are never clone shells)");
    is_int(chaos_flavour_match(f, 5, 17, 1, NULL, 0, NULL), 4,
           "a create of 17 MB skips the clone flavours: huge");
    is_int(chaos_flavour_match(f, 5, 2, 2, NULL, 0, NULL), -ENOENT,
           "  and 2 vCPUs does not take c32x2");
}

/* Give flavour F one more vif template, on BRIDGE. */
static void add_vif(struct chaos_flavour *f, const char *bridge)
{
    strcpy(f->vif_bridges[f->nr_vifs++], bridge);
}

/* Vifs take part in matching: a request is not handed a shell whose
 * ready vifs differ when a flavour with its vifs fits. */
static void test_match_vifs(void)
{
    struct chaos_flavour f[] = {
        F("plain", 4, 1, 2), F("net", 8, 1, 2),  F("net2", 16, 1, 1),
        F("other", 4, 1, 1), F("big", 64, 1, 1),
    };
    struct chaos_vif one[1] = {{.bridge = "xenbr0"}};
    struct chaos_vif two[2] = {{.bridge = "xenbr0"}, {.bridge = "xenbr1"}};
    struct chaos_vif br9[1] = {{.bridge = "br9"}};
    bool eq = true;

    add_vif(&f[1], "xenbr0");
    add_vif(&f[2], "xenbr0");
    add_vif(&f[2], "xenbr1");
    add_vif(&f[3], "xenbr1");
    is_int(chaos_flavour_match(f, 5, 4, 1, NULL, 0, &eq), 0,
           "no vif: plain, not the smaller-or-equal vif flavour other");
    ok(eq, "  its vifs match (none)");
    is_int(chaos_flavour_match(f, 5, 4, 1, one, 1, &eq), 1,
           "one vif on xenbr0: net (more memory, but its vif is the one)");
    ok(eq, "  its vifs match");
    is_int(chaos_flavour_match(f, 5, 4, 1, two, 2, &eq), 2,
           "two vifs: net2 (xenbr0 then xenbr1)");
    is_int(chaos_flavour_match(f, 5, 17, 1, one, 1, &eq), 4,
           "17 MB and a vif: only big fits memory");
    ok(!eq, "  said: its vifs differ (finish adapts them)");
    is_int(chaos_flavour_match(f, 5, 4, 1, br9, 1, &eq), 0,
           "a vif on a bridge no flavour has: the smallest fitting, plain");
    ok(!eq, "  said: its vifs differ");
    two[1].bridge[0] = 'X';
    is_int(chaos_flavour_match(f, 5, 4, 1, two, 2, &eq), 0,
           "two vifs, the second on another bridge: net2 is not a match");
    ok(!eq, "  said: its vifs differ");
    ok(!chaos_flavour_vifs_equal(&f[1], two, 2) &&
           chaos_flavour_vifs_equal(&f[1], one, 1) &&
           !chaos_flavour_vifs_equal(&f[3], one, 1),
       "vifs_equal: count and bridges, in order");
}

/* Which pool adopts a shell a previous chaosd left, or why none does. */
static void test_adopt(void)
{
    struct chaos_flavour f[] = {F("small", 4, 1, 2), F("net", 8, 1, 1),
                                F("c32", 32, 1, 1)};
    const char br[CHAOS_MAX_VIFS][16] = {"xenbr0"};
    const char br1[CHAOS_MAX_VIFS][16] = {"xenbr1"};
    unsigned int ready[3] = {0, 0, 0};
    struct chaos_shell_shape s = {
        .flavour = "small", .memory_mb = 4, .vcpus = 1, .vif_bridges = br};
    char why[256];

    add_vif(&f[1], "xenbr0");
    f[2].clone = true;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), 0,
           "a small shell: pool small");
    ok(strstr(why, "unchanged") != NULL, "  why: %s", why);
    ready[0] = 2;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ENOSPC,
           "pool small at its target: -ENOSPC");
    ok(strstr(why, "full") != NULL, "  why: %s", why);
    s.memory_mb = 8;
    ready[0] = 0;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ESTALE,
           "small now 4 MB, the shell 8 MB: -ESTALE");
    ok(strstr(why, "changed") != NULL, "  why: %s", why);
    s.memory_mb = 4;
    s.vcpus = 2;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ESTALE,
           "other vCPUs: -ESTALE");
    s.vcpus = 1;
    s.flavour = "gone";
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ENOENT,
           "a flavour no longer configured: -ENOENT");
    ok(strstr(why, "no longer") != NULL, "  why: %s", why);
    s.flavour = "net";
    s.memory_mb = 8;
    s.nr_vifs = 1;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), 1,
           "a net shell with its vif on xenbr0: pool net");
    s.vif_bridges = br1;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ESTALE,
           "its vif on another bridge than the flavour's now: -ESTALE");
    ok(strstr(why, "xenbr1") != NULL, "  why: %s", why);
    s.vif_bridges = br;
    s.nr_vifs = 0;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ESTALE,
           "no vif where the flavour has one: -ESTALE");
    s = (struct chaos_shell_shape){
        .flavour = "c32", .memory_mb = 32, .vcpus = 1, .vif_bridges = br};
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ESTALE,
           "a guest shell named like a clone flavour: -ESTALE");
    s.clone = true;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), 2,
           "a clone shell: pool c32");
    /* FLASK: a shell made with another label than the flavour's now. */
    strcpy(f[2].seclabel, "system_u:system_r:clone_domU_t");
    f[2].ssidref = 12;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), -ESTALE,
           "an unlabelled shell, the flavour labelled now: -ESTALE");
    ok(strstr(why, "FLASK sid 0; now 12, system_u:system_r:clone_domU_t") !=
           NULL,
       "  why: %s", why);
    s.ssidref = 12;
    is_int(chaos_adopt_pool(f, 3, ready, &s, why, sizeof(why)), 2,
           "  one made with the flavour's sid: pool c32");
}

/* A parent's vifs take part in clone matching: a parent with a vif on
 * xenbr0 gets the clone flavour whose shells have one there. */
static void test_match_clone_vifs(void)
{
    struct chaos_flavour f[] = {F("c32", 32, 1, 2), F("cv", 64, 1, 1),
                                F("cv1", 64, 1, 1)};
    struct chaos_vif one[1] = {{.bridge = "xenbr0"}};
    bool eq = false;

    f[0].clone = f[1].clone = f[2].clone = true;
    add_vif(&f[1], "xenbr0");
    add_vif(&f[2], "xenbr1");
    is_int(chaos_flavour_match_clone(f, 3, 16, 1, one, 1, &eq), 1,
           "a 16 MB parent with a vif on xenbr0: cv (its vif), not c32");
    ok(eq, "  its vifs match");
    is_int(chaos_flavour_match_clone(f, 3, 16, 1, NULL, 0, &eq), 0,
           "the parent without a vif: c32, not a vif flavour");
    ok(eq, "  its vifs match (none)");
    is_int(chaos_flavour_match_clone(f, 3, 48, 1, NULL, 0, &eq), 1,
           "48 MB without a vif: only the vif flavours fit: cv");
    ok(!eq, "  said: its vifs differ (xencloned removes the shell's)");
}

static void test_count(void)
{
    struct chaos_pool_count p = {.target = 3};

    is_int(chaos_pool_deficit(&p), 3, "empty pool of 3: 3 to make");
    is_int(chaos_pool_begin(&p), 0, "begin one");
    is_int(chaos_pool_begin(&p), 0, "begin two");
    is_int(chaos_pool_deficit(&p), 1, "two preparing: 1 more to make");
    is_int(chaos_pool_end(&p, true), 0, "one made");
    is_int(chaos_pool_end(&p, false), 0, "one failed");
    ok(p.ready == 1 && p.preparing == 0 && p.made == 1 && p.failed == 1,
       "ready 1, preparing 0, made 1, failed 1");
    is_int(chaos_pool_end(&p, true), -EINVAL,
           "ending when nothing is preparing: -EINVAL");
    is_int(chaos_pool_deficit(&p), 2, "deficit 2");
    is_int(chaos_pool_take(&p), 0, "serve one");
    is_int(chaos_pool_take(&p), -EINVAL,
           "serving from an empty pool: -EINVAL (LightVM's bug)");
    ok(p.ready == 0 && p.served == 1, "ready 0, served 1");
    p.ready = 5;
    is_int(chaos_pool_excess(&p), 2, "5 ready for a target of 3: 2 excess");
    is_int(chaos_pool_deficit(&p), 0, "and no deficit");
    is_int(chaos_pool_begin(&p), -EINVAL, "no begin without a deficit");
    is_int(chaos_pool_adopt(&p), -EINVAL, "no adoption beyond the target");
    p.ready = 2;
    is_int(chaos_pool_adopt(&p), 0, "2 ready of 3: one adopted");
    ok(p.ready == 3 && p.adopted == 1, "ready 3, adopted 1");
    is_int(chaos_pool_discard(&p), 0, "discard one");
    ok(p.ready == 2 && p.discarded == 1, "ready 2, discarded 1");
    is_int(chaos_pool_lose(&p), 0, "lose one (destroyed by someone else)");
    ok(p.ready == 1 && p.lost == 1 && p.discarded == 1,
       "ready 1, lost 1, discarded still 1");
    is_int(chaos_pool_deficit(&p), 2,
           "  target 3, 1 ready: 2 to make (the lost one among them)");
    p.target = 0;
    p.ready = 0;
    is_int(chaos_pool_discard(&p), -EINVAL, "discard from empty: -EINVAL");
    is_int(chaos_pool_lose(&p), -EINVAL, "lose from empty: -EINVAL");
    is_int(chaos_pool_deficit(&p), 0, "target 0: nothing to make");
}

static void test_rate(void)
{
    struct chaos_rate r;
    int n = 0, i;

    is_int(chaos_rate_init(&r, 0, 1, 0), -EINVAL, "rate 0 refused");
    is_int(chaos_rate_init(&r, 1, 0, 0), -EINVAL, "burst 0 refused");
    is_int(chaos_rate_init(&r, 4, 2, 1000), 0, "4/s, burst 2");
    ok(chaos_rate_take(&r, 1000) && chaos_rate_take(&r, 1000),
       "a burst of 2 at once");
    ok(!chaos_rate_take(&r, 1000), "  then none");
    is_int((long long)chaos_rate_wait_ms(&r, 1000), 250,
           "next token in 250 ms");
    ok(!chaos_rate_take(&r, 1249), "not at 249 ms");
    ok(chaos_rate_take(&r, 1250), "one at 250 ms");
    for (i = 0; i <= 10000; i += 10)
        n += chaos_rate_take(&r, 1250 + (uint64_t)i);
    is_int(n, 40, "10 s at 4/s: 40 tokens");
    ok(chaos_rate_take(&r, 100000) && chaos_rate_take(&r, 100000) &&
           !chaos_rate_take(&r, 100000),
       "after a long idle time: only the burst");
    ok(!chaos_rate_take(&r, 50), "time going backwards gives nothing");
    is_int((long long)chaos_rate_wait_ms(&r, 100000), 250,
           "  and the wait is from the latest time seen");
}

int main(void)
{
    test_match();
    test_match_clone();
    test_match_vifs();
    test_match_clone_vifs();
    test_adopt();
    test_count();
    test_rate();
    return done_testing();
}
