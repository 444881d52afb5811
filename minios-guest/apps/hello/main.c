/* hello: prints "hello from domid D" and exits 0. */
#include <stdio.h>
#include <minios/app.h>

int main(int argc, char **argv)
{
    domid_t id;

    if (argc > 1) {
        printf("hello: bad argument '%s'\n", argv[1]);
        printf("usage: hello   (no arguments)\n");
        return 2;
    }
    id = xen_domid();
    if (id == DOMID_INVALID) {
        printf("hello: cannot read my domid from xenstore\n");
        return 1;
    }
    printf("hello from domid %u\n", id);
    return 0;
}
