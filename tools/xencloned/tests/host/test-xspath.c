/* test-xspath.c: host tests of the parent-to-child XenStore rewriting. */
#include <glib.h>

#include "xencloned/xspath.h"
#include "tap.h"

static const struct xsrewrite rw = {
    .parent = 1,
    .child = 17,
    .child_name = "counter-clone-17",
    .parent_vm = "/vm/11111111-2222-3333-4444-555555555555",
    .child_vm = "/vm/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    .child_uuid = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    .store_mfn = 0x12345,
    .console_mfn = 0x6789a,
};

static void check_path(const char *in, const char *want)
{
    char *got = xspath_to_child(&rw, in);

    is_str(got, want, in);
    g_free(got);
}

static void check_value(const char *path, const char *in, const char *want)
{
    unsigned int len;
    char *got = xspath_value(&rw, path, in, strlen(in), &len);

    if (is_str(got, want, path))
        is_int(len, strlen(want), "  and its length");
    else
        is_int(0, 1, "  (length not checked)");
    g_free(got);
}

int main(void)
{
    struct xs_permissions perms[] = {
        {.id = 1, .perms = XS_PERM_NONE},
        {.id = 0, .perms = XS_PERM_READ},
        {.id = 1, .perms = XS_PERM_WRITE},
        {.id = 10, .perms = XS_PERM_READ},
    };
    char *roots[3], *name;
    unsigned int n, len;
    char *v;

    plan(56);

    name = xspath_child_name("counter", 17);
    is_str(name, "counter-clone-17", "child name: <name>-clone-<domid>");
    g_free(name);
    name = xspath_child_name("counter-clone-17", 23);
    is_str(name, "counter-clone-17-clone-23", "a clone's clone");
    g_free(name);

    xspath_roots(&rw, roots, &n);
    is_int(n, 3, "three roots with a vm path");
    is_str(roots[0], "/local/domain/1", "root 1: the domain's path");
    is_str(roots[1], "/libxl/1", "root 2: libxl's path");
    is_str(roots[2], rw.parent_vm, "root 3: the vm path");
    for (unsigned int i = 0; i < n; i++)
        g_free(roots[i]);
    {
        struct xsrewrite novm = rw;

        novm.parent_vm = NULL;
        xspath_roots(&novm, roots, &n);
        is_int(n, 2, "two roots without a vm path");
        for (unsigned int i = 0; i < n; i++)
            g_free(roots[i]);
    }

    check_path("/local/domain/1", "/local/domain/17");
    check_path("/local/domain/1/name", "/local/domain/17/name");
    check_path("/local/domain/1/store/ring-ref",
               "/local/domain/17/store/ring-ref");
    check_path("/libxl/1/type", "/libxl/17/type");
    check_path("/vm/11111111-2222-3333-4444-555555555555/name",
               "/vm/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/name");
    check_path("/local/domain/12/name", NULL);
    check_path("/local/domain/10", NULL);
    check_path("/local/domain", NULL);
    check_path("/libxl/11", NULL);
    check_path("/vm/11111111-2222-3333-4444-5555555555556", NULL);

    ok(xspath_skip(&rw, "/local/domain/1/device"), "device/ is skipped");
    ok(xspath_skip(&rw, "/local/domain/1/device/vif/0/state"),
       "device/ subtrees are skipped");
    ok(xspath_skip(&rw, "/local/domain/1/error"), "error/ is skipped");
    ok(xspath_skip(&rw, "/local/domain/1/console/tty"),
       "console/tty is skipped (xenconsoled writes the child's)");
    ok(xspath_skip(&rw, "/libxl/1/device/vbd"), "libxl's device/ is skipped");
    ok(!xspath_skip(&rw, "/local/domain/1/console/ring-ref"),
       "console/ring-ref is copied");
    ok(!xspath_skip(&rw, "/local/domain/1/console"), "console/ is copied");
    ok(!xspath_skip(&rw, "/local/domain/1/devices"),
       "a name that merely starts like a skipped one is copied");
    ok(!xspath_skip(&rw, "/local/domain/1/data/device"),
       "only top-level device/ is skipped");
    ok(!xspath_skip(&rw, "/local/domain/10/device"),
       "another domain's path is not ours to skip");

    check_value("/local/domain/1/name", "counter", "counter-clone-17");
    check_value("/local/domain/1/domid", "1", "17");
    check_value("/local/domain/1/vm", rw.parent_vm, rw.child_vm);
    check_value("/local/domain/1/store/ring-ref", "4660", "74565");
    check_value("/local/domain/1/console/ring-ref", "4661", "424090");
    check_value("/local/domain/1/store/port", "1", "1");
    check_value("/local/domain/1/memory/target", "16384", "16384");
    check_value("/vm/11111111-2222-3333-4444-555555555555/uuid",
                "11111111-2222-3333-4444-555555555555", rw.child_uuid);
    check_value("/vm/11111111-2222-3333-4444-555555555555/name", "counter",
                "counter-clone-17");
    check_value("/libxl/1/some-path", "/local/domain/1/data",
                "/local/domain/17/data");
    check_value("/libxl/1/other", "/local/domain/12/data",
                "/local/domain/12/data");

    /* Values are byte strings: an embedded NUL is kept, not rewritten. */
    v = xspath_value(&rw, "/local/domain/1/data/bin", "/local/domain/1\0x", 17,
                     &len);
    ok(len == 17 && !memcmp(v, "/local/domain/1\0x", 17),
       "binary values are copied as they are");
    g_free(v);

    xsperms_rewrite(&rw, perms, G_N_ELEMENTS(perms));
    is_int(perms[0].id, 17, "owner parent -> child");
    is_int(perms[0].perms, XS_PERM_NONE, "owner's default access kept");
    is_int(perms[1].id, 0, "Dom0's entry kept");
    is_int(perms[2].id, 17, "ACL entry parent -> child");
    is_int(perms[2].perms, XS_PERM_WRITE, "ACL entry's access kept");
    is_int(perms[3].id, 10, "another domain's entry kept");
    return done_testing();
}
