/* driver.h: the driver registry: boot init and after-clone hooks. */
#ifndef MINIOS_DRIVER_H
#define MINIOS_DRIVER_H

/*
 * Every driver defines one record with DRIVER(var, level). The linker
 * gathers the records of the drivers an image links (an app that never
 * uses netfront does not carry it), sorted by LEVEL (0-9).
 */
struct driver {
    const char *name;
    /* At boot, events enabled, in level order; NULL if the driver is
     * started on demand. A negative errno is reported, boot goes on. */
    int (*init)(void);
    /* In the child of clone()/fork(), before clone() returns there:
     * re-attach what the child does not inherit from Xen. May be NULL. */
    void (*after_clone)(void);
};

#define DRIVER(var, level)                                                     \
    static const struct driver var                                             \
        __attribute__((used, section(".drivers." #level), aligned(8)))

/* Run every init hook (main.c). */
void drivers_init(void);
/* Run every after_clone hook (clone.c, in the child). */
void drivers_after_clone(void);
/* How many drivers this image registered; their names via driver_name(). */
unsigned int drivers_count(void);
const char *driver_name(unsigned int i);

#endif
