/* SPDX-License-Identifier: GPL-2.0-only */
/* The modes' names, one name-value table each (names.c). */
#ifndef SG_USER_NAMES_H
#define SG_USER_NAMES_H

#include "params.h"

extern const struct sg_enum sg_cookie_modes[];		/* SG_COOKIES_* */
extern const struct sg_enum sg_completions[];		/* enum sg_completion */
extern const struct sg_enum sg_roles[];			/* enum sg_role */
extern const struct sg_enum sg_oos_modes[];		/* SG_OOS_* */
extern const struct sg_enum sg_xdp_modes[];		/* SG_XDP_MODE_* */
extern const struct sg_enum sg_attach_kinds[];		/* SG_ATTACH_* */
extern const struct sg_enum sg_event_kinds[];		/* SG_EV_* */
extern const struct sg_enum sg_handoff_choices[];	/* SG_HANDOFF_{AUTO,TRY_META,FORCE_MAP} */
extern const struct sg_enum sg_handoff_paths[];		/* enum sg_handoff_path */
extern const struct sg_enum sg_on_off[];		/* 1, 0 */

#endif /* SG_USER_NAMES_H */
