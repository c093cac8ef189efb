/* SPDX-License-Identifier: GPL-2.0-only */
/* The cookie's MAC from scratch (cookie_ref.c). */
#ifndef SG_TEST_COOKIE_REF_H
#define SG_TEST_COOKIE_REF_H

#include <stdint.h>

/* The cookie period now, from CLOCK_TAI as synguard reads it. */
uint64_t tai_period(void);

/* The 22-bit MAC of a cookie under the 16-byte @master key. */
uint32_t ref_mac(const uint8_t *master, int family, const uint8_t *saddr, const uint8_t *daddr,
		 const uint8_t *sport_be, const uint8_t *dport_be, uint32_t isn, uint64_t period,
		 uint32_t data);

#endif
