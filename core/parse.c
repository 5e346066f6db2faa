// SPDX-License-Identifier: GPL-2.0-or-later
/* Number parsing: one careful implementation of what strtoull/strtod leave
 * to their callers (sign rules, overflow, empty strings, trailing bytes,
 * locale-independent fractions). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>

#include "parse.h"
#include "util.h"

/* Digits only, accumulating with overflow detection; *p is left at the first
 * non-digit. -EINVAL when there is no digit, -ERANGE past UINT64_MAX. */
static int digits_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	bool overflow = false;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int d = (unsigned int)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return overflow ? -ERANGE : 0;
}

int eg_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *p = s;
	uint64_t v;
	int rc;

	if (!s)
		return -EINVAL;
	rc = digits_u64(&p, &v);
	if (rc == -EINVAL || *p)
		return -EINVAL;
	if (rc < 0 || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int eg_parse_u64_prefix(const char **s, uint64_t *out)
{
	uint64_t v;
	int rc;

	if (!s || !*s)
		return -EINVAL;
	rc = digits_u64(s, &v);
	if (rc == 0)
		*out = v;
	return rc;
}

int eg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int rc = eg_parse_u64(s, min, max, &v);

	if (rc < 0)
		return rc;
	*out = (uint32_t)v;
	return 0;
}

int eg_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	const char *p = s;
	bool neg = false;
	uint64_t mag;
	int64_t v;
	int rc;

	if (!s)
		return -EINVAL;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	rc = digits_u64(&p, &mag);
	if (rc == -EINVAL || *p)
		return -EINVAL;
	if (rc < 0)
		return -ERANGE;
	if (neg) {
		if (mag > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	} else {
		if (mag > (uint64_t)INT64_MAX)
			return -ERANGE;
		v = (int64_t)mag;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int eg_parse_int(const char *s, int min, int max, int *out)
{
	int64_t v;
	int rc = eg_parse_i64(s, min, max, &v);

	if (rc < 0)
		return rc;
	*out = (int)v;
	return 0;
}

/* Exact powers of ten: every one up to 1e22 is representable in a double. */
static const double exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* [sign] digits [. digits]: parsed by hand so that no locale, hex float,
 * exponent, inf or nan is accepted. The digits are gathered as one integer
 * and divided once by a power of ten: when both are exact doubles (at most
 * 2^53 and 1e22), IEEE division rounds the quotient correctly, so the usual
 * configuration values come out exactly as strtod would give them. */
int eg_parse_double(const char *s, double min, double max, double *out)
{
	const char *p = s;
	bool neg = false, any = false, exact = true;
	uint64_t mant = 0;
	unsigned int frac_digits = 0;
	double v = 0.0, scale = 1.0;

	if (!s)
		return -EINVAL;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (bool frac = false;; p++) {
		unsigned int d;

		if (*p == '.' && !frac) {
			frac = true;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			break;
		d = (unsigned int)(*p - '0');
		any = true;
		if (frac) {
			scale /= 10.0;
			v += d * scale;
			frac_digits++;
		} else {
			v = v * 10.0 + d;
		}
		if (mant > ((1ULL << 53) - d) / 10)
			exact = false;
		else
			mant = mant * 10 + d;
	}
	if (!any || *p)
		return -EINVAL;
	if (exact && frac_digits < ARRAY_SIZE(exact_pow10))
		v = (double)mant / exact_pow10[frac_digits];
	if (neg)
		v = -v;
	if (!isfinite(v) || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int eg_parse_milli(const char *s, int min_m, int max_m, int *out)
{
	const char *p = s;
	bool neg = false;
	long long v = 0;
	int frac = 0, digits = 0;

	if (!s)
		return -EINVAL;
	if (*p == '-')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > INT_MAX / 1000) {
			/* Too large for any range; still refuse trailing junk first. */
			while (isdigit((unsigned char)*p))
				p++;
			if (*p && *p != '.')
				return -EINVAL;
			return -ERANGE;
		}
	}
	v *= 1000;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (++digits > 3)
				return -EINVAL;
			frac = frac * 10 + (*p - '0');
		}
		for (int i = digits; i < 3; i++)
			frac *= 10;
		v += frac;
	}
	if (*p)
		return -EINVAL;
	if (neg)
		v = -v;
	if (v < min_m || v > max_m)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

int eg_parse_hex_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && !s[1]) {
		*out = 0;
		return 0;
	}
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !isxdigit((unsigned char)s[2]))
		return -EINVAL;
	for (s += 2; *s; s++) {
		unsigned int d;

		if (!isxdigit((unsigned char)*s))
			return -EINVAL;
		d = isdigit((unsigned char)*s) ?
			    (unsigned int)(*s - '0') :
			    (unsigned int)(tolower((unsigned char)*s) - 'a' + 10);
		if (v > (UINT64_MAX >> 4))
			return -ERANGE;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}
