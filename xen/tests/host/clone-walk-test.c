/* clone-walk-test: host TAP test of the real arch/x86/pv/clone-walk.c. */
#include "walk-harness.h"
#include "../../arch/x86/pv/clone-internal.h"

#include <stdlib.h>

#include "tap.h"

intpte_t walk_mem[WALK_FRAMES][512], walk_bad[512];
unsigned int walk_maps, walk_unmaps, walk_violations;

/* A tree: an L4 with guest and Xen slots present, L3s, L2s, L1s. */
static unsigned int nr_frames, nr_tables[5], nr_down, nr_leaves;
static uint32_t seed = 12345;

static unsigned int rnd(unsigned int n)
{
    seed = seed * 1103515245 + 12345;
    return (seed >> 8) % n;
}

static unsigned long new_frame(void)
{
    return WALK_BASE + nr_frames++;
}

static intpte_t pte(unsigned long mfn, unsigned long flags)
{
    return ((intpte_t)mfn << PAGE_SHIFT) | flags;
}

/* The pair walk's second tree: entry e of the first, moved by half. */
static intpte_t twin(intpte_t e)
{
    unsigned long m = e >> PAGE_SHIFT;

    return (e & _PAGE_PRESENT) && m >= WALK_BASE && m < WALK_BASE + nr_frames
               ? e + ((intpte_t)(WALK_FRAMES / 2) << PAGE_SHIFT)
               : e;
}

/* Fill the table mfn of level lvl; returns mfn. */
static unsigned long build(unsigned long mfn, unsigned int lvl)
{
    intpte_t *t = walk_mem[mfn - WALK_BASE];
    unsigned int n = lvl == 4 ? 4 : lvl > 1 ? 1 + rnd(3) : 0, k, i;

    nr_tables[lvl]++;
    if (lvl == 1) {
        for (i = 0; i < 512; i++)
            if (rnd(3)) {
                t[i] = pte(0x90000 + rnd(1000), 0x67);
                nr_leaves++;
            } else
                t[i] = rnd(2) ? 0x1234000 : 0; /* not present */
        return mfn;
    }
    /* Entries at the ends too: 0 and 511 (and 255, 272 at L4). */
    for (k = 0; k < n; k++) {
        static const unsigned int l4[] = {0, 255, 272, 511};

        i = lvl == 4 ? l4[k] : k == 0 ? 0 : k == 1 ? 511 : 1 + rnd(510);
        if (t[i])
            continue;
        t[i] = pte(build(new_frame(), lvl - 1), 0x67);
        nr_down++;
    }
    if (lvl == 4) /* Xen's slots: never looked at (not our frames) */
        for (i = 256; i <= 271; i += 5)
            t[i] = pte(0x7777, 0x63);
    return mfn;
}

/* What a walk saw, in order. */
enum ev_kind { EV_TABLE, EV_ENTRY, EV_UP, EV_DONE };
struct ev {
    enum ev_kind kind;
    unsigned int lvl, i;
    unsigned long mfn, mfn1;
    intpte_t e, e1;
    bool resumed;
};

struct trace {
    struct ev *ev;
    unsigned int n, max;
    unsigned int budget, nr_l1; /* preempt after budget L1 tables */
    unsigned long fail_mfn;     /* table() refuses it: -EBUSY */
    long companion;             /* non-pair: table() sets mfn[1] */
    unsigned int bad_pair;      /* pair: entries/tables not in step */
    unsigned int l4_xen_seen;
};

static void record(struct trace *tr, struct ev ev)
{
    if (tr->n == tr->max) {
        tr->max = tr->max ? 2 * tr->max : 4096;
        tr->ev = realloc(tr->ev, tr->max * sizeof(*tr->ev));
        if (!tr->ev)
            abort();
    }
    tr->ev[tr->n++] = ev;
}

static int cf_check t_table(void *ctx, struct clone_walk_table *tb,
                            bool resumed)
{
    struct trace *tr = ctx;

    record(tr, (struct ev){EV_TABLE, tb->lvl, 0, mfn_x(tb->mfn[0]),
                           mfn_x(tb->mfn[1]), 0, 0, resumed});
    if (mfn_x(tb->mfn[0]) == tr->fail_mfn)
        return -EBUSY;
    if (tr->companion)
        tb->mfn[1] = _mfn(mfn_x(tb->mfn[0]) + tr->companion);
    else if (!mfn_eq(tb->mfn[1], INVALID_MFN) &&
             mfn_x(tb->mfn[1]) != mfn_x(tb->mfn[0]) + WALK_FRAMES / 2)
        tr->bad_pair++;
    return 0;
}

