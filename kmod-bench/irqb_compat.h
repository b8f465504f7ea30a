/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types and helpers shared by the module and the host build of the pure
 * parts (request parser, statistics), so that host unit tests and the
 * fuzzer exercise the very same source files as the kernel.
 */
#ifndef IRQB_COMPAT_H
#define IRQB_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/math.h>
#include <linux/math64.h>
#else
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int s32;
typedef long long s64;

u32 int_sqrt64(u64 x);
#define div64_s64(a, b) ((s64)(a) / (s64)(b))
#define div64_u64(a, b) ((u64)(a) / (u64)(b))
#endif

#endif /* IRQB_COMPAT_H */
