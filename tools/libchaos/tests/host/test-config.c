/* test-config.c: xl-syntax configurations, overrides and checks
 * (src/config.c). */
#include <errno.h>
#include <string.h>

#include "chaos/config.h"
#include "tap.h"

static struct chaos_domain_config cfg;
static char err[CHAOS_ERR_MAX];

static int parse(const char *text)
{
    chaos_config_init(&cfg);
    err[0] = '\0';
    return chaos_config_parse(&cfg, text, "t.cfg", err, sizeof(err));
}

static void test_good(void)
{
    is_int(parse("# hello.cfg: a comment\n"
                 "name = \"hello\"\n"
                 "type = \"pv\"\n"
                 "kernel = \"/usr/lib/minios-guest/hello\"\n"
                 "memory = 4\n"
                 "vcpus = 1\n"
                 "cmdline = \"\"\n"),
           0, "our hello.cfg parses");
    is_str(cfg.name, "hello", "name");
    is_str(cfg.kernel, "/usr/lib/minios-guest/hello", "kernel");
    is_int(cfg.memory_mb, 4, "memory");
    is_int(cfg.vcpus, 1, "vcpus");
    is_int(chaos_config_check(&cfg, err, sizeof(err)), 0, "it checks");

    is_int(parse("name='a'; memory=0x10 ; vcpus = 2 # c\n"
                 "kernel=\"/k\"\ncmdline = \"x=1\"\nextra = 'y=\\\"2\\\"'\n"),
           0, "single quotes, ';', hex, comments after values, escapes");
    is_int(cfg.memory_mb, 16, "0x10 is 16");
    is_str(cfg.cmdline, "x=1 y=\"2\"", "extra is appended to cmdline");

    is_int(parse("name=\"v\"\nkernel=\"/k\"\nvif = [ 'mac=00:16:3e:00:00:01,"
                 "bridge=xenbr0',\n  '',\n  'ip=198.18.0.5' , ]\n"),
           0, "a multi-line vif list with a trailing comma");
    is_int(cfg.nr_vifs, 3, "three vifs");
    is_str(cfg.vifs[0].mac, "00:16:3e:00:00:01", "vif 0 mac");
    is_str(cfg.vifs[1].bridge, "xenbr0", "vif 1: default bridge");
    is_str(cfg.vifs[1].mac, "", "vif 1: MAC made at finish");
    is_str(cfg.vifs[2].ip, "198.18.0.5", "vif 2 ip");
    is_int(parse("name=\"v\"\nvif=['']\nvif+=['bridge=br1']\n"), 0,
           "vif += appends");
    is_int(cfg.nr_vifs, 2, "  two vifs");
    is_str(cfg.vifs[1].bridge, "br1", "  the second on br1");
    is_int(parse("name = \"ab\"\nname += \"cd\"\n"), 0, "name += appends");
    is_str(cfg.name, "abcd", "  abcd");
    is_int(parse(""), 0, "an empty file parses");
    is_int(cfg.memory_mb, CHAOS_DEFAULT_MEMORY_MB, "  xl's default memory");
}

static void test_bad(void)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"disk = ['phy:/dev/x,xvda,w']\n", "t.cfg:1: key 'disk' is not "
                                           "supported by chaos"},
        {"name=\"a\"\n\non_crash = \"restart\"\n", "t.cfg:3: key 'on_crash'"},
        {"type = \"hvm\"\n", "type 'hvm' is not supported: chaos builds PV"},
        {"memory = \"4\"\n", "memory must be a number"},
        {"memory = 0\n", "memory = 0: must be 1 to 1048576"},
        {"memory = 4MB\n", "bad number"},
        {"vcpus = 129\n", "vcpus = 129: must be 1 to 128"},
        {"name = \"a b\"\n", "name 'a b' is not valid"},
        {"name = \"chaos-shell-3\"\n", "is not valid"},
        {"name = \"Domain-0\"\n", "is not valid"},
        {"name = \"unterminated\n", "unterminated string"},
        {"vif = ['mac=zz:16:3e:00:00:01']\n", "is not a unicast"},
        {"vif = ['mac=01:16:3e:00:00:01']\n", "is not a unicast"},
        {"vif = ['model=e1000']\n", "vif: key 'model' is not supported"},
        {"vif = ['bridge=a/b']\n", "not an interface name"},
        {"vif = 'bridge=xenbr0'\n", "vif must be a list"},
        {"vif = ['a', 'b', 'c', 'd', 'e']\n", "is not KEY=VALUE"},
        {"vif = ['', '', '', '', '']\n", "more than 4 vifs"},
        {"vif = ['' 'x']\n", "expected ',' or ']'"},
        {"vif = [3]\n", "quoted strings only"},
        {"vif = [''\n", "unterminated list"},
        {"name = \"a\" name = \"b\"\n", "unexpected 'n' after a value"},
        {"name \"a\"\n", "expected '=' after 'name'"},
        {"= 3\n", "expected a setting"},
        {"memory += 4\n", "+= takes a string or a list"},
        {"name = \"\\q\"\n", "unknown escape"},
        {"cmdline = ", "expected a value"},
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = parse(bad[i].text);

        ok(rc < 0 && strstr(err, bad[i].want) != NULL,
           "refused with a reason: %s", bad[i].want);
        if (rc >= 0 || !strstr(err, bad[i].want))
            printf("#   rc %d, error '%s'\n", rc, err);
    }
}

