/* netfront.c: PV network frontend: one queue, grant-copy RX, copying TX. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <minios/os.h>
#include <minios/mm.h>
#include <minios/driver.h>
#include <minios/events.h>
#include <minios/gnttab.h>
#include <minios/netfront.h>
#include <minios/xenbus_front.h>
#include <public/io/netif.h>

#define xen_mb()  mb()
#define xen_rmb() rmb()
#define xen_wmb() wmb()

#define TX_SIZE __CONST_RING_SIZE(netif_tx, PAGE_SIZE)
#define RX_SIZE __CONST_RING_SIZE(netif_rx, PAGE_SIZE)

/*
 * Every TX and RX buffer is a page granted to the backend once, at open:
 * TX pages read-only (netback grant-copies from them), RX pages writable
 * (netback grant-copies into them). Ids are buffer indexes.
 */
struct netfront {
    struct xenbus_front xf;
    uint8_t mac[6];
    netif_tx_front_ring_t tx;
    netif_rx_front_ring_t rx;
    int tx_ring_ref, rx_ring_ref;
    void *tx_buf[TX_SIZE], *rx_buf[RX_SIZE];
    int tx_ref[TX_SIZE], rx_ref[RX_SIZE];
    uint16_t tx_free[TX_SIZE]; /* stack of free TX ids */
    unsigned int nr_tx_free;
    uint8_t tx_inflight[TX_SIZE]; /* 1 from xmit until its response */
    unsigned int clone_gen;       /* after_clone() calls in this domain */
    volatile int kicked;          /* set by the event handler */
    struct netfront_stats st;
};

/* The one open device, for after_clone. */
static struct netfront *the_nf;

static void nf_event(evtchn_port_t port, void *data)
{
    struct netfront *nf = data;

    nf->kicked = 1;
    nf->st.irqs++;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        char *end;
        unsigned long b = strtoul(s, &end, 16);
        if (end == s || end - s > 2 || b > 255 || (i < 5 && *end != ':') ||
            (i == 5 && *end))
            return -EINVAL;
        mac[i] = b;
        s = end + 1;
    }
    return 0;
}

static void post_rx(struct netfront *nf, unsigned int id)
{
    netif_rx_request_t *req = RING_GET_REQUEST(&nf->rx, nf->rx.req_prod_pvt);

    req->id = id;
    req->gref = nf->rx_ref[id];
    nf->rx.req_prod_pvt++;
}

static void push_rx(struct netfront *nf)
{
    int notify;

    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->rx, notify);
    if (notify)
        evtchn_notify(nf->xf.port);
}

static int write_keys(xenbus_transaction_t t, struct xenbus_front *xf,
                      void *arg)
{
    struct netfront *nf = arg;
    int rc = 0;

    rc = rc ?: xenbus_front_printf(t, xf, "tx-ring-ref", "%d", nf->tx_ring_ref);
    rc = rc ?: xenbus_front_printf(t, xf, "rx-ring-ref", "%d", nf->rx_ring_ref);
    rc = rc ?: xenbus_front_printf(t, xf, "event-channel", "%u", xf->port);
    /* RX by grant copy (the only mode Linux's netback has). */
    rc = rc ?: xenbus_front_printf(t, xf, "request-rx-copy", "1");
    rc = rc ?: xenbus_front_printf(t, xf, "feature-rx-notify", "1");
    /* One slot per frame, full checksums both ways (netback then fills
     * them in for Dom0's frames before they reach us). */
    rc = rc ?: xenbus_front_printf(t, xf, "feature-sg", "0");
    rc = rc ?: xenbus_front_printf(t, xf, "feature-gso-tcpv4", "0");
    rc = rc ?: xenbus_front_printf(t, xf, "feature-no-csum-offload", "1");
    return rc;
}

