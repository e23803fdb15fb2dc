/*
 * nproc: coreutils' nproc on syskit's CPU count.  `nproc [--all]
 * [--ignore=N]`: the processing units this process may use (the affinity
 * mask), and, beyond coreutils 9.1, no more than the cgroup CPU quota
 * allows (v1 or v2, rounded half up, at least 1: what `sysinfo cpu
 * --effective` prints).  OMP_NUM_THREADS (the first element of a list)
 * overrides the count and OMP_THREAD_LIMIT caps it, as gnulib's
 * num_processors does; --all is the configured CPUs and ignores them all.
 * Messages, quoting and exit codes (1 for any error) are coreutils'.
 */
#include "compat.h"

#include <ctype.h>

#include "../../lib/cgroup.h"
#include "../../lib/proc.h"

static const char usage[] =
    "Usage: nproc [OPTION]...\n"
    "Print the number of processing units available to the current process,\n"
    "which may be less than the number of online processors\n"
    "(syskit: and no more than its cgroup's CPU quota allows)\n"
    "\n"
    "      --all      print the number of installed processors\n"
    "      --ignore=N  if possible, exclude N processing units\n"
    "      --help        display this help and exit\n"
    "      --version     output version information and exit\n";

enum { O_ALL = 256, O_IGNORE, O_HELP, O_VERSION };

static const struct option longopts[] = {
	{ "all", no_argument, NULL, O_ALL },
	{ "ignore", required_argument, NULL, O_IGNORE },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* An OpenMP thread count as gnulib reads one: blanks around it, a
 * decimal number first, then the end or a comma (a list's first
 * element); 0 when it is not that. */
static unsigned long
omp_threads(const char *s)
{
	unsigned long v;
	char *end;

	if (s == NULL)
		return 0;
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	v = strtoul(s, &end, 10);	/* too large: ULONG_MAX, as gnulib */
	while (*end != '\0' && isspace((unsigned char)*end))
		end++;
	return *end == '\0' || *end == ',' ? v : 0;
}

/* --ignore=N as coreutils' xdectoumax reads it: blanks, then an unsigned
 * decimal number (an optional +) and nothing after it. */
static int
parse_ignore(const char *arg, unsigned long *v)
{
	char q[4 * 256 + 16];
	const char *s = arg;
	char *end;

	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	errno = 0;
	if (*s != '-' && *s != '\0') {
		*v = strtoul(s, &end, 10);
		if (end != s && *end == '\0' && errno == 0)
			return 0;
		if (end != s && *end == '\0' && errno == ERANGE) {
			warnx("invalid number: %s: Value too large for "
			    "defined data type",
			    compat_quote(q, sizeof(q), arg));
			return -1;
		}
	}
	warnx("invalid number: %s", compat_quote(q, sizeof(q), arg));
	return -1;
}

/* The configured CPUs: the kernel's possible list (what glibc's
 * sysconf(_SC_NPROCESSORS_CONF) reads; musl's does not), never fewer
 * than we may run on (a fixture's own list too), as gnulib. */
static unsigned long
cpus_all(void)
{
	char *buf;
	long n = -1, usable;

	if ((buf = proc_slurp(sys_root(), "devices/system/cpu/possible",
	    NULL)) != NULL) {
		n = proc_cpulist_count(buf);
		free(buf);
	}
	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_CONF);
	if ((usable = proc_cpu_usable()) <= 0)
		usable = proc_cpu_usable_self();
	if (usable > n)
		n = usable;
	return n > 0 ? (unsigned long)n : 1;
}

/* gnulib's num_processors (NPROC_CURRENT_OVERRIDABLE), with the quota. */
static unsigned long
cpus_current(void)
{
	unsigned long limit, threads, n;

	limit = omp_threads(getenv("OMP_THREAD_LIMIT"));
	threads = omp_threads(getenv("OMP_NUM_THREADS"));
	if (limit == 0)
		limit = ULONG_MAX;
	if (threads != 0)
		return threads < limit ? threads : limit;
	n = (unsigned long)cgroup_cpu_count();
	return n < limit ? n : limit;
}

int
compat_nproc_main(int argc, char *argv[])
{
	unsigned long n, ignore = 0;
	bool all = false;
	char q[4 * 256 + 16];
	int ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case O_ALL:
			all = true;
			break;
		case O_IGNORE:
			if (parse_ignore(optarg, &ignore) == -1)
				return EXIT_NO;
			break;
		case O_HELP:
			fputs(usage, stdout);
			return 0;
		case O_VERSION:
			printf("nproc (syskit) %s\n", SYSKIT_VERSION);
			return 0;
		default:
			return compat_badopt(argv, "", longopts, EXIT_NO);
		}
	}
	if (optind < argc) {
		warnx("extra operand %s", compat_quote(q, sizeof(q),
		    argv[optind]));
		return compat_try_help(EXIT_NO);
	}
	n = all ? cpus_all() : cpus_current();
	n = ignore < n ? n - ignore : 1;
	printf("%lu\n", n);
	return 0;
}
