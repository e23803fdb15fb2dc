/*
 * The one applet table, sorted by name.  Each line:
 * APPLET(name, main function, one-line summary)
 * COMPAT(name, main function, one-line summary) for a name that takes
 * another tool's command line (timeout, flock, mktemp, nproc): dispatched
 * by argv[0] or `syskit NAME`, speaking as that tool, and linked by
 * `--install --compat` only.
 * Only real, working applets belong here.
 */
COMPAT(flock, flock_main, "util-linux flock(1)'s command line on lock's engine: -n -w -E -o -F -c --fcntl")
APPLET(init, init_main, "a container's PID 1: reap zombies, forward signals (run --init)")
APPLET(lock, lock_main, "run a command under a file lock or semaphore slot; lock a descriptor; who holds a lock")
COMPAT(mktemp, mktemp_main, "coreutils mktemp(1): a temporary file or directory from a template")
COMPAT(nproc, compat_nproc_main, "coreutils' nproc: usable CPUs, within the cgroup CPU quota")
APPLET(pipe, pipe_main, "move bytes between stdio, files, commands and sockets: zero-copy, fan-out, relay")
APPLET(ps, ps_main, "processes: procps-compatible listing, JSON, sampling")
APPLET(run, run_main, "supervise a command: time limits, whole-tree kill, capture, retries, report")
APPLET(sysinfo, sysinfo_main, "the machine: CPU, memory, disks, network, limits, pressure")
APPLET(tempdir, tempdir_main, "a throw-away directory, always removed safely: mktemp -d, or around a command")
COMPAT(timeout, compat_timeout_main, "coreutils' timeout: a time limit on a command (exit 124)")
APPLET(watch, watch_main, "react to file changes: event stream, run on change, periodic rerun")
