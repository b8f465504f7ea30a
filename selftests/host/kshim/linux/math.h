/* SPDX-License-Identifier: GPL-2.0 */
unsigned long int_sqrt(unsigned long x);
