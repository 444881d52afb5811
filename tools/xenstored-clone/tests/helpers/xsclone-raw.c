/* xsclone-raw: send one raw XenStore message, from Dom0 or as a domain. */
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xenforeignmemory.h>
#include <xenstore.h>

#define TIMEOUT_MS 10000

static const struct {
    const char *name;
    unsigned int type;
} types[] = {
    {"directory", XS_DIRECTORY},
    {"read", XS_READ},
    {"get_perms", XS_GET_PERMS},
    {"transaction_start", XS_TRANSACTION_START},
    {"transaction_end", XS_TRANSACTION_END},
    {"write", XS_WRITE},
    {"mkdir", XS_MKDIR},
    {"rm", XS_RM},
    {"set_perms", XS_SET_PERMS},
    {"clone", XS_CLONE},
    {"watch", XS_WATCH},
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: xsclone-raw [OPTIONS] TYPE [ARG...]\n"
            "       xsclone-raw -d DOMID --recv\n"
            "\n"
            "Send one XenStore message and print the reply: its payload\n"
            "with nul bytes as newlines, or \"ERROR <errno name>\".\n"
            "TYPE is a message type number or one of: directory, read,\n"
            "get_perms, transaction_start, transaction_end, write, mkdir,\n"
            "rm, set_perms, clone, watch. The payload is each ARG\n"
            "followed by a nul byte.\n"
            "\n"
            "Options:\n"
            "  -d, --domain DOMID  send on DOMID's own XenStore ring, mapped\n"
            "                      from Dom0, as that domain (keep it paused)\n"
            "  -r, --recv          send nothing; print the next message\n"
            "                      xenstored puts on DOMID's ring (a watch\n"
            "                      event, for example)\n"
            "  -m, --mfn MFN       the ring's frame (default: read from the\n"
            "                      domain's store/ring-ref)\n"
            "  -t, --tx ID         transaction id in the header\n"
            "  -N, --no-last-nul   no nul byte after the last ARG\n"
            "  -x, --hex HEX       payload as hex bytes instead of ARGs\n"
            "  -L, --len N         claim a payload length of N in the header\n"
            "                      (socket only; the payload is sent as is)\n"
            "  -h, --help          show this help\n"
            "\n"
            "Exit status: 0 for a reply, 1 for an ERROR reply, 2 for a\n"
            "usage error, 3 when the connection failed or was closed.\n");
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int parse_type(const char *s, unsigned int *type)
{
    char *end;
    size_t i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!strcmp(s, types[i].name)) {
            *type = types[i].type;
            return 0;
        }
    }
    *type = strtoul(s, &end, 0);
    return (*s && !*end) ? 0 : -EINVAL;
}

static int parse_hex(const char *s, char *buf, size_t *len)
{
    size_t n = strlen(s);
    unsigned int byte;
    size_t i;

    if (n % 2 || n / 2 > *len)
        return -EINVAL;
    for (i = 0; i < n / 2; i++) {
        if (sscanf(s + 2 * i, "%2x", &byte) != 1)
            return -EINVAL;
        buf[i] = byte;
    }
    *len = n / 2;
    return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    ssize_t n;

    while (len) {
        n = write(fd, p, len);
        if (n < 0)
            return -errno;
        p += n;
        len -= n;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    ssize_t n;

    while (len) {
        n = read(fd, p, len);
        if (n < 0)
            return -errno;
        if (n == 0)
            return -ECONNRESET;
        p += n;
        len -= n;
    }
    return 0;
}

/* Exchange over xenstored's Unix socket. */
static int talk_socket(struct xsd_sockmsg *msg, const char *payload, size_t len,
                       char *reply)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd, ret;

    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0)
        return -errno;
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", xs_daemon_socket());
    ret = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ? -errno : 0;
    if (!ret)
        ret = write_all(fd, msg, sizeof(*msg));
    if (!ret)
        ret = write_all(fd, payload, len);
    if (!ret)
        ret = read_all(fd, msg, sizeof(*msg));
    if (!ret && msg->len > XENSTORE_PAYLOAD_MAX)
        ret = -EPROTO;
    if (!ret)
        ret = read_all(fd, reply, msg->len);
    close(fd);
    return ret;
}

static void ring_put(struct xenstore_domain_interface *intf, const void *data,
                     size_t len)
{
    const char *p = data;
    XENSTORE_RING_IDX prod = intf->req_prod;
    size_t i;

    for (i = 0; i < len; i++)
        intf->req[MASK_XENSTORE_IDX(prod + i)] = p[i];
    __sync_synchronize();
    intf->req_prod = prod + len;
}

static void ring_get(struct xenstore_domain_interface *intf, void *data,
                     size_t len)
{
    char *p = data;
    XENSTORE_RING_IDX cons = intf->rsp_cons;
    size_t i;

    for (i = 0; i < len; i++)
        p[i] = intf->rsp[MASK_XENSTORE_IDX(cons + i)];
    __sync_synchronize();
    intf->rsp_cons = cons + len;
}

/*
 * Exchange over domid's own ring, as the domain would, except that no event
 * is sent: only the domain can send on its port. xenstored finds such a
 * request on its visit of every connection, at least once a second
 * (patch 0007), so wait for the reply.
 */
