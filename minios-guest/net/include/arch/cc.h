/* arch/cc.h: lwIP's compiler and platform port for minios-guest. */
#ifndef MINIOS_LWIP_ARCH_CC_H
#define MINIOS_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define BYTE_ORDER         LITTLE_ENDIAN
#define LWIP_NO_LIMITS_H   1 /* -nostdinc: gcc's limits.h wants libc's */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_UNISTD_H   1
#define SSIZE_MAX          0x7fffffffffffffffL

#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define LWIP_PLATFORM_DIAG(x)                                                  \
    do {                                                                       \
        printf x;                                                              \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                \
    do {                                                                       \
        printf("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__,        \
               __LINE__);                                                      \
        abort();                                                               \
    } while (0)

/* Random numbers for ports, ISNs, DHCP xids (net/net.c). */
uint32_t net_rand(void);
#define LWIP_RAND() net_rand()

#endif
