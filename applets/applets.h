/*
 * The one applet table, sorted by name.  Each line:
 * APPLET(name, main function, one-line summary)
 * Only real, working applets belong here.
 */
APPLET(ps, ps_main, "processes: procps-compatible listing, JSON, sampling")
APPLET(run, run_main, "supervise a command: time limits, whole-tree kill, capture, retries, report")
APPLET(sysinfo, sysinfo_main, "the machine: CPU, memory, disks, network, limits, pressure")
APPLET(tempdir, tempdir_main, "a throw-away directory, always removed safely: mktemp -d, or around a command")
