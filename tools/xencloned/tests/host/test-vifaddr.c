/* test-vifaddr.c: host tests of mode "new"'s MAC and address choice. */
#include <errno.h>
#include <string.h>

#include "xencloned/vifaddr.h"
#include "tap.h"

int main(void)
{
    uint32_t used[] = {0x0a000005, 0x0a000003, 0x0a000004}, a = 0;
    char buf[20], sfx[4];

    plan(20);
    vifaddr_mac(7, buf);
    is_str(buf, "00:16:3e:5c:00:07", "domain 7's MAC");
    vifaddr_mac(0x7fef, buf);
    is_str(buf, "00:16:3e:5c:7f:ef", "the largest domid's MAC");

    is_int(vifaddr_pick(0x0a000003, 0x0a000009, used, 3, &a), 0,
           "pick from .3-.9 with .3 .4 .5 taken");
    is_int(a, 0x0a000006, "  gives .6");
    is_int(vifaddr_pick(0x0a000003, 0x0a000009, used, 0, &a), 0,
           "pick with nothing taken");
    is_int(a, 0x0a000003, "  gives the first");
    is_int(vifaddr_pick(0x0a000003, 0x0a000005, used, 3, &a), -ENOSPC,
           "all taken: -ENOSPC");
    is_int(vifaddr_pick(0x0a000005, 0x0a000005, used, 2, &a), -ENOSPC,
           "a one-address range taken: -ENOSPC");

    is_int(vifaddr_parse("198.18.0.11", &a, sfx), 0, "parse 198.18.0.11");
    is_int(a, 0xc612000b, "  the address");
    is_str(sfx, "", "  no suffix");
    is_int(vifaddr_parse("10.1.2.3/16 10.9.9.9", &a, sfx), 0,
           "parse '10.1.2.3/16 10.9.9.9' (xl's list)");
    is_int(a, 0x0a010203, "  the first address");
    is_str(sfx, "/16", "  its suffix");
    is_int(vifaddr_parse("10.1.2", &a, sfx), -EINVAL, "three octets: -EINVAL");
    is_int(vifaddr_parse("10.1.2.256", &a, sfx), -EINVAL, "256: -EINVAL");
    is_int(vifaddr_parse("10.1.2.3/33", &a, sfx), -EINVAL, "/33: -EINVAL");
    is_int(vifaddr_parse("10.1.2.3x", &a, sfx), -EINVAL, "junk: -EINVAL");
    vifaddr_format(0xc6120080, "/24", buf);
    is_str(buf, "198.18.0.128/24", "format with a suffix");
    vifaddr_format(0xc61200fe, "", buf);
    is_str(buf, "198.18.0.254", "format without");
    return done_testing();
}
