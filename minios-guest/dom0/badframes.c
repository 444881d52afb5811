/* badframes.c: Dom0 helper: send crafted Ethernet frames to a guest on its
 * vif (truncated, bad checksums, ARP storm, SYN flood) and count answers. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: minios-badframes IFACE GUEST-MAC GUEST-IP KIND COUNT\n"
    "  send COUNT frames of KIND out of IFACE (the guest's vif) to the\n"
    "  guest, then listen 1 s and print 'sent N failed F replies R' (R:\n"
    "  ICMP echo replies and TCP SYN-ACKs from the guest that answer this\n"
    "  run's frames: each run tags its echo ids and sequence numbers, so a\n"
    "  late answer to an earlier run is not counted; each SYN-ACK counted\n"
    "  gets an RST, as a real peer would send). KIND:\n"
    "  ping, syn           well-formed (controls: they are answered)\n"
    "  badipsum            ICMP echo requests with a wrong IP checksum\n"
    "  badicmpsum          ICMP echo requests with a wrong ICMP checksum\n"
    "  badtcpsum           TCP SYNs to port 80 with a wrong TCP checksum\n"
    "  short               frames of 1..41 bytes (cut Ethernet/IP headers)\n"
    "  iptrunc             IP total length 1500 in a 60-byte frame\n"
    "  oversize            frames of 1515..1600 bytes (above the MTU)\n"
    "  arpstorm            ARP requests and replies from random hosts\n"
    "  synflood            SYNs to port 80 from random addresses/ports\n";

static uint8_t src_mac[6] = {0x02, 0x00, 0x5e, 0, 0, 1};
static uint8_t dst_mac[6];
static uint32_t dst_ip; /* network order */
/* This run's tag: the ICMP echo id, and the base of the TCP sequence
 * numbers (frame i has sequence run_tag + i). */
static uint32_t run_tag;

static uint16_t csum(const void *p, size_t n, uint32_t sum)
{
    const uint8_t *b = p;

    for (; n > 1; n -= 2, b += 2)
        sum += b[0] << 8 | b[1];
    if (n)
        sum += b[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons(~sum);
}

static size_t eth(uint8_t *f, uint16_t type)
{
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    f[12] = type >> 8;
    f[13] = type;
    return 14;
}

/* IPv4 header at F (20 bytes) for PAYLOAD bytes of PROTO from SRC. */
static void ip4(uint8_t *f, uint8_t proto, uint32_t src, size_t payload)
{
    memset(f, 0, 20);
    f[0] = 0x45;
    f[2] = (20 + payload) >> 8;
    f[3] = 20 + payload;
    f[8] = 64;
    f[9] = proto;
    memcpy(f + 12, &src, 4);
    memcpy(f + 16, &dst_ip, 4);
    uint16_t c = csum(f, 20, 0);
    memcpy(f + 10, &c, 2);
}

static size_t icmp_echo(uint8_t *f, uint32_t src, int seq)
{
    size_t o = eth(f, ETHERTYPE_IP);
    uint8_t *ic = f + o + 20;

    memset(ic, 0, 16);
    ic[0] = 8;
    ic[4] = run_tag >> 8;
    ic[5] = run_tag;
    ic[6] = seq >> 8;
    ic[7] = seq;
    uint16_t c = csum(ic, 16, 0);
    memcpy(ic + 2, &c, 2);
    ip4(f + o, 1, src, 16);
    return o + 36;
}

/* A TCP segment with FLAGS from SRC:SPORT to the guest's DPORT. */
static size_t tcp_seg(uint8_t *f, uint32_t src, uint16_t sport, uint16_t dport,
                      uint32_t seq, uint8_t flags)
{
    size_t o = eth(f, ETHERTYPE_IP);
    uint8_t *t = f + o + 20, pseudo[12];

    memset(t, 0, 20);
    t[0] = sport >> 8;
    t[1] = sport;
    t[2] = dport >> 8;
    t[3] = dport;
    seq = htonl(seq);
    memcpy(t + 4, &seq, 4);
    t[12] = 5 << 4;
    t[13] = flags;
    t[14] = 0xfa;
    memcpy(pseudo, &src, 4);
    memcpy(pseudo + 4, &dst_ip, 4);
    pseudo[8] = 0;
    pseudo[9] = 6;
    pseudo[10] = 0;
    pseudo[11] = 20;
    uint32_t sum = 0;
    for (int i = 0; i < 12; i += 2)
        sum += pseudo[i] << 8 | pseudo[i + 1];
    uint16_t c = csum(t, 20, sum);
    memcpy(t + 16, &c, 2);
    ip4(f + o, 6, src, 20);
    return o + 40;
}

static size_t tcp_syn(uint8_t *f, uint32_t src, uint16_t sport, uint32_t seq)
{
    return tcp_seg(f, src, sport, 80, seq, 0x02 /* SYN */);
}

static size_t arp(uint8_t *f, int op, uint32_t sip, uint32_t tip)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    size_t o = eth(f, ETHERTYPE_ARP);
    uint8_t *a = f + o;

    if (op == 1)
        memcpy(f, bcast, 6);
    a[0] = 0, a[1] = 1, a[2] = 8, a[3] = 0, a[4] = 6, a[5] = 4;
    a[6] = 0, a[7] = op;
    memcpy(a + 8, src_mac, 6);
    memcpy(a + 14, &sip, 4);
    memcpy(a + 18, op == 1 ? (const uint8_t[6]){0} : dst_mac, 6);
    memcpy(a + 24, &tip, 4);
    return o + 28;
}

