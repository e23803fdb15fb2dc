/* out_prom: the Prometheus text exposition format (see out.h). */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "out.h"
#include "out_int.h"

/* ---- Prometheus ---- */

void
prom_init(struct prom *p, FILE *f)
{
	p->f = f;
	p->last[0] = '\0';
}

/* HELP text escapes only backslash and newline. */
static void
prom_help(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs_unlocked("\\\\", f);
		else if (*s == '\n')
			fputs_unlocked("\\n", f);
		else
			putc_unlocked(*s, f);
	}
}

/* A name longer than last[] never matches it, so its HELP is repeated.
 * (No fprintf here or below: a scrape writes thousands of these.) */
void
prom_family(struct prom *p, const char *name, const char *type,
    const char *help)
{
	if (strcmp(p->last, name) == 0)
		return;
	fputs_unlocked("# HELP ", p->f);
	fputs_unlocked(name, p->f);
	putc_unlocked(' ', p->f);
	prom_help(p->f, help != NULL ? help : "");
	fputs_unlocked("\n# TYPE ", p->f);
	fputs_unlocked(name, p->f);
	putc_unlocked(' ', p->f);
	fputs_unlocked(type, p->f);
	putc_unlocked('\n', p->f);
	snprintf(p->last, sizeof(p->last), "%s", name);
}

void
prom_sample(struct prom *p, const char *name, double v, ...)
{
	const char *k, *lv;
	char buf[64];
	va_list ap;
	int n = 0;

	fputs_unlocked(name, p->f);
	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) != NULL) {
		lv = va_arg(ap, const char *);
		putc_unlocked(n++ == 0 ? '{' : ',', p->f);
		fputs_unlocked(k, p->f);
		fputs_unlocked("=\"", p->f);
		for (; lv != NULL && *lv != '\0'; lv++) {
			if (*lv == '\\' || *lv == '"') {
				putc_unlocked('\\', p->f);
				putc_unlocked(*lv, p->f);
			} else if (*lv == '\n')
				fputs_unlocked("\\n", p->f);
			else
				putc_unlocked(*lv, p->f);
		}
		putc_unlocked('"', p->f);
	}
	va_end(ap);
	if (n > 0)
		putc_unlocked('}', p->f);
	if (isnan(v))
		snprintf(buf, sizeof(buf), "NaN");
	else if (isinf(v))
		snprintf(buf, sizeof(buf), v > 0 ? "+Inf" : "-Inf");
	else
		out_fmt_double(buf, sizeof(buf), v, 17);
	putc_unlocked(' ', p->f);
	fputs_unlocked(buf, p->f);
	putc_unlocked('\n', p->f);
}
