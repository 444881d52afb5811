/* ctlparse.h: parsing one control-socket request line (pure). */
#ifndef XEN9PFSD_CTLPARSE_H
#define XEN9PFSD_CTLPARSE_H

/* Parse a request line: 0 and the domids for "clone P C", 1 for "ping",
 * -EINVAL otherwise. (Pure: host-tested.) */
int control_parse(const char *line, unsigned int *parent, unsigned int *child);

#endif