static void free_nf(struct netfront *nf)
{
    /* A ref the backend still holds stays granted (and its page leaks). */
    for (unsigned int i = 0; i < TX_SIZE; i++) {
        if (nf->tx_ref[i] > 0 && gnttab_end_access(nf->tx_ref[i]) < 0)
            continue;
        if (nf->tx_buf[i])
            free_pages(nf->tx_buf[i], 1);
    }
    for (unsigned int i = 0; i < RX_SIZE; i++) {
        if (nf->rx_ref[i] > 0 && gnttab_end_access(nf->rx_ref[i]) < 0)
            continue;
        if (nf->rx_buf[i])
            free_pages(nf->rx_buf[i], 1);
    }
    if (nf->tx.sring &&
        (nf->tx_ring_ref <= 0 || gnttab_end_access(nf->tx_ring_ref) == 0))
        free_pages(nf->tx.sring, 1);
    if (nf->rx.sring &&
        (nf->rx_ring_ref <= 0 || gnttab_end_access(nf->rx_ring_ref) == 0))
        free_pages(nf->rx.sring, 1);
    if (nf->xf.port)
        evtchn_close(nf->xf.port);
    free(nf);
}

/* Pages and grants for the rings and every buffer. */
static int setup_buffers(struct netfront *nf)
{
    netif_tx_sring_t *txs = alloc_pages(1);
    netif_rx_sring_t *rxs = alloc_pages(1);
    int rc = gnttab_reserve(2 + TX_SIZE + RX_SIZE);

    if (rc < 0)
        return rc;
    if (!txs || !rxs) {
        if (txs)
            free_pages(txs, 1);
        if (rxs)
            free_pages(rxs, 1);
        return -ENOMEM;
    }
    memset(txs, 0, PAGE_SIZE);
    memset(rxs, 0, PAGE_SIZE);
    SHARED_RING_INIT(txs);
    SHARED_RING_INIT(rxs);
    FRONT_RING_INIT(&nf->tx, txs, PAGE_SIZE);
    FRONT_RING_INIT(&nf->rx, rxs, PAGE_SIZE);
    nf->tx_ring_ref = xenbus_front_grant(&nf->xf, txs, 0);
    nf->rx_ring_ref = xenbus_front_grant(&nf->xf, rxs, 0);
    if (nf->tx_ring_ref < 0 || nf->rx_ring_ref < 0)
        return -ENOSPC;
    for (unsigned int i = 0; i < TX_SIZE; i++) {
        nf->tx_buf[i] = alloc_pages(1);
        if (!nf->tx_buf[i])
            return -ENOMEM;
        memset(nf->tx_buf[i], 0, PAGE_SIZE);
        nf->tx_ref[i] = xenbus_front_grant(&nf->xf, nf->tx_buf[i], 1);
        if (nf->tx_ref[i] < 0)
            return nf->tx_ref[i];
        nf->tx_free[nf->nr_tx_free++] = i;
    }
    for (unsigned int i = 0; i < RX_SIZE; i++) {
        nf->rx_buf[i] = alloc_pages(1);
        if (!nf->rx_buf[i])
            return -ENOMEM;
        memset(nf->rx_buf[i], 0, PAGE_SIZE);
        nf->rx_ref[i] = xenbus_front_grant(&nf->xf, nf->rx_buf[i], 0);
        if (nf->rx_ref[i] < 0)
            return nf->rx_ref[i];
    }
    return 0;
}

