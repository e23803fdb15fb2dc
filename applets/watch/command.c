/* command: running the command (stub while the event stream lands). */
#include "watch.h"

int
cmd_start(struct watch *w)
{
	(void)w;
	warnx("running a command is not built yet");
	return -1;
}

void
cmd_event(struct watch *w, const struct ev *e)
{
	(void)w;
	(void)e;
}

int
periodic_run(struct watch *w)
{
	(void)w;
	warnx("--interval is not built yet");
	return EXIT_NO;
}
