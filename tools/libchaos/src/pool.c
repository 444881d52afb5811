/* pool.c: flavour matching, pool accounting and the refill rate limit. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chaos/pool.h"

int chaos_flavour_name_valid(const char *name)
{
    size_t i, n = name ? strlen(name) : 0;

    if (n == 0 || n >= CHAOS_FLAVOUR_MAX)
        return -EINVAL;
    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
            name[i] != '-')
            return -EINVAL;
    return 0;
}

bool chaos_flavour_vifs_equal(const struct chaos_flavour *f,
                              const struct chaos_vif *vifs,
                              unsigned int nr_vifs)
{
    if (f->nr_vifs != nr_vifs)
        return false;
    for (unsigned int i = 0; i < nr_vifs; i++)
        if (strcmp(f->vif_bridges[i], vifs[i].bridge))
            return false;
    return true;
}

int chaos_flavour_match(const struct chaos_flavour *f, size_t n,
                        unsigned int memory_mb, unsigned int vcpus,
                        const struct chaos_vif *vifs, unsigned int nr_vifs,
                        bool *vifs_match)
{
    int best = -ENOENT;
    bool best_eq = false;
    size_t i;

    for (i = 0; i < n; i++) {
        bool eq;

        if (f[i].clone || f[i].memory_mb < memory_mb || f[i].vcpus < vcpus)
            continue;
        eq = chaos_flavour_vifs_equal(&f[i], vifs, nr_vifs);
        if (best < 0 || (eq && !best_eq) ||
            (eq == best_eq && (f[i].memory_mb < f[best].memory_mb ||
                               (f[i].memory_mb == f[best].memory_mb &&
                                f[i].vcpus < f[best].vcpus)))) {
            best = (int)i;
            best_eq = eq;
        }
    }
    if (vifs_match)
        *vifs_match = best_eq;
    return best;
}

int chaos_adopt_pool(const struct chaos_flavour *f, size_t n,
                     const unsigned int *ready,
                     const struct chaos_shell_shape *s, char *why, size_t len)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(f[i].name, s->flavour))
            break;
    if (i == n) {
        snprintf(why, len, "flavour '%s' is no longer configured", s->flavour);
        return -ENOENT;
    }
    if (f[i].memory_mb != s->memory_mb || f[i].vcpus != s->vcpus ||
        f[i].clone != s->clone || f[i].nr_vifs != s->nr_vifs) {
        snprintf(why, len,
                 "flavour '%s' changed (shell: %u MB, %u vCPU(s), %s, %u "
                 "vif(s); now %u MB, %u vCPU(s), %s, %u vif(s))",
                 s->flavour, s->memory_mb, s->vcpus,
                 s->clone ? "clone" : "guest", s->nr_vifs, f[i].memory_mb,
                 f[i].vcpus, f[i].clone ? "clone" : "guest", f[i].nr_vifs);
        return -ESTALE;
    }
    if (f[i].ssidref != s->ssidref) {
        snprintf(why, len,
                 "flavour '%s' changed (shell: FLASK sid %u; now %u%s%s)",
                 s->flavour, s->ssidref, f[i].ssidref,
                 f[i].seclabel[0] ? ", " : "", f[i].seclabel);
        return -ESTALE;
    }
    for (unsigned int k = 0; k < s->nr_vifs; k++)
        if (strcmp(f[i].vif_bridges[k], s->vif_bridges[k])) {
            snprintf(why, len,
                     "flavour '%s' changed (vif %u: bridge %s, now %s)",
                     s->flavour, k, s->vif_bridges[k], f[i].vif_bridges[k]);
            return -ESTALE;
        }
    if (ready[i] >= f[i].target) {
        snprintf(why, len, "pool '%s' is full (%u ready, target %u)",
                 s->flavour, ready[i], f[i].target);
        return -ENOSPC;
    }
    snprintf(why, len, "complete and intact, flavour '%s' unchanged (%u/%u)",
             s->flavour, ready[i] + 1, f[i].target);
    return (int)i;
}

int chaos_flavour_match_clone(const struct chaos_flavour *f, size_t n,
                              unsigned int memory_mb, unsigned int vcpus,
                              const struct chaos_vif *vifs,
                              unsigned int nr_vifs, bool *vifs_match)
{
    int best = -ENOENT;
    bool best_eq = false;
    size_t i;

    for (i = 0; i < n; i++) {
        bool eq;

        if (!f[i].clone || f[i].memory_mb < memory_mb || f[i].vcpus != vcpus)
            continue;
        eq = chaos_flavour_vifs_equal(&f[i], vifs, nr_vifs);
        if (best < 0 || (eq && !best_eq) ||
            (eq == best_eq && f[i].memory_mb < f[best].memory_mb)) {
            best = (int)i;
            best_eq = eq;
        }
    }
    if (vifs_match)
        *vifs_match = best_eq;
    return best;
}

unsigned int chaos_pool_deficit(const struct chaos_pool_count *p)
{
    unsigned int have = p->ready + p->preparing;

    return p->target > have ? p->target - have : 0;
}

unsigned int chaos_pool_excess(const struct chaos_pool_count *p)
{
    return p->ready > p->target ? p->ready - p->target : 0;
}

int chaos_pool_begin(struct chaos_pool_count *p)
{
    if (!chaos_pool_deficit(p))
        return -EINVAL;
    p->preparing++;
    return 0;
}

int chaos_pool_end(struct chaos_pool_count *p, bool ok)
{
    if (!p->preparing)
        return -EINVAL;
    p->preparing--;
    if (ok) {
        p->ready++;
        p->made++;
    } else
        p->failed++;
    return 0;
}

/* One ready shell leaves the pool, counted in *WHY. */
static int leave(struct chaos_pool_count *p, uint64_t *why)
{
    if (!p->ready)
        return -EINVAL;
    p->ready--;
    (*why)++;
    return 0;
}

