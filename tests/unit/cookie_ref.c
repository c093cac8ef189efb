// SPDX-License-Identifier: GPL-2.0-only
/* The cookie's MAC from scratch, as docs/design.md documents it, with the
 * reference SipHash (siphash_ref.c): the tests' independent oracle. */
#include <string.h>
#include <time.h>

#include "cookie_ref.h"
#include "siphash_ref.h"
#include <linux/types.h>

#include "synguard.h"

uint64_t tai_period(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_TAI, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec) >> SG_COOKIE_PERIOD_SHIFT;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* The MAC as docs/design.md documents it, computed from scratch. */
uint32_t ref_mac(const uint8_t *master, int family, const uint8_t *saddr, const uint8_t *daddr,
		 const uint8_t *sport_be, const uint8_t *dport_be, uint32_t isn, uint64_t period,
		 uint32_t data)
{
	uint8_t msg[64], ekey[16], key[16];
	uint64_t epoch = period >> SG_DEFAULT_KEY_SHIFT, w;
	size_t n = 0;

	/* per-epoch key: SipHash(master, epoch || 1), SipHash(master, epoch || 2) */
	put_le64(msg, epoch);
	put_le64(msg + 8, 1);
	put_le64(ekey, siphash_ref(master, msg, 16));
	put_le64(msg + 8, 2);
	put_le64(ekey + 8, siphash_ref(master, msg, 16));
	memcpy(key, ekey, 16);

	/* words: addresses as network-order 32-bit values, high word first */
	if (family == 6) {
		for (int i = 0; i < 4; i++, n += 8) {
			const uint8_t *a = i < 2 ? saddr + 8 * i : daddr + 8 * (i - 2);

			w = (uint64_t)(*(uint32_t *)a) << 32 | *(uint32_t *)(a + 4);
			put_le64(msg + n, w);
		}
	} else {
		w = (uint64_t)(*(uint32_t *)saddr) << 32 | *(uint32_t *)daddr;
		put_le64(msg + n, w);
		n += 8;
	}
	w = (uint64_t)isn << 32 | (uint32_t)(*(uint16_t *)sport_be) << 16 | *(uint16_t *)dport_be;
	put_le64(msg + n, w);
	n += 8;
	/* then 7 bytes: 40 bits of period, the data, the family */
	put_le64(msg + n, (period & ((1ULL << 40) - 1)) << 16 | data << 8 | family);
	n += 7;
	return siphash_ref(key, msg, n) & ((1u << 22) - 1);
}
