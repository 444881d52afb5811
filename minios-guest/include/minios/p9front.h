/* p9front.h: the 9pfs frontend and its 9P2000.L client (one request at a
 * time); lib/files.c builds the POSIX-like file API on it. */
#ifndef MINIOS_P9FRONT_H
#define MINIOS_P9FRONT_H

#include <stddef.h>
#include <stdint.h>

#define P9_NOFID   0xffffffffu
#define P9_ROOTFID 0u

struct p9_attr {
    uint8_t qtype; /* 0x80: directory */
    uint64_t ino;
    uint32_t mode;
    uint64_t nlink, size, blocks;
    uint64_t atime, mtime, ctime; /* seconds */
};

/*
 * Connect device/9pfs/INDEX (once; later calls return 0 until the device
 * is lost, then they connect anew with new rings), negotiate
 * 9P2000.L and attach the root as fid P9_ROOTFID. 0 or -errno (-ENODEV:
 * no such device).
 */
int p9_mount(unsigned int index, unsigned long timeout_ms);
/* Counts successful mounts: fids of an older generation are dead. */
unsigned int p9_generation(void);
/* The tag of the mounted share, or NULL. */
const char *p9_tag(void);
/* Bytes of data one Tread/Twrite carries. */
uint32_t p9_iounit(void);

/* A free fid number, or -EMFILE; p9_clunk() frees it. */
int p9_fid_alloc(void);
void p9_fid_release(uint32_t fid);

/* Every call: 0 (or a count) or -errno from the server's Rlerror, -EIO if
 * the transport failed (the device is then lost until remounted). */
int p9_walk(uint32_t fid, uint32_t newfid, unsigned int n,
            const char *const *names);
int p9_lopen(uint32_t fid, uint32_t flags);
int p9_lcreate(uint32_t fid, const char *name, uint32_t flags, uint32_t mode);
long p9_read(uint32_t fid, uint64_t off, void *buf, uint32_t count);
long p9_write(uint32_t fid, uint64_t off, const void *buf, uint32_t count);
int p9_clunk(uint32_t fid);
int p9_getattr(uint32_t fid, struct p9_attr *a);
int p9_setattr(uint32_t fid, uint32_t valid, uint32_t mode, uint64_t size);
/* Raw Rreaddir data (entries) into BUF: its length. */
long p9_readdir(uint32_t fid, uint64_t off, void *buf, uint32_t count);
int p9_mkdir(uint32_t dfid, const char *name, uint32_t mode);
int p9_unlinkat(uint32_t dfid, const char *name, uint32_t flags);
int p9_renameat(uint32_t ofid, const char *oname, uint32_t nfid,
                const char *nname);
int p9_fsync(uint32_t fid);

#define P9_SETATTR_MODE 0x1
#define P9_SETATTR_SIZE 0x8
#define P9_AT_REMOVEDIR 0x200

/* Requests answered and transport failures so far. */
struct p9front_stats {
    unsigned long requests, errors, lost;
};
void p9front_stats(struct p9front_stats *st);

/* For tests of the backend (apps/p9bad): send the raw message MSG (LEN
 * bytes; our tag is put in; its size field too unless KEEP_SIZE) and wait
 * for the reply: 0 for the matching R-message, -ecode for Rlerror, -EIO
 * if none came. */
int p9front_raw(const void *msg, uint32_t len, int keep_size);
/* Advance the out ring's producer by DELTA without data, and notify. */
int p9front_lie(uint32_t delta);
/* How long to wait for a reply (default 60 s) before -EIO. */
void p9front_set_timeout(unsigned long ms);
/* The backend's XenbusState now. */
int p9front_backend_state(void);

#endif
