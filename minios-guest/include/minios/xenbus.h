/* xenbus.h: xenstore client: read, write, directory, watch, transactions. */
#ifndef MINIOS_XENBUS_H
#define MINIOS_XENBUS_H

#include <stdint.h>
#include <public/xen.h>

typedef uint32_t xenbus_transaction_t;
#define XBT_NIL ((xenbus_transaction_t)0)

/* Paths without a leading '/' are relative to /local/domain/<domid>.
 * Every call returns 0 or a negative errno (-ETIMEDOUT after 30 s). */
int xenbus_init(void);
/* *VALUE: a malloc'd, NUL-terminated copy; free() it. */
int xenbus_read(xenbus_transaction_t t, const char *path, char **value);
int xenbus_read_ulong(xenbus_transaction_t t, const char *path,
                      unsigned long *value);
int xenbus_write(xenbus_transaction_t t, const char *path, const char *value);
int xenbus_printf(xenbus_transaction_t t, const char *path, const char *fmt,
                  ...) __attribute__((format(printf, 3, 4)));
int xenbus_mkdir(xenbus_transaction_t t, const char *path);
int xenbus_rm(xenbus_transaction_t t, const char *path);
/* *NAMES: one malloc'd block (array + strings); free(*NAMES). */
int xenbus_ls(xenbus_transaction_t t, const char *path, char ***names,
              unsigned int *count);

int xenbus_transaction_start(xenbus_transaction_t *t);
/* ABORT non-zero discards; -EAGAIN means "conflict: run it again". */
int xenbus_transaction_end(xenbus_transaction_t t, int abort);

int xenbus_watch(const char *path, const char *token);
int xenbus_unwatch(const char *path, const char *token);
/* Wait for an event of watch TOKEN until DEADLINE (system ns, 0 = none).
 * *PATH (if PATH) gets a malloc'd copy of the path that fired. */
int xenbus_wait_watch(const char *token, char **path, uint64_t deadline);

/* This domain's id, read from xenstore ("domid") at every call: a clone
 * gets a new one. DOMID_INVALID if xenstore cannot tell. */
domid_t xen_domid(void);

#endif