struct netfront *netfront_open(unsigned int index, unsigned long timeout_ms,
                               int *err)
{
    struct netfront *nf = calloc(1, sizeof(*nf));
    char *mac = NULL;
    int rc;

    if (!nf) {
        *err = -ENOMEM;
        return NULL;
    }
    rc = xenbus_front_open(&nf->xf, "vif", index, timeout_ms);
    if (rc < 0)
        goto fail;
    rc = xenbus_front_read(&nf->xf, "mac", &mac);
    if (rc == 0)
        rc = parse_mac(mac, nf->mac);
    free(mac);
    if (rc < 0) {
        printf("netfront: vif %u: no valid mac (%d)\n", index, rc);
        goto fail;
    }
    rc = setup_buffers(nf);
    if (rc < 0)
        goto fail;
    rc = xenbus_front_evtchn(&nf->xf, nf_event, nf);
    if (rc < 0)
        goto fail;
    for (unsigned int i = 0; i < RX_SIZE; i++)
        post_rx(nf, i);
    nf->rx.sring->rsp_event = nf->rx.rsp_cons + 1;
    nf->tx.sring->rsp_event = nf->tx.rsp_cons + 1;
    push_rx(nf);
    rc = xenbus_front_publish(&nf->xf, write_keys, nf, XenbusStateConnected);
    if (rc < 0)
        goto fail;
    rc = xenbus_front_wait(&nf->xf, XenbusStateConnected, timeout_ms);
    if (rc < 0) {
        printf("netfront: vif %u: backend %s not connected (%d)\n", index,
               nf->xf.backend, rc);
        xenbus_front_switch(&nf->xf, XenbusStateClosed);
        goto fail;
    }
    the_nf = nf;
    return nf;
fail:
    free_nf(nf);
    *err = rc;
    return NULL;
}

const uint8_t *netfront_mac(const struct netfront *nf)
{
    return nf->mac;
}

char *netfront_ip(const struct netfront *nf)
{
    char *ip;

    return xenbus_front_read_backend(&nf->xf, "ip", &ip) < 0 ? NULL : ip;
}

unsigned int netfront_port(const struct netfront *nf)
{
    return nf->xf.port;
}

static void reap_tx(struct netfront *nf)
{
    int more;

    do {
        RING_IDX prod = nf->tx.sring->rsp_prod;
        rmb();
        for (RING_IDX i = nf->tx.rsp_cons; i != prod; i++) {
            netif_tx_response_t *rsp = RING_GET_RESPONSE(&nf->tx, i);
            if (rsp->status == NETIF_RSP_NULL)
                continue;
            /* Only an id in flight goes back on the free stack, once: a
             * clone's backend answers every request past the shared
             * rsp_prod, those the parent's had taken included. */
            if (rsp->id >= TX_SIZE || !nf->tx_inflight[rsp->id]) {
                nf->st.tx_errors++;
                continue;
            }
            if (rsp->status != NETIF_RSP_OKAY)
                nf->st.tx_errors++;
            nf->tx_inflight[rsp->id] = 0;
            nf->tx_free[nf->nr_tx_free++] = rsp->id;
        }
        nf->tx.rsp_cons = prod;
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->tx, more);
    } while (more);
}

int netfront_tx_room(struct netfront *nf)
{
    if (!nf->nr_tx_free)
        reap_tx(nf);
    return nf->nr_tx_free && !RING_FULL(&nf->tx);
}

int netfront_xmit(struct netfront *nf, const void *frame, size_t len)
{
    netif_tx_request_t *req;
    unsigned int id;
    int notify;

    if (len > NETFRONT_FRAME_MAX || len < 14)
        return -EMSGSIZE;
    if (!nf->nr_tx_free)
        reap_tx(nf);
    if (!nf->nr_tx_free || RING_FULL(&nf->tx)) {
        nf->st.tx_busy++;
        return -EAGAIN;
    }
    id = nf->tx_free[--nf->nr_tx_free];
    nf->tx_inflight[id] = 1;
    memcpy(nf->tx_buf[id], frame, len);
    req = RING_GET_REQUEST(&nf->tx, nf->tx.req_prod_pvt);
    req->gref = nf->tx_ref[id];
    req->offset = 0;
    req->flags = 0; /* checksums are complete */
    req->id = id;
    req->size = len;
    nf->tx.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&nf->tx, notify);
    if (notify)
        evtchn_notify(nf->xf.port);
    nf->st.tx_frames++;
    nf->st.tx_bytes += len;
    return 0;
}

