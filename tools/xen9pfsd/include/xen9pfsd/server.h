/* server.h: the 9P2000.L server of one device: fids and operations on its
 * share. No Xen here: the transport hands it whole messages. */
#ifndef XEN9PFSD_SERVER_H
#define XEN9PFSD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "xen9pfsd/share.h"

#define P9_SERVER_MAX_FIDS  4096u
#define P9_SERVER_MIN_MSIZE 4096u

struct p9_server;

/* A server for the share CFG answering messages of at most MAX_MSIZE
 * bytes. 0 or -errno with *STEP naming the failing stage. */
int p9_server_new(const struct share_config *cfg, uint32_t max_msize,
                  struct p9_server **out, const char **step);
void p9_server_free(struct p9_server *s);

/*
 * Answer the request REQ (LEN bytes, header included and its size field
 * equal to LEN: the transport checks that) into RESP (CAP bytes, at least
 * the negotiated msize). Returns the reply's length. Every request gets a
 * reply: a malformed one gets Rlerror.
 */
size_t p9_server_handle(struct p9_server *s, const uint8_t *req, size_t len,
                        uint8_t *resp, size_t cap);

/* A session taken over from a daemon that died: every request but Tversion
 * gets Rlerror EIO until the client starts a new session (Tversion). */
void p9_server_set_stale(struct p9_server *s);

/* The msize in force (MAX_MSIZE until Tversion lowers it). */
uint32_t p9_server_msize(const struct p9_server *s);
/* How many fids are in use. */
unsigned int p9_server_nfids(const struct p9_server *s);

/*
 * Give CHILD (a fresh server on the same share) a copy of every fid of
 * PARENT: the same numbers, each reopened on the same host object with the
 * same open mode; and PARENT's msize. 0 or -errno (CHILD then keeps the
 * fids copied so far; free it).
 */
int p9_server_clone_fids(struct p9_server *child,
                         const struct p9_server *parent);

#endif
