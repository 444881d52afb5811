/* internal.h: libchaos's private structures and helpers (not installed). */
#ifndef CHAOS_INTERNAL_H
#define CHAOS_INTERNAL_H

#include <xenctrl.h>
#include <xenguest.h>
#include <xenstore.h>

#include "chaos/chaos.h"
#include "xendev/xendev.h"

struct chaos_ctx {
    xc_interface *xch;
    struct xs_handle *xsh;
    struct xendev_store *store;      /* libxendev's own XenStore connection */
    struct xs_handle *names_xsh;     /* the name index's connection (watch) */
    struct chaos_names *names;       /* chaos_name_in_use()'s index */
    char error[2 * CHAOS_ERR_MAX];   /* "step: reason" */
    char timings[CHAOS_TIMINGS_MAX]; /* the last finish's phases */
};

struct chaos_shell {
    unsigned int domid;
    unsigned int memory_mb, vcpus;
    char flavour[CHAOS_FLAVOUR_MAX];
    unsigned int store_port, console_port;
    unsigned int store_domid, console_domid;
    struct xc_dom_image *dom; /* memory populated, no kernel yet */
    unsigned int nr_vifs;     /* vifs made ready (bridged, in InitWait) */
    char vif_bridges[CHAOS_MAX_VIFS][16];
    bool clone;         /* an empty clone shell */
    uint8_t handle[16]; /* its Xen handle (tag): still the same domain? */
    uint32_t ssidref;   /* its FLASK sid (0: Xen's default) */
};

/* Drop the name index and its connection (names-watch.c). */
void chaos_names_close(struct chaos_ctx *ctx);

/* Record "STEP: reason" in CTX; returns RC (a -errno). */
int chaos_fail(struct chaos_ctx *ctx, int rc, const char *step, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/*
 * Claim NAME for a domain about to be named: take xl's creation lock
 * (CHAOS_NAME_LOCK) and check no domain has NAME. 0 with *LOCKFD to pass
 * to chaos_name_release() once the name is written, or -EEXIST (or
 * -errno) with ctx->error set and no lock held.
 */
int chaos_name_claim(struct chaos_ctx *ctx, const char *name, int *lockfd);
void chaos_name_release(int lockfd);

/* -errno from errno after a failed Xen/XenStore call (never 0). */
int chaos_neg_errno(void);

/* CLOCK_MONOTONIC in microseconds. */
long long chaos_mono_us(void);

/* XenStore: write "/local/domain/D/KEY" (printf-style value). */
int chaos_xs_printf(struct chaos_ctx *ctx, xs_transaction_t t, const char *path,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Read PATH into BUF (NUL-terminated): 0, -ENOENT, -ENOSPC. */
int chaos_xs_read(struct chaos_ctx *ctx, const char *path, char *buf,
                  size_t len);
/* The same on connection XSH. */
int chaos_xs_read_on(struct xs_handle *xsh, const char *path, char *buf,
                     size_t len);

/* Random bytes (from /dev/urandom: never waits for entropy). */
int chaos_random(void *buf, size_t len);
/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" from 16 bytes. */
void chaos_uuid_format(const uint8_t h[16], char out[37]);

/* Make vif DEVID of DOMID (MAC: V's or a random one), wait until netback
 * has probed it, plug it into its bridge (src/vif.c). */
int chaos_vif_add(struct chaos_ctx *ctx, unsigned int domid, unsigned int devid,
                  const struct chaos_vif *v);
void chaos_vif_remove(struct chaos_ctx *ctx, unsigned int domid,
                      unsigned int devid);
/* Turn the NR_READY vifs a shell has (on bridges READY) into the NR_WANT
 * the request asks for: a ready vif on the wanted bridge is kept and given
 * the wanted MAC; the others are removed or made. */
int chaos_vifs_finish(struct chaos_ctx *ctx, unsigned int domid,
                      const char (*ready)[16], unsigned int nr_ready,
                      const struct chaos_vif *want, unsigned int nr_want);

/* Shell records (src/adopt.c): a shell's build state (tags, ports, vifs,
 * P2M) in CHAOS_RECORD_DIR/shell-D, written once the shell is complete, so
 * that another process can adopt it (chaos_shell_adopt). A shell without
 * one was made only in part. */
#define CHAOS_RECORD_DIR "/var/run/chaos"
int chaos_record_write(struct chaos_ctx *ctx, const struct chaos_shell *sh);
void chaos_record_remove(unsigned int domid);

/* A shell of ours that Xen no longer has (someone else destroyed it):
 * remove its devices, record and XenStore nodes (best effort). Only for a
 * domid the caller made and Xen does not list: nothing checks the owner. */
void chaos_forget(struct chaos_ctx *ctx, unsigned int domid);

/* Remove everything chaos may have written for DOMID (best effort). */
void chaos_xs_cleanup(struct chaos_ctx *ctx, unsigned int domid,
                      const char *vm_path);

#endif
