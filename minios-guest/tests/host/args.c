/* args.c: command-line splitting and strict number parsing of apps. */
#include <errno.h>
#include <string.h>
#include "tap.h"
#include <minios/app.h>

static int split(const char *line, char **argv, int max, char *buf)
{
    strcpy(buf, line);
    return args_split(buf, argv, max);
}

int main(void)
{
    char buf[256], *argv[8];
    const char *v;
    unsigned long n;

    ok(split("", argv, 8, buf) == 0, "an empty line has no words");
    ok(split("   \t ", argv, 8, buf) == 0, "blanks only: no words");
    ok(split("mb=64", argv, 8, buf) == 1 && !strcmp(argv[0], "mb=64"),
       "one word");
    ok(split("  a  bb\tccc ", argv, 8, buf) == 3 && !strcmp(argv[0], "a") &&
           !strcmp(argv[1], "bb") && !strcmp(argv[2], "ccc"),
       "words split at runs of blanks");
    ok(split("msg='hello world' x=\"a b\"c", argv, 8, buf) == 2 &&
           !strcmp(argv[0], "msg=hello world") && !strcmp(argv[1], "x=a bc"),
       "quotes group blanks into a word");
    ok(split("a 'open", argv, 8, buf) == -EINVAL,
       "an unterminated quote is an error");
    ok(split("1 2 3", argv, 2, buf) == -E2BIG, "too many words: E2BIG");

    ok(arg_value("mb=12", "mb", &v) == 1 && !strcmp(v, "12"),
       "arg_value finds KEY=");
    ok(arg_value("mbx=12", "mb", &v) == 0 && arg_value("mb", "mb", &v) == 0,
       "arg_value needs KEY followed by =");
    ok(parse_ulong("0", &n) == 0 && n == 0, "parse_ulong 0");
    ok(parse_ulong("18446744073709551615", &n) == 0 && n == ~0UL,
       "parse_ulong ULONG_MAX");
    ok(parse_ulong("18446744073709551616", &n) == -ERANGE,
       "parse_ulong overflow is ERANGE");
    ok(parse_ulong("", &n) == -EINVAL && parse_ulong("12a", &n) == -EINVAL &&
           parse_ulong("-1", &n) == -EINVAL && parse_ulong(" 1", &n) == -EINVAL,
       "parse_ulong rejects empty, junk, signs and blanks");
    return done_testing();
}
