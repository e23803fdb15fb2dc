/*
 * stat: what pipe tells a person while it works (-P, pv-style, on
 * stderr) and when it is done (--stats, --json).
 */
#include "pipe.h"

#include <math.h>

/* "1.5 MiB" without the space-padded width of out_iec. */
static const char *
iec(char *buf, size_t len, double v)
{
	return out_iec(buf, len, v < 0 ? 0 : (uint64_t)v);
}

void
progress_draw(const struct relay *r, uint64_t size, int final)
{
	char b[32], rt[32], el[32], eta[48], line[160];
	double now = loop_now(), secs = now - r->start, rate;
	uint64_t n = relay_bytes(r);

	rate = secs > 0 ? (double)n / secs : 0;
	out_duration(el, sizeof(el), secs);
	eta[0] = '\0';
	if (size > 0 && !final) {
		if (rate > 0 && n < size) {
			out_duration(b, sizeof(b),
			    (double)(size - n) / rate);
			snprintf(eta, sizeof(eta), " ETA %s", b);
		}
		snprintf(b, sizeof(b), " %3.0f%%", n >= size ? 100.0 :
		    floor(100.0 * (double)n / (double)size));
		strncat(eta, b, sizeof(eta) - strlen(eta) - 1);
	}
	iec(b, sizeof(b), (double)n);
	iec(rt, sizeof(rt), rate);
	snprintf(line, sizeof(line), "\r%s %s/s %s%s\033[K%s", b, rt, el, eta,
	    final ? "\n" : "");
	fputs(line, stderr);
	fflush(stderr);
}

static void
stats_json(const struct relay *r, double secs)
{
	const struct flow *f;
	struct json j;
	size_t i, k;

	json_init(&j, stderr, 0);
	json_obj(&j, NULL);
	json_u64(&j, "bytes", relay_bytes(r));
	json_f64(&j, "seconds", secs);
	json_f64(&j, "rate", secs > 0 ? (double)relay_bytes(r) / secs : 0);
	json_arr(&j, "flows");
	for (k = 0; k < r->nf; k++) {
		f = &r->f[k];
		json_obj(&j, NULL);
		json_str(&j, "source", f->src->ep->spec);
		json_u64(&j, "bytes", f->bytes);
		json_arr(&j, "sinks");
		for (i = 0; i < f->nsk; i++) {
			json_obj(&j, NULL);
			json_str(&j, "sink", f->sk[i].c->ep->spec);
			json_u64(&j, "bytes", f->sk[i].bytes);
			json_str(&j, "state", f->sk[i].state == SK_DROPPED ?
			    "dropped" : f->sk[i].state == SK_DONE ? "done" :
			    "open");
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
	json_flush(&j);
}

void
stats_print(const struct relay *r, int json)
{
	double secs = loop_now() - r->start;
	const struct flow *f;
	char b[32], rt[32];
	size_t i, k;

	if (json) {
		stats_json(r, secs);
		return;
	}
	for (k = 0; k < r->nf; k++) {
		f = &r->f[k];
		iec(b, sizeof(b), (double)f->bytes);
		iec(rt, sizeof(rt), secs > 0 ? (double)f->bytes / secs : 0);
		fprintf(stderr, "%s: %" PRIu64 " bytes (%s) read in %.3f s, "
		    "%s/s\n", f->src->name, f->bytes, b, secs, rt);
		for (i = 0; i < f->nsk; i++)
			fprintf(stderr, "%s: %" PRIu64 " bytes written%s\n",
			    f->sk[i].c->name, f->sk[i].bytes,
			    f->sk[i].state == SK_DROPPED ? " (dropped)" : "");
	}
}
