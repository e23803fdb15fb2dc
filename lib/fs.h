/*
 * fs: the file system, relative to directory descriptors.  One directory
 * reader over getdents64 (no DIR, no malloc per name), one tree walker on
 * top of it (iterative: any depth, any path length), the write loop, temp
 * files and directories, and opening a file that must be regular.
 * Nothing prints.  Functions return 0 (or an fd), or -1 with errno set.
 */
#ifndef LIB_FS_H
#define LIB_FS_H

#include <sys/syscall.h>
#include <sys/types.h>
#include <dirent.h>
#include <stddef.h>

/*
 * Call fn(dfd, name, type, arg) for each entry of the directory open at
 * dfd, from its start, "." and ".." left out, until fn returns non-zero.
 * type is the entry's DT_* (DT_UNKNOWN on file systems that do not say).
 * Returns 0, fn's non-zero value, or -1 with errno when reading fails.
 */
int	fs_dir_each(int dfd, int (*fn)(int dfd, const char *name,
	    unsigned type, void *arg), void *arg);

/* fs_walk's calls: a directory before and after its entries, any other
 * entry (a symlink among them: never followed), or a directory that could
 * not be opened or read (errno says why; no FS_POST follows). */
enum { FS_PRE = 1, FS_POST, FS_FILE, FS_DNR };
/* fs_walk's flags */
#define FS_XDEV		0x1	/* do not enter a directory on another device */
/* what fn returns */
#define FS_SKIP		1	/* at FS_PRE: do not enter this directory */

/*
 * Walk the tree below the directory open at dfd, depth first, without
 * recursion: fn(pdfd, name, type, when, arg) gets each entry relative to
 * its parent's descriptor pdfd (valid only during the call).  At FS_PRE
 * of a directory fn may return FS_SKIP; a negative return stops the walk
 * and is returned.  Directories are opened O_NOFOLLOW|O_DIRECTORY, so a
 * directory swapped for a symlink during the walk is never entered: it
 * gets FS_DNR (ELOOP or ENOTDIR), as does one that cannot be opened
 * (EACCES), after its FS_PRE.  Holds at most a few dozen descriptors however deep the tree: deeper
 * levels are reopened through ".." and checked by device and inode
 * (ESTALE when the tree changed under the walk).
 */
int	fs_walk(int dfd, int flags, int (*fn)(int pdfd, const char *name,
	    unsigned type, int when, void *arg), void *arg);

/* Write all n bytes, retrying short writes and EINTR, and waiting in poll
 * on a non-blocking fd's EAGAIN. */
int	fs_write_all(int fd, const void *p, size_t n);

/* Open path (relative to dfd, or AT_FDCWD) for reading, only if it is a
 * regular file: O_NONBLOCK while opening so a FIFO cannot block, then
 * fstat; EISDIR for a directory, EINVAL for anything else not regular.
 * flags may add O_NOFOLLOW.  The descriptor keeps O_NONBLOCK, which a
 * regular file's reads and writes ignore. */
int	fs_open_regular(int dfd, const char *path, int flags);

/* The directory for temporary files: $TMPDIR when set and not empty,
 * else /tmp. */
const char *fs_tmpdir(void);
/* An anonymous temporary file, read-write, in dir (NULL: fs_tmpdir()):
 * O_TMPFILE where the file system has it, else a mkostemp file unlinked
 * at once.  Nothing is left behind. */
int	fs_tmpfile(const char *dir);
/* Fill the trailing X's of tmpl (at least 6; with suflen bytes of suffix
 * after them) and create a directory (mode 0700) or, when file is set, a
 * file (0600, opened O_RDWR|O_CLOEXEC: the fd is returned) under that
 * name, retrying on EEXIST.  Returns 0 (directory) or the fd, or -1:
 * EINVAL for a template with fewer than 6 X's. */
int	fs_mktemp(char *tmpl, size_t suflen, int file);
/* fs_mktemp with at least minx X's (mktemp(1) takes 3), and kind:
 * FS_MKTEMP_DIR, FS_MKTEMP_FILE (the fd is returned), or FS_MKTEMP_NAME:
 * nothing created, a name that lstat finds free (mktemp -u: unsafe). */
enum { FS_MKTEMP_DIR, FS_MKTEMP_FILE, FS_MKTEMP_NAME };
int	fs_mktemp_x(char *tmpl, size_t suflen, size_t minx, int kind);

/*
 * Safe removal.  Directories are opened O_NOFOLLOW|O_DIRECTORY relative to
 * their parent's descriptor (openat2 with RESOLVE_NO_XDEV where the kernel
 * has it, so no mount point is crossed, a bind mount of the same file
 * system included; elsewhere st_dev is compared), entries are unlinked
 * relative to that descriptor, a symlink is removed as a link and never
 * followed, and a directory without write or search permission for its
 * owner is fixed through its descriptor (fchmod; for one that cannot be
 * opened, fchmodat2 or /proc/self/fd on an O_PATH descriptor), never by
 * path.  Iterative, with a bounded number of descriptors: any depth, any
 * path length (levels closed on the way down are reopened through ".." and
 * checked by device and inode; when the check fails the removal stops:
 * ESTALE).  A directory is read again until it is empty or holds only what
 * could not be removed, so entries skipped by a file system whose offsets
 * shift on unlink are not left behind.  A directory swapped for a symlink
 * during the removal is unlinked as the link it has become: nothing
 * outside the tree is touched.
 *
 * Each entry left is reported once through report(path, err, arg): path
 * is relative to dfd (the contents variant: to the directory), err why it
 * could not be removed, EXDEV for a mount point (left alone, not entered).
 * Its parents, not empty because of it, are not reported.  report may be
 * NULL.  Returns 0 when everything is gone, else -1 (errno: the last
 * reported error).
 */
int	fs_rm(int dfd, const char *name,
	    void (*report)(const char *path, int err, void *arg), void *arg);
/* The same for everything inside the directory open (for reading) at dfd,
 * which stays; its file offset moves. */
int	fs_rm_contents(int dfd,
	    void (*report)(const char *path, int err, void *arg), void *arg);

/*
 * Descriptors to close later, together: a reader of many small files (ps
 * over /proc) closes them a batch at a time, one close_range for each run
 * of consecutive numbers (one run when nothing else opens a file in
 * between).  A close of a /proc file costs more alone than in a batch.
 * The batch holds up to max descriptors (at most FS_BATCH; 0, as a zeroed
 * one has: none, each closed at once, as also when b is NULL); a full
 * batch is closed before fd joins it.
 */
#ifndef SYS_close_range
#define SYS_close_range	436	/* headers older than Linux 5.9's */
#endif
#define FS_BATCH	64
struct fs_batch {
	int	fd[FS_BATCH];
	int	n, max;
};
void	fs_batch_add(struct fs_batch *b, int fd);
void	fs_batch_close(struct fs_batch *b);

#endif
