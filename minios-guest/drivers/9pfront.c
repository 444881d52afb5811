/* 9pfront.c: the 9pfs PV frontend (docs/misc/9pfs.pandoc): one ring, one
 * request in flight, and the 9P2000.L messages lib/files.c needs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/driver.h>
#include <minios/events.h>
#include <minios/gnttab.h>
#include <minios/p9front.h>
#include <minios/time.h>
#include <minios/xenbus_front.h>

#define RING_ORDER 6 /* 64 data pages: 128 KiB each way */
#define NPAGES     (1u << RING_ORDER)
#define RING_SIZE  (NPAGES * PAGE_SIZE / 2)
#define MAX_FIDS   256

enum {
    TLERROR = 6,
    TSTATFS = 8,
    TLOPEN = 12,
    TLCREATE = 14,
    TGETATTR = 24,
    TSETATTR = 26,
    TREADDIR = 40,
    TFSYNC = 50,
    TMKDIR = 72,
    TRENAMEAT = 74,
    TUNLINKAT = 76,
    TVERSION = 100,
    TATTACH = 104,
    TWALK = 110,
    TREAD = 116,
    TWRITE = 118,
    TCLUNK = 120,
};

struct intf {
    volatile uint32_t in_cons, in_prod;
    uint8_t pad1[56];
    volatile uint32_t out_cons, out_prod;
    uint8_t pad2[56];
    uint32_t ring_order;
    uint32_t ref[];
};

struct p9front {
    struct xenbus_front xf;
    struct intf *intf;
    uint8_t *data; /* in: data, out: data + RING_SIZE */
    int intf_ref, refs[NPAGES];
    uint32_t msize;
    uint16_t tag;
    char *sharetag;
    volatile int kicked;
    int lost;     /* transport failed: every request -EIO */
    uint8_t *buf; /* one message (msize) */
    uint32_t len; /* built so far / received */
    uint32_t pos; /* reader */
    int err;      /* reader ran past the end */
    int raw_size; /* p9front_raw(): keep the size field as given */
    uint8_t fids[MAX_FIDS / 8];
    struct p9front_stats st;
};

static struct p9front *the_p9;
static unsigned int generation; /* successful mounts so far */
/* How long a reply may take before the device is lost. */
static uint64_t reply_ns = 60ULL * NSEC_PER_SEC;

static void p9_event(evtchn_port_t port, void *data)
{
    struct p9front *p = data;

    p->kicked = 1;
}

/* ---- message building and parsing ---- */

static void put(struct p9front *p, uint64_t v, unsigned int n)
{
    if (p->len + n > p->msize) {
        p->err = 1;
        return;
    }
    for (unsigned int i = 0; i < n; i++)
        p->buf[p->len++] = (uint8_t)(v >> (8 * i));
}

static void put_str(struct p9front *p, const char *s)
{
    size_t n = strlen(s);

    if (n > 0xffff || p->len + 2 + n > p->msize) {
        p->err = 1;
        return;
    }
    put(p, n, 2);
    memcpy(p->buf + p->len, s, n);
    p->len += n;
}

static void begin(struct p9front *p, uint8_t type)
{
    p->len = 0;
    p->err = 0;
    put(p, 0, 4);
    put(p, type, 1);
    put(p, p->tag, 2);
}

static uint64_t get(struct p9front *p, unsigned int n)
{
    uint64_t v = 0;

    if (p->pos + n > p->len) {
        p->err = 1;
        return 0;
    }
    for (unsigned int i = 0; i < n; i++)
        v |= (uint64_t)p->buf[p->pos++] << (8 * i);
    return v;
}

/* ---- transport ---- */

static int reply_ready(void *arg)
{
    struct p9front *p = arg;
    uint32_t avail = p->intf->in_prod - p->intf->in_cons;

    rmb();
    if (avail < 7)
        return 0;
    uint32_t cons = p->intf->in_cons, size = 0;
    for (unsigned int i = 0; i < 4; i++)
        size |= (uint32_t)p->data[(cons + i) & (RING_SIZE - 1)] << (8 * i);
    return avail >= size || size > RING_SIZE;
}

static int room_ready(void *arg)
{
    struct p9front *p = arg;

    return RING_SIZE - (p->intf->out_prod - p->intf->out_cons) >= p->len;
}

