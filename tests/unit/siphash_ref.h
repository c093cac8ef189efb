/* SPDX-License-Identifier: GPL-2.0-only */
/* Reference SipHash-2-4 over bytes, to check the BPF cookies against. */
#ifndef SG_TEST_SIPHASH_REF_H
#define SG_TEST_SIPHASH_REF_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash_ref(const uint8_t key[16], const uint8_t *msg, size_t len);

#endif