static void test_check(void)
{
    parse("name=\"a\"\n");
    is_int(chaos_config_check(&cfg, err, sizeof(err)), -EINVAL,
           "no kernel: refused");
    ok(strstr(err, "no kernel") != NULL, "  says no kernel");
    parse("kernel=\"/k\"\n");
    chaos_config_check(&cfg, err, sizeof(err));
    ok(strstr(err, "no name") != NULL, "no name: says so");
    parse("name=\"a\"\nkernel=\"k\"\n");
    chaos_config_check(&cfg, err, sizeof(err));
    ok(strstr(err, "absolute") != NULL, "a relative kernel: refused");
    parse("name=\"a\"\nkernel=\"/k\"\nmemory=4\nmaxmem=8\n");
    chaos_config_check(&cfg, err, sizeof(err));
    ok(strstr(err, "maxmem") != NULL, "maxmem != memory: refused");
    parse("name=\"a\"\nkernel=\"/k\"\nmemory=4\nmaxmem=4\nvcpus=2\n"
          "maxvcpus=2\n");
    is_int(chaos_config_check(&cfg, err, sizeof(err)), 0,
           "maxmem == memory, maxvcpus == vcpus: fine");
}

static void test_override(void)
{
    parse("name=\"a\"\nkernel=\"/k\"\nmemory=4\n");
    is_int(chaos_config_override(&cfg, "name=web2", err, sizeof(err)), 0,
           "bare string override");
    is_str(cfg.name, "web2", "  name=web2");
    is_int(chaos_config_override(&cfg, "memory=8", err, sizeof(err)), 0,
           "bare number override");
    is_int(cfg.memory_mb, 8, "  memory=8");
    is_int(chaos_config_override(&cfg, "name=\"q\"", err, sizeof(err)), 0,
           "quoted override");
    is_str(cfg.name, "q", "  name=\"q\"");
    is_int(chaos_config_override(&cfg, "cmdline=a b c", err, sizeof(err)), 0,
           "bare string with blanks");
    is_str(cfg.cmdline, "a b c", "  taken whole");
    is_int(
        chaos_config_override(&cfg, "vif=['bridge=xenbr0']", err, sizeof(err)),
        0, "list override");
    is_int(cfg.nr_vifs, 1, "  one vif");
    is_int(chaos_config_override(&cfg, "memory", err, sizeof(err)), -EINVAL,
           "no '=': refused");
    ok(strstr(err, "command line") != NULL,
       "  the error names the command line");
    is_int(chaos_config_override(&cfg, "disk=x", err, sizeof(err)), -EINVAL,
           "an unknown key on the command line: refused");
    is_int(chaos_config_override(&cfg, "memory=8x", err, sizeof(err)), -EINVAL,
           "memory=8x: a string where a number is due");
}

int main(void)
{
    test_good();
    test_bad();
    test_check();
    test_override();
    is_int(chaos_name_valid("web-1.a_b"), 0, "name web-1.a_b is valid");
    is_int(chaos_name_valid("-x"), -EINVAL, "name -x is not");
    is_int(chaos_name_valid(""), -EINVAL, "the empty name is not");
    return done_testing();
}
