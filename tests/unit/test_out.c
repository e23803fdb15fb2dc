/* test_out: every writer against exact expected bytes. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../lib/out.h"
#include "unit.h"

/* Output goes to memory: cap() opens a stream, got() closes it and gives
 * the text (valid until the next cap()). */
static char *cap_buf;
static size_t cap_len;

static FILE *
cap(void)
{
	free(cap_buf);
	cap_buf = NULL;
	cap_len = 0;
	return open_memstream(&cap_buf, &cap_len);
}

static const char *
got(FILE *f)
{
	fclose(f);
	return cap_buf;
}

/* Like CHECK_STR, for whole documents: shows both on a mismatch. */
static int
same(const char *a, const char *b)
{
	if (a != NULL && strcmp(a, b) == 0)
		return 1;
	printf("--- got:\n%s--- want:\n%s---\n", a != NULL ? a : "(null)", b);
	return 0;
}

#define CHECK_TEXT(a, b)	CHECK(same((a), (b)))

/* ---- helpers ---- */

static void
t_iec(void)
{
	char b[32];

	CHECK_STR(out_iec(b, sizeof(b), 0), "0 B");
	CHECK_STR(out_iec(b, sizeof(b), 1), "1 B");
	CHECK_STR(out_iec(b, sizeof(b), 512), "512 B");
	CHECK_STR(out_iec(b, sizeof(b), 999), "999 B");
	CHECK_STR(out_iec(b, sizeof(b), 1000), "1.0 KiB");
	CHECK_STR(out_iec(b, sizeof(b), 1024), "1.0 KiB");
	CHECK_STR(out_iec(b, sizeof(b), 1536), "1.5 KiB");
	CHECK_STR(out_iec(b, sizeof(b), 10188), "9.9 KiB");
	CHECK_STR(out_iec(b, sizeof(b), 10240), "10 KiB");
	CHECK_STR(out_iec(b, sizeof(b), 1000000), "977 KiB");
	CHECK_STR(out_iec(b, sizeof(b), 1048575), "1.0 MiB");
	CHECK_STR(out_iec(b, sizeof(b), 3435973837ULL), "3.2 GiB");
	CHECK_STR(out_iec(b, sizeof(b), 15ULL << 30), "15 GiB");
	CHECK_STR(out_iec(b, sizeof(b), 16000000000ULL), "15 GiB");
	CHECK_STR(out_iec(b, sizeof(b), 1ULL << 40), "1.0 TiB");
	CHECK_STR(out_iec(b, sizeof(b), 1ULL << 63), "8.0 EiB");
	CHECK_STR(out_iec(b, sizeof(b), UINT64_MAX), "16 EiB");
	CHECK_STR(out_iec(b, 4, 1536), "1.5");		/* truncated, terminated */
}

static void
t_duration(void)
{
	char b[32];

	CHECK_STR(out_duration(b, sizeof(b), 0), "0s");
	CHECK_STR(out_duration(b, sizeof(b), 1.5), "1.5s");
	CHECK_STR(out_duration(b, sizeof(b), 2), "2s");
	CHECK_STR(out_duration(b, sizeof(b), 45), "45s");
	CHECK_STR(out_duration(b, sizeof(b), 59.6), "1m 00s");
	CHECK_STR(out_duration(b, sizeof(b), 185), "3m 05s");
	CHECK_STR(out_duration(b, sizeof(b), 7380), "2h 03m");
	CHECK_STR(out_duration(b, sizeof(b), 4 * 86400 + 2 * 3600 + 59),
	    "4d 02h");
	CHECK_STR(out_duration(b, sizeof(b), 400 * 86400.0), "400d 00h");
	CHECK_STR(out_duration(b, sizeof(b), -1), "-");
	CHECK_STR(out_duration(b, sizeof(b), NAN), "-");
	CHECK_STR(out_duration(b, sizeof(b), INFINITY), "-");
	CHECK(strlen(out_duration(b, sizeof(b), 1e300)) < sizeof(b));
}