int chaos_pool_take(struct chaos_pool_count *p)
{
    return leave(p, &p->served);
}

int chaos_pool_discard(struct chaos_pool_count *p)
{
    return leave(p, &p->discarded);
}

int chaos_pool_lose(struct chaos_pool_count *p)
{
    return leave(p, &p->lost);
}

int chaos_pool_adopt(struct chaos_pool_count *p)
{
    if (p->ready >= p->target)
        return -EINVAL;
    p->ready++;
    p->adopted++;
    return 0;
}

int chaos_rate_init(struct chaos_rate *r, unsigned int rate, unsigned int burst,
                    uint64_t now_ms)
{
    if (!r || !rate || !burst)
        return -EINVAL;
    r->rate = rate;
    r->burst = burst;
    r->last_ms = now_ms;
    r->milli_tokens = (uint64_t)burst * 1000;
    return 0;
}

/* The bucket's content at NOW_MS (time going backwards adds nothing). */
static uint64_t tokens_at(const struct chaos_rate *r, uint64_t now_ms)
{
    uint64_t cap = (uint64_t)r->burst * 1000, t = r->milli_tokens;

    if (now_ms > r->last_ms) {
        uint64_t add = (now_ms - r->last_ms) * r->rate;

        t = add >= cap || t + add >= cap ? cap : t + add;
    }
    return t;
}

bool chaos_rate_take(struct chaos_rate *r, uint64_t now_ms)
{
    r->milli_tokens = tokens_at(r, now_ms);
    if (now_ms > r->last_ms)
        r->last_ms = now_ms;
    if (r->milli_tokens < 1000)
        return false;
    r->milli_tokens -= 1000;
    return true;
}

uint64_t chaos_rate_wait_ms(const struct chaos_rate *r, uint64_t now_ms)
{
    uint64_t t = tokens_at(r, now_ms);

    if (t >= 1000)
        return 0;
    return (1000 - t + r->rate - 1) / r->rate;
}
