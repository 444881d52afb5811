/*
 * chaos.h: libchaos, LightVM-style two-phase creation of PV domains.
 *
 *   chaos_shell_prepare()  makes a shell: the domain (max memory, vCPUs),
 *                          its memory populated, unbound event channels for
 *                          XenStore and the console, its XenStore skeleton,
 *                          tagged as a chaos shell (paused, no kernel), and
 *                          optionally vifs already probed and bridged.
 *   chaos_shell_finish()   turns a shell into a running guest: loads a PV
 *                          ELF kernel and command line into the populated
 *                          memory, writes the console and vifs (through
 *                          libxendev), introduces it to xenstored, unpauses.
 *
 * Plus destroy, list, and the clean-up of shells whose maker died.
 *
 * Shells are tagged twice: in Xen (the domain handle starts with the
 * 8 bytes "chaosSHL", then the maker's pid) from the moment the domain
 * exists, and in XenStore (/local/domain/D/chaos/{state,flavour,pid}).
 * A finished guest gets a fresh random UUID: the Xen tag is gone.
 *
 * Plain C, no GLib. Every function returns 0 or a negative errno; a
 * failure also leaves "STEP: reason" in chaos_error(ctx).
 */
#ifndef CHAOS_CHAOS_H
#define CHAOS_CHAOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The magic at the start of a shell's Xen domain handle. */
#define CHAOS_SHELL_MAGIC     "chaosSHL"
#define CHAOS_SHELL_MAGIC_LEN 8
/* The magic of an empty clone shell (kind=clone): no XenStore home, so
 * that the child Xen makes of it gets the parent's entries only. */
#define CHAOS_CLONE_MAGIC "chaosCLN"
/* The one guest ABI shells are made for (our minios-guest images). */
#define CHAOS_GUEST_TYPE "xen-3.0-x86_64"

struct chaos_ctx;   /* Xen and XenStore handles, the last error */
struct chaos_shell; /* a prepared shell, owned by the process that made it */

int chaos_open(struct chaos_ctx **out);
void chaos_close(struct chaos_ctx *ctx);
/* "STEP: reason" of the last failure ("" if none). */
const char *chaos_error(const struct chaos_ctx *ctx);
/* Where the last chaos_shell_finish() spent its time, in microseconds:
 * "kernel_us=N build_us=N ... total_us=N" ("" before the first one). */
#define CHAOS_TIMINGS_MAX 256
const char *chaos_last_timings(const struct chaos_ctx *ctx);

/* What a shell is made for. */
struct chaos_shell_spec {
    const char *flavour; /* tag only ("direct" for a one-off) */
    unsigned int memory_mb;
    unsigned int vcpus;
    /* Device templates: vifs made ready in the shell (netback probed,
     * plugged into BRIDGE, waiting in InitWait for a frontend). */
    unsigned int nr_vifs;
    char vif_bridges[CHAOS_MAX_VIFS][16];
    /* An empty clone shell instead: the domain only (VCPUS, the event
     * channel, grant and emulation settings of an xl-made PV guest), no
     * memory, no event channel, no XenStore, no vif; tagged with
     * CHAOS_CLONE_MAGIC. Xen fills it as a clone's child. */
    bool clone;
    /* Its FLASK sid (chaos_seclabel_sid()); 0: Xen's default label. */
    uint32_t ssidref;
};

int chaos_shell_prepare(struct chaos_ctx *ctx,
                        const struct chaos_shell_spec *spec,
                        struct chaos_shell **out);
unsigned int chaos_shell_domid(const struct chaos_shell *sh);
unsigned int chaos_shell_memory_mb(const struct chaos_shell *sh);
unsigned int chaos_shell_vcpus(const struct chaos_shell *sh);
const char *chaos_shell_flavour(const struct chaos_shell *sh);
/* The FLASK sid it was made with (an adopted one: as Xen reports it). */
uint32_t chaos_shell_ssidref(const struct chaos_shell *sh);

/*
 * The FLASK sid of security label LABEL ("user:role:type"), as xl's
 * seclabel: 0 and *SID, or -errno (-EINVAL: the policy has no such label;
 * -ENOSYS or -EOPNOTSUPP: this Xen has no FLASK) with the reason in
 * chaos_error().
 */
int chaos_seclabel_sid(struct chaos_ctx *ctx, const char *label, uint32_t *sid);

/*
 * Finish shell *SHP with CFG (memory and vCPUs must fit the shell's; the
 * guest gets the shell's memory). On success *DOMID is the running
 * guest's domid.
 *
 * First it checks the request, changing nothing: CFG valid (-EINVAL), it
 * fits the shell (-E2BIG), and no domain is named CFG->name (-EEXIST; a
 * XenStore error reading the names: its -errno). This is the one name
 * check a pool needs: a refusal here leaves the shell untouched and
 * *SHP still set, the caller's to use again (chaosd puts it back in its
 * pool) or to discard. Past the checks the shell is consumed either way:
 * *SHP is NULL on return, and on failure the shell's domain and every
 * node made for it are destroyed.
 *
 * Just before the name is written it is checked again, holding xl's
 * creation lock (/var/lock/xl, fcntl, as xl holds it while it creates):
 * of finishes (and xl creates) racing on one name, one succeeds; a
 * finish that loses there fails with -EEXIST, its shell consumed.
 */
int chaos_shell_finish(struct chaos_ctx *ctx, struct chaos_shell **shp,
                       const struct chaos_domain_config *cfg,
                       unsigned int *domid);