static int lose(struct p9front *p, const char *why)
{
    if (!p->lost)
        printf("9pfront: device %s lost: %s\n", p->xf.node, why);
    p->lost = 1;
    p->st.lost++;
    return -EIO;
}

/*
 * Send the message built in p->buf and wait for its reply (into p->buf,
 * positioned after the header). 0 for the expected R-message, -ecode for
 * Rlerror, -EIO for a broken transport.
 */
static int rpc(struct p9front *p)
{
    uint8_t type = p->buf[4];
    uint32_t prod, cons, size;
    int rc;

    if (p->lost)
        return -EIO;
    if (p->err)
        return -ENAMETOOLONG; /* a message bigger than msize */
    if (!p->raw_size) {
        p->buf[0] = (uint8_t)p->len;
        p->buf[1] = (uint8_t)(p->len >> 8);
        p->buf[2] = (uint8_t)(p->len >> 16);
        p->buf[3] = (uint8_t)(p->len >> 24);
    }
    p->raw_size = 0;
    if (!room_ready(p)) {
        rc = wait_until(room_ready, p, monotonic_ns() + reply_ns);
        if (rc < 0)
            return lose(p, "no room in the out ring");
    }
    prod = p->intf->out_prod;
    for (uint32_t i = 0; i < p->len; i++)
        p->data[RING_SIZE + ((prod + i) & (RING_SIZE - 1))] = p->buf[i];
    wmb();
    p->intf->out_prod = prod + p->len;
    evtchn_notify(p->xf.port);

    rc = wait_until(reply_ready, p, monotonic_ns() + reply_ns);
    if (rc < 0)
        return lose(p, "no reply");
    cons = p->intf->in_cons;
    rmb();
    size = 0;
    for (unsigned int i = 0; i < 4; i++)
        size |= (uint32_t)p->data[(cons + i) & (RING_SIZE - 1)] << (8 * i);
    if (size < 7 || size > p->msize)
        return lose(p, "a reply of a bad size");
    for (uint32_t i = 0; i < size; i++)
        p->buf[i] = p->data[(cons + i) & (RING_SIZE - 1)];
    mb();
    p->intf->in_cons = cons + size;
    evtchn_notify(p->xf.port); /* room for a reply the backend holds */
    p->len = size;
    p->pos = 7;
    p->err = 0;
    p->st.requests++;
    if ((uint16_t)(p->buf[5] | p->buf[6] << 8) != p->tag)
        return lose(p, "a reply with the wrong tag");
    p->tag = (uint16_t)(p->tag + 1) == 0xffff ? 0 : p->tag + 1;
    if (p->buf[4] == TLERROR + 1) {
        rc = (int)get(p, 4);
        p->st.errors++;
        /* EIO: the backend lost our session (xen9pfsd restarted); the
         * next p9_mount() starts a new one. */
        if (rc == EIO || rc <= 0)
            return lose(p, "the backend ended the session (EIO)");
        return -rc;
    }
    if (p->buf[4] != type + 1)
        return lose(p, "a reply of the wrong type");
    return 0;
}

/* ---- device ---- */

static int write_keys(xenbus_transaction_t t, struct xenbus_front *xf,
                      void *arg)
{
    struct p9front *p = arg;
    int rc = 0;

    rc = rc ?: xenbus_front_printf(t, xf, "version", "1");
    rc = rc ?: xenbus_front_printf(t, xf, "num-rings", "1");
    rc = rc ?: xenbus_front_printf(t, xf, "ring-ref0", "%d", p->intf_ref);
    rc = rc ?: xenbus_front_printf(t, xf, "event-channel-0", "%u", xf->port);
    return rc;
}

static void p9_free(struct p9front *p)
{
    int busy = 0;

    for (unsigned int i = 0; i < NPAGES; i++)
        if (p->refs[i] > 0 && gnttab_end_access(p->refs[i]) < 0)
            busy = 1;
    if (p->intf_ref > 0 && gnttab_end_access(p->intf_ref) < 0)
        busy = 1;
    if (!busy) { /* pages the backend still maps leak */
        if (p->data)
            free_pages(p->data, NPAGES);
        if (p->intf)
            free_pages(p->intf, 1);
    }
    if (p->xf.port)
        evtchn_close(p->xf.port);
    free(p->buf);
    free(p->sharetag);
    free(p);
}