static void
t_vis(void)
{
	char b[64];
	const char *s;

#define VIS(src) out_vis(b, sizeof(b), (src), sizeof(src) - 1)
	CHECK_STR(VIS("plain text"), "plain text");
	CHECK_STR(VIS("a\tb\nc\\d\r"), "a\\tb\\nc\\d\\r");
	CHECK_STR(VIS("\x1b[31mred"), "\\033[31mred");
	CHECK_STR(VIS("del\x7f"), "del\\177");
	CHECK_STR(VIS("nul\0x"), "nul\\000x");
	CHECK_STR(VIS("\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x99\x82"),
	    "\xc3\xa9\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x99\x82");
	CHECK_STR(VIS("\xff"), "\\377");
	CHECK_STR(VIS("\xe6\x97"), "\\346\\227");
	CHECK_STR(VIS("\xc0\xaf"), "\\300\\257");
	CHECK_STR(VIS("\xc2\x9b" "2J"), "\\302\\2332J");	/* C1 CSI */
#undef VIS
	/* never half an escape or half a character */
	CHECK_STR(out_vis(b, 6, "abc\x1b", 4), "abc");
	CHECK_STR(out_vis(b, 5, "ab\xe6\x97\xa5", 5), "ab");
	CHECK_STR(out_vis(b, 6, "ab\xe6\x97\xa5", 5), "ab\xe6\x97\xa5");
	CHECK_STR(out_vis(b, 1, "abc", 3), "");
	/* srclen bounds the read, not a NUL */
	s = "abcdef";
	CHECK_STR(out_vis(b, sizeof(b), s, 3), "abc");
	/* in place */
	strcpy(b, "a\x1b\tb\xff");
	CHECK_STR(out_vis(b, sizeof(b), b, strlen(b)), "a\\033\\tb\\377");
	strcpy(b, "\x01\x02\x03\x04");
	CHECK_STR(out_vis(b, 10, b, strlen(b)), "\\001\\002");
	{
		char big[2000];

		memset(big, '\x01', 1000);
		big[1000] = '\0';
		out_vis(big, sizeof(big), big, 1000);
		CHECK(strlen(big) == 1996);
		CHECK(strncmp(big, "\\001\\001", 8) == 0);
		CHECK(strcmp(big + 1992, "\\001") == 0);
	}
}

/* ---- JSON ---- */

static const char *
quoted(const char *s, size_t n)
{
	FILE *f = cap();

	json_quote(f, s, n);
	return got(f);
}

#define Q(lit)	quoted((lit), sizeof(lit) - 1)

