// SPDX-License-Identifier: GPL-2.0-only
/*
 * synguard top [IFACE]: a full-screen live view (ncurses). Rates come from
 * the per-CPU counters sampled every second; the attack state from
 * attack_map; top sources from the sampled drop events, which top reads
 * from the ring buffer (so it shares them with any other reader).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <curses.h>

#include "names.h"
#include "attachment.h"
#include "cookies.h"
#include "listen_diag.h"
#include "rtt.h"
#include "stats_read.h"
#include "verbs.h"

#define HISTORY		60	/* seconds of sparkline */
#define MAX_SOURCES	256

struct source {
	char addr[INET6_ADDRSTRLEN];
	__u64 n;
	__u32 last_reason;
};

struct top {
	struct sg_attachment a;
	struct sg_snapshot prev, cur;
	bool have_prev;
	double pps[HISTORY], synacks[HISTORY], drops[HISTORY];
	int hist_n;
	struct source src[MAX_SOURCES];
	int nsrc;
	time_t window;		/* top sources: the current minute */
	struct sg_rtt rtt[HISTORY]; /* a second apart, the newest last */
	int rtt_n;
	struct sg_listen_health listen;
	bool have_listen;
	unsigned long long overflows_prev;
};

static int top_event(void *ctx, void *data, size_t size)
{
	const struct sg_event *e = data;
	struct top *t = ctx;
	char addr[INET6_ADDRSTRLEN];
	int i;

	if (size < sizeof(*e) || e->kind != SG_EV_DROP_SAMPLE || !e->family)
		return 0;
	inet_ntop(e->family == 4 ? AF_INET : AF_INET6, e->saddr, addr, sizeof(addr));
	for (i = 0; i < t->nsrc && strcmp(t->src[i].addr, addr); i++)
		;
	if (i == t->nsrc) {
		if (t->nsrc == MAX_SOURCES)
			return 0;
		snprintf(t->src[t->nsrc++].addr, sizeof(addr), "%s", addr);
	}
	t->src[i].n += 1 + e->suppressed;
	t->src[i].last_reason = e->reason;
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct source *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

static void push(double *h, int n, double v)
{
	memmove(h, h + 1, (HISTORY - 1) * sizeof(*h));
	h[HISTORY - 1] = v;
	(void)n;
}

/* A sparkline of the last @width values of @h, in Unicode blocks. */
static void spark(int y, int x, const double *h, int n, int width)
{
	static const char *const blocks[] = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	double max = 0;
	int from = HISTORY - (n < width ? n : width);

	for (int i = from; i < HISTORY; i++)
		max = h[i] > max ? h[i] : max;
	move(y, x);
	for (int i = from; i < HISTORY; i++)
		addstr(blocks[max > 0 ? (int)(h[i] / max * 8 + 0.5) : 0]);
}

static double rate(const struct top *t, unsigned int i, double dt)
{
	return t->have_prev && dt > 0 ? (t->cur.c[i].packets - t->prev.c[i].packets) / dt : 0;
}

/* Handshake RTTs over the last minute, and the protected listeners. */
static int draw_health(struct top *t, int y, double dt)
{
	struct sg_rtt win;

	y++;
	if (t->rtt_n && !t->rtt[HISTORY - 1].measured) {
		mvprintw(y++, 0, "handshake RTT: not measured (the socket counter is off)");
	} else if (t->rtt_n) {
		win = t->rtt[HISTORY - 1];
		sg_rtt_sub(&win, &t->rtt[HISTORY - t->rtt_n]);
		if (win.count)
			mvprintw(y++, 0,
				 "handshake RTT, last %2d s: median %.2f ms, p90 %.2f ms, "
				 "p99 %.2f ms (%llu accepted)",
				 t->rtt_n, sg_rtt_quantile(&win, 0.5) * 1e3,
				 sg_rtt_quantile(&win, 0.9) * 1e3,
				 sg_rtt_quantile(&win, 0.99) * 1e3, (unsigned long long)win.count);
		else
			mvprintw(y++, 0, "handshake RTT, last %2d s: no connection accepted",
				 t->rtt_n);
	}
	if (!t->have_listen)
		return y;
	for (int i = 0; i < t->listen.n && i < 4; i++) {
		const struct sg_listener *l = &t->listen.l[i];
		char name[80];

		sg_listener_name(l, name, sizeof(name));
		mvprintw(y++, 0, "listener %-30s accept queue %5u of %-5u %6u half-open", name,
			 l->accept_queue, l->backlog, l->syn_recv);
	}
	mvprintw(y++, 0, "kernel: %llu listen overflows (%.0f/s), %llu listen drops",
		 t->listen.overflows,
		 dt > 0 && t->listen.overflows >= t->overflows_prev
			 ? (t->listen.overflows - t->overflows_prev) / dt
			 : 0.0,
		 t->listen.drops);
	return y;
}

/* A second's sample of the RTT histogram and the listeners. */
static void sample_health(struct top *t)
{
	memmove(t->rtt, t->rtt + 1, (HISTORY - 1) * sizeof(*t->rtt));
	if (!sg_rtt_read(&t->a, &t->rtt[HISTORY - 1]))
		t->rtt_n += t->rtt_n < HISTORY;
	t->overflows_prev = t->have_listen ? t->listen.overflows : 0;
	t->have_listen = !sg_listen_health_read(&t->a, &t->listen);
	if (!t->overflows_prev)
		t->overflows_prev = t->listen.overflows;
}

static void draw(struct top *t)
{
	struct sg_totals now, before;
	struct sg_config cfg = {};
	struct sg_attack att = {};
	struct timespec mono;
	double dt = t->have_prev ? t->cur.mono - t->prev.mono : 0;
	int rows, cols, y = 0;
	__u32 zero = 0;

	getmaxyx(stdscr, rows, cols);
	erase();
	bpf_map_lookup_elem(t->a.config_fd, &zero, &cfg);
	bpf_map_lookup_elem(t->a.attack_fd, &zero, &att);
	sg_snapshot_totals(&t->cur, &now);
	sg_snapshot_totals(t->have_prev ? &t->prev : &t->cur, &before);
	clock_gettime(CLOCK_MONOTONIC, &mono);

	attron(A_BOLD);
	mvprintw(y++, 0, "synguard top - %s (ifindex %u, prog %u)   cookies %s", t->a.ifname,
		 t->a.info.ifindex, t->a.info.xdp_prog_id, sg_enum_name(sg_cookie_modes, cfg.cookie_mode));
	attroff(A_BOLD);
	if (cfg.cookie_mode == SG_COOKIES_AUTO && att.active_since) {
		attron(A_REVERSE);
		mvprintw(y++, 0, " ATTACK: cookies engaged for %.0f s, peak %u SYN/s per CPU ",
			 ((mono.tv_sec * 1e9 + mono.tv_nsec) - (double)att.started_ns) / 1e9,
			 att.peak_rate);
		attroff(A_REVERSE);
	} else {
		mvprintw(y++, 0, "%s (threshold %u SYN/s, %u attacks so far)",
			 cfg.cookie_mode == SG_COOKIES_AUTO ? "standing by" :
			 cfg.cookie_mode == SG_COOKIES_ALWAYS ? "cookies always on" : "filtering only",
			 cfg.syn_threshold, att.attacks);
	}
	y++;
	mvprintw(y++, 0, "%-22s %14s %14s", "", "per second", "total");
#define ROW(label, cur, prev) \
	mvprintw(y++, 0, "%-22s %14.0f %14llu", label, \
		 dt > 0 ? ((cur) - (prev)) / dt : 0.0, (unsigned long long)(cur))
	ROW("packets", now.all.packets, before.all.packets);
	ROW("passed", now.passed.packets, before.passed.packets);
	ROW("answered (SYN-ACKs)", now.answered.packets, before.answered.packets);
	ROW("dropped", now.dropped.packets, before.dropped.packets);
	ROW("cookie ACKs validated", t->cur.c[SG_STAT_PASS_COOKIE_ACK].packets,
	    (t->have_prev ? &t->prev : &t->cur)->c[SG_STAT_PASS_COOKIE_ACK].packets);
	ROW("handshakes completed", t->cur.c[SG_STAT_INFO_HANDSHAKES].packets,
	    (t->have_prev ? &t->prev : &t->cur)->c[SG_STAT_INFO_HANDSHAKES].packets);
#undef ROW
	y++;
	if (cols > 30) {
		int w = cols - 24 < HISTORY ? cols - 24 : HISTORY;

		mvprintw(y, 0, "packets/s, last %2d s", w);
		spark(y++, 22, t->pps, t->hist_n, w);
		mvprintw(y, 0, "SYN-ACKs/s");
		spark(y++, 22, t->synacks, t->hist_n, w);
		mvprintw(y, 0, "drops/s");
		spark(y++, 22, t->drops, t->hist_n, w);
	}
	y = draw_health(t, y, dt);
	y++;
	attron(A_BOLD);
	mvprintw(y++, 0, "%-26s %12s %14s", "drops by reason", "per second", "total");
	attroff(A_BOLD);
	for (unsigned int i = 0; i < SG_STAT__MAX && y < rows - 8; i++)
		if (SG_STAT_IS_DROP(i) && t->cur.c[i].packets)
			mvprintw(y++, 0, "  %-24s %12.0f %14llu", sg_stat_name(i), rate(t, i, dt),
				 (unsigned long long)t->cur.c[i].packets);
	y++;
	attron(A_BOLD);
	mvprintw(y++, 0, "%-40s %10s  %s", "top sources (sampled drops, this minute)", "drops",
		 "last reason");
	attroff(A_BOLD);
	qsort(t->src, t->nsrc, sizeof(*t->src), by_count);
	for (int i = 0; i < t->nsrc && y < rows - 1; i++)
		mvprintw(y++, 0, "  %-38s %10llu  %s", t->src[i].addr,
			 (unsigned long long)t->src[i].n, sg_stat_name(t->src[i].last_reason));
	mvprintw(rows - 1, 0, "q: quit");
	refresh();
}

static int cmd_top(int argc, char **argv);

static const struct sg_opt top_opts[] = {
	{}
};

const struct sg_verb sg_verb_top = {
	.name = "top",
	.usage = "[IFACE]",
	.summary = "full-screen live view (q quits)",
	.about = "A live full-screen view of synguard on IFACE (default: the only attachment "
		 "here): rates, cookies, drops by reason, the attack state, top sources from "
		 "sampled events, and the last minute as sparklines. q quits. It reads the "
		 "sampled events, which it shares with any other reader.",
	.opts = top_opts,
	.pos = "interface", .pos_min = 0, .pos_max = 1,
	.main = cmd_top,
};

static int cmd_top(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct top *t;
	int first, err, n;

	first = sg_params_parse(&sg_verb_top, argc, argv, NULL);
	if (first <= 0)
		return first;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (first == argc - 1) {
		err = sg_attachment_for("top", argv[first], &t->a);
	} else {
		struct sg_attachment *list = NULL;

		err = sg_require_privileges("top");
		if (!err)
			err = sg_attachment_list(&list, &n);
		if (!err && n != 1) {
			sg_err(n ? "attached to %d interfaces here; name one" :
			       "not attached to any interface in this network namespace", n);
			err = -EINVAL;
		}
		if (!err) {
			err = sg_attachment_open(list[0].dir, &t->a);
		}
		if (list)
			sg_attachment_list_free(list, n);
	}
	if (err) {
		free(t);
		return err;
	}
	rb = ring_buffer__new(t->a.events_fd, top_event, t, NULL);
	if (!rb) {
		err = -errno;
		sg_err("cannot open the event ring buffer of %s: %s", t->a.ifname, strerror(errno));
		goto out;
	}
	setlocale(LC_ALL, "");
	if (!initscr()) {
		sg_err("cannot start the terminal (is TERM set?)");
		err = -ENOTTY;
		goto out;
	}
	cbreak();
	noecho();
	curs_set(0);
	keypad(stdscr, TRUE);
	timeout(0);
	sg_install_stop_handlers();
	t->window = time(NULL) / 60;
	while (!sg_stop) {
		struct sg_totals cur, prev;
		double dt;

		t->prev = t->cur;
		t->have_prev = t->cur.mono > 0;
		if (sg_snapshot_read(t->a.stats_fd, &t->cur))
			break;
		dt = t->have_prev ? t->cur.mono - t->prev.mono : 0;
		sg_snapshot_totals(&t->cur, &cur);
		sg_snapshot_totals(&t->prev, &prev);
		if (t->have_prev && dt > 0) {
			push(t->pps, t->hist_n, (cur.all.packets - prev.all.packets) / dt);
			push(t->synacks, t->hist_n, (cur.answered.packets - prev.answered.packets) / dt);
			push(t->drops, t->hist_n, (cur.dropped.packets - prev.dropped.packets) / dt);
			t->hist_n += t->hist_n < HISTORY;
		}
		if (time(NULL) / 60 != t->window) {	/* a new minute of top sources */
			t->window = time(NULL) / 60;
			t->nsrc = 0;
		}
		ring_buffer__consume(rb);
		sample_health(t);
		draw(t);
		/* a second of keys (q quits; resizes redraw at once) */
		for (int i = 0; i < 20 && !sg_stop; i++) {
			int ch = getch();

			if (ch == 'q' || ch == 'Q')
				sg_stop = 1;
			else if (ch == KEY_RESIZE)
				draw(t);
			else
				napms(50);
		}
	}
	endwin();
out:
	ring_buffer__free(rb);
	sg_attachment_close(&t->a);
	free(t);
	return err;
}