static int p9_open_device(struct p9front *p, unsigned int index,
                          unsigned long timeout_ms)
{
    unsigned long order = 0;
    char *s = NULL;
    int rc;

    rc = xenbus_front_open(&p->xf, "9pfs", index, timeout_ms);
    if (rc < 0)
        return rc;
    xenbus_front_read(&p->xf, "tag", &p->sharetag);
    rc = xenbus_front_read_backend(&p->xf, "max-ring-page-order", &s);
    if (rc == 0)
        order = strtoul(s, NULL, 10);
    free(s);
    if (rc < 0 || order < RING_ORDER)
        return rc < 0 ? rc : -EOPNOTSUPP;
    rc = gnttab_reserve(1 + NPAGES);
    if (rc < 0)
        return rc;
    p->intf = alloc_pages(1);
    p->data = alloc_pages(NPAGES);
    if (!p->intf || !p->data)
        return -ENOMEM;
    memset(p->intf, 0, PAGE_SIZE);
    memset(p->data, 0, NPAGES * PAGE_SIZE);
    p->intf->ring_order = RING_ORDER;
    for (unsigned int i = 0; i < NPAGES; i++) {
        p->refs[i] = xenbus_front_grant(&p->xf, p->data + i * PAGE_SIZE, 0);
        if (p->refs[i] < 0)
            return p->refs[i];
        p->intf->ref[i] = p->refs[i];
    }
    p->intf_ref = xenbus_front_grant(&p->xf, p->intf, 0);
    if (p->intf_ref < 0)
        return p->intf_ref;
    rc = xenbus_front_evtchn(&p->xf, p9_event, p);
    if (rc < 0)
        return rc;
    rc = xenbus_front_publish(&p->xf, write_keys, p, XenbusStateInitialised);
    if (rc < 0)
        return rc;
    rc = xenbus_front_wait(&p->xf, XenbusStateConnected, timeout_ms);
    if (rc < 0)
        return rc;
    return xenbus_front_switch(&p->xf, XenbusStateConnected);
}

int p9_mount(unsigned int index, unsigned long timeout_ms)
{
    struct p9front *p;
    uint32_t msize;
    int rc;

    if (the_p9 && !the_p9->lost)
        return 0;
    p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->msize = RING_SIZE < 0x20000 ? RING_SIZE : 0x20000;
    p->buf = malloc(p->msize);
    if (!p->buf) {
        rc = -ENOMEM;
        goto fail;
    }
    rc = p9_open_device(p, index, timeout_ms);
    if (rc < 0) {
        printf("9pfront: 9pfs %u: cannot connect (%d)\n", index, rc);
        goto fail;
    }
    begin(p, TVERSION);
    put(p, p->msize, 4);
    put_str(p, "9P2000.L");
    p->tag = 0xffff; /* NOTAG */
    p->buf[5] = p->buf[6] = 0xff;
    rc = rpc(p);
    p->tag = 1;
    if (rc < 0)
        goto fail;
    msize = (uint32_t)get(p, 4);
    if (p->err || msize < 4096 || msize > p->msize) {
        rc = -EPROTO;
        goto fail;
    }
    p->msize = msize;
    begin(p, TATTACH);
    put(p, P9_ROOTFID, 4);
    put(p, P9_NOFID, 4);
    put_str(p, "root");
    put_str(p, "");
    put(p, 0, 4);
    rc = rpc(p);
    if (rc < 0)
        goto fail;
    p->fids[0] |= 1; /* the root */
    if (the_p9)
        p9_free(the_p9); /* a lost device: replaced */
    the_p9 = p;
    generation++;
    return 0;
fail:
    if (p->xf.port)
        xenbus_front_switch(&p->xf, XenbusStateClosed);
    p9_free(p);
    return rc;
}

unsigned int p9_generation(void)
{
    return generation;
}

const char *p9_tag(void)
{
    return the_p9 ? the_p9->sharetag : NULL;
}

uint32_t p9_iounit(void)
{
    return the_p9 ? the_p9->msize - 24 : 0;
}

void p9front_stats(struct p9front_stats *st)
{
    if (the_p9)
        *st = the_p9->st;
    else
        memset(st, 0, sizeof(*st));
}