/*
 * Hand an empty clone shell over to process PID (which will name it as a
 * child to CLONEOP_clone): its Xen tag now names PID, so that it is
 * reaped if PID dies before the clone; SH is freed (not destroyed).
 * *DOMID is the shell's domid. On failure SH is discarded.
 */
int chaos_shell_handover(struct chaos_ctx *ctx, struct chaos_shell *sh, int pid,
                         unsigned int *domid);

/* Destroy an unused shell (its domain and XenStore nodes). A shell whose
 * domain Xen no longer has (destroyed by someone else) loses what chaos
 * wrote for it: its devices, record and XenStore nodes; one whose domid
 * names another domain by now (chaos_shell_check(): -ESTALE) is only
 * freed. */
void chaos_shell_discard(struct chaos_ctx *ctx, struct chaos_shell *sh);

/*
 * Is SH still an unused shell? 0 if its domain is in Xen with the shell's
 * Xen handle (tag), not dying and paused; -ESRCH if it is gone or dying
 * (someone else destroyed it), -ESTALE if its domid names another domain
 * by now, -EBUSY if it runs: discard it. Another -errno: Xen could not be
 * asked. The reason in chaos_error().
 */
int chaos_shell_check(struct chaos_ctx *ctx, const struct chaos_shell *sh);

/* Prepare a shell of exactly CFG's size and finish it: one call. */
/*
 * Adopt shell DOMID, made by a process that is gone (a killed chaosd): its
 * record must be there and everything it names intact: the Xen tag, the
 * domain paused, not dying, with the recorded vCPUs and pages (each page
 * the domain's), for a guest shell its XenStore skeleton (state "shell",
 * flavour, memory, store port) and both event channels unbound to
 * xenstored and xenconsoled, and each recorded vif's backend in InitWait,
 * connected and in its bridge (and no other vif). Then the shell is
 * re-tagged as this process's and returned. -errno otherwise, with the
 * reason in chaos_error() (the shell is left as it was: destroy it).
 */
int chaos_shell_adopt(struct chaos_ctx *ctx, unsigned int domid,
                      struct chaos_shell **out);
/* A shell's vif bridges (N: how many) and whether it is a clone shell. */
const char (*chaos_shell_vif_bridges(const struct chaos_shell *sh,
                                     unsigned int *n))[16];
bool chaos_shell_is_clone(const struct chaos_shell *sh);

int chaos_create_direct(struct chaos_ctx *ctx,
                        const struct chaos_domain_config *cfg,
                        unsigned int *domid);

/*
 * Destroy domain DOMID made by chaos (shell or guest): its vifs
 * (libxendev), console and XenStore nodes, the domain; then wait (up to
 * about 10 s) until Xen has freed it. -ESRCH if no such domain, -EPERM
 * if it is no chaos domain.
 */
int chaos_destroy(struct chaos_ctx *ctx, unsigned int domid);

/* A domain as chaos_list() reports it. */
struct chaos_domain_info {
    unsigned int domid;
    char name[CHAOS_NAME_MAX];
    /* "shell", "finishing", "guest"; "orphan": XenStore nodes without a
     * Xen domain; "unfinished": a tagged Xen domain without XenStore;
     * "clone-shell": an empty shell for clones (no XenStore by design). */
    char state[16];
    char flavour[CHAOS_FLAVOUR_MAX];
    int pid; /* the maker (shells) or 0 */
    uint64_t memory_kb;
    unsigned int vcpus;
    bool shutdown, dying;
};

/* Every chaos domain (XenStore tag or Xen tag), sorted by domid. *OUT is
 * malloc()ed (free() it); *N may be 0. */
int chaos_list(struct chaos_ctx *ctx, struct chaos_domain_info **out,
               size_t *n);

/* Find a chaos guest by name or domid string. -ENOENT if none. */
int chaos_find(struct chaos_ctx *ctx, const char *name_or_domid,
               unsigned int *domid);

/*
 * Is NAME taken by any domain (chaos or not)? 1, 0 or -errno. The first
 * call reads every domain's name; later ones read only the names that
 * changed, as a XenStore watch on /local/domain tells (a few round trips,
 * whatever the number of domains).
 */
int chaos_name_in_use(struct chaos_ctx *ctx, const char *name);

/*
 * Take in the name changes the watch has queued since the last check: a
 * long-running caller does it now and then so they do not pile up. The
 * number of events, or -errno (the index is then dropped and rebuilt).
 */
int chaos_name_watch_drain(struct chaos_ctx *ctx);

/*
 * Destroy the shells whose maker is no longer running (or is ALSO_PID,
 * e.g. a restarted daemon's old pid file), and remove the XenStore
 * directories of chaos domains Xen no longer has. *DESTROYED (may be
 * NULL) counts what was removed.
 */
int chaos_reap_orphans(struct chaos_ctx *ctx, int also_pid,
                       unsigned int *destroyed);

/* A domain's vifs as its backends name them: vif 0, 1, ... up to the
 * first missing one (at most CHAOS_MAX_VIFS), each's bridge in VIFS[i]
 * ("" if its backend names none). */
int chaos_domain_vifs(struct chaos_ctx *ctx, unsigned int domid,
                      struct chaos_vif *vifs, unsigned int *n);

/* A domain's max memory (MB, rounded up) and vCPU count, from Xen. */
int chaos_domain_shape(struct chaos_ctx *ctx, unsigned int domid,
                       unsigned int *memory_mb, unsigned int *vcpus);

/* Xen's free memory in KiB (xc_physinfo). */
int chaos_free_memory_kb(struct chaos_ctx *ctx, uint64_t *kb);

#ifdef __cplusplus
}
#endif
#endif
