/* test-path.c: XenStore path rules, ids and names (src/path.c). */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "xendev/vif.h"
#include "xendev/xendev.h"

static void test_build(void)
{
    char buf[XENDEV_PATH_MAX], small[20];

    is_int(xendev_backend_path(buf, sizeof(buf), "vif", 0, 5, 0), 0,
           "backend path builds");
    is_str(buf, "/local/domain/0/backend/vif/5/0", "backend path, absolute");
    is_int(
        xendev_backend_path(buf, sizeof(buf), "vif", XENDEV_DOMID_SELF, 7, 2),
        0, "backend path relative to self builds");
    is_str(buf, "backend/vif/7/2", "backend path, relative");
    is_int(xendev_frontend_path(buf, sizeof(buf), "vif", 12, 1), 0,
           "frontend path builds");
    is_str(buf, "/local/domain/12/device/vif/1", "frontend path");
    is_int(xendev_backend_path(small, sizeof(small), "vif", 0, 5, 0),
           -ENAMETOOLONG, "too small a buffer: -ENAMETOOLONG");
    is_int(xendev_backend_path(buf, sizeof(buf), "vif", 0, 0x7ff0, 0), -EINVAL,
           "frontend domid out of range: -EINVAL");
    is_int(xendev_backend_path(buf, sizeof(buf), "v/f", 0, 1, 0), -EINVAL,
           "type with a slash: -EINVAL");
    is_int(xendev_backend_path(buf, sizeof(buf), "", 0, 1, 0), -EINVAL,
           "empty type: -EINVAL");
    is_int(xendev_frontend_path(NULL, 10, "vif", 1, 0), -EINVAL,
           "NULL buffer: -EINVAL");
    is_int(xendev_join(buf, sizeof(buf), "backend/vif/1/0", "bridge"), 0,
           "join");
    is_str(buf, "backend/vif/1/0/bridge", "join: dir/key");
    is_int(xendev_join(buf, sizeof(buf), "d", ""), -EINVAL,
           "join: empty key refused");
}

static void test_parse(void)
{
    char type[16];
    unsigned int be = 99, fe = 99, id = 99;

    is_int(xendev_parse_backend_path("backend/vif/3/0", type, sizeof(type), &be,
                                     &fe, &id),
           0, "relative backend path parses");
    ok(be == XENDEV_DOMID_SELF && fe == 3 && id == 0 && !strcmp(type, "vif"),
       "relative: self, frontend 3, devid 0, type vif");
    is_int(xendev_parse_backend_path("/local/domain/0/backend/vif/42/7", type,
                                     sizeof(type), &be, &fe, &id),
           0, "absolute backend path parses");
    ok(be == 0 && fe == 42 && id == 7, "absolute: backend 0, frontend 42, 7");
    is_int(xendev_parse_backend_path("/local/domain/2/backend/vbd/5/51712",
                                     type, sizeof(type), &be, &fe, &id),
           0, "a vbd path from a driver domain parses");
    ok(be == 2 && fe == 5 && id == 51712 && !strcmp(type, "vbd"),
       "vbd: backend 2, frontend 5, devid 51712");

    static const char *const bad[] = {
        "",
        "backend",
        "backend/vif",
        "backend/vif/3",
        "backend/vif/3/",
        "backend/vif/3/0/",
        "backend/vif/3/0/extra",
        "backend//3/0",
        "/backend/vif/3/0",
        "frontend/vif/3/0",
        "backend/vif/03/0",
        "backend/vif/-3/0",
        "backend/vif/+3/0",
        "backend/vif/3/0x1",
        "backend/vif/ 3/0",
        "backend/vif/32752/0",
        "backend/vif/99999999999/0",
        "/local/domain//backend/vif/3/0",
        "/local/domain/x/backend/vif/3/0",
        "/local/domain/0/device/vif/3/0",
        "backend/VIF/3/0",
        "backend/averyveryverylongtype/3/0",
    };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ok(xendev_parse_backend_path(bad[i], type, sizeof(type), &be, &fe,
                                     &id) < 0,
           "refused: '%s'", bad[i]);
    char small[3];
    is_int(xendev_parse_backend_path("backend/vif/3/0", small, sizeof(small),
                                     &be, &fe, &id),
           -ENAMETOOLONG, "type buffer too small: -ENAMETOOLONG");
    is_int(xendev_parse_backend_path(NULL, type, sizeof(type), &be, &fe, &id),
           -EINVAL, "NULL path: -EINVAL");
}

