/* crc32.c: CRC-32 (IEEE 802.3, as zlib and busybox's crc32 compute it). */
#include <minios/crc32.h>

uint32_t crc32(uint32_t crc, const void *buf, size_t len)
{
    static uint32_t table[256];
    const uint8_t *p = buf;

    if (!table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