static int cf_check t_entry(void *ctx, const struct clone_walk_table *tb,
                            unsigned int i, const intpte_t e[2])
{
    struct trace *tr = ctx;

    if (tb->lvl == 4 && i >= 256 && i <= 271)
        tr->l4_xen_seen++;
    if (!tr->companion && tb->map[1] && e[1] != twin(e[0]))
        tr->bad_pair++;
    if (tr->companion) /* build's pattern: fill the companion */
        tb->map[1][i] = e[0] & PAGE_MASK ? e[0] | 0x800 : e[0];
    record(tr, (struct ev){EV_ENTRY, tb->lvl, i, mfn_x(tb->mfn[0]),
                           mfn_x(tb->mfn[1]), e[0], e[1], false});
    if (!(e[0] & _PAGE_PRESENT))
        return 0;
    return tb->lvl > 1 ? CLONE_WALK_DOWN : 0;
}

static int cf_check t_up(void *ctx, const struct clone_walk_table *tb,
                         unsigned int i, const intpte_t e[2])
{
    record(ctx, (struct ev){EV_UP, tb->lvl, i, mfn_x(tb->mfn[0]), 0, e[0], 0,
                            false});
    return 0;
}

static int cf_check t_done(void *ctx, const struct clone_walk_table *tb)
{
    record(ctx, (struct ev){EV_DONE, tb->lvl, 0, mfn_x(tb->mfn[0]), 0, 0, 0,
                            tb->map[0] != NULL});
    return 0;
}

static bool cf_check t_preempt(void *ctx)
{
    struct trace *tr = ctx;

    return tr->budget && ++tr->nr_l1 % tr->budget == 0;
}

static const struct clone_walk_ops ops = {
    .table = t_table,
    .entry = t_entry,
    .up = t_up,
    .done = t_done,
    .preempt = t_preempt,
};
static const struct clone_walk_ops pair_ops = {
    .pair = true,
    .table = t_table,
    .entry = t_entry,
    .preempt = t_preempt,
};
static const struct clone_walk_ops no_entry_ops = {
    .table = t_table,
    .done = t_done,
    .preempt = t_preempt,
};

/* Walk to the end (or an error); returns the last rc, counts calls. */
static int walk_all(const struct clone_walk_ops *o, struct trace *tr,
                    unsigned long root, unsigned long root2,
                    unsigned int *calls)
{
    struct clone_walk_cursor cur = {0};
    int rc;

    *calls = 0;
    do {
        rc = clone_walk(o, tr, NULL, &cur, _mfn(root), _mfn(root2));
        ++*calls;
    } while (rc == -ERESTART && *calls <= 2 * nr_tables[1] + 2);
    if (cur.resume)
        walk_violations++;
    return rc;
}

/*
 * The events of tr without what a resumed walk does again on the way down
 * to the cursor: table() of the tables on the way, and entry() of their
 * entries at the cursor (above L2; an L2 goes on at the next entry). The
 * number of entries read again is *again.
 */
static unsigned int select_ev(const struct trace *tr, struct ev *out,
                              unsigned int max, unsigned int *again)
{
    static bool seen[WALK_FRAMES][512];
    unsigned int k, n = 0;

    memset(seen, 0, sizeof(seen));
    *again = 0;
    for (k = 0; k < tr->n && n < max; k++) {
        const struct ev *ev = &tr->ev[k];

        if (ev->kind == EV_TABLE && ev->resumed)
            continue;
        /* An L1 entry read twice is a mistake: kept, so it shows. */
        if (ev->mfn < WALK_BASE || ev->mfn >= WALK_BASE + WALK_FRAMES) {
            out[n++] = *ev; /* not a frame of ours: shows as a difference */
            continue;
        }
        if (ev->kind == EV_ENTRY && ev->lvl > 1 &&
            seen[ev->mfn - WALK_BASE][ev->i]) {
            ++*again;
            continue;
        }
        if (ev->kind == EV_ENTRY)
            seen[ev->mfn - WALK_BASE][ev->i] = true;
        out[n++] = *ev;
    }
    return n;
}

