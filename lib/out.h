/*
 * out: output writers.  Each writes to a FILE the applet hands it and
 * never decides what to say; write errors stay on the FILE (ferror) for the
 * dispatcher to report.
 *
 *   json  streaming JSON: correct escaping, invalid UTF-8 becomes U+FFFD
 *   tbl   aligned table: left or right aligned columns, optional header
 *   kv    key=value lines, values quoted for the shell when needed
 *   prom  Prometheus text exposition (HELP/TYPE once per family)
 *   rep   a report tree built by the applet, then rendered as text, JSON
 *         or key=value (sysinfo's sections)
 */
#ifndef LIB_OUT_H
#define LIB_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- helpers ---- */

/* Human IEC size, "0 B", "512 B", "1.5 KiB", "3.2 GiB" (humanize_number). */
char	*out_iec(char *buf, size_t len, uint64_t bytes);
/* Human duration: "45s", "3m 05s", "2h 03m", "4d 02h". */
char	*out_duration(char *buf, size_t len, double secs);
/* Copy untrusted text with control characters (C0, DEL, C1) and invalid
 * UTF-8 escaped C style (\n, \033); a backslash stays as it is, as procps
 * shows it.  Always terminates, never cuts an escape or a character. */
char	*out_vis(char *dst, size_t len, const char *src, size_t srclen);

/* ---- JSON, streaming ---- */

#define JSON_MAXDEPTH	32

/* The writer keeps its own buffer (one stdio call per kilobytes, not per
 * token); it hands the text to the FILE whenever a member of the outermost
 * container, or a value at the top, is complete. */
struct json {
	FILE	*f;
	int	 depth;
	int	 pretty;		/* newline + indent between members */
	unsigned char first[JSON_MAXDEPTH];	/* no member yet at this depth */
	size_t	 len;
	char	 buf[4096];
};

void	json_init(struct json *j, FILE *f, int pretty);
/* Open an object / array; key is NULL inside an array or at the top. */
void	json_obj(struct json *j, const char *key);
void	json_arr(struct json *j, const char *key);
void	json_end(struct json *j);		/* close the innermost; at depth 0 writes "\n" */
void	json_str(struct json *j, const char *key, const char *s);	/* NULL -> null */
void	json_strn(struct json *j, const char *key, const char *s, size_t n);
void	json_u64(struct json *j, const char *key, uint64_t v);
void	json_i64(struct json *j, const char *key, int64_t v);
void	json_f64(struct json *j, const char *key, double v);	/* NaN, inf -> null */
void	json_bool(struct json *j, const char *key, int v);
void	json_null(struct json *j, const char *key);
/* Hand what is buffered to the FILE (done by the writer at the points
 * above; for a caller that stops in the middle). */
void	json_flush(struct json *j);
/* Write s as a JSON string literal (with quotes). */
void	json_quote(FILE *f, const char *s, size_t n);

/* ---- aligned table ---- */

#define TBL_LEFT	0
#define TBL_RIGHT	1	/* numbers */
#define TBL_NOHEADER	1	/* tbl_print flag */

struct tbl;

struct tbl *tbl_new(void);				/* NULL on ENOMEM */
int	tbl_col(struct tbl *t, const char *name, int align);	/* add a column */
int	tbl_row(struct tbl *t);				/* start a row */
int	tbl_cell(struct tbl *t, const char *s);		/* next cell of the row (copied) */
int	tbl_cellf(struct tbl *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print with columns separated by two spaces (sep); the last left-aligned
 * column is not padded. */
int	tbl_print(struct tbl *t, FILE *f, int flags);
void	tbl_free(struct tbl *t);

/* ---- key=value ---- */

/* "key=value\n"; the value is single-quoted for the shell when it holds
 * anything but [A-Za-z0-9_./:+,@%-]. */
void	kv_str(FILE *f, const char *key, const char *v);
void	kv_u64(FILE *f, const char *key, uint64_t v);
void	kv_f64(FILE *f, const char *key, double v);

/* ---- Prometheus text exposition ---- */

struct prom {
	FILE	*f;
	char	 last[128];	/* family whose HELP/TYPE was written last */
};

void	prom_init(struct prom *p, FILE *f);
/* Declare a family: writes # HELP and # TYPE unless it was the last one. */
void	prom_family(struct prom *p, const char *name, const char *type,
	    const char *help);
/* One sample; labels are name, value pairs ending with NULL; values escaped. */
void	prom_sample(struct prom *p, const char *name, double v, ...)
	    __attribute__((sentinel));

/* ---- report tree ---- */

enum rep_unit {
	UNIT_NONE,
	UNIT_BYTES,	/* text: IEC size */
	UNIT_SECS,	/* text: duration */
	UNIT_PCT,	/* text: "12.5%" */
	UNIT_EPOCH,	/* text: local date and time */
	UNIT_MHZ,	/* text: "2400 MHz" */
	UNIT_CELSIUS,	/* text: "45.0 °C" */
};

enum rep_fmt {
	REP_TEXT,
	REP_JSON,
	REP_KV,
};

struct rep;

/* The root of a new report (an object); NULL on ENOMEM. */
struct rep *rep_new(void);
/* Children of an object (key set) or of an array (key NULL).  Each returns
 * the new node or NULL on ENOMEM; a NULL parent is ignored (returns NULL),
 * so calls can be chained without checks. */
struct rep *rep_obj(struct rep *parent, const char *key);
struct rep *rep_arr(struct rep *parent, const char *key);
struct rep *rep_str(struct rep *parent, const char *key, const char *s);
struct rep *rep_u64(struct rep *parent, const char *key, uint64_t v, enum rep_unit u);
struct rep *rep_i64(struct rep *parent, const char *key, int64_t v, enum rep_unit u);
struct rep *rep_f64(struct rep *parent, const char *key, double v, enum rep_unit u);
struct rep *rep_bool(struct rep *parent, const char *key, int v);
/* A value that could not be had: JSON null with a sibling "KEY_error":
 * reason; "-" for people; key=  (empty) in key=value. */
struct rep *rep_null(struct rep *parent, const char *key, const char *reason);
/* Render: text (objects as aligned "key  value" lines, nested objects as
 * indented blocks, arrays of objects as tables), JSON (pretty), or
 * key=value with dotted paths (array items by index). */
int	rep_print(struct rep *r, FILE *f, enum rep_fmt fmt);
void	rep_free(struct rep *r);		/* the whole tree: call it on the root */

#endif
