/* httpd.h: the pieces of the httpd app. */
#ifndef HTTPD_H
#define HTTPD_H

#include <stddef.h>
#include <stdint.h>

/* What every response serves. */
struct body {
    const char *data;
    size_t size;
    uint32_t crc;
};

/* Print the netfront counters after every this many connections (0: never). */
extern unsigned long httpd_stats_every;

/* This domain's id (it changes in a clone), for X-Domid. */
unsigned int httpd_domid(void);

/* Serve HTTP/1.1 on the listening socket LFD for ever. */
void serve(int lfd, const struct body *b);

#endif
