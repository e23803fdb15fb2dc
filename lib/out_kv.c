/* out_kv: key=value lines, quoted for the shell (see out.h). */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "out.h"
#include "out_int.h"

/* ---- key=value ---- */

static int
kv_plain(const char *v)
{
	static const char ok[] = "_./:+,@%-";

	if (*v == '\0')
		return 0;
	for (; *v != '\0'; v++) {
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		    (*v >= '0' && *v <= '9') || strchr(ok, *v) != NULL)
			continue;
		return 0;
	}
	return 1;
}

void
kv_str(FILE *f, const char *key, const char *v)
{
	if (v == NULL)
		v = "";
	fprintf(f, "%s=", key);
	if (kv_plain(v))
		fputs_unlocked(v, f);
	else {
		putc_unlocked('\'', f);
		for (; *v != '\0'; v++) {
			if (*v == '\'')
				fputs_unlocked("'\\''", f);
			else
				putc_unlocked(*v, f);
		}
		putc_unlocked('\'', f);
	}
	putc_unlocked('\n', f);
}

void
kv_u64(FILE *f, const char *key, uint64_t v)
{
	fprintf(f, "%s=%" PRIu64 "\n", key, v);
}

/* NaN and infinities have no number: an empty value, like a null. */
void
kv_f64(FILE *f, const char *key, double v)
{
	char buf[64];

	if (!isfinite(v))
		buf[0] = '\0';
	else
		out_fmt_double(buf, sizeof(buf), v, 15);
	fprintf(f, "%s=%s\n", key, buf);
}
