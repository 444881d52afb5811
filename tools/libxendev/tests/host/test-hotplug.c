/* test-hotplug.c: libxl's hotplug calling convention (src/hotplug.c). */
#include <errno.h>
#include <string.h>

#include "tap.h"
#include "xendev/hotplug.h"

/* A fake environment: NULL-terminated NAME, VALUE pairs. */
static const char *const *fake_env;

static const char *get(const char *name)
{
    for (const char *const *e = fake_env; e && e[0]; e += 2)
        if (!strcmp(e[0], name))
            return e[1];
    return NULL;
}

static int parse(const char *const *env, struct xendev_hotplug_req *req,
                 char *err, size_t len, int argc, ...)
{
    char *argv[8];
    va_list ap;

    va_start(ap, argc);
    for (int i = 0; i < argc && i < 7; i++)
        argv[i] = va_arg(ap, char *);
    va_end(ap);
    argv[argc] = NULL;
    fake_env = env;
    return xendev_hotplug_parse(argc, argv, get, req, err, len);
}

#define HAS(err, s) (strstr((err), (s)) != NULL)

int main(void)
{
    struct xendev_hotplug_req r;
    char err[256];
    static const char *const libxl_env[] = {
        "script",
        "/etc/xen/scripts/vif-bridge",
        "XENBUS_TYPE",
        "vif",
        "XENBUS_PATH",
        "backend/vif/3/0",
        "XENBUS_BASE_PATH",
        "backend",
        "netdev",
        "",
        "vif",
        "vif3.0",
        NULL,
    };

    is_int(parse(libxl_env, &r, err, sizeof(err), 3, "vif-bridge", "online",
                 "type_if=vif"),
           0, "libxl's online call parses");
    ok(r.action == XENDEV_HOTPLUG_ONLINE, "online");
    ok(r.fe_domid == 3 && r.devid == 0 && r.be_domid == XENDEV_DOMID_SELF,
       "domid 3, devid 0, backend: self");
    is_str(r.ifname, "vif3.0", "interface vif3.0");
    is_str(r.backend, "backend/vif/3/0", "backend path as given");
    is_str(r.type, "vif", "type vif");
    is_int(parse(libxl_env, &r, err, sizeof(err), 3, "vif-bridge", "offline",
                 "type_if=vif"),
           0, "libxl's offline call parses");
    ok(r.action == XENDEV_HOTPLUG_OFFLINE, "offline");
    is_int(parse(libxl_env, &r, err, sizeof(err), 2, "x", "add"), 0,
           "add parses");
    ok(r.action == XENDEV_HOTPLUG_ONLINE, "add means online");
    is_int(parse(libxl_env, &r, err, sizeof(err), 2, "x", "remove"), 0,
           "remove parses");
    ok(r.action == XENDEV_HOTPLUG_OFFLINE, "remove means offline");
    is_int(parse(NULL, &r, err, sizeof(err), 2, "x", "--help"), 0,
           "--help parses without environment");
    ok(r.action == XENDEV_HOTPLUG_HELP, "--help is help");

    static const char *const no_vif[] = {
        "XENBUS_PATH", "/local/domain/0/backend/vif/12/1", NULL};
    is_int(parse(no_vif, &r, err, sizeof(err), 2, "x", "online"), 0,
           "absolute XENBUS_PATH, no vif: parses");
    is_str(r.ifname, "vif12.1", "interface name derived: vif12.1");
    ok(r.be_domid == 0, "backend domid 0");

    is_int(parse(libxl_env, &r, err, sizeof(err), 1, "x"), -EINVAL,
           "no action: -EINVAL");
    ok(HAS(err, "missing ACTION"), "no action: says so (%s)", err);
    is_int(parse(libxl_env, &r, err, sizeof(err), 2, "x", "start"), -EINVAL,
           "unknown action: -EINVAL");
    ok(HAS(err, "unknown ACTION 'start'"), "unknown action named (%s)", err);
    is_int(
        parse(libxl_env, &r, err, sizeof(err), 3, "x", "online", "type_if=tap"),
        -EINVAL, "type_if=tap: -EINVAL");
    ok(HAS(err, "type_if=vif"), "type_if=tap: says only vif (%s)", err);
    is_int(parse(libxl_env, &r, err, sizeof(err), 3, "x", "online", "junk"),
           -EINVAL, "extra argument: -EINVAL");
    ok(HAS(err, "unexpected argument 'junk'"), "extra argument named (%s)",
       err);

    static const char *const empty[] = {NULL};
    is_int(parse(empty, &r, err, sizeof(err), 2, "x", "online"), -EINVAL,
           "no XENBUS_PATH: -EINVAL");
    ok(HAS(err, "XENBUS_PATH is not set"), "no XENBUS_PATH: says so (%s)", err);
    static const char *const badpath[] = {"XENBUS_PATH", "backend/vif/x/0",
                                          NULL};
    is_int(parse(badpath, &r, err, sizeof(err), 2, "x", "online"), -EINVAL,
           "bad XENBUS_PATH: -EINVAL");
    ok(HAS(err, "'backend/vif/x/0' is not a backend path"),
       "bad XENBUS_PATH: named (%s)", err);
    static const char *const vbd[] = {"XENBUS_PATH", "backend/vbd/3/51712",
                                      NULL};
    is_int(parse(vbd, &r, err, sizeof(err), 2, "x", "online"), -EINVAL,
           "a vbd path: -EINVAL");
    ok(HAS(err, "only vif is handled"), "a vbd path: only vif (%s)", err);
    static const char *const mismatch[] = {"XENBUS_PATH", "backend/vif/3/0",
                                           "XENBUS_TYPE", "vbd", NULL};
    is_int(parse(mismatch, &r, err, sizeof(err), 2, "x", "online"), -EINVAL,
           "XENBUS_TYPE mismatch: -EINVAL");
    ok(HAS(err, "XENBUS_TYPE 'vbd' does not match"),
       "XENBUS_TYPE mismatch: says so (%s)", err);
    static const char *const othervif[] = {"XENBUS_PATH", "backend/vif/3/0",
                                           "vif", "vif4.0", NULL};
    is_int(parse(othervif, &r, err, sizeof(err), 2, "x", "online"), -EINVAL,
           "vif of another domain: -EINVAL");
    ok(HAS(err, "expected 'vif3.0'"), "vif mismatch: says which (%s)", err);
    static const char *const badvif[] = {"XENBUS_PATH", "backend/vif/3/0",
                                         "vif", "../../etc", NULL};
    is_int(parse(badvif, &r, err, sizeof(err), 2, "x", "online"), -EINVAL,
           "vif not a name: -EINVAL");
    ok(HAS(err, "is not an interface name"), "bad vif: says so (%s)", err);
    is_int(xendev_hotplug_parse(2, NULL, get, &r, err, sizeof(err)), -EINVAL,
           "NULL argv: -EINVAL");
    is_int(xendev_hotplug_parse(2, NULL, NULL, &r, err, sizeof(err)), -EINVAL,
           "NULL getenv: -EINVAL");
    return done_testing();
}
