/* lwipopts.h: lwIP configuration of minios-guest (NO_SYS, raw API). */
#ifndef MINIOS_LWIPOPTS_H
#define MINIOS_LWIPOPTS_H

/* One thread, no OS: the app's loop drives lwIP (net/net.c). */
#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET          0
#define LWIP_NETCONN         0
#define LWIP_NETIF_API       0

/* Memory from our malloc: pools grow with the guest's RAM. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT   8
#define PBUF_POOL_SIZE  64

/* IPv4 with ARP, ICMP echo, UDP, TCP, DHCP. */
#define LWIP_IPV4                     1
#define LWIP_IPV6                     0
#define LWIP_ARP                      1
#define LWIP_ETHERNET                 1
#define LWIP_ICMP                     1
#define LWIP_RAW                      0
#define LWIP_UDP                      1
#define LWIP_TCP                      1
#define LWIP_DHCP                     1
#define LWIP_DHCP_DOES_ACD_CHECK      0
#define DHCP_DOES_ARP_CHECK           0
#define LWIP_AUTOIP                   0
#define LWIP_IGMP                     0
#define LWIP_DNS                      0
#define IP_REASSEMBLY                 1
#define IP_FRAG                       1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define ARP_TABLE_SIZE                32
#define LWIP_NETIF_STATUS_CALLBACK    1
#define LWIP_NETIF_LINK_CALLBACK      1

/* TCP: full-size segments, windows big enough for 1 MiB bodies. */
#define TCP_MSS                    1460
#define TCP_WND                    (32 * TCP_MSS)
#define LWIP_WND_SCALE             1
#define TCP_RCV_SCALE              2
#define TCP_SND_BUF                (32 * TCP_MSS)
#define TCP_SND_QUEUELEN           (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 64
#define MEMP_NUM_TCP_PCB           256
#define MEMP_NUM_TCP_PCB_LISTEN    16
#define MEMP_NUM_TCP_SEG           1024
#define MEMP_NUM_UDP_PCB           16
#define LWIP_TCP_KEEPALIVE         0
#define SO_REUSE                   1

/* Checksums in software, checked on input. */
#define CHECKSUM_GEN_IP     1
#define CHECKSUM_GEN_UDP    1
#define CHECKSUM_GEN_TCP    1
#define CHECKSUM_GEN_ICMP   1
#define CHECKSUM_CHECK_IP   1
#define CHECKSUM_CHECK_UDP  1
#define CHECKSUM_CHECK_TCP  1
#define CHECKSUM_CHECK_ICMP 1

#define LWIP_STATS         0
#define LWIP_DEBUG         0
#define LWIP_PROVIDE_ERRNO 0
#define LWIP_TIMERS        1

#endif
