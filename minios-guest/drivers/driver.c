/* driver.c: walk the driver records the linker gathered (see driver.h). */
#include <stdio.h>
#include <minios/driver.h>

extern const struct driver __drivers_start[], __drivers_end[];

void drivers_init(void)
{
    for (const struct driver *d = __drivers_start; d < __drivers_end; d++) {
        if (!d->init)
            continue;
        int rc = d->init();
        if (rc < 0)
            printf("minios: driver %s unavailable (%d)\n", d->name, rc);
    }
}

void drivers_after_clone(void)
{
    for (const struct driver *d = __drivers_start; d < __drivers_end; d++)
        if (d->after_clone)
            d->after_clone();
}

unsigned int drivers_count(void)
{
    return __drivers_end - __drivers_start;
}

const char *driver_name(unsigned int i)
{
    return i < drivers_count() ? __drivers_start[i].name : NULL;
}
