/* test-config.c: host tests of xencloned.conf parsing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xencloned/config.h"
#include "tap.h"

/* Parse TEXT; return the status and keep *ERR's message. */
static int parse(const char *text, struct cloned_config *c, char **err)
{
    return config_parse(text, strlen(text), c, err);
}

static void bad(const char *text, const char *want_in_msg, const char *name)
{
    struct cloned_config c;
    char *err = NULL;
    int rc = parse(text, &c, &err);

    if (is_int(rc, -EINVAL, name))
        ok(err && strstr(err, want_in_msg), "  the message names '%s'",
           want_in_msg);
    else
        ok(0, "  (message not checked)");
    if (err)
        printf("#   message: %s\n", err);
    g_free(err);
    config_clear(&c);
}

int main(void)
{
    struct cloned_config c;
    const struct clone_policy *p;
    char *err = NULL, path[] = "/tmp/xencloned-test-XXXXXX";
    int fd;

    plan(60 + 4 + 5 + 14 + 5 + 6 + 4 + 9);

    memset(&c, 0xa5, sizeof(c)); /* defaults must not depend on the stack */
    is_int(parse("", &c, &err), 0, "an empty file is fine");
    is_int(c.debug_delay_ms, 0, "default: no debug delay");
    ok(c.policy.enabled, "default: enabled");
    is_int(c.policy.max_clones, 64, "default: max_clones 64");
    is_int(c.policy.max_family, 256, "default: max_family 256");
    is_int(c.policy.max_depth, 16, "default: max_depth 16");
    is_int(c.ring_pages, 1, "default: one ring page");
    is_int(c.on_exit, ON_EXIT_DESTROY, "default: ended clones are destroyed");
    ok(!c.deep_copy, "default: XenStore is copied with XS_CLONE");
    is_int(c.net_mode, NET_MODE_SAME, "default: network mode same");
    is_int(c.new_ip_first, 0xc6120080, "default: new_ips from 198.18.0.128");
    is_int(c.new_ip_last, 0xc61200fe, "  to 198.18.0.254");
    is_int(c.vif_timeout_ms, 30000, "default: vif timeout 30 s");
    ok(c.same_bond, "default: mode same spreads flows with a bond");
    config_clear(&c);
    is_int(parse("[network]\nsame_spread=none\n", &c, &err), 0,
           "[network] same_spread=none");
    ok(!c.same_bond, "  is read");
    config_clear(&c);
    bad("[network]\nsame_spread=ovs\n", "is not bond or none",
        "same_spread=ovs");

    is_int(parse("[network]\nmode=new\nnew_ips=10.0.0.5 - 10.0.1.7\n"
                 "timeout_ms=500\n",
                 &c, &err),
           0, "[network] mode, new_ips, timeout_ms");
    is_int(c.net_mode, NET_MODE_NEW, "  mode new");
    is_int(c.new_ip_first, 0x0a000005, "  first 10.0.0.5");
    is_int(c.new_ip_last, 0x0a000107, "  last 10.0.1.7");
    is_int(c.vif_timeout_ms, 500, "  timeout 500 ms");
    config_clear(&c);
    bad("[network]\nmode=other\n", "is not same or new", "mode=other");
    bad("[network]\nnew_ips=10.0.0.9-10.0.0.5\n", "new_ips",
        "a range backwards");
    bad("[network]\nnew_ips=10.0.0.0-10.0.0.5\n", "new_ips",
        "a network address");
    bad("[network]\nnew_ips=10.0.0.300-10.0.0.5\n", "new_ips",
        "an octet over 255");
    bad("[network]\nnew_ips=10.0.0.1\n", "new_ips", "no range");
    bad("[network]\ntimeout_ms=5\n", "timeout_ms", "timeout_ms=5");
    bad("[network]\nbond=yes\n", "unknown key 'bond'", "unknown key");

    is_int(parse("[children]\non_exit=preserve\n", &c, &err), 0,
           "[children] on_exit=preserve");
    is_int(c.on_exit, ON_EXIT_PRESERVE, "  is read");
    config_clear(&c);
    is_int(parse("[service]\nxenstore_copy=deep\n", &c, &err), 0,
           "[service] xenstore_copy=deep");
    ok(c.deep_copy, "  is read");
    config_clear(&c);

    is_int(parse("# comment\n[policy]\nenabled=false\nmax_clones=5\n"
                 "[service]\nring_pages=4\n"
                 "[policy:counter]\nenabled=true\n"
                 "[policy:solo]\nmax_clones=0\nmax_family=3\nmax_depth=0\n",
                 &c, &err),
           0, "a full file");
    ok(!c.policy.enabled, "[policy] enabled=false");
    is_int(c.policy.max_clones, 5, "[policy] max_clones=5");
    is_int(c.ring_pages, 4, "[service] ring_pages=4");
    is_int(c.debug_delay_ms, 0, "  debug_delay_ms still 0");
    p = config_policy_for(&c, "counter");
    ok(p->enabled, "[policy:counter] enabled");
    is_int(p->max_clones, 5, "[policy:counter] inherits max_clones 5");
    p = config_policy_for(&c, "solo");
    ok(!p->enabled, "[policy:solo] inherits enabled=false");
    is_int(p->max_clones, 0, "[policy:solo] max_clones=0");
    ok(p->max_family == 3 && p->max_depth == 0,
       "[policy:solo] max_family=3, max_depth=0");
    p = config_policy_for(&c, "counter");
    ok(p->max_family == 256 && p->max_depth == 16,
       "[policy:counter] keeps the default family limits");
    is_int(c.policy.max_shared, 0, "default: max_shared 0 (Xen's default)");
    p = config_policy_for(&c, "other");
    ok(p == &c.policy, "other names get [policy]");
    ok(config_policy_for(&c, NULL) == &c.policy, "no name gets [policy]");
    config_clear(&c);

    is_int(parse("[policy]\nenabled = yes \nmax_clones = 65535\n", &c, &err), 0,
           "spaces, 'yes' and the largest max_clones");
    ok(c.policy.enabled && c.policy.max_clones == 65535, "  are read");
    config_clear(&c);

    bad("[policy]\nenabled=maybe\n", "enabled", "a bad boolean");
    bad("[policy]\nmax_clones=65536\n", "max_clones", "max_clones too large");
    bad("[policy]\nmax_clones=-1\n", "max_clones", "a negative max_clones");
    bad("[policy]\nmax_clones=ten\n", "max_clones", "max_clones not a number");
    bad("[policy]\nmax_kids=3\n", "max_kids", "an unknown key");
    bad("[policy]\nmax_family=0\n", "max_family", "max_family 0");
    bad("[policy]\nmax_family=32769\n", "max_family", "max_family too large");
    bad("[policy]\nmax_depth=1025\n", "max_depth", "max_depth too large");
    bad("[policy]\nmax_depth=x\n", "max_depth", "max_depth not a number");
    bad("[service]\nring_pages=9\n", "ring_pages", "too many ring pages");
    is_int(parse("[service]\ndebug_delay_ms=400\n", &c, &err), 0,
           "[service] debug_delay_ms=400");
    is_int(c.debug_delay_ms, 400, "  is read");
    config_clear(&c);
    bad("[service]\ndebug_delay_ms=60001\n", "debug_delay_ms",
        "debug_delay_ms too large");
    /* Xen's shell stock for forks. */
    is_int(parse("", &c, &err), 0, "stock: defaults");
    is_int(c.fork_shells, 2, "  fork_shells 2");
    ok(!strcmp(c.chaosd_socket, "/var/run/chaosd.sock"),
       "  chaosd_socket /var/run/chaosd.sock");
    config_clear(&c);
    is_int(parse("[service]\nfork_shells=0\nchaosd_socket=/run/c.sock\n", &c,
                 &err),
           0, "stock: fork_shells=0, another socket");
    ok(c.fork_shells == 0 && !strcmp(c.chaosd_socket, "/run/c.sock"),
       "  are read");
    config_clear(&c);
    bad("[service]\nfork_shells=65\n", "fork_shells",
        "fork_shells beyond Xen's stock limit");
    bad("[service]\nchaosd_socket=relative.sock\n", "chaosd_socket",
        "a relative chaosd_socket");
    bad("[children]\non_exit=keep\n", "on_exit", "a bad on_exit");
    bad("[service]\nxenstore_copy=fast\n", "xenstore_copy",
        "a bad xenstore_copy");
    bad("[policies]\n", "policies", "an unknown group");
    bad("[policy:]\n", "policy:", "a named policy without a name");
    bad("enabled=true\n", "", "a key outside any group");

    /* Files. */
    is_int(config_load("/nonexistent/xencloned.conf", false, &c, &err), 0,
           "a missing default file gives the defaults");
    config_clear(&c);
    is_int(config_load("/nonexistent/xencloned.conf", true, &c, &err), -ENOENT,
           "a missing file given on the command line is an error");
    g_free(err);
    config_clear(&c);
    is_int(parse("[policy]\nmax_shared=20000\n[policy:x]\nmax_shared=5\n", &c,
                 &err),
           0, "max_shared in [policy] and [policy:x]");
    ok(c.policy.max_shared == 20000 &&
           config_policy_for(&c, "x")->max_shared == 5,
       "  max_shared 20000 for all, 5 for x");
    config_clear(&c);
    is_int(parse("[policy]\nmax_shared=-1\n", &c, &err), -EINVAL,
           "max_shared=-1: an error");
    g_free(err);
    err = NULL;
    config_clear(&c);
    fd = mkstemp(path);
    if (write(fd, "[policy]\nmax_clones=7\n", 22) != 22)
        return 1;
    close(fd);
    is_int(config_load(path, true, &c, &err), 0, "a file is loaded");
    is_int(c.policy.max_clones, 7, "  and its values are used");
    config_clear(&c);
    unlink(path);
    return done_testing();
}
