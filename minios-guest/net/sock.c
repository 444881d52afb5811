/* sock.c: socket-like fds over lwIP's raw API (TCP and UDP). */
#include <errno.h>
#include <string.h>
#include <minios/net.h>
#include <minios/time.h>
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#define MAX_SOCKS 512
#define QLEN      64 /* accept queue and UDP datagram queue */

enum kind { S_FREE, S_LISTEN, S_STREAM, S_DGRAM };

struct dgram {
    struct pbuf *p;
    uint32_t addr;
    uint16_t port;
};

struct sock {
    enum kind kind;
    struct tcp_pcb *pcb;
    struct udp_pcb *upcb;
    struct pbuf *rxq; /* S_STREAM: received, not yet read */
    int eof, err;     /* S_STREAM: peer closed / connection died (-errno) */
    int connected;    /* S_STREAM from net_connect: handshake done */
    int q[QLEN];      /* S_LISTEN: accepted fds */
    struct dgram dq[QLEN]; /* S_DGRAM: datagrams */
    unsigned int qhead, qlen;
};

static struct sock socks[MAX_SOCKS];

static int sock_alloc(enum kind kind)
{
    for (int fd = 0; fd < MAX_SOCKS; fd++)
        if (socks[fd].kind == S_FREE) {
            memset(&socks[fd], 0, sizeof(socks[fd]));
            socks[fd].kind = kind;
            return fd;
        }
    return -EMFILE;
}

static struct sock *get(int fd, enum kind kind)
{
    if (fd < 0 || fd >= MAX_SOCKS || socks[fd].kind != kind)
        return NULL;
    return &socks[fd];
}

static int lwip_errno(err_t e)
{
    switch (e) {
    case ERR_OK:
        return 0;
    case ERR_MEM:
    case ERR_BUF:
        return -ENOMEM;
    case ERR_RST:
    case ERR_ABRT:
        return -ECONNRESET;
    case ERR_CLSD:
    case ERR_CONN:
        return -ENOTCONN;
    case ERR_USE:
        return -EADDRINUSE;
    case ERR_TIMEOUT:
        return -ETIMEDOUT;
    case ERR_RTE:
        return -EHOSTUNREACH;
    default:
        return -EIO;
    }
}

/* lwIP callbacks carry the fd as their arg (fd + 1: NULL means none). */
#define ARG(fd) ((void *)(long)((fd) + 1))
#define FD(arg) ((int)(long)(arg)-1)

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t e)
{
    struct sock *s = arg ? get(FD(arg), S_STREAM) : NULL;

    if (!s) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p) {
        s->eof = 1;
        return ERR_OK;
    }
    if (s->rxq)
        pbuf_cat(s->rxq, p);
    else
        s->rxq = p;
    return ERR_OK;
}

static void on_err(void *arg, err_t e)
{
    struct sock *s = arg ? get(FD(arg), S_STREAM) : NULL;

    if (!s)
        return;
    s->pcb = NULL; /* lwIP has freed it */
    s->err = lwip_errno(e);
    s->eof = 1;
}

static void stream_attach(int fd, struct tcp_pcb *pcb)
{
    socks[fd].pcb = pcb;
    tcp_arg(pcb, ARG(fd));
    tcp_recv(pcb, on_recv);
    tcp_err(pcb, on_err);
    tcp_nagle_disable(pcb);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t e)
{
    struct sock *l = arg ? get(FD(arg), S_LISTEN) : NULL;
    int fd;

    if (e != ERR_OK || !pcb)
        return ERR_VAL;
    if (!l || l->qlen == QLEN || (fd = sock_alloc(S_STREAM)) < 0) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    stream_attach(fd, pcb);
    l->q[(l->qhead + l->qlen++) % QLEN] = fd;
    return ERR_OK;
}

/* A new socket of KIND with a new TCP pcb in *PCB; its fd or -errno. */
static int sock_alloc_tcp(enum kind kind, struct tcp_pcb **pcb)
{
    int fd = sock_alloc(kind);

    if (fd < 0)
        return fd;
    *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!*pcb) {
        socks[fd].kind = S_FREE;
        return -ENOMEM;
    }
    return fd;
}