static bool same_ev(const struct ev *a, const struct ev *b, unsigned int n)
{
    unsigned int k;

    for (k = 0; k < n; k++)
        if (a[k].kind != b[k].kind || a[k].lvl != b[k].lvl ||
            a[k].i != b[k].i || a[k].mfn != b[k].mfn || a[k].e != b[k].e)
            return false;
    return true;
}

/* Every table entered resumed had been entered before, not resumed. */
static bool resumed_only_on_the_way(const struct trace *tr)
{
    unsigned int k, j;

    for (k = 0; k < tr->n; k++) {
        bool seen = false;

        if (tr->ev[k].kind != EV_TABLE || !tr->ev[k].resumed)
            continue;
        if (tr->ev[k].lvl == 1)
            return false; /* an L1 table is never part of the cursor */
        for (j = 0; j < k && !seen; j++)
            seen = tr->ev[j].kind == EV_TABLE && !tr->ev[j].resumed &&
                   tr->ev[j].mfn == tr->ev[k].mfn;
        if (!seen)
            return false;
    }
    return true;
}

static unsigned int count(const struct trace *tr, enum ev_kind kind,
                          unsigned int lvl)
{
    unsigned int k, n = 0;

    for (k = 0; k < tr->n; k++)
        n += tr->ev[k].kind == kind && tr->ev[k].lvl == lvl &&
             !(kind == EV_TABLE && tr->ev[k].resumed);
    return n;
}

static unsigned int count_resumed(const struct trace *tr, unsigned int lvl)
{
    unsigned int k, n = 0;

    for (k = 0; k < tr->n; k++)
        n += tr->ev[k].kind == EV_TABLE && tr->ev[k].lvl == lvl &&
             tr->ev[k].resumed;
    return n;
}

static void reset_counters(void)
{
    walk_maps = walk_unmaps = walk_violations = 0;
}