int netfront_poll(struct netfront *nf, netfront_rx_t rx, void *arg)
{
    int more, n = 0;

    /* Work waiting with no event seen: a notification was missed (or is
     * still on its way); the polling fallback found it. */
    if (!nf->kicked && (RING_HAS_UNCONSUMED_RESPONSES(&nf->rx) ||
                        RING_HAS_UNCONSUMED_RESPONSES(&nf->tx)))
        nf->st.unsignalled++;
    nf->kicked = 0;
    reap_tx(nf);
    do {
        RING_IDX prod = nf->rx.sring->rsp_prod;
        rmb();
        for (RING_IDX i = nf->rx.rsp_cons; i != prod; i++) {
            netif_rx_response_t *rsp = RING_GET_RESPONSE(&nf->rx, i);
            unsigned int id = rsp->id;
            if (id >= RX_SIZE) {
                nf->st.rx_errors++;
                continue; /* a buffer we cannot name is lost */
            }
            /* One slot per frame (no SG, no GSO): anything else is dropped. */
            if (rsp->status <= 0 ||
                (rsp->flags & (NETRXF_more_data | NETRXF_extra_info)) ||
                rsp->offset + (unsigned long)rsp->status > PAGE_SIZE) {
                nf->st.rx_errors++;
            } else {
                nf->st.rx_frames++;
                nf->st.rx_bytes += rsp->status;
                rx(arg, (char *)nf->rx_buf[id] + rsp->offset, rsp->status);
                n++;
            }
            post_rx(nf, id);
        }
        nf->rx.rsp_cons = prod;
        push_rx(nf);
        RING_FINAL_CHECK_FOR_RESPONSES(&nf->rx, more);
    } while (more);
    return n;
}

int netfront_pending(const struct netfront *nf)
{
    return nf->kicked || RING_HAS_UNCONSUMED_RESPONSES(&nf->rx);
}

void netfront_get_stats(const struct netfront *nf, struct netfront_stats *s)
{
    *s = nf->st;
}

void netfront_close(struct netfront *nf)
{
    if (!nf)
        return;
    xenbus_front_close(&nf->xf, 5000);
    if (the_nf == nf)
        the_nf = NULL;
    free_nf(nf);
}

unsigned int netfront_clone_gen(const struct netfront *nf)
{
    return nf->clone_gen;
}

/* How long a child waits for its backend to be Connected (xencloned
 * completes a child only once it is: this is for clones made otherwise). */
#define CLONE_CONNECT_MS 5000

/*
 * In a child (see ../../shared/brief/devices.md): the rings, posted RX
 * buffers and TX pages are private copies at the same grant references,
 * the event channel the same port, unbound until the child's netback
 * binds it. Dom0 made the child's backend (state 1 -> 2 -> 4, not
 * watched here: only Connected matters) and may have given the child its
 * own MAC (network mode "new"). Re-read where the backend is and our MAC,
 * re-arm both rings' event thresholds, kick the backend and poll once.
 * TX requests the parent's backend had taken but not answered are taken
 * again by the child's (it attaches at the shared rsp_prod): each gets
 * one response here, and ids not in flight are ignored (reap_tx).
 */
static void netfront_after_clone(void)
{
    struct netfront *nf = the_nf;
    char *v = NULL;
    uint8_t mac[6];

    if (!nf)
        return;
    nf->clone_gen++;
    if (xenbus_front_read(&nf->xf, "backend", &v) == 0 &&
        strlen(v) < sizeof(nf->xf.backend))
        strcpy(nf->xf.backend, v);
    free(v);
    v = NULL;
    if (xenbus_front_read(&nf->xf, "mac", &v) == 0 && parse_mac(v, mac) == 0)
        memcpy(nf->mac, mac, sizeof(mac));
    free(v);
    if (xenbus_front_backend_state(&nf->xf) != XenbusStateConnected &&
        xenbus_front_wait(&nf->xf, XenbusStateConnected, CLONE_CONNECT_MS) < 0)
        printf("netfront: clone: backend %s is not connected\n",
               nf->xf.backend);
    nf->rx.sring->rsp_event = nf->rx.rsp_cons + 1;
    nf->tx.sring->rsp_event = nf->tx.rsp_cons + 1;
    wmb();
    evtchn_notify(nf->xf.port);
    nf->kicked = 1;
    reap_tx(nf);
}

DRIVER(netfront_driver, 5) = {.name = "netfront",
                              .after_clone = netfront_after_clone};
