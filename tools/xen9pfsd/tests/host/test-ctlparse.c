/* test-ctlparse.c: control-socket request lines, good and bad. */
#include <errno.h>

#include "tap.h"
#include "xen9pfsd/ctlparse.h"

int main(void)
{
    unsigned int p = 0, c = 0;

    is_int(control_parse("clone 3 7", &p, &c), 0, "clone 3 7");
    ok(p == 3 && c == 7, "  parent 3, child 7");
    is_int(control_parse("ping", &p, &c), 1, "ping");
    is_int(control_parse("", &p, &c), -EINVAL, "an empty line");
    is_int(control_parse("clone 3", &p, &c), -EINVAL, "a missing child");
    is_int(control_parse("clone 3 7 9", &p, &c), -EINVAL, "an extra word");
    is_int(control_parse("clone 3 7x", &p, &c), -EINVAL, "trailing garbage");
    is_int(control_parse("clone 4 4", &p, &c), -EINVAL,
           "a domain as its own child");
    is_int(control_parse("clone -1 7", &p, &c), -EINVAL, "a negative domid");
    is_int(control_parse("clone 32752 7", &p, &c), -EINVAL,
           "a reserved domid (DOMID_FIRST_RESERVED)");
    is_int(control_parse("CLONE 3 7", &p, &c), -EINVAL, "case matters");
    is_int(control_parse("pingx", &p, &c), -EINVAL, "pingx");
    return done_testing();
}
