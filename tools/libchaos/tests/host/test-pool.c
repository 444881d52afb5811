/* test-pool.c: flavour matching, pool accounting and the refill rate
 * limit (src/pool.c). */
#include <errno.h>

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

    is_int(chaos_flavour_match(f, 5, 4, 1), 1,
           "4 MB 1 vCPU: small (least memory, fewest vCPUs, first listed)");
    is_int(chaos_flavour_match(f, 5, 3, 1), 1, "3 MB fits small too");
    is_int(chaos_flavour_match(f, 5, 4, 2), 2, "4 MB 2 vCPUs: wide");
    is_int(chaos_flavour_match(f, 5, 5, 1), 3, "5 MB: mid");
    is_int(chaos_flavour_match(f, 5, 17, 1), 0, "17 MB: big");
    is_int(chaos_flavour_match(f, 5, 65, 1), -ENOENT, "65 MB: no flavour fits");
    is_int(chaos_flavour_match(f, 5, 4, 5), -ENOENT, "5 vCPUs: none fits");
    is_int(chaos_flavour_match(f, 0, 1, 1), -ENOENT, "no flavours: none");
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
    is_int(chaos_flavour_match_clone(f, 5, 17, 1), 2,
           "clone of 17 MB, 1 vCPU: c32 (least memory)");
    is_int(chaos_flavour_match_clone(f, 5, 33, 1), 1, "33 MB: c64");
    is_int(chaos_flavour_match_clone(f, 5, 17, 2), 3,
           "2 vCPUs: c32x2 (vCPUs must be equal)");
    is_int(chaos_flavour_match_clone(f, 5, 4, 4), -ENOENT,
           "4 vCPUs: none (more vCPUs do not fit either)");
    is_int(chaos_flavour_match_clone(f, 5, 65, 1), -ENOENT,
           "65 MB: none (guest flavours are never clone shells)");
    is_int(chaos_flavour_match(f, 5, 17, 1), 4,
           "a create of 17 MB skips the clone flavours: huge");
    is_int(chaos_flavour_match(f, 5, 2, 2), -ENOENT,
           "  and 2 vCPUs does not take c32x2");
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
    is_int(chaos_pool_discard(&p), 0, "discard one");
    ok(p.ready == 4 && p.discarded == 1, "ready 4, discarded 1");
    p.target = 0;
    p.ready = 0;
    is_int(chaos_pool_discard(&p), -EINVAL, "discard from empty: -EINVAL");
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
    test_count();
    test_rate();
    return done_testing();
}