int main(void)
{
    struct trace ref = {0}, tr;
    struct ev *a, *b;
    unsigned long root;
    unsigned int calls, na, nb, lvl, tables = 0, budget, k;
    int rc;

    plan(29);
    root = build(new_frame(), 4);
    if (nr_frames > WALK_FRAMES / 2)
        abort();
    for (lvl = 1; lvl <= 4; lvl++)
        tables += nr_tables[lvl];
    diag("tree: %u tables (%u L1), %u present leaves", tables, nr_tables[1],
         nr_leaves);

    /* 1. One walk, never preempted. */
    reset_counters();
    rc = walk_all(&ops, &ref, root, 0, &calls);
    is_int(rc, 0, "a walk without preemption ends in one call");
    ok(calls == 1, "  in one call");
    for (lvl = 1, k = 1; lvl <= 4; lvl++)
        k &= count(&ref, EV_TABLE, lvl) == nr_tables[lvl] &&
             count(&ref, EV_DONE, lvl) == nr_tables[lvl];
    ok(k, "  table() and done() once per table of each level");
    is_int(count(&ref, EV_ENTRY, 1), 512 * nr_tables[1],
           "  entry() for every entry of every L1 table");
    is_int(count(&ref, EV_UP, 2) + count(&ref, EV_UP, 3) +
               count(&ref, EV_UP, 4),
           nr_down, "  up() after every table below, once");
    is_int(ref.l4_xen_seen, 0, "  Xen's L4 slots skipped");
    ok(walk_maps == walk_unmaps && walk_maps == tables && !walk_violations,
       "  every table mapped once, unmapped, nothing else mapped");

    a = calloc(ref.n, sizeof(*a));
    b = calloc(ref.n * 4, sizeof(*b));
    if (!a || !b)
        abort();
    na = select_ev(&ref, a, ref.n, &k);

    /* 2. Preempted after every L1 table, then after every 7th. */
    for (budget = 1; budget <= 7; budget += 6) {
        tr = (struct trace){.budget = budget};
        reset_counters();
        rc = walk_all(&ops, &tr, root, 0, &calls);
        is_int(rc, 0, "preempted walk ends with 0");
        ok(calls >= nr_tables[1] / budget && calls <= nr_tables[1] / budget + 1,
           "  budget %u: one call per %u L1 tables (%u calls)", budget, budget,
           calls);
        nb = select_ev(&tr, b, ref.n * 4, &k);
        ok(nb == na && same_ev(a, b, na) &&
               k == count_resumed(&tr, 3) + count_resumed(&tr, 4),
           "  the same tables, entries, up() and done() in the same order; "
           "read again: the L4 and L3 cursor entries only (%u)",
           k);
        ok(resumed_only_on_the_way(&tr),
           "  resumed tables: only those on the way down to the cursor");
        ok(walk_maps == walk_unmaps && !walk_violations,
           "  maps balanced, cursor cleared at the end");
        free(tr.ev);
    }

    /* 3. A second tree in step: a copy at other frames. */
    for (k = 0; k < nr_frames; k++)
        for (lvl = 0; lvl < 512; lvl++)
            walk_mem[k + WALK_FRAMES / 2][lvl] = twin(walk_mem[k][lvl]);
    tr = (struct trace){.budget = 3};
    reset_counters();
    rc = walk_all(&pair_ops, &tr, root, root + WALK_FRAMES / 2, &calls);
    is_int(rc, 0, "pair walk, preempted every 3 L1 tables, ends with 0");
    ok(!tr.bad_pair, "  every table and entry beside its twin");
    is_int(count(&tr, EV_ENTRY, 1), 512 * nr_tables[1],
           "  entry() for every L1 entry once");
    ok(walk_maps == walk_unmaps && walk_maps >= 2 * tables && !walk_violations,
       "  both trees mapped, maps balanced");
    free(tr.ev);

    /* 4. table() names a table to map beside (build's copy). */
    tr = (struct trace){.budget = 5, .companion = WALK_FRAMES / 2};
    memset(walk_mem[WALK_FRAMES / 2], 0, sizeof(walk_mem) / 2);
    reset_counters();
    rc = walk_all(&ops, &tr, root, 0, &calls);
    for (k = 0, lvl = 1; k < nr_frames; k++) {
        unsigned int i;

        for (i = 0; i < 512; i++) {
            intpte_t e = walk_mem[k][i];

            if (!(k == 0 && i >= 256 && i <= 271))
                lvl &= walk_mem[k + WALK_FRAMES / 2][i] ==
                       (e & PAGE_MASK ? e | 0x800 : e);
        }
    }
    ok(rc == 0 && lvl, "table() names the copy: entry() fills every table's "
                       "copy through map[1], across chunks");
    ok(walk_maps == walk_unmaps && !walk_violations, "  maps balanced");
    free(tr.ev);

    /* 5. An error in a table half way: the walk ends there. */
    tr = (struct trace){.budget = 2, .fail_mfn = WALK_BASE + nr_frames / 2};
    reset_counters();
    rc = walk_all(&ops, &tr, root, 0, &calls);
    is_int(rc, -EBUSY, "table() -EBUSY half way ends the walk with -EBUSY");
    for (k = 0, lvl = 0; k < tr.n; k++)
        lvl += tr.ev[k].kind == EV_DONE &&
               (tr.ev[k].mfn == tr.fail_mfn || tr.ev[k].mfn == root);
    ok(!lvl && tr.ev[tr.n - 1].kind == EV_TABLE &&
           tr.ev[tr.n - 1].mfn == tr.fail_mfn,
       "  nothing after it, no done() for it or the L4");
    ok(walk_maps == walk_unmaps && !walk_violations,
       "  maps balanced, cursor cleared");
    free(tr.ev);

    /* 6. No entry(): L1 tables are checked and done, never mapped. */
    tr = (struct trace){.budget = 4};
    reset_counters();
    rc = walk_all(&no_entry_ops, &tr, root, 0, &calls);
    is_int(rc, 0, "walk without entry() ends with 0");
    ok(count(&tr, EV_TABLE, 1) == nr_tables[1] &&
           count(&tr, EV_DONE, 1) == nr_tables[1],
       "  every L1 table checked and done");
    for (k = 0, lvl = 0; k < tr.n; k++)
        lvl += tr.ev[k].kind == EV_DONE && tr.ev[k].lvl == 1 &&
               tr.ev[k].resumed; /* resumed here: map[0] was set */
    ok(!lvl && walk_maps == walk_unmaps &&
           walk_maps == tables - nr_tables[1] + (calls - 1) * 3 &&
           !walk_violations,
       "  L1 tables never mapped; upper tables mapped once per chunk");
    free(tr.ev);

    free(a);
    free(b);
    free(ref.ev);
    return done_testing();
}
