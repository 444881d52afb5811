/* vsnprintf.c: C99 printf formatting (no floating point), freestanding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef HOST_TEST
/* Host unit tests build this file beside glibc: rename our functions. */
#define vsnprintf mos_vsnprintf
#define snprintf  mos_snprintf
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...);
#else
#include <stdio.h>
#endif

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters produced, even past SIZE */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };

struct spec {
    int flags;
    int width;
    int prec; /* -1: none */
};

static void emit_str(struct out *o, const struct spec *sp, const char *s)
{
    size_t n = 0;

    while (s[n] && (sp->prec < 0 || n < (size_t)sp->prec))
        n++;
    if (!(sp->flags & F_LEFT))
        pad(o, ' ', sp->width - (int)n);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->flags & F_LEFT)
        pad(o, ' ', sp->width - (int)n);
}

/* Integer conversion: VALUE is the magnitude, NEG its sign. */
static void emit_int(struct out *o, const struct spec *sp, uintmax_t value,
                     int neg, unsigned int base, int upper, int is_ptr)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[72];
    int n = 0;
    char sign = 0;
    const char *prefix = "";
    int prec = sp->prec;

    while (value) {
        tmp[n++] = digits[value % base];
        value /= base;
    }
    if (prec < 0)
        prec = 1;
    if (neg)
        sign = '-';
    else if (sp->flags & F_PLUS)
        sign = base == 10 && !is_ptr ? '+' : 0;
    else if (sp->flags & F_SPACE)
        sign = base == 10 && !is_ptr ? ' ' : 0;
    if ((sp->flags & F_ALT) || is_ptr) {
        if (base == 16 && (n > 0 || is_ptr))
            prefix = upper ? "0X" : "0x";
        else if (base == 8 && prec <= n)
            prec = n + 1; /* the leading zero of %#o */
    }
    int zeros = prec > n ? prec - n : 0;
    int total = n + zeros + (sign ? 1 : 0) + (int)(prefix[0] ? 2 : 0);

    if (!(sp->flags & F_LEFT) && (sp->flags & F_ZERO) && sp->prec < 0) {
        zeros += sp->width > total ? sp->width - total : 0;
        total = sp->width > total ? sp->width : total;
    }
    if (!(sp->flags & F_LEFT))
        pad(o, ' ', sp->width - total);
    if (sign)
        put(o, sign);
    for (const char *p = prefix; *p; p++)
        put(o, *p);
    pad(o, '0', zeros);
    while (n > 0)
        put(o, tmp[--n]);
    if (sp->flags & F_LEFT)
        pad(o, ' ', sp->width - total);
}

enum len { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE, L_PTRDIFF, L_MAX };

static uintmax_t get_unsigned(va_list *ap, enum len l)
{
    switch (l) {
    case L_CHAR:
        return (unsigned char)va_arg(*ap, unsigned int);
    case L_SHORT:
        return (unsigned short)va_arg(*ap, unsigned int);
    case L_LONG:
        return va_arg(*ap, unsigned long);
    case L_LLONG:
        return va_arg(*ap, unsigned long long);
    case L_SIZE:
        return va_arg(*ap, size_t);
    case L_PTRDIFF:
        return (uintmax_t)va_arg(*ap, ptrdiff_t);
    case L_MAX:
        return va_arg(*ap, uintmax_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static intmax_t get_signed(va_list *ap, enum len l)
{
    switch (l) {
    case L_CHAR:
        return (signed char)va_arg(*ap, int);
    case L_SHORT:
        return (short)va_arg(*ap, int);
    case L_LONG:
        return va_arg(*ap, long);
    case L_LLONG:
        return va_arg(*ap, long long);
    case L_SIZE:
        return (intmax_t)va_arg(*ap, size_t);
    case L_PTRDIFF:
        return va_arg(*ap, ptrdiff_t);
    case L_MAX:
        return va_arg(*ap, intmax_t);
    default:
        return va_arg(*ap, int);
    }
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    sp->width = 0;
    sp->prec = -1;
    for (;; f++) {
        if (*f == '-')
            sp->flags |= F_LEFT;
        else if (*f == '+')
            sp->flags |= F_PLUS;
        else if (*f == ' ')
            sp->flags |= F_SPACE;
        else if (*f == '#')
            sp->flags |= F_ALT;
        else if (*f == '0')
            sp->flags |= F_ZERO;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->flags |= F_LEFT;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            if (sp->prec < 0)
                sp->prec = -1;
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->prec = sp->prec * 10 + (*f++ - '0');
        }
    }
    return f;
}

static const char *parse_len(const char *f, enum len *l)
{
    *l = L_INT;
    switch (*f) {
    case 'h':
        f++;
        *l = L_SHORT;
        if (*f == 'h') {
            f++;
            *l = L_CHAR;
        }
        break;
    case 'l':
        f++;
        *l = L_LONG;
        if (*f == 'l') {
            f++;
            *l = L_LLONG;
        }
        break;
    case 'z':
        f++;
        *l = L_SIZE;
        break;
    case 't':
        f++;
        *l = L_PTRDIFF;
        break;
    case 'j':
        f++;
        *l = L_MAX;
        break;
    }
    return f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    struct spec sp;
    enum len l;
    va_list ap;

    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        const char *start = f;
        f = parse_spec(f + 1, &sp, &ap);
        f = parse_len(f, &l);
        switch (*f) {
        case 'd':
        case 'i': {
            intmax_t v = get_signed(&ap, l);
            uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
            emit_int(&o, &sp, mag, v < 0, 10, 0, 0);
            break;
        }
        case 'u':
            emit_int(&o, &sp, get_unsigned(&ap, l), 0, 10, 0, 0);
            break;
        case 'x':
        case 'X':
            emit_int(&o, &sp, get_unsigned(&ap, l), 0, 16, *f == 'X', 0);
            break;
        case 'o':
            emit_int(&o, &sp, get_unsigned(&ap, l), 0, 8, 0, 0);
            break;
        case 'p': {
            void *p = va_arg(ap, void *);
            if (!p) {
                sp.prec = -1;
                emit_str(&o, &sp, "(nil)");
            } else {
                emit_int(&o, &sp, (uintptr_t)p, 0, 16, 0, 1);
            }
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(sp.flags & F_LEFT))
                pad(&o, ' ', sp.width - 1);
            put(&o, c);
            if (sp.flags & F_LEFT)
                pad(&o, ' ', sp.width - 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = (sp.prec < 0 || sp.prec >= 6) ? "(null)" : "";
            emit_str(&o, &sp, s);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            /* Unknown conversion: print it as it was written. */
            for (const char *p = start; p <= f && *p; p++)
                put(&o, *p);
            if (!*f)
                f--;
            break;
        }
    }
    va_end(ap);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
