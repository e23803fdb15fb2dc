/*
 * The one applet table, sorted by name.  Each line:
 * APPLET(name, main function, one-line summary)
 * Only real, working applets belong here.
 */
APPLET(sysinfo, sysinfo_main, "the machine: CPU, memory, disks, network, limits, pressure")