int net_listen(uint16_t port, int backlog)
{
    struct tcp_pcb *pcb, *lpcb;
    int fd = sock_alloc_tcp(S_LISTEN, &pcb);
    err_t e;

    if (fd < 0)
        return fd;
    ip_set_option(pcb, SOF_REUSEADDR);
    e = tcp_bind(pcb, IP4_ADDR_ANY, port);
    if (e != ERR_OK) {
        tcp_close(pcb);
        socks[fd].kind = S_FREE;
        return lwip_errno(e);
    }
    lpcb = tcp_listen_with_backlog(pcb,
                                   backlog > 0 && backlog < 255 ? backlog : 64);
    if (!lpcb) {
        tcp_close(pcb);
        socks[fd].kind = S_FREE;
        return -ENOMEM;
    }
    socks[fd].pcb = lpcb;
    tcp_arg(lpcb, ARG(fd));
    tcp_accept(lpcb, on_accept);
    return fd;
}

int net_accept(int fd, uint64_t deadline)
{
    struct sock *l = get(fd, S_LISTEN);
    int nfd;

    if (!l)
        return -EBADF;
    while (!l->qlen) {
        if (deadline && monotonic_ns() >= deadline)
            return -ETIMEDOUT;
        net_wait(deadline);
    }
    nfd = l->q[l->qhead];
    l->qhead = (l->qhead + 1) % QLEN;
    l->qlen--;
    tcp_backlog_accepted(socks[nfd].pcb);
    return nfd;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t e)
{
    struct sock *s = arg ? get(FD(arg), S_STREAM) : NULL;

    if (s)
        s->connected = 1;
    return ERR_OK;
}

int net_connect(uint32_t addr, uint16_t port, uint64_t deadline)
{
    struct tcp_pcb *pcb;
    int fd = sock_alloc_tcp(S_STREAM, &pcb);
    ip_addr_t ip;
    err_t e;

    if (fd < 0)
        return fd;
    stream_attach(fd, pcb);
    ip_addr_set_ip4_u32(&ip, addr);
    e = tcp_connect(pcb, &ip, port, on_connected);
    if (e != ERR_OK) {
        net_close(fd);
        return lwip_errno(e);
    }
    while (!socks[fd].connected && !socks[fd].eof) {
        if (deadline && monotonic_ns() >= deadline) {
            net_close(fd);
            return -ETIMEDOUT;
        }
        net_wait(deadline);
    }
    if (!socks[fd].connected) {
        int err = socks[fd].err ? socks[fd].err : -ECONNREFUSED;
        net_close(fd);
        return err;
    }
    return fd;
}

ssize_t net_recv(int fd, void *buf, size_t len, uint64_t deadline)
{
    struct sock *s = get(fd, S_STREAM);
    size_t n;

    if (!s)
        return -EBADF;
    while (!s->rxq) {
        if (s->eof)
            return s->err;
        if (deadline && monotonic_ns() >= deadline)
            return -ETIMEDOUT;
        net_wait(deadline);
    }
    n = s->rxq->tot_len < len ? s->rxq->tot_len : len;
    if (n > 0xffff)
        n = 0xffff;
    pbuf_copy_partial(s->rxq, buf, n, 0);
    s->rxq = pbuf_free_header(s->rxq, n);
    if (s->pcb)
        tcp_recved(s->pcb, n);
    return n;
}

ssize_t net_send(int fd, const void *buf, size_t len)
{
    struct sock *s = get(fd, S_STREAM);
    const char *p = buf;
    size_t left = len;

    if (!s)
        return -EBADF;
    while (left > 0) {
        if (!s->pcb)
            return s->err ? s->err : -EPIPE;
        size_t room = tcp_sndbuf(s->pcb);
        size_t n = left < room ? left : room;
        if (n > 0xffff)
            n = 0xffff;
        err_t e = n ? tcp_write(s->pcb, p, n,
                                TCP_WRITE_FLAG_COPY |
                                    (n < left ? TCP_WRITE_FLAG_MORE : 0))
                    : ERR_MEM;
        if (e == ERR_OK) {
            p += n;
            left -= n;
            continue;
        }
        if (e != ERR_MEM)
            return lwip_errno(e);
        /* Full: send what is queued, let ACKs come in. */
        tcp_output(s->pcb);
        net_wait(monotonic_ns() + 100 * NSEC_PER_MSEC);
    }
    if (s->pcb)
        tcp_output(s->pcb);
    return len;
}