int p9_fid_alloc(void)
{
    if (!the_p9)
        return -ENODEV;
    for (unsigned int i = 1; i < MAX_FIDS; i++)
        if (!(the_p9->fids[i / 8] & (1u << (i % 8)))) {
            the_p9->fids[i / 8] |= 1u << (i % 8);
            return (int)i;
        }
    return -EMFILE;
}

void p9_fid_release(uint32_t fid)
{
    if (the_p9 && fid > 0 && fid < MAX_FIDS)
        the_p9->fids[fid / 8] &= ~(1u << (fid % 8));
}

/* The device, or NULL (then the caller returns -ENODEV). */
static struct p9front *dev(void)
{
    return the_p9;
}

int p9_walk(uint32_t fid, uint32_t newfid, unsigned int n,
            const char *const *names)
{
    struct p9front *p = dev();
    int rc;

    if (!p)
        return -ENODEV;
    begin(p, TWALK);
    put(p, fid, 4);
    put(p, newfid, 4);
    put(p, n, 2);
    for (unsigned int i = 0; i < n; i++)
        put_str(p, names[i]);
    rc = rpc(p);
    if (rc == 0 && get(p, 2) != n) {
        /* A prefix walked: newfid was not made; the next name is missing. */
        rc = -ENOENT;
    }
    return rc;
}

int p9_lopen(uint32_t fid, uint32_t flags)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    begin(p, TLOPEN);
    put(p, fid, 4);
    put(p, flags, 4);
    return rpc(p);
}

int p9_lcreate(uint32_t fid, const char *name, uint32_t flags, uint32_t mode)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    begin(p, TLCREATE);
    put(p, fid, 4);
    put_str(p, name);
    put(p, flags, 4);
    put(p, mode, 4);
    put(p, 0, 4);
    return rpc(p);
}

/*
 * Tread and Treaddir: the same request (fid, offset, count), answered by
 * count bytes of data; `overhead` is the reply's size beyond its data.
 */
static long read_data(uint8_t type, uint32_t overhead, const char *what,
                      uint32_t fid, uint64_t off, void *buf, uint32_t count)
{
    struct p9front *p = dev();
    uint32_t n;
    int rc;

    if (!p)
        return -ENODEV;
    if (count > p->msize - overhead)
        count = p->msize - overhead;
    begin(p, type);
    put(p, fid, 4);
    put(p, off, 8);
    put(p, count, 4);
    rc = rpc(p);
    if (rc < 0)
        return rc;
    n = (uint32_t)get(p, 4);
    if (p->err || n > count || p->pos + n > p->len)
        return lose(p, what);
    memcpy(buf, p->buf + p->pos, n);
    return n;
}

long p9_read(uint32_t fid, uint64_t off, void *buf, uint32_t count)
{
    return read_data(TREAD, 24, "an Rread longer than asked", fid, off, buf,
                     count);
}

long p9_write(uint32_t fid, uint64_t off, const void *buf, uint32_t count)
{
    struct p9front *p = dev();
    uint32_t n;
    int rc;

    if (!p)
        return -ENODEV;
    if (count > p->msize - 24)
        count = p->msize - 24;
    begin(p, TWRITE);
    put(p, fid, 4);
    put(p, off, 8);
    put(p, count, 4);
    if (!p->err) {
        memcpy(p->buf + p->len, buf, count);
        p->len += count;
    }
    rc = rpc(p);
    if (rc < 0)
        return rc;
    n = (uint32_t)get(p, 4);
    if (p->err || n > count)
        return lose(p, "an Rwrite of more than was sent");
    return n;
}

int p9_clunk(uint32_t fid)
{
    struct p9front *p = dev();
    int rc;

    if (!p)
        return -ENODEV;
    begin(p, TCLUNK);
    put(p, fid, 4);
    rc = rpc(p);
    p9_fid_release(fid); /* clunked even on error (9P) */
    return rc;
}