static void test_uint(void)
{
    unsigned int v = 5;

    is_int(xendev_parse_uint("0", 10, &v), 0, "uint: 0");
    is_int(v, 0, "uint: 0 is 0");
    is_int(xendev_parse_uint("32751", XENDEV_DOMID_MAX, &v), 0,
           "uint: the largest domid");
    is_int(xendev_parse_uint("32752", XENDEV_DOMID_MAX, &v), -ERANGE,
           "uint: one past the largest domid: -ERANGE");
    is_int(xendev_parse_uint("", 10, &v), -EINVAL, "uint: empty: -EINVAL");
    is_int(xendev_parse_uint("1a", 10, &v), -EINVAL, "uint: junk: -EINVAL");
}

static void test_names(void)
{
    char buf[XENDEV_IFNAME_MAX];
    struct xendev dev;

    is_int(xendev_vif_ifname(buf, sizeof(buf), 5, 0), 0, "vif name builds");
    is_str(buf, "vif5.0", "vif name: vif5.0");
    is_int(xendev_vif_ifname(buf, sizeof(buf), 32751, 2147483647),
           -ENAMETOOLONG, "vif name longer than IFNAMSIZ: -ENAMETOOLONG");
    is_int(xendev_ifname_valid("xenbr0"), 0, "xenbr0 is a valid name");
    is_int(xendev_ifname_valid("0123456789abcde"), 0, "15 bytes: valid");
    is_int(xendev_ifname_valid("0123456789abcdef"), -EINVAL,
           "16 bytes: too long");
    is_int(xendev_ifname_valid("a/b"), -EINVAL, "slash: invalid");
    is_int(xendev_ifname_valid("a b"), -EINVAL, "space: invalid");
    is_int(xendev_ifname_valid(".."), -EINVAL, "'..': invalid");
    is_int(xendev_ifname_valid(""), -EINVAL, "empty: invalid");
    is_int(xendev_mac_valid("00:16:3e:01:02:0a"), 0, "a Xen MAC is valid");
    is_int(xendev_mac_valid("01:16:3e:01:02:0a"), -EINVAL,
           "a multicast MAC is not");
    is_int(xendev_mac_valid("00:16:3e:01:02"), -EINVAL, "short MAC: invalid");
    is_int(xendev_mac_valid("00-16-3e-01-02-0a"), -EINVAL, "dashes: invalid");
    is_int(xendev_mac_valid("00:16:3e:01:02:0g"), -EINVAL, "non-hex: invalid");

    ok(xendev_ops_find("vif") == &xendev_vif_ops, "ops for vif found");
    ok(xendev_ops_find("vbd") == NULL, "no ops for vbd (yet)");
    ok(xendev_ops_find(NULL) == NULL, "no ops for NULL");
    is_int(xendev_init(&dev, &xendev_vif_ops, 0, 9, 1), 0, "init a vif");
    is_str(dev.backend, "/local/domain/0/backend/vif/9/1", "init: backend");
    is_str(dev.frontend, "/local/domain/9/device/vif/1", "init: frontend");
    is_int(xendev_init(&dev, NULL, 0, 9, 1), -EINVAL, "init without ops");
    is_int(xendev_init(&dev, &xendev_vif_ops, 0, 40000, 1), -EINVAL,
           "init with a bad domid");
}

int main(void)
{
    test_build();
    test_parse();
    test_uint();
    test_names();
    return done_testing();
}