static void free_dgrams(struct sock *s)
{
    while (s->qlen) {
        pbuf_free(s->dq[s->qhead].p);
        s->qhead = (s->qhead + 1) % QLEN;
        s->qlen--;
    }
}

int net_close(int fd)
{
    struct sock *s;

    if (fd < 0 || fd >= MAX_SOCKS || socks[fd].kind == S_FREE)
        return -EBADF;
    s = &socks[fd];
    switch (s->kind) {
    case S_LISTEN:
        tcp_arg(s->pcb, NULL);
        tcp_close(s->pcb);
        while (s->qlen) {
            net_close(s->q[s->qhead]);
            s->qhead = (s->qhead + 1) % QLEN;
            s->qlen--;
        }
        break;
    case S_STREAM:
        if (s->pcb) {
            tcp_arg(s->pcb, NULL);
            tcp_recv(s->pcb, NULL);
            tcp_err(s->pcb, NULL);
            if (tcp_close(s->pcb) != ERR_OK)
                tcp_abort(s->pcb);
        }
        if (s->rxq)
            pbuf_free(s->rxq);
        break;
    case S_DGRAM:
        udp_remove(s->upcb);
        free_dgrams(s);
        break;
    default:
        break;
    }
    s->kind = S_FREE;
    return 0;
}

static void on_udp(void *arg, struct udp_pcb *pcb, struct pbuf *p,
                   const ip_addr_t *addr, u16_t port)
{
    struct sock *s = arg ? get(FD(arg), S_DGRAM) : NULL;

    if (!s || s->qlen == QLEN) {
        pbuf_free(p);
        return;
    }
    struct dgram *d = &s->dq[(s->qhead + s->qlen++) % QLEN];
    d->p = p;
    d->addr = ip4_addr_get_u32(ip_2_ip4(addr));
    d->port = port;
}

int net_udp_bind(uint16_t port)
{
    int fd = sock_alloc(S_DGRAM);
    struct udp_pcb *pcb;
    err_t e;

    if (fd < 0)
        return fd;
    pcb = udp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb) {
        socks[fd].kind = S_FREE;
        return -ENOMEM;
    }
    e = udp_bind(pcb, IP4_ADDR_ANY, port);
    if (e != ERR_OK) {
        udp_remove(pcb);
        socks[fd].kind = S_FREE;
        return lwip_errno(e);
    }
    socks[fd].upcb = pcb;
    udp_recv(pcb, on_udp, ARG(fd));
    return fd;
}

ssize_t net_recvfrom(int fd, void *buf, size_t len, uint32_t *addr,
                     uint16_t *port, uint64_t deadline)
{
    struct sock *s = get(fd, S_DGRAM);
    struct dgram *d;
    size_t n;

    if (!s)
        return -EBADF;
    while (!s->qlen) {
        if (deadline && monotonic_ns() >= deadline)
            return -ETIMEDOUT;
        net_wait(deadline);
    }
    d = &s->dq[s->qhead];
    n = d->p->tot_len < len ? d->p->tot_len : len;
    pbuf_copy_partial(d->p, buf, n, 0);
    if (addr)
        *addr = d->addr;
    if (port)
        *port = d->port;
    pbuf_free(d->p);
    s->qhead = (s->qhead + 1) % QLEN;
    s->qlen--;
    return n;
}

ssize_t net_sendto(int fd, const void *buf, size_t len, uint32_t addr,
                   uint16_t port)
{
    struct sock *s = get(fd, S_DGRAM);
    struct pbuf *p;
    ip_addr_t ip;
    err_t e;

    if (!s)
        return -EBADF;
    if (len > 65507)
        return -EMSGSIZE;
    p = pbuf_alloc(PBUF_TRANSPORT, len, PBUF_RAM);
    if (!p)
        return -ENOMEM;
    pbuf_take(p, buf, len);
    ip_addr_set_ip4_u32(&ip, addr);
    e = udp_sendto(s->upcb, p, &ip, port);
    pbuf_free(p);
    return e == ERR_OK ? (ssize_t)len : lwip_errno(e);
}
