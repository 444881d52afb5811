/*
 * client.h: chaosd's clients: one request to chaosd, and a clone whose
 * children are empty shells from chaosd's clone pools (XEN_CLONE_FLAG_SHELLS)
 * or, when chaosd has none, domains Xen makes itself.
 */
#ifndef CHAOS_CLIENT_H
#define CHAOS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "chaos.h"
#include "proto.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Send REQ to chaosd on SOCKET_PATH and read its reply line into *OUT
 * (malloc()ed). Status, resize and shells requests time out after 120 s;
 * a create waits as long as chaosd takes. -ENOENT/-ECONNREFUSED: chaosd is
 * not running.
 */
int chaos_ask(const char *socket_path, const struct chaos_request *req,
              char **out);
/* chaos_ask() with each read and write bounded by TIMEOUT_S (0: none). */
int chaos_ask_timeout(const char *socket_path, const struct chaos_request *req,
                      unsigned int timeout_s, char **out);

/*
 * Ask chaosd on SOCKET_PATH for N (1..CHAOS_MAX_SHELLS) empty clone shells
 * that fit domain PARENT (all or none), each read and write bounded by
 * TIMEOUT_S (0: none). 0: REP->domids[0..N) are the shells, the caller's
 * from then on (REP->flavour: their pool). Otherwise -errno and the reason
 * in WHY (WHY_LEN bytes): -ENOENT or -ECONNREFUSED, chaosd is not running;
 * -EAGAIN, chaosd refused (REP->reason: empty, nofit, failed, bad-request);
 * -EPROTO, a reply not understood, or with a wrong number of shells (those
 * it names, REP->domids[0..REP->nr_domids), are the caller's to destroy);
 * else the socket's error.
 */
int chaos_ask_shells(const char *socket_path, unsigned int parent,
                     unsigned int n, unsigned int timeout_s,
                     struct chaos_reply *rep, char *why, size_t why_len);

/* What chaos_clone() did. */
struct chaos_clone_result {
    unsigned int nr;                         /* children set up */
    unsigned int children[CHAOS_MAX_SHELLS]; /* their domids */
    bool shells;                             /* they were chaosd's shells */
    char flavour[CHAOS_FLAVOUR_MAX];         /* the shells' pool */
    char note[2 * CHAOS_ERR_MAX];            /* why there was no shell, or "" */
};

/*
 * Clone PARENT into N (1..64) children, as 'xl clone' does: ask chaosd on
 * SOCKET_PATH for N empty shells that fit PARENT; given them, a fresh UUID
 * each and CLONEOP_clone with XEN_CLONE_FLAG_SHELLS. Without chaosd, with
 * too few ready shells, or if Xen refuses the shells (EINVAL: they do not
 * fit this parent; they are destroyed), Xen makes the children itself and
 * RES->note says why. Then wait (at most TIMEOUT_S) until the clone service
 * (xencloned) has set every child up; one not set up in time is destroyed.
 * PAUSED leaves the children paused. Returns 0 (every child set up) or a
 * negative errno with chaos_error(ctx); RES lists the children set up.
 */
int chaos_clone(struct chaos_ctx *ctx, const char *socket_path,
                unsigned int parent, unsigned int n, bool paused,
                unsigned int timeout_s, struct chaos_clone_result *res);

/* A domain's id from its name or its domid as a string: 0 or -ENOENT. */
int chaos_domid_of(struct chaos_ctx *ctx, const char *name_or_id,
                   unsigned int *domid);

#ifdef __cplusplus
}
#endif
#endif
