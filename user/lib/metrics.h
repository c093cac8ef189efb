/* SPDX-License-Identifier: GPL-2.0-only */
/* Prometheus metrics over HTTP (libmicrohttpd). */
#ifndef SG_USER_METRICS_H
#define SG_USER_METRICS_H

#include <stddef.h>

struct sg_attachment;
struct sg_metrics;

char *sg_metrics_render(const struct sg_attachment *a, size_t *len);
int sg_metrics_check(const char *listen);
struct sg_metrics *sg_metrics_start(const char *listen, const struct sg_attachment *a);
void sg_metrics_stop(struct sg_metrics *m);

#endif /* SG_USER_METRICS_H */
