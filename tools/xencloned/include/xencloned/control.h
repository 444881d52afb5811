/* control.h: xencloned's control socket (JSON status) and its client. */
#ifndef XENCLONED_CONTROL_H
#define XENCLONED_CONTROL_H

/*
 * Parse a control request line ({"op":"status"}). Returns 0 with the op
 * (malloc()ed) in *OP, or -EINVAL with a message (malloc()ed) in *ERR.
 */
int control_parse_request(const char *line, char **op, char **err);

/* A JSON error reply line {"ok":false,"error":MSG} (malloc()ed), or NULL. */
char *control_error_reply(const char *msg);

/* Listen on PATH, non-blocking (a stale socket is replaced; one a running
 * xencloned answers on is not: -EADDRINUSE). Returns the fd or -errno. */
int control_listen(const char *path);

/*
 * Serve one connection on the listening LFD: read one request line, answer
 * with REPLY(op, data) (a malloc()ed line, NULL for "unknown op").
 */
void control_serve(int lfd, char *(*reply)(const char *op, void *data),
                   void *data);

/*
 * The client: send {"op":OP} to PATH and write the reply to stdout.
 * Returns 0, or -errno with a message for the user in *ERR (g_free it).
 */
int control_request(const char *path, const char *op, char **err);

#endif
