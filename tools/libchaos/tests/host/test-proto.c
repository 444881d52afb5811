/* test-proto.c: chaosd's JSON requests and replies, both ways
 * (src/proto.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chaos/proto.h"
#include "tap.h"

static void test_roundtrip(void)
{
    struct chaos_request req = {.op = CHAOS_OP_CREATE}, back;
    char err[CHAOS_ERR_MAX], *line = NULL;

    chaos_config_init(&req.config);
    strcpy(req.config.name, "web");
    strcpy(req.config.kernel, "/usr/lib/minios-guest/counter");
    strcpy(req.config.cmdline, "a=\"b\" \\ c");
    req.config.memory_mb = 4;
    req.config.vcpus = 2;
    req.config.nr_vifs = 2;
    strcpy(req.config.vifs[0].mac, "00:16:3e:00:00:01");
    strcpy(req.config.vifs[0].bridge, "xenbr0");
    strcpy(req.config.vifs[1].bridge, "br1");
    strcpy(req.config.vifs[1].ip, "198.18.0.9");
    is_int(chaos_proto_request(&req, &line), 0, "create request builds");
    ok(line && line[strlen(line) - 1] == '\n', "  one line, newline-ended");
    is_int(chaos_proto_parse_request(line, &back, err, sizeof(err)), 0,
           "  and parses back");
    ok(back.op == CHAOS_OP_CREATE && !strcmp(back.config.name, "web") &&
           !strcmp(back.config.cmdline, "a=\"b\" \\ c") &&
           back.config.memory_mb == 4 && back.config.vcpus == 2,
       "  name, cmdline (quotes, backslash), memory, vcpus intact");
    ok(back.config.nr_vifs == 2 &&
           !strcmp(back.config.vifs[0].mac, "00:16:3e:00:00:01") &&
           !strcmp(back.config.vifs[1].bridge, "br1") &&
           !strcmp(back.config.vifs[1].ip, "198.18.0.9"),
       "  vifs intact");
    free(line);

    req.op = CHAOS_OP_RESIZE;
    strcpy(req.flavour, "small");
    req.target = 7;
    chaos_proto_request(&req, &line);
    is_int(chaos_proto_parse_request(line, &back, err, sizeof(err)), 0,
           "resize round trip");
    ok(back.op == CHAOS_OP_RESIZE && !strcmp(back.flavour, "small") &&
           back.target == 7,
       "  flavour and target");
    free(line);
    req.op = CHAOS_OP_SHELLS;
    req.parent = 5;
    req.count = 3;
    chaos_proto_request(&req, &line);
    is_str(line, "{\"op\":\"shells\",\"parent\":5,\"count\":3}\n",
           "shells request");
    is_int(chaos_proto_parse_request(line, &back, err, sizeof(err)), 0,
           "  parses back");
    ok(back.op == CHAOS_OP_SHELLS && back.parent == 5 && back.count == 3,
       "  parent and count");
    free(line);
    req.op = CHAOS_OP_STATUS;
    chaos_proto_request(&req, &line);
    is_str(line, "{\"op\":\"status\"}\n", "status request");
    free(line);
}

static void test_bad_requests(void)
{
    static const struct {
        const char *json, *want;
    } bad[] = {
        {"not json", "not JSON"},
        {"[1,2]", "must be a JSON object"},
        {"{\"op\":\"fly\"}", "unknown op 'fly'"},
        {"{\"op\":3}", "\"op\" must be a string"},
        {"{\"op\":\"create\"}", "create needs \"config\""},
        {"{\"op\":\"create\",\"config\":[]}", "\"config\" must be an object"},
        {"{\"op\":\"create\",\"config\":{\"name\":\"a\",\"kernel\":\"/k\","
         "\"memory\":-1,\"vcpus\":1}}",
         "\"memory\" must be an integer"},
        {"{\"op\":\"create\",\"config\":{\"name\":\"a b\",\"kernel\":\"/k\","
         "\"memory\":4,\"vcpus\":1}}",
         "name 'a b' is not valid"},
        {"{\"op\":\"create\",\"config\":{\"name\":\"a\",\"memory\":4,"
         "\"vcpus\":1}}",
         "no kernel"},
        {"{\"op\":\"create\",\"config\":{\"name\":\"a\",\"kernel\":\"/k\","
         "\"memory\":4,\"vcpus\":1,\"vifs\":[{\"mac\":\"bad\"}]}}",
         "is not a unicast"},
        {"{\"op\":\"create\",\"config\":{\"name\":\"a\",\"kernel\":\"/k\","
         "\"memory\":4,\"vcpus\":1,\"vifs\":{}}}",
         "\"vifs\" must be an array"},
        {"{\"op\":\"resize\",\"flavour\":\"a.b\",\"target\":1}",
         "not a flavour name"},
        {"{\"op\":\"resize\",\"flavour\":\"a\",\"target\":99999}",
         "\"target\" must be an integer from 0 to 4096"},
        {"{\"op\":\"shells\",\"parent\":0,\"count\":1}",
         "a \"parent\" other than 0"},
        {"{\"op\":\"shells\",\"parent\":3,\"count\":0}",
         "a \"count\" of 1 to 64"},
        {"{\"op\":\"shells\",\"parent\":3,\"count\":65}",
         "\"count\" must be an integer from 0 to 64"},
        {"{\"op\":\"shells\",\"count\":1}", "\"parent\" must be an integer"},
        /* DOMID_FIRST_RESERVED (0x7ff0) and above are no guest's. */
        {"{\"op\":\"shells\",\"parent\":32752,\"count\":1}",
         "\"parent\" must be an integer from 0 to 32751"},
        {"{\"op\":\"shells\",\"parent\":32767,\"count\":1}",
         "\"parent\" must be an integer from 0 to 32751"},
    };
    struct chaos_request req;
    char err[CHAOS_ERR_MAX];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc;

        err[0] = '\0';
        rc = chaos_proto_parse_request(bad[i].json, &req, err, sizeof(err));
        ok(rc < 0 && strstr(err, bad[i].want), "refused: %s", bad[i].want);
        if (rc >= 0 || !strstr(err, bad[i].want))
            printf("#   rc %d, error '%s'\n", rc, err);
    }
}

