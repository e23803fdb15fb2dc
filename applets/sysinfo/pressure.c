/* sysinfo pressure: PSI for cpu, memory, io. */
#include "sysinfo.h"

static void
psi_rep(struct rep *o, const char *key, const struct psi_line *l)
{
	struct rep *e;

	if (!l->present) {
		rep_null(o, key, "not reported");
		return;
	}
	e = rep_obj(o, key);
	rep_f64(e, "avg10", l->avg10, UNIT_PCT);
	rep_f64(e, "avg60", l->avg60, UNIT_PCT);
	rep_f64(e, "avg300", l->avg300, UNIT_PCT);
	rep_f64(e, "total", l->total / 1e6, UNIT_SECS);
}

void
sec_pressure(struct ctx *c)
{
	static const char *res[] = { "cpu", "memory", "io" };
	struct rep *o = NULL;
	char name[64], what[64];
	size_t i;

	if (!c->pr)
		o = rep_obj(c->root, "pressure");
	for (i = 0; i < nitems(res); i++) {
		struct psi p;

		memset(&p, 0, sizeof(p));
		snprintf(what, sizeof(what), "pressure/%s", res[i]);
		if (proc_psi(res[i], &p) != 0) {
			si_missing(c, o, res[i], what, errno);
			continue;
		}
		if (!c->pr) {
			struct rep *e = rep_obj(o, res[i]);

			psi_rep(e, "some", &p.some);
			psi_rep(e, "full", &p.full);
			continue;
		}
		/* node_exporter: cpu "waiting" is some; memory and io have
		 * "waiting" (some) and "stalled" (full) */
		snprintf(name, sizeof(name), "node_pressure_%s_waiting_seconds_total",
		    res[i]);
		if (p.some.present)
			si_prom_counter(c, name, "Total time in seconds that processes have waited for the resource.",
			    p.some.total / 1e6);
		snprintf(name, sizeof(name), "node_pressure_%s_stalled_seconds_total",
		    res[i]);
		if (p.full.present && strcmp(res[i], "cpu") != 0)
			si_prom_counter(c, name, "Total time in seconds no process could make progress.",
			    p.full.total / 1e6);
	}
}
