/* crc32.h: CRC-32 (IEEE 802.3), as zlib and busybox's crc32 compute it. */
#ifndef MINIOS_CRC32_H
#define MINIOS_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of BUF, continuing from CRC (0 to start). */
uint32_t crc32(uint32_t crc, const void *buf, size_t len);

#endif
