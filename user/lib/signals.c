// SPDX-License-Identifier: GPL-2.0-only
/* SIGINT/SIGTERM end the long-running verbs (stats --watch, events). */
#include <signal.h>
#include <string.h>

#include "common.h"

volatile int sg_stop;
volatile int sg_hup;

static void sg_on_stop(int sig)
{
	sg_stop = 1;
}

void sg_install_stop_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sg_on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void sg_on_hup(int sig)
{
	sg_hup = 1;
	sg_stop = 1;	/* leave the current loop; the daemon reloads and resumes */
}

/* 'run': SIGHUP reloads the configuration file. */
void sg_install_hup_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sg_on_hup;
	/* a SIGHUP in the middle of a netlink or bpf() call restarts it
	 * rather than failing it (the event loop's epoll_wait() still wakes) */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
}
