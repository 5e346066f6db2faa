/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Range-checked number parsing shared by every parser in eagov (device files,
 * eagov.conf, tunables, rt-app files, sysfs values, command lines): plain
 * decimal only, no sign where none is allowed, no trailing garbage, no
 * hex, exponents, inf or nan. Each returns 0, -EINVAL (not a number of that
 * form) or -ERANGE (outside [min, max]) and leaves *out alone on error. */
#pragma once

#include <stdint.h>

/* Unsigned decimal: "0", "4096". Leading and trailing blanks are refused
 * (callers trim what their format allows). */
int eg_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int eg_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* The leading digits of *s, for lists and ranges ("0-3,6") whose separators
 * the caller reads itself: *s is moved past the digits. -EINVAL when *s does
 * not start with a digit (*s unmoved), -ERANGE past UINT64_MAX. */
int eg_parse_u64_prefix(const char **s, uint64_t *out);
/* Hexadecimal as the kernel prints flags ("%#lx"): "0x" and hex digits, or
 * "0". */
int eg_parse_hex_u64(const char *s, uint64_t *out);
/* Optionally signed decimal: "-40", "+3", "12". */
int eg_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
int eg_parse_int(const char *s, int min, int max, int *out);
/* Decimal with an optional fraction: "6.5", "-0.25", "3" (no exponent).
 * With at most 15 digits, 22 of them after the point, the result is the
 * nearest double, as strtod gives; longer inputs are accurate to a few ulps. */
int eg_parse_double(const char *s, double min, double max, double *out);
/* Fixed point in thousandths, at most three decimals: "65" -> 65000,
 * "-2.5" -> -2500; min_m and max_m are in thousandths too. */
int eg_parse_milli(const char *s, int min_m, int max_m, int *out);