static void
t_json_escape(void)
{
	CHECK_STR(Q("plain"), "\"plain\"");
	CHECK_STR(Q(""), "\"\"");
	CHECK_STR(Q("q\"b\\s/"), "\"q\\\"b\\\\s/\"");
	CHECK_STR(Q("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
	CHECK_STR(Q("\x01\x1f\x1b\x7f"), "\"\\u0001\\u001f\\u001b\\u007f\"");
	CHECK_STR(Q("a\0b"), "\"a\\u0000b\"");
	/* valid UTF-8 passes: é, 日本, 🙂 */
	CHECK_STR(Q("\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82"),
	    "\"\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82\"");
	CHECK_STR(Q("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
}

/* Invalid UTF-8: each maximal ill-formed subpart becomes one U+FFFD, as
 * Unicode recommends (and as Python's decode(errors="replace") does). */
static void
t_json_utf8(void)
{
	CHECK_STR(Q("\xff"), "\"\\ufffd\"");
	CHECK_STR(Q("a\xff" "b"), "\"a\\ufffdb\"");
	CHECK_STR(Q("\xe6\x97"), "\"\\ufffd\"");		/* truncated */
	CHECK_STR(Q("\xe6\x97x"), "\"\\ufffdx\"");
	CHECK_STR(Q("\xf0\x9f\x99"), "\"\\ufffd\"");
	CHECK_STR(Q("\xc0\xaf"), "\"\\ufffd\\ufffd\"");	/* overlong */
	CHECK_STR(Q("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(Q("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* D800 */
	CHECK_STR(Q("\xed\xbf\xbf"), "\"\\ufffd\\ufffd\\ufffd\"");	/* DFFF */
	CHECK_STR(Q("\xf4\x90\x80\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");		/* > U+10FFFF */
	CHECK_STR(Q("\xf8\x88\x80\x80\x80"),
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
	CHECK_STR(Q("\x80"), "\"\\ufffd\"");
	CHECK_STR(Q("\xc3\xa9\xc3"), "\"\xc3\xa9\\ufffd\"");
}

static void
t_json_compact(void)
{
	struct json j;
	FILE *f = cap();

	json_init(&j, f, 0);
	json_obj(&j, NULL);
	json_str(&j, "a", "x");
	json_arr(&j, "b");
	json_u64(&j, NULL, UINT64_MAX);
	json_i64(&j, NULL, INT64_MIN);
	json_obj(&j, NULL);
	json_end(&j);
	json_arr(&j, NULL);
	json_end(&j);
	json_end(&j);
	json_f64(&j, "nan", NAN);
	json_f64(&j, "inf", -INFINITY);
	json_f64(&j, "d", 1.5);
	json_f64(&j, "e", 12.0);
	json_f64(&j, "z", -0.0);
	json_f64(&j, "t", 0.1);
	json_f64(&j, "big", 1e20);
	json_bool(&j, "f", 1);
	json_bool(&j, "g", 0);
	json_null(&j, "h");
	json_str(&j, "i", NULL);
	json_strn(&j, "k\"", "abc", 2);
	json_end(&j);
	CHECK_STR(got(f), "{\"a\":\"x\",\"b\":[18446744073709551615,"
	    "-9223372036854775808,{},[]],\"nan\":null,\"inf\":null,\"d\":1.5,"
	    "\"e\":12,\"z\":0,\"t\":0.1,\"big\":1e+20,\"f\":true,\"g\":false,"
	    "\"h\":null,\"i\":null,\"k\\\"\":\"ab\"}\n");
}

static void
t_json_pretty(void)
{
	struct json j;
	FILE *f = cap();

	json_init(&j, f, 1);
	json_obj(&j, NULL);
	json_u64(&j, "a", 1);
	json_arr(&j, "b");
	json_u64(&j, NULL, 1);
	json_obj(&j, NULL);
	json_str(&j, "c", "d");
	json_end(&j);
	json_end(&j);
	json_obj(&j, "e");
	json_end(&j);
	json_arr(&j, "f");
	json_end(&j);
	json_end(&j);
	CHECK_TEXT(got(f),
	    "{\n"
	    "  \"a\": 1,\n"
	    "  \"b\": [\n"
	    "    1,\n"
	    "    {\n"
	    "      \"c\": \"d\"\n"
	    "    }\n"
	    "  ],\n"
	    "  \"e\": {},\n"
	    "  \"f\": []\n"
	    "}\n");
}

/* JSON Lines: each top-level document ends in its own newline. */
static void
t_json_lines(void)
{
	struct json j;
	FILE *f = cap();

	json_init(&j, f, 0);
	json_obj(&j, NULL);
	json_u64(&j, "n", 1);
	json_end(&j);
	json_obj(&j, NULL);
	json_u64(&j, "n", 2);
	json_end(&j);
	CHECK_STR(got(f), "{\"n\":1}\n{\"n\":2}\n");
}

/* Past JSON_MAXDEPTH the document stays valid: the deepest value is null. */
static void
t_json_depth(void)
{
	char want[128];
	struct json j;
	FILE *f = cap();
	int i, n = JSON_MAXDEPTH - 1;

	json_init(&j, f, 0);
	for (i = 0; i < 40; i++)
		json_arr(&j, NULL);
	json_u64(&j, NULL, 7);
	for (i = 0; i < 40; i++)
		json_end(&j);
	memset(want, '[', (size_t)n);
	strcpy(want + n, "null");
	memset(want + n + 4, ']', (size_t)n);
	strcpy(want + 2 * n + 4, "\n");
	CHECK_STR(got(f), want);
	CHECK(j.depth == 0);
}

/*
 * The writer's own buffer: strings longer than it, members that cross its
 * end, and what reaches the FILE when (a member of the outermost container
 * is handed on as soon as it is complete).
 */
static void
t_json_buffer(void)
{
	static char big[10000], want[40000];
	char *w = want;
	struct json j;
	FILE *f = cap();
	long before;
	int i;

	memset(big, 'x', sizeof(big) - 1);
	big[100] = '"';
	json_init(&j, f, 0);
	json_obj(&j, NULL);
	json_str(&j, "big", big);
	w += sprintf(w, "{\"big\":\"");
	memset(w, 'x', sizeof(big) - 1);
	w[100] = '\\';
	memset(w + 101, 'x', sizeof(big) - 101);
	w[101] = '"';
	w += sizeof(big);
	*w++ = '"';
	/* a member of the outermost object is in the FILE once written */
	fflush(f);
	before = (long)cap_len;
	CHECK(before == (long)(w - want));
	json_arr(&j, "n");
	for (i = 0; i < 3000; i++) {
		json_i64(&j, NULL, i % 2 ? -i : i);
		w += sprintf(w, "%s%d", i ? "," : ",\"n\":[", i % 2 ? -i : i);
	}
	/* nested members wait in the buffer: at most its size */
	fflush(f);
	CHECK((long)cap_len > before);
	CHECK((long)(w - want) - (long)cap_len <= (long)sizeof(j.buf));
	json_end(&j);
	json_u64(&j, "max", UINT64_MAX);
	json_f64(&j, "f", -42.0);
	json_end(&j);
	w += sprintf(w, "],\"max\":18446744073709551615,\"f\":-42}\n");
	CHECK(same(got(f), want));
	CHECK(j.len == 0);
}

/* json_f64 prints what "%.15g" would (integral values as integers), on
 * its fast path for short decimals and off it. */
static void
t_json_f64_digits(void)
{
	static const double fixed[] = { 0.1, 0.52, 1.05, 2.5, 27.8, 99.99,
	    2994.372, 1e-4, 0.00012, 5e-05, 123456.789012, 999999999.5,
	    1e9 + 0.25, -0.5, -1234.56, 1.0 / 3, 6.02e23, 1e-300 };
	char want[64], got_[64];
	unsigned seed = 7;
	size_t i;
	int bad = 0;

	for (i = 0; i < 20000 + sizeof(fixed) / sizeof(fixed[0]); i++) {
		struct json j;
		FILE *f = cap();
		double v;

		if (i < sizeof(fixed) / sizeof(fixed[0]))
			v = fixed[i];
		else {
			seed = seed * 1103515245 + 12345;
			v = (double)(seed % 10000000) / (i % 2 ? 1000.0 : 100.0);
			if (i % 3 == 0)
				v = -v / 7;
		}
		if (v == (double)(long long)v)
			snprintf(want, sizeof(want), "%lld", (long long)v);
		else
			snprintf(want, sizeof(want), "%.15g", v);
		json_init(&j, f, 0);
		json_f64(&j, NULL, v);
		json_end(&j);
		snprintf(got_, sizeof(got_), "%s", got(f));
		got_[strcspn(got_, "\n")] = '\0';
		if (strcmp(got_, want) != 0 && bad++ < 5)
			printf("  %.17g: %s, not %s\n", v, got_, want);
	}
	CHECK(bad == 0);
}

/* ---- table ---- */

static void
t_tbl(void)
{
	struct tbl *t;
	FILE *f;

	CHECK((t = tbl_new()) != NULL);
	if (t == NULL)
		return;
	CHECK(tbl_cell(t, "x") == -1 && errno == EINVAL);	/* no row yet */
	CHECK(tbl_col(t, "NAME", TBL_LEFT) == 0);
	CHECK(tbl_col(t, "PID", TBL_RIGHT) == 0);
	CHECK(tbl_col(t, "CMD", TBL_LEFT) == 0);
	CHECK(tbl_row(t) == 0);
	CHECK(tbl_cell(t, "init") == 0);
	CHECK(tbl_cellf(t, "%d", 1) == 0);
	CHECK(tbl_cell(t, "/sbin/init") == 0);
	CHECK(tbl_row(t) == 0);
	CHECK(tbl_cell(t, "\xe6\x97\xa5\xe6\x9c\xac") == 0);	/* 日本: 4 columns */
	CHECK(tbl_cellf(t, "%d", 12345) == 0);
	CHECK(tbl_cell(t, "") == 0);
	CHECK(tbl_row(t) == 0);
	CHECK(tbl_cell(t, "caf\xc3\xa9") == 0);			/* café: 4 */
	CHECK(tbl_row(t) == 0);					/* no cells */

	f = cap();
	CHECK(tbl_print(t, f, 0) == 0);
	CHECK_TEXT(got(f),
	    "NAME    PID  CMD\n"
	    "init      1  /sbin/init\n"
	    "\xe6\x97\xa5\xe6\x9c\xac  12345\n"
	    "caf\xc3\xa9\n"
	    "\n");
	f = cap();
	CHECK(tbl_print(t, f, TBL_NOHEADER) == 0);
	CHECK_TEXT(got(f),
	    "init      1  /sbin/init\n"
	    "\xe6\x97\xa5\xe6\x9c\xac  12345\n"
	    "caf\xc3\xa9\n"
	    "\n");
	tbl_free(t);
	tbl_free(NULL);
}

/* A right-aligned last column pads on the left; a wide header widens. */
static void
t_tbl_right(void)
{
	struct tbl *t;
	FILE *f;
	int i;

	if ((t = tbl_new()) == NULL) {
		CHECK(t != NULL);
		return;
	}
	tbl_col(t, "DEVICE", TBL_LEFT);
	tbl_col(t, "SIZE", TBL_RIGHT);
	for (i = 0; i < 3; i++) {
		tbl_row(t);
		tbl_cellf(t, "sd%c", 'a' + i);
		tbl_cellf(t, "%d", i == 1 ? 123456 : i);
	}
	f = cap();
	tbl_print(t, f, 0);
	CHECK_TEXT(got(f),
	    "DEVICE    SIZE\n"
	    "sda          0\n"
	    "sdb     123456\n"
	    "sdc          2\n");
	tbl_free(t);
}

/* Many rows and columns: memory grows. */
static void
t_tbl_grow(void)
{
	struct tbl *t;
	FILE *f;
	int i, k;

	if ((t = tbl_new()) == NULL) {
		CHECK(t != NULL);
		return;
	}
	for (k = 0; k < 20; k++)
		CHECK(tbl_col(t, "C", TBL_RIGHT) == 0);
	for (i = 0; i < 1000; i++) {
		CHECK(tbl_row(t) == 0);
		for (k = 0; k < 20; k++)
			CHECK(tbl_cellf(t, "%d", i) == 0);
	}
	f = cap();
	CHECK(tbl_print(t, f, 0) == 0);
	got(f);
	CHECK(cap_len == 1001 * (20 * 3 + 19 * 2 + 1));
	tbl_free(t);
}

/* ---- key=value ---- */

static void
t_kv(void)
{
	FILE *f = cap();

	kv_str(f, "a", "plain-OK_1.2/x:y+z,w@v%");
	kv_str(f, "b", "");
	kv_str(f, "c", "it's here");
	kv_str(f, "d", "$(rm -rf /)");
	kv_str(f, "e", "\xe6\x97\xa5\xe6\x9c\xac");
	kv_str(f, "g", "a\nb");
	kv_str(f, "h", NULL);
	kv_u64(f, "i", UINT64_MAX);
	kv_f64(f, "j", 1.5);
	kv_f64(f, "k", 3.0);
	kv_f64(f, "l", NAN);
	kv_f64(f, "m", INFINITY);
	CHECK_TEXT(got(f),
	    "a=plain-OK_1.2/x:y+z,w@v%\n"
	    "b=''\n"
	    "c='it'\\''s here'\n"
	    "d='$(rm -rf /)'\n"
	    "e='\xe6\x97\xa5\xe6\x9c\xac'\n"
	    "g='a\nb'\n"
	    "h=''\n"
	    "i=18446744073709551615\n"
	    "j=1.5\n"
	    "k=3\n"
	    "l=\n"
	    "m=\n");
}

/* ---- Prometheus ---- */

static void
t_prom(void)
{
	struct prom p;
	FILE *f = cap();

	prom_init(&p, f);
	prom_family(&p, "cpu_seconds_total", "counter", "CPU time\\spent\nby mode");
	prom_sample(&p, "cpu_seconds_total", 12.0, "mode", "user", NULL);
	prom_family(&p, "cpu_seconds_total", "counter", "CPU time");
	prom_sample(&p, "cpu_seconds_total", 0.5, "mode", "a\"b\\c\nd",
	    "cpu", "0", NULL);
	prom_family(&p, "up", "gauge", "Up.");
	prom_sample(&p, "up", 1, NULL);
	prom_sample(&p, "up", NAN, NULL);
	prom_sample(&p, "up", INFINITY, NULL);
	prom_sample(&p, "up", -INFINITY, NULL);
	prom_sample(&p, "up", 1e20, NULL);
	prom_sample(&p, "up", 0.1, NULL);
	prom_sample(&p, "up", -3, NULL);
	prom_family(&p, "cpu_seconds_total", "counter", "CPU time");
	CHECK_TEXT(got(f),
	    "# HELP cpu_seconds_total CPU time\\\\spent\\nby mode\n"
	    "# TYPE cpu_seconds_total counter\n"
	    "cpu_seconds_total{mode=\"user\"} 12\n"
	    "cpu_seconds_total{mode=\"a\\\"b\\\\c\\nd\",cpu=\"0\"} 0.5\n"
	    "# HELP up Up.\n"
	    "# TYPE up gauge\n"
	    "up 1\n"
	    "up NaN\n"
	    "up +Inf\n"
	    "up -Inf\n"
	    "up 1e+20\n"
	    "up 0.1\n"
	    "up -3\n"
	    "# HELP cpu_seconds_total CPU time\n"
	    "# TYPE cpu_seconds_total counter\n");
}

/* ---- report tree ---- */

static struct rep *
sample_tree(void)
{
	struct rep *r, *m, *d, *e;

	r = rep_new();
	rep_str(r, "hostname", "box\x1b[2J");
	rep_f64(r, "uptime", 93784, UNIT_SECS);
	m = rep_arr(r, "load");
	rep_f64(m, NULL, 0.5, UNIT_NONE);
	rep_f64(m, NULL, 1.25, UNIT_NONE);
	rep_f64(m, NULL, 2, UNIT_NONE);
	rep_null(r, "temp", "no sensor");
	m = rep_obj(r, "mem");
	rep_u64(m, "total", 16000000000ULL, UNIT_BYTES);
	rep_f64(m, "used_pct", 12.5, UNIT_PCT);
	rep_null(m, "swap", NULL);
	d = rep_arr(r, "disks");
	e = rep_obj(d, NULL);
	rep_str(e, "device", "/dev/sda1");
	rep_u64(e, "size", 500107862016ULL, UNIT_BYTES);
	m = rep_obj(e, "mount");
	rep_str(m, "path", "/");
	rep_bool(m, "ro", 0);
	e = rep_obj(d, NULL);
	rep_str(e, "device", "/dev/\xe6\x97\xa5\xe6\x9c\xac");
	rep_u64(e, "size", 1024, UNIT_BYTES);
	m = rep_arr(e, "opts");
	rep_str(m, NULL, "rw");
	rep_str(m, NULL, "noatime");
	rep_arr(r, "users");
	rep_i64(r, "booted", 1700000000, UNIT_EPOCH);
	rep_bool(r, "ok", 1);
	return r;
}

static void
t_rep_text(void)
{
	struct rep *r = sample_tree();
	FILE *f = cap();

	CHECK(rep_print(r, f, REP_TEXT) == 0);
	CHECK_TEXT(got(f),
	    "hostname  box\\033[2J\n"
	    "uptime    1d 02h\n"
	    "load      0.50, 1.25, 2.00\n"
	    "temp      -\n"
	    "\n"
	    "mem:\n"
	    "  total     15 GiB\n"
	    "  used_pct  12.5%\n"
	    "  swap      -\n"
	    "\n"
	    "disks:\n"
	    "  device        size  mount.path  mount.ro  opts\n"
	    "  /dev/sda1  466 GiB  /           no\n"
	    "  /dev/\xe6\x97\xa5\xe6\x9c\xac  1.0 KiB"
	    "                        rw, noatime\n"
	    "\n"
	    "users     (none)\n"
	    "booted    2023-11-14 22:13:20\n"
	    "ok        yes\n");
	rep_free(r);
}

static void
t_rep_json(void)
{
	struct rep *r = sample_tree();
	FILE *f = cap();

	CHECK(rep_print(r, f, REP_JSON) == 0);
	CHECK_TEXT(got(f),
	    "{\n"
	    "  \"hostname\": \"box\\u001b[2J\",\n"
	    "  \"uptime\": 93784,\n"
	    "  \"load\": [\n"
	    "    0.5,\n"
	    "    1.25,\n"
	    "    2\n"
	    "  ],\n"
	    "  \"temp\": null,\n"
	    "  \"temp_error\": \"no sensor\",\n"
	    "  \"mem\": {\n"
	    "    \"total\": 16000000000,\n"
	    "    \"used_pct\": 12.5,\n"
	    "    \"swap\": null\n"
	    "  },\n"
	    "  \"disks\": [\n"
	    "    {\n"
	    "      \"device\": \"/dev/sda1\",\n"
	    "      \"size\": 500107862016,\n"
	    "      \"mount\": {\n"
	    "        \"path\": \"/\",\n"
	    "        \"ro\": false\n"
	    "      }\n"
	    "    },\n"
	    "    {\n"
	    "      \"device\": \"/dev/\xe6\x97\xa5\xe6\x9c\xac\",\n"
	    "      \"size\": 1024,\n"
	    "      \"opts\": [\n"
	    "        \"rw\",\n"
	    "        \"noatime\"\n"
	    "      ]\n"
	    "    }\n"
	    "  ],\n"
	    "  \"users\": [],\n"
	    "  \"booted\": 1700000000,\n"
	    "  \"ok\": true\n"
	    "}\n");
	rep_free(r);
}

static void
t_rep_kv(void)
{
	struct rep *r = sample_tree();
	FILE *f = cap();

	CHECK(rep_print(r, f, REP_KV) == 0);
	CHECK_TEXT(got(f),
	    "hostname='box\x1b[2J'\n"
	    "uptime=93784\n"
	    "load.0=0.5\n"
	    "load.1=1.25\n"
	    "load.2=2\n"
	    "temp=\n"
	    "mem.total=16000000000\n"
	    "mem.used_pct=12.5\n"
	    "mem.swap=\n"
	    "disks.0.device=/dev/sda1\n"
	    "disks.0.size=500107862016\n"
	    "disks.0.mount.path=/\n"
	    "disks.0.mount.ro=false\n"
	    "disks.1.device='/dev/\xe6\x97\xa5\xe6\x9c\xac'\n"
	    "disks.1.size=1024\n"
	    "disks.1.opts.0=rw\n"
	    "disks.1.opts.1=noatime\n"
	    "booted=1700000000\n"
	    "ok=true\n");
	rep_free(r);
}

/* Units for people, and the odd shapes: mixed arrays, empty values. */
static void
t_rep_units(void)
{
	struct rep *r = rep_new(), *a;
	FILE *f;

	rep_f64(r, "mhz", 2400.4, UNIT_MHZ);
	rep_u64(r, "mhz2", 3000, UNIT_MHZ);
	rep_f64(r, "temp", 45, UNIT_CELSIUS);
	rep_u64(r, "pct", 50, UNIT_PCT);
	rep_f64(r, "ratio", 1.0 / 3, UNIT_NONE);
	rep_i64(r, "neg", -5, UNIT_NONE);
	rep_f64(r, "nan", NAN, UNIT_BYTES);
	rep_str(r, "empty", "");
	rep_str(r, "nulls", NULL);
	rep_obj(r, "none");
	a = rep_arr(r, "mixed");
	rep_u64(a, NULL, 1, UNIT_NONE);
	rep_str(rep_obj(a, NULL), "k", "v");
	f = cap();
	CHECK(rep_print(r, f, REP_TEXT) == 0);
	CHECK_TEXT(got(f),
	    "mhz    2400 MHz\n"
	    "mhz2   3000 MHz\n"
	    "temp   45.0 \xc2\xb0" "C\n"
	    "pct    50%\n"
	    "ratio  0.33\n"
	    "neg    -5\n"
	    "nan    -\n"
	    "empty\n"
	    "nulls  -\n"
	    "none   (none)\n"
	    "\n"
	    "mixed:\n"
	    "  0  1\n"
	    "  1:\n"
	    "    k  v\n");
	f = cap();
	CHECK(rep_print(r, f, REP_JSON) == 0);
	CHECK_TEXT(got(f),
	    "{\n"
	    "  \"mhz\": 2400.4,\n"
	    "  \"mhz2\": 3000,\n"
	    "  \"temp\": 45,\n"
	    "  \"pct\": 50,\n"
	    "  \"ratio\": 0.333333333333333,\n"
	    "  \"neg\": -5,\n"
	    "  \"nan\": null,\n"
	    "  \"empty\": \"\",\n"
	    "  \"nulls\": null,\n"
	    "  \"none\": {},\n"
	    "  \"mixed\": [\n"
	    "    1,\n"
	    "    {\n"
	    "      \"k\": \"v\"\n"
	    "    }\n"
	    "  ]\n"
	    "}\n");
	rep_free(r);
}

/* A NULL parent is ignored all the way down; keys are copied. */
static void
t_rep_null_parent(void)
{
	struct rep *r;
	char key[8] = "abc";
	FILE *f;

	CHECK(rep_obj(NULL, "x") == NULL);
	CHECK(rep_u64(rep_obj(rep_arr(NULL, "a"), NULL), "y", 1,
	    UNIT_NONE) == NULL);
	CHECK(rep_str(NULL, "s", "v") == NULL);
	CHECK(rep_null(NULL, "n", "why") == NULL);
	CHECK(rep_bool(NULL, "b", 1) == NULL);
	CHECK(rep_f64(NULL, "f", 1, UNIT_NONE) == NULL);
	CHECK(rep_i64(NULL, "i", 1, UNIT_NONE) == NULL);
	/* a scalar is no parent */
	r = rep_new();
	CHECK(rep_u64(rep_u64(r, "n", 1, UNIT_NONE), "m", 2, UNIT_NONE) ==
	    NULL);
	CHECK(rep_u64(r, key, 2, UNIT_NONE) != NULL);
	strcpy(key, "zzz");
	f = cap();
	CHECK(rep_print(r, f, REP_KV) == 0);
	CHECK_STR(got(f), "n=1\nabc=2\n");
	CHECK(rep_print(NULL, stderr, REP_KV) == -1);
	rep_free(r);
	rep_free(NULL);
}

UNIT_SUITE(test_out);

void
test_out(void)
{
	/* UNIT_EPOCH renders local time: make it UTC for exact strings */
	setenv("TZ", "UTC", 1);
	tzset();
	unit_run("out: iec", t_iec);
	unit_run("out: duration", t_duration);
	unit_run("out: vis", t_vis);
	unit_run("out: json escape", t_json_escape);
	unit_run("out: json invalid utf-8", t_json_utf8);
	unit_run("out: json compact", t_json_compact);
	unit_run("out: json pretty", t_json_pretty);
	unit_run("out: json lines", t_json_lines);
	unit_run("out: json depth", t_json_depth);
	unit_run("out: json buffer", t_json_buffer);
	unit_run("out: json numbers as %.15g", t_json_f64_digits);
	unit_run("out: tbl", t_tbl);
	unit_run("out: tbl right", t_tbl_right);
	unit_run("out: tbl grow", t_tbl_grow);
	unit_run("out: kv", t_kv);
	unit_run("out: prom", t_prom);
	unit_run("out: rep text", t_rep_text);
	unit_run("out: rep json", t_rep_json);
	unit_run("out: rep kv", t_rep_kv);
	unit_run("out: rep units", t_rep_units);
	unit_run("out: rep null parent", t_rep_null_parent);
	free(cap_buf);
	cap_buf = NULL;
}