static void test_replies(void)
{
    struct chaos_reply rep = {.ok = true, .domid = 12}, back;
    char *line = NULL;

    strcpy(rep.name, "web");
    strcpy(rep.flavour, "small");
    is_int(chaos_proto_reply(&rep, &line), 0, "ok reply builds");
    is_int(chaos_proto_parse_reply(line, &back), 0, "  and parses");
    ok(back.ok && back.domid == 12 && !strcmp(back.name, "web") &&
           !strcmp(back.flavour, "small"),
       "  ok, domid, name, flavour");
    free(line);
    memset(&rep, 0, sizeof(rep));
    strcpy(rep.reason, "empty");
    strcpy(rep.step, "taking a shell");
    strcpy(rep.error, "pool 'small' has no ready shell");
    rep.err_no = EAGAIN;
    chaos_proto_reply(&rep, &line);
    is_int(chaos_proto_parse_reply(line, &back), 0, "error reply parses");
    ok(!back.ok && !strcmp(back.reason, "empty") &&
           !strcmp(back.step, "taking a shell") && back.err_no == EAGAIN &&
           strstr(back.error, "no ready shell"),
       "  reason, step, error, errno");
    free(line);
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"flavours\":[]}", &back), 0,
           "a status reply parses as ok");
    ok(back.ok, "  ok");
    is_int(chaos_proto_parse_reply("{\"flavours\":[]}", &back), -EINVAL,
           "no \"ok\": -EINVAL");
    is_int(chaos_proto_parse_reply("garbage", &back), -EINVAL,
           "garbage: -EINVAL");
    memset(&rep, 0, sizeof(rep));
    rep.ok = true;
    strcpy(rep.flavour, "c32");
    rep.nr_domids = 2;
    rep.domids[0] = 9;
    rep.domids[1] = 10;
    chaos_proto_reply(&rep, &line);
    is_str(line, "{\"ok\":true,\"flavour\":\"c32\",\"domids\":[9,10]}\n",
           "shells reply");
    is_int(chaos_proto_parse_reply(line, &back), 0, "  parses");
    ok(back.ok && back.nr_domids == 2 && back.domids[0] == 9 &&
           back.domids[1] == 10 && !strcmp(back.flavour, "c32"),
       "  the domids in order, the flavour");
    free(line);
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"domids\":[0]}", &back),
           -EINVAL, "a shells reply with domid 0 is refused");
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"domids\":{}}", &back),
           -EINVAL, "  domids that are no array too");
    /* Domids Xen hands out: 1 to DOMID_FIRST_RESERVED - 1 (0x7fef). */
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"domids\":[32751]}", &back),
           0, "a shells reply with domid 32751 (0x7fef) parses");
    ok(back.nr_domids == 1 && back.domids[0] == 32751, "  that domid");
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"domids\":[32752]}", &back),
           -EINVAL,
           "a shells reply with domid 32752 (DOMID_FIRST_RESERVED) "
           "is refused");
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"domids\":[9,32767]}", &back),
           -EINVAL, "  32767 (0x7fff, the old bound) too");
    is_int(chaos_proto_parse_reply(
               "{\"ok\":true,\"domid\":32751,\"name\":\"w\"}", &back),
           0, "a create reply with domid 32751 parses");
    is_int((int)back.domid, 32751, "  that domid");
    is_int(chaos_proto_parse_reply(
               "{\"ok\":true,\"domid\":32752,\"name\":\"w\"}", &back),
           -EINVAL, "a create reply with domid 32752 is refused");
    is_int(chaos_proto_parse_reply(
               "{\"ok\":true,\"domid\":65536,\"name\":\"w\"}", &back),
           -EINVAL, "  65536 (no truncation to 0) too");
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"domid\":0,\"name\":\"w\"}",
                                   &back),
           -EINVAL, "  0 (Dom0 is no created guest) too");
    is_int(chaos_proto_parse_reply("{\"ok\":true,\"domid\":\"7\"}", &back),
           -EINVAL, "  a domid that is no integer too");
}

