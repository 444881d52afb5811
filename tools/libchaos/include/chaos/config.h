/*
 * config.h: a guest's configuration in xl's syntax (xl.cfg(5)), the subset
 * chaos builds: name, type (pv), kernel, memory, maxmem, vcpus, maxvcpus,
 * cmdline, extra, vif. Any other key is an error that names it.
 *
 * Pure: parsing touches nothing outside its arguments.
 */
#ifndef CHAOS_CONFIG_H
#define CHAOS_CONFIG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHAOS_NAME_MAX    64   /* guest name, NUL included */
#define CHAOS_PATH_MAX    256  /* kernel path, NUL included */
#define CHAOS_CMDLINE_MAX 1024 /* command line, NUL included */
#define CHAOS_MAX_VIFS    4
#define CHAOS_ERR_MAX     256 /* error messages, NUL included */
/* xl's default when a config has no memory= (libxl: 32 MB). */
#define CHAOS_DEFAULT_MEMORY_MB 32

/* One vif= entry ("mac=..,bridge=..,ip=.."). Empty mac: made at finish. */
struct chaos_vif {
    char mac[18];
    char bridge[16];
    char ip[64];
};

struct chaos_domain_config {
    char name[CHAOS_NAME_MAX];
    char kernel[CHAOS_PATH_MAX];
    char cmdline[CHAOS_CMDLINE_MAX];
    unsigned int memory_mb;
    unsigned int maxmem_mb; /* 0: same as memory (the only value we take) */
    unsigned int vcpus;
    unsigned int maxvcpus; /* 0: same as vcpus (the only value we take) */
    unsigned int nr_vifs;
    struct chaos_vif vifs[CHAOS_MAX_VIFS];
};

/* Defaults: memory CHAOS_DEFAULT_MEMORY_MB, 1 vCPU, everything else empty. */
void chaos_config_init(struct chaos_domain_config *cfg);

/*
 * Parse TEXT (xl syntax: KEY = "string" | 'string' | NUMBER | [ list ],
 * '#' comments, ';' or newlines between settings, "+=" appends to a string
 * or a list) and apply each setting over CFG. SOURCE names TEXT in
 * messages ("hello.cfg"). On error, -EINVAL (or -ENAMETOOLONG, -E2BIG) and
 * ERR holds "SOURCE:LINE: what is wrong".
 */
int chaos_config_parse(struct chaos_domain_config *cfg, const char *text,
                       const char *source, char *err, size_t err_len);

/*
 * Apply one command-line override "KEY=VALUE" as xl does. VALUE may also be
 * written bare (name=web1, memory=8) for a string or a number.
 */
int chaos_config_override(struct chaos_domain_config *cfg, const char *arg,
                          char *err, size_t err_len);

/* Check the result is complete and consistent (name and kernel set, the
 * kernel an absolute path, maxmem == memory, maxvcpus == vcpus). */
int chaos_config_check(const struct chaos_domain_config *cfg, char *err,
                       size_t err_len);

/* Parse one vif= spec ("" gives the defaults: bridge xenbr0, MAC made at
 * finish) into VIF. -EINVAL with a reason in ERR. */
int chaos_vif_parse(struct chaos_vif *vif, const char *spec, char *err,
                    size_t err_len);

/* Valid guest name: 1-63 of [A-Za-z0-9_.-], not starting with '-' or '.',
 * not "Domain-0" and not starting with "chaos-shell". */
int chaos_name_valid(const char *name);

/* The keys chaos understands, space-separated (for messages and --help). */
extern const char chaos_config_keys[];

#ifdef __cplusplus
}
#endif
#endif
