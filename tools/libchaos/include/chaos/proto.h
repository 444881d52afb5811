/*
 * proto.h: chaosd's Unix-socket protocol, JSON (yajl). A client connects,
 * sends one request on one line, reads one reply line; the daemon closes.
 *
 *   {"op":"create","config":{"name":"web","kernel":"/k","cmdline":"",
 *                            "memory":4,"vcpus":1,
 *                            "vifs":[{"mac":"","bridge":"xenbr0","ip":""}]}}
 *   {"op":"status"}
 *   {"op":"resize","flavour":"small","target":8}
 *   {"op":"shells","parent":5,"count":2}     (empty shells for a clone)
 *
 *   {"ok":true,"domid":7,"name":"web","flavour":"small"}       (create)
 *   {"ok":true,"flavours":[{"name":..,"memory":..,"vcpus":..,"target":..,
 *    "ready":..,"preparing":..,"made":..,"served":..,"failed":..,
 *    "discarded":..,"shells":[5,6]}],"pid":..,"refill_rate":..}  (status)
 *   {"ok":true,"flavour":"c1","domids":[9,10]}                 (shells)
 *   {"ok":false,"reason":"empty|nofit|failed|bad-request","step":"..",
 *    "error":"..","errno":N}
 *
 * Pure: building and parsing only.
 */
#ifndef CHAOS_PROTO_H
#define CHAOS_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where chaosd listens unless told otherwise. */
#define CHAOS_DEFAULT_SOCKET "/var/run/chaosd.sock"
/* Longest request or reply line we accept. */
#define CHAOS_PROTO_MAX 65536

enum chaos_op {
    CHAOS_OP_CREATE = 1,
    CHAOS_OP_STATUS,
    CHAOS_OP_RESIZE,
    CHAOS_OP_SHELLS
};

/* Most shells one request takes (Xen's XEN_CLONE_MAX_BATCH). */
#define CHAOS_MAX_SHELLS 64

struct chaos_request {
    enum chaos_op op;
    struct chaos_domain_config config; /* create */
    char flavour[CHAOS_FLAVOUR_MAX];   /* resize */
    unsigned int target;               /* resize */
    unsigned int parent, count;        /* shells */
};

/* A create's reply (or any error). */
struct chaos_reply {
    bool ok;
    unsigned int domid;
    char name[CHAOS_NAME_MAX];
    char flavour[CHAOS_FLAVOUR_MAX];
    char reason[16]; /* errors: empty, nofit, failed, bad-request */
    char step[64];
    char error[2 * CHAOS_ERR_MAX];
    int err_no;             /* positive errno */
    unsigned int nr_domids; /* shells: the shells handed over */
    unsigned int domids[CHAOS_MAX_SHELLS];
};

/* Build a request line (malloc()ed, '\n'-terminated): 0 or -ENOMEM. */
int chaos_proto_request(const struct chaos_request *req, char **out);
/* Parse one request; -EINVAL with a reason in ERR. */
int chaos_proto_parse_request(const char *json, struct chaos_request *req,
                              char *err, size_t err_len);
/* Build a reply line from REP (create's fields or the error's). */
int chaos_proto_reply(const struct chaos_reply *rep, char **out);
/* Parse a reply line (status replies: only ok/error fields). */
int chaos_proto_parse_reply(const char *json, struct chaos_reply *rep);
/*
 * Parse chaosd's reply to a shells request for N shells (all or none):
 * 0 and REP->domids[0..N), or -errno with the reason in WHY (WHY_LEN
 * bytes): -EAGAIN, chaosd refused (REP->reason, REP->error); -EPROTO, not
 * understood (REP names no shell) or a wrong number of shells (the ones in
 * REP->domids[0..REP->nr_domids) were handed over all the same).
 */
int chaos_proto_parse_shells(const char *json, unsigned int n,
                             struct chaos_reply *rep, char *why,
                             size_t why_len);

#ifdef __cplusplus
}
#endif
#endif
