/* test-conf.c: chaosd's key file (src/chaosd-conf.c). */
#include <errno.h>
#include <string.h>

#include "chaosd.h"
#include "tap.h"

static struct chaosd_config cfg;

static int parse(const char *text, char **err)
{
    *err = NULL;
    return chaosd_config_parse(text, "c.conf", &cfg, err);
}

int main(void)
{
    char *err = NULL;

    is_int(parse("", &err), 0, "an empty file: defaults");
    is_str(cfg.socket, "/var/run/chaosd.sock", "  default socket");
    ok(cfg.refill_rate == 4 && cfg.refill_burst == 2 && cfg.n_flavours == 0,
       "  refill 4/s burst 2, no flavours");
    chaosd_config_clear(&cfg);

    is_int(parse("[chaosd]\nsocket=/tmp/s\nrefill-rate=10\nrefill-burst=3\n"
                 "[flavour:small]\nmemory=4\nshells=5\n"
                 "[flavour:big-2]\nmemory=64\nvcpus=2\n"
                 "vifs=xenbr0;br1;\n",
                 &err),
           0, "a full file parses");
    is_str(cfg.socket, "/tmp/s", "  socket");
    ok(cfg.refill_rate == 10 && cfg.refill_burst == 3, "  refill 10/s, 3");
    is_int(cfg.n_flavours, 2, "  two flavours");
    ok(!strcmp(cfg.flavours[0].name, "small") &&
           cfg.flavours[0].memory_mb == 4 && cfg.flavours[0].vcpus == 1 &&
           cfg.flavours[0].target == 5,
       "  small: 4 MB, 1 vCPU (default), 5 shells");
    ok(!strcmp(cfg.flavours[1].name, "big-2") &&
           cfg.flavours[1].memory_mb == 64 && cfg.flavours[1].vcpus == 2 &&
           cfg.flavours[1].target == 2,
       "  big-2: 64 MB, 2 vCPUs, 2 shells (default)");
    ok(cfg.flavours[1].nr_vifs == 2 &&
           !strcmp(cfg.flavours[1].vif_bridges[0], "xenbr0") &&
           !strcmp(cfg.flavours[1].vif_bridges[1], "br1") &&
           cfg.flavours[0].nr_vifs == 0,
       "  big-2: vifs on xenbr0 and br1; small: none");
    ok(!cfg.flavours[0].clone && !cfg.flavours[1].clone,
       "  both of kind guest (the default)");
    chaosd_config_clear(&cfg);
    is_int(parse("[flavour:c32]\nmemory=32\nkind=clone\nshells=3\n"
                 "[flavour:g]\nmemory=4\nkind=guest\n",
                 &err),
           0, "kind=clone and kind=guest parse");
    ok(cfg.n_flavours == 2 && cfg.flavours[0].clone &&
           cfg.flavours[0].memory_mb == 32 && cfg.flavours[0].target == 3 &&
           !cfg.flavours[1].clone,
       "  c32 is a clone flavour of 32 MB, 3 shells; g is not");
    chaosd_config_clear(&cfg);
    is_int(parse("[flavour:cv]\nmemory=32\nkind=clone\nvifs=xenbr0\n", &err), 0,
           "a clone flavour with vifs parses (backends made ahead)");
    ok(cfg.n_flavours == 1 && cfg.flavours[0].clone &&
           cfg.flavours[0].nr_vifs == 1 &&
           !strcmp(cfg.flavours[0].vif_bridges[0], "xenbr0"),
       "  cv: a clone flavour with a vif on xenbr0");
    chaosd_config_clear(&cfg);
    is_int(parse("[flavour:cf]\nmemory=32\nkind=clone\n"
                 "seclabel= system_u:system_r:clone_domU_t \n"
                 "[flavour:g]\nmemory=4\n",
                 &err),
           0, "a flavour with a FLASK seclabel parses");
    ok(cfg.n_flavours == 2 &&
           !strcmp(cfg.flavours[0].seclabel,
                   "system_u:system_r:clone_domU_t") &&
           !cfg.flavours[0].ssidref && !cfg.flavours[1].seclabel[0],
       "  cf: its label (sid not resolved yet); g: none");
    chaosd_config_clear(&cfg);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"[chaosd]\nsocket=rel\n", "socket must be an absolute path"},
        {"[chaosd]\nrefill-rate=0\n", "refill-rate must be an integer from 1"},
        {"[chaosd]\nrefill-rate=x\n", "refill-rate must be an integer"},
        {"[chaosd]\npool=3\n", "[chaosd] unknown key 'pool'"},
        {"[flavour:a]\nvcpus=1\n", "[flavour:a] needs memory="},
        {"[flavour:a]\nmemory=0\n", "memory must be an integer from 1"},
        {"[flavour:a]\nmemory=4\nshells=5000\n", "shells must be an integer"},
        {"[flavour:a]\nmemory=4\ndisk=x\n", "unknown key 'disk'"},
        {"[flavour:a b]\nmemory=4\n", "is not a flavour name"},
        {"[pools]\n", "unknown group [pools]"},
        {"[flavour:a]\nmemory=4\nvifs=a/b\n", "'a/b' is not a bridge name"},
        {"[flavour:a]\nmemory=4\nvifs=a;b;c;d;e\n", "'e' is not a bridge"},
        {"[flavour:a]\nmemory=4\nkind=vm\n", "kind: 'vm' is not guest or "
                                             "clone"},
        {"[flavour:a]\nmemory=4\nseclabel=\n", "seclabel: '' is not a FLASK"},
        {"[flavour:a]\nmemory=4\nseclabel=clone_domU_t\n",
         "seclabel: 'clone_domU_t' is not a FLASK label (user:role:type"},
        {"[flavour:a]\nmemory=4\nseclabel=u:r:a b\n",
         "seclabel: 'u:r:a b' is not"},
        {"memory=4\n", "c.conf:"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(bad[i].text, &err);

        ok(rc < 0 && err && strstr(err, bad[i].want), "refused: %s",
           bad[i].want);
        if (rc >= 0 || !err || !strstr(err, bad[i].want))
            printf("#   rc %d, error '%s'\n", rc, err ? err : "(none)");
        if (rc >= 0)
            chaosd_config_clear(&cfg);
        g_free(err);
        err = NULL;
    }
    is_int(chaosd_config_load("/nonexistent/chaosd.conf", true, &cfg, &err), 0,
           "a missing default file: defaults");
    chaosd_config_clear(&cfg);
    is_int(chaosd_config_load("/nonexistent/chaosd.conf", false, &cfg, &err),
           -ENOENT, "a missing given file: -ENOENT");
    ok(err && strstr(err, "cannot read /nonexistent/chaosd.conf"),
       "  with the path in the error");
    g_free(err);
    return done_testing();
}