static int talk_ring(unsigned int domid, long ring_mfn, int send,
                     struct xsd_sockmsg *msg, const char *payload, size_t len,
                     char *reply)
{
    struct xenstore_domain_interface *intf = NULL;
    xenforeignmemory_handle *fmem = NULL;
    struct xs_handle *xsh;
    char path[64], *ref;
    xen_pfn_t mfn;
    unsigned int n;
    int err, ret = -EIO;
    long deadline;

    if (sizeof(*msg) + len > XENSTORE_RING_SIZE)
        return -E2BIG;
    xsh = xs_open(0);
    if (!xsh)
        return -errno;
    snprintf(path, sizeof(path), "/local/domain/%u/store/ring-ref", domid);
    ref = ring_mfn >= 0 ? NULL : xs_read(xsh, XBT_NULL, path, &n);
    if (ring_mfn < 0 && !ref) {
        ret = -errno;
        fprintf(stderr, "xsclone-raw: cannot read %s\n", path);
        goto out;
    }
    mfn = ref ? strtoull(ref, NULL, 0) : (xen_pfn_t)ring_mfn;
    free(ref);
    fmem = xenforeignmemory_open(NULL, 0);
    if (!fmem) {
        ret = -errno;
        goto out;
    }
    intf = xenforeignmemory_map(fmem, domid, PROT_READ | PROT_WRITE, 1, &mfn,
                                &err);
    if (!intf || err) {
        ret = -(err ? err : errno);
        intf = NULL;
        goto out;
    }
    if (send && intf->rsp_prod != intf->rsp_cons) {
        fprintf(stderr, "xsclone-raw: stale replies on the ring\n");
        goto out;
    }
    if (send) {
        ring_put(intf, msg, sizeof(*msg));
        ring_put(intf, payload, len);
    }

    deadline = now_ms() + TIMEOUT_MS;
    for (;;) {
        __sync_synchronize();
        if (intf->rsp_prod - intf->rsp_cons >= sizeof(*msg)) {
            ring_get(intf, msg, sizeof(*msg));
            break;
        }
        if (now_ms() > deadline) {
            ret = -ETIMEDOUT;
            goto out;
        }
        usleep(1000);
    }
    if (msg->len > XENSTORE_PAYLOAD_MAX)
        goto out;
    while (intf->rsp_prod - intf->rsp_cons < msg->len) {
        if (now_ms() > deadline) {
            ret = -ETIMEDOUT;
            goto out;
        }
        usleep(1000);
        __sync_synchronize();
    }
    ring_get(intf, reply, msg->len);
    ret = 0;
out:
    if (intf)
        xenforeignmemory_unmap(fmem, intf, 1);
    if (fmem)
        xenforeignmemory_close(fmem);
    xs_close(xsh);
    return ret;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"domain", required_argument, NULL, 'd'},
        {"mfn", required_argument, NULL, 'm'},
        {"tx", required_argument, NULL, 't'},
        {"no-last-nul", no_argument, NULL, 'N'},
        {"hex", required_argument, NULL, 'x'},
        {"len", required_argument, NULL, 'L'},
        {"recv", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    static char payload[2 * XENSTORE_PAYLOAD_MAX];
    static char reply[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg msg = {.req_id = 0x5eed};
    const char *hex = NULL;
    long domid = -1, claim = -1, mfn = -1;
    size_t len = 0, n;
    int c, i, last_nul = 1, recv_only = 0, ret;

    /* xenstored may drop us mid-request: report it, do not die. */
    signal(SIGPIPE, SIG_IGN);
    while ((c = getopt_long(argc, argv, "d:m:t:Nx:L:rh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            domid = strtol(optarg, NULL, 10);
            break;
        case 'm':
            mfn = strtol(optarg, NULL, 0);
            break;
        case 't':
            msg.tx_id = strtoul(optarg, NULL, 10);
            break;
        case 'N':
            last_nul = 0;
            break;
        case 'x':
            hex = optarg;
            break;
        case 'L':
            claim = strtol(optarg, NULL, 10);
            break;
        case 'r':
            recv_only = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (recv_only ? domid < 0 || optind < argc
                  : optind >= argc || parse_type(argv[optind], &msg.type)) {
        usage(stderr);
        return 2;
    }
    if (hex) {
        len = sizeof(payload);
        if (parse_hex(hex, payload, &len)) {
            fprintf(stderr, "xsclone-raw: bad --hex payload\n");
            return 2;
        }
    }
    for (i = optind + 1; !hex && i < argc; i++) {
        n = strlen(argv[i]) + (last_nul || i + 1 < argc);
        if (len + n > sizeof(payload)) {
            fprintf(stderr, "xsclone-raw: payload too long\n");
            return 2;
        }
        memcpy(payload + len, argv[i], n);
        len += n;
    }
    msg.len = claim >= 0 ? (uint32_t)claim : len;

    if (domid >= 0)
        ret = talk_ring(domid, mfn, !recv_only, &msg, payload, len, reply);
    else
        ret = talk_socket(&msg, payload, len, reply);
    if (ret) {
        printf("CONNECTION %s\n", strerror(-ret));
        return 3;
    }
    reply[msg.len] = 0;
    if (msg.type == XS_ERROR) {
        printf("ERROR %s\n", reply);
        return 1;
    }
    for (n = 0; n < msg.len; n++)
        if (!reply[n])
            reply[n] = '\n';
    printf("%s%s", reply, msg.len && reply[msg.len - 1] == '\n' ? "" : "\n");
    return 0;
}