int p9_getattr(uint32_t fid, struct p9_attr *a)
{
    struct p9front *p = dev();
    int rc;

    if (!p)
        return -ENODEV;
    begin(p, TGETATTR);
    put(p, fid, 4);
    put(p, 0x7ff, 8);
    rc = rpc(p);
    if (rc < 0)
        return rc;
    get(p, 8); /* valid */
    a->qtype = (uint8_t)get(p, 1);
    get(p, 4);
    a->ino = get(p, 8);
    a->mode = (uint32_t)get(p, 4);
    get(p, 4); /* uid, gid */
    get(p, 4);
    a->nlink = get(p, 8);
    get(p, 8); /* rdev */
    a->size = get(p, 8);
    get(p, 8); /* blksize */
    a->blocks = get(p, 8);
    a->atime = get(p, 8);
    get(p, 8);
    a->mtime = get(p, 8);
    get(p, 8);
    a->ctime = get(p, 8);
    return p->err ? lose(p, "a short Rgetattr") : 0;
}

int p9_setattr(uint32_t fid, uint32_t valid, uint32_t mode, uint64_t size)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    begin(p, TSETATTR);
    put(p, fid, 4);
    put(p, valid, 4);
    put(p, mode, 4);
    put(p, 0, 4);
    put(p, 0, 4);
    put(p, size, 8);
    for (int i = 0; i < 4; i++)
        put(p, 0, 8);
    return rpc(p);
}

long p9_readdir(uint32_t fid, uint64_t off, void *buf, uint32_t count)
{
    return read_data(TREADDIR, 11, "an Rreaddir longer than asked", fid, off,
                     buf, count);
}

int p9_mkdir(uint32_t dfid, const char *name, uint32_t mode)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    begin(p, TMKDIR);
    put(p, dfid, 4);
    put_str(p, name);
    put(p, mode, 4);
    put(p, 0, 4);
    return rpc(p);
}

int p9_unlinkat(uint32_t dfid, const char *name, uint32_t flags)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    begin(p, TUNLINKAT);
    put(p, dfid, 4);
    put_str(p, name);
    put(p, flags, 4);
    return rpc(p);
}

int p9_renameat(uint32_t ofid, const char *oname, uint32_t nfid,
                const char *nname)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    begin(p, TRENAMEAT);
    put(p, ofid, 4);
    put_str(p, oname);
    put(p, nfid, 4);
    put_str(p, nname);
    return rpc(p);
}

int p9_fsync(uint32_t fid)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    begin(p, TFSYNC);
    put(p, fid, 4);
    put(p, 0, 4);
    return rpc(p);
}

int p9front_raw(const void *msg, uint32_t len, int keep_size)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    if (len < 7 || len > p->msize)
        return -EINVAL;
    memcpy(p->buf, msg, len);
    p->len = len;
    p->err = 0;
    p->buf[5] = (uint8_t)p->tag;
    p->buf[6] = (uint8_t)(p->tag >> 8);
    p->raw_size = keep_size;
    return rpc(p);
}

int p9front_lie(uint32_t delta)
{
    struct p9front *p = dev();

    if (!p)
        return -ENODEV;
    p->intf->out_prod += delta;
    wmb();
    evtchn_notify(p->xf.port);
    return 0;
}

void p9front_set_timeout(unsigned long ms)
{
    reply_ns = (uint64_t)ms * NSEC_PER_MSEC;
}

int p9front_backend_state(void)
{
    return the_p9 ? (int)xenbus_front_backend_state(&the_p9->xf) : -ENODEV;
}

/*
 * In a clone's child (events off, xenbus re-attached): the ring pages are
 * private copies and the port has the same number. Before the child ran,
 * xencloned asked xen9pfsd to clone the device: our device node now names
 * a backend of our own, Connected, with every fid of the parent, attached
 * to our copied ring where its indexes stand. Without that (no daemon, an
 * old xencloned) the device is lost: every request fails with EIO.
 */
static void p9front_after_clone(void)
{
    struct p9front *p = the_p9;
    char *be = NULL;

    if (!p || p->lost)
        return;
    p->kicked = 1;
    if (xenbus_front_read(&p->xf, "backend", &be) < 0 ||
        strlen(be) >= sizeof(p->xf.backend)) {
        free(be);
        lose(p, "this clone has no 9pfs device of its own");
        return;
    }
    strcpy(p->xf.backend, be);
    free(be);
    if (xenbus_front_backend_state(&p->xf) != XenbusStateConnected)
        lose(p, "this clone's 9pfs backend is not connected");
}

DRIVER(p9front_driver, 5) = {.name = "9pfront",
                             .after_clone = p9front_after_clone};