static uint32_t rand_host(void)
{
    /* 198.18.0.0/24, never .1 (Dom0) or the guest. */
    uint32_t a;
    do
        a = htonl(0xc6120000 | (2 + rand() % 250));
    while (a == dst_ip);
    return a;
}

/* Frames from the guest that answer this run's frames (COUNT of them):
 * echo replies with our id, SYN-ACKs acknowledging one of our sequence
 * numbers. A SYN-ACK is answered with an RST on FD. */
static int is_reply(int fd, const uint8_t *f, ssize_t n, unsigned long count)
{
    if (n < 34 || memcmp(f + 6, dst_mac, 6) || f[12] != 8 || f[13] != 0)
        return 0;
    const uint8_t *ip = f + 14;
    size_t hl = (ip[0] & 15) * 4;
    if (ip[9] == 1 && n >= (ssize_t)(14 + hl + 6))
        return ip[hl] == 0 && ip[hl + 4] == (uint8_t)(run_tag >> 8) &&
               ip[hl + 5] == (uint8_t)run_tag;
    if (ip[9] != 6 || n < (ssize_t)(14 + hl + 14) ||
        (ip[hl + 13] & 0x12) != 0x12)
        return 0;
    const uint8_t *t = ip + hl;
    uint32_t ack = (uint32_t)t[8] << 24 | t[9] << 16 | t[10] << 8 | t[11];
    if (ack - 1 - run_tag >= count)
        return 0;
    uint8_t rst[64];
    uint32_t to;
    memcpy(&to, ip + 16, 4);
    size_t len = tcp_seg(rst, to, t[2] << 8 | t[3], t[0] << 8 | t[1], ack,
                         0x04 /* RST */);
    if (send(fd, rst, len, 0) != (ssize_t)len)
        perror("minios-badframes: RST");
    return 1;
}

int main(int argc, char **argv)
{
    static uint8_t f[2048];
    struct sockaddr_ll sll = {.sll_family = AF_PACKET,
                              .sll_protocol = htons(ETH_P_ALL)};
    unsigned long count, sent = 0, failed = 0, replies = 0;
    const char *kind;
    int fd;

    if (argc != 6 ||
        sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &dst_mac[0],
               &dst_mac[1], &dst_mac[2], &dst_mac[3], &dst_mac[4],
               &dst_mac[5]) != 6 ||
        inet_pton(AF_INET, argv[3], &dst_ip) != 1 ||
        (count = strtoul(argv[5], NULL, 10)) < 1 || count > 1000000) {
        fputs(usage_text, stderr);
        return 2;
    }
    kind = argv[4];
    sll.sll_ifindex = if_nametoindex(argv[1]);
    if (!sll.sll_ifindex) {
        fprintf(stderr, "minios-badframes: no interface %s\n", argv[1]);
        return 2;
    }
    fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
        perror("minios-badframes: packet socket");
        return 1;
    }
    srand(time(NULL) ^ getpid());
    run_tag = (uint32_t)rand() << 16 ^ rand();
    /* As Dom0 (198.18.0.1): the guest can resolve where to answer. */
    uint32_t me = htonl(0xc6120001);
    for (unsigned long i = 0; i < count; i++) {
        size_t n;
        if (!strcmp(kind, "ping") || !strcmp(kind, "badipsum") ||
            !strcmp(kind, "badicmpsum")) {
            n = icmp_echo(f, me, i);
            if (!strcmp(kind, "badipsum"))
                f[14 + 10] ^= 0x5a;
            if (!strcmp(kind, "badicmpsum"))
                f[14 + 20 + 2] ^= 0x5a;
        } else if (!strcmp(kind, "syn") || !strcmp(kind, "badtcpsum")) {
            n = tcp_syn(f, me, 20000 + i % 40000, run_tag + i);
            if (!strcmp(kind, "badtcpsum"))
                f[14 + 20 + 16] ^= 0x5a;
        } else if (!strcmp(kind, "short")) {
            n = icmp_echo(f, me, i);
            n = 1 + i % 41;
        } else if (!strcmp(kind, "iptrunc")) {
            n = icmp_echo(f, me, i);
            f[14 + 2] = 1500 >> 8;
            f[14 + 3] = 1500 & 0xff;
            f[14 + 10] = f[14 + 11] = 0;
            uint16_t c = csum(f + 14, 20, 0);
            memcpy(f + 14 + 10, &c, 2);
            n = 60;
        } else if (!strcmp(kind, "oversize")) {
            n = icmp_echo(f, me, i);
            n = 1515 + i % 86;
        } else if (!strcmp(kind, "arpstorm")) {
            src_mac[3] = rand(), src_mac[4] = rand(), src_mac[5] = rand();
            n = arp(f, i % 2 ? 2 : 1, rand_host(),
                    i % 4 ? dst_ip : rand_host());
        } else if (!strcmp(kind, "synflood")) {
            src_mac[3] = rand(), src_mac[4] = rand(), src_mac[5] = rand();
            n = tcp_syn(f, rand_host(), 1024 + rand() % 60000, run_tag + i);
        } else {
            fputs(usage_text, stderr);
            return 2;
        }
        if (send(fd, f, n, 0) == (ssize_t)n)
            sent++;
        else
            failed++;
    }
    /* Answers within 1 s. */
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        long ms = 1000 - ((t.tv_sec - t0.tv_sec) * 1000 +
                          (t.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (ms <= 0 || poll(&p, 1, ms) != 1)
            break;
        ssize_t n = recv(fd, f, sizeof(f), 0);
        if (n > 0 && is_reply(fd, f, n, count))
            replies++;
    }
    printf("sent %lu failed %lu replies %lu\n", sent, failed, replies);
    return 0;
}