/* A shells reply as chaos_clone() and xencloned's fork stock read it. */
static void test_shells_reply(void)
{
    struct chaos_reply rep;
    char why[CHAOS_ERR_MAX];

    is_int(chaos_proto_parse_shells(
               "{\"ok\":true,\"flavour\":\"c1\",\"domids\":[9,10]}", 2, &rep,
               why, sizeof(why)),
           0, "shells: 2 of 2 wanted");
    ok(rep.nr_domids == 2 && rep.domids[0] == 9 && rep.domids[1] == 10 &&
           !strcmp(rep.flavour, "c1"),
       "  their domids and pool");
    is_int(chaos_proto_parse_shells(
               "{\"ok\":false,\"reason\":\"empty\",\"step\":\"taking "
               "shells\",\"error\":\"pool 'c1' has 0\",\"errno\":11}",
               2, &rep, why, sizeof(why)),
           -EAGAIN, "shells: a refusal is -EAGAIN");
    is_str(why, "chaosd: pool 'c1' has 0", "  with chaosd's words");
    ok(!strcmp(rep.reason, "empty") && rep.nr_domids == 0,
       "  its reason, no shell");
    is_int(
        chaos_proto_parse_shells("{\"ok\":false}", 1, &rep, why, sizeof(why)),
        -EAGAIN, "shells: a refusal without words");
    is_str(why, "chaosd: no shell", "  says no shell");
    is_int(chaos_proto_parse_shells("{\"ok\":true,\"domids\":[7]}", 2, &rep,
                                    why, sizeof(why)),
           -EPROTO, "shells: 1 for 2 wanted is -EPROTO");
    ok(rep.nr_domids == 1 && rep.domids[0] == 7,
       "  the one handed over is named (the caller destroys it)");
    is_str(why, "chaosd: 1 shell(s) for 2 wanted", "  and said");
    is_int(chaos_proto_parse_shells("{\"ok\":true,\"domids\":[7,\"x\"]}", 2,
                                    &rep, why, sizeof(why)),
           -EPROTO, "shells: a reply not understood is -EPROTO");
    ok(rep.nr_domids == 0, "  naming no shell");
    is_str(why, "chaosd's reply is not understood", "  and said");
    is_int(chaos_proto_parse_shells("{\"ok\":true,\"domids\":[7,32752]}", 2,
                                    &rep, why, sizeof(why)),
           -EPROTO, "shells: a reserved domid (32752) is -EPROTO");
    ok(rep.nr_domids == 0, "  naming no shell (the caller destroys nothing "
                           "Xen would refuse)");
}

int main(void)
{
    test_roundtrip();
    test_bad_requests();
    test_replies();
    test_shells_reply();
    return done_testing();
}
