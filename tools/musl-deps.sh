#!/bin/sh
# musl-deps.sh: build the static libmd and libbsd that `make static` links
# against, from Debian's own source packages, with musl-gcc.
#
# Usage (as root, on Debian 12, from anywhere in the repo): tools/musl-deps.sh
#
# Result, relative to the repo root:
#   build/musl/prefix/lib/{libmd.a,libbsd.a}
#   build/musl/prefix/include/{bsd/,md5.h,...}        libmd and libbsd headers
#   build/musl/prefix/include/{linux,asm,asm-generic}  kernel headers (symlinks),
#       so that the Makefile's single -isystem covers them too: musl-gcc
#       searches only musl's own include directory, which has none.
# Work files: build/musl/src (apt-get source), build/musl/work (build trees),
# build/musl/kinc (kernel headers), build/musl/log (configure/make output).
#
# Idempotent: when both libraries are already there it does nothing.
# It installs missing Debian packages and, when no deb-src entry exists, adds
# /etc/apt/sources.list.d/syskit-src.sources for the configured Debian suites.
set -eu

say() { printf 'musl-deps: %s\n' "$*"; }
die() { printf 'musl-deps: error: %s\n' "$*" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd) || die "cannot find the repo root"
top=$root/build/musl
prefix=$top/prefix
kinc=$top/kinc
srcdir=$top/src
work=$top/work
logdir=$top/log
srcfile=/etc/apt/sources.list.d/syskit-src.sources
jobs=$(nproc 2>/dev/null || echo 2)

if [ -f "$prefix/lib/libbsd.a" ] && [ -f "$prefix/lib/libmd.a" ] &&
    [ -e "$prefix/include/linux/netlink.h" ] && command -v musl-gcc >/dev/null; then
	say "build/musl/prefix already has libbsd.a and libmd.a: nothing to do"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (it installs Debian packages)"
command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian"

# ---- 1. packages -----------------------------------------------------------

# musl-tools: musl-gcc; dpkg-dev: apt-get source; linux-libc-dev: kernel
# headers; gcc, make: the released tarballs need nothing else (their
# configure scripts are generated), xz-utils unpacks them.
need="musl-tools dpkg-dev linux-libc-dev gcc make xz-utils"

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q 'install ok installed'
}

lists_present() {
	ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1
}

mkdir -p "$logdir" || die "cannot create $logdir"
aptlog=$logdir/apt.log
: >"$aptlog"

apt_update() {	# apt-get update; its errors are not fatal (see what follows it)
	apt-get update "$@" >>"$aptlog" 2>&1 ||
	    say "apt-get update reported errors (build/musl/log/apt.log); going on"
}

apt_install() {
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $missing >>"$aptlog" 2>&1
}

missing=
for p in $need; do
	installed "$p" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "step 1: installing:$missing"
	if ! lists_present; then
		say "step 1: no package lists: apt-get update"
		apt_update
	fi
	if ! apt_install; then
		say "step 1: install failed: apt-get update and retry"
		apt_update
		apt_install || {
			tail -n 20 "$aptlog" >&2
			die "apt-get install$missing failed (log: build/musl/log/apt.log)"
		}
	fi
else
	say "step 1: packages present: $need"
fi
command -v musl-gcc >/dev/null || die "musl-gcc not found after installing musl-tools"

# ---- 2. sources ------------------------------------------------------------

have_src() {
	apt-cache showsrc libbsd 2>/dev/null | grep -q '^Package: libbsd$' &&
	    apt-cache showsrc libmd 2>/dev/null | grep -q '^Package: libmd$'
}

src_configured() {
	# shellcheck disable=SC2016 # $(CREATED_BY) is apt's field, not the shell's
	apt-get indextargets --no-release-info --format '$(CREATED_BY)' 2>/dev/null |
	    grep -qx Sources
}

# Print deb822 deb-src stanzas mirroring the enabled "deb" entries for the
# installed Debian release (suites CODENAME, CODENAME-updates,
# CODENAME-security, or stable*), from both the deb822 and the one-line
# formats. Entries for other repositories (vendor repos) are left out: they
# rarely publish sources and a failing one would break apt-get update.
make_src_entries() {
	codename=
	if [ -r /etc/os-release ]; then
		# shellcheck disable=SC1091
		codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	fi
	[ -n "$codename" ] || codename=$(sed -n 's,/.*,,p' /etc/debian_version 2>/dev/null)
	[ -n "$codename" ] || die "cannot tell the Debian codename"
	for f in /etc/apt/sources.list.d/*.sources; do
		if [ ! -f "$f" ] || [ "$f" = "$srcfile" ]; then
			continue
		fi
		awk -v cn="$codename" '
		function suite_ok(s) {
			return s ~ ("^(" cn "|stable)([-/].*)?$")
		}
		function flush(   i, k, s, ns, ok) {
			if (n == 0)
				return
			if (tolower(enabled) != "no" && types ~ /(^|[ \t])deb([ \t]|$)/) {
				ns = split(suites, s, /[ \t]+/)
				ok = ""
				for (k = 1; k <= ns; k++)
					if (s[k] != "" && suite_ok(s[k]))
						ok = ok " " s[k]
				if (ok != "" && uris != "") {
					print "Types: deb-src"
					print "Suites:" ok
					for (i = 1; i <= n; i++)
						if (keep[i])
							print line[i]
					print ""
				}
			}
			n = 0; types = ""; suites = ""; enabled = ""; uris = ""
		}
		/^#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ {	# continuation of the previous field (e.g. an inline key)
			line[++n] = $0; keep[n] = cur_keep; next
		}
		{
			name = tolower($0); sub(/:.*/, "", name)
			val = $0; sub(/^[^:]*:[ \t]*/, "", val)
			cur_keep = 1
			if (name == "types") { types = val; cur_keep = 0 }
			else if (name == "suites") { suites = val; cur_keep = 0 }
			else if (name == "enabled") { enabled = val; cur_keep = 0 }
			else if (name == "architectures") cur_keep = 0
			else if (name == "uris") uris = val
			line[++n] = $0; keep[n] = cur_keep
		}
		END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v cn="$codename" '
		$1 != "deb" { next }
		{
			signed = ""; trusted = ""; i = 2
			if ($2 ~ /^\[/) {	# [opt=val ...], possibly split over fields
				opts = ""
				for (; i <= NF; i++) {
					opts = opts " " $i
					if ($i ~ /\]$/) { i++; break }
				}
				gsub(/[\[\]]/, "", opts)
				no = split(opts, o, /[ \t]+/)
				for (k = 1; k <= no; k++) {
					if (o[k] ~ /^signed-by=/) { signed = o[k]; sub(/^signed-by=/, "", signed) }
					if (o[k] ~ /^trusted=/) { trusted = o[k]; sub(/^trusted=/, "", trusted) }
				}
			}
			uri = $i; suite = $(i + 1)
			if (uri ~ /^cdrom:/ || suite !~ ("^(" cn "|stable)([-/].*)?$"))
				next
			comps = ""
			for (k = i + 2; k <= NF; k++) {
				if ($k ~ /^#/) break
				comps = comps " " $k
			}
			print "Types: deb-src"
			print "URIs: " uri
			print "Suites: " suite
			if (comps != "") print "Components:" comps
			if (signed != "") print "Signed-By: " signed
			if (trusted != "") print "Trusted: " trusted
			print ""
		}' "$f"
	done
}

if have_src; then
	say "step 2: deb-src indexes present"
elif src_configured; then
	say "step 2: deb-src configured but not fetched: apt-get update"
	apt_update
else
	entries=$(make_src_entries)
	[ -n "$entries" ] || die "no Debian 'deb' entry found in /etc/apt to derive a deb-src entry from"
	say "step 2: no deb-src entry: writing $srcfile"
	{
		echo "# Added by syskit tools/musl-deps.sh: Debian sources for apt-get source."
		printf '%s\n' "$entries"
	} >"$srcfile" || die "cannot write $srcfile"
	# Fetch only the new entries: faster, and a broken third-party
	# repository elsewhere in /etc/apt cannot fail this step.
	say "step 2: apt-get update (deb-src entries only)"
	apt_update -o Dir::Etc::SourceList="$srcfile" \
	    -o Dir::Etc::SourceParts=- -o APT::Get::List-Cleanup=0
fi
have_src || die "apt-cache knows no source package libmd/libbsd (check $srcfile and apt-get update)"

mkdir -p "$srcdir" || die "cannot create $srcdir"
fetch() {	# fetch PKG: apt-get source into build/musl/src unless done
	if ls "$srcdir/$1"_*.dsc >/dev/null 2>&1; then
		say "step 2: $1 source already in build/musl/src"
		return
	fi
	say "step 2: apt-get source $1"
	# As root apt warns that the download is unsandboxed: harmless here.
	(cd "$srcdir" && apt-get source -q "$1") >"$logdir/source-$1.log" 2>&1 || {
		tail -n 20 "$logdir/source-$1.log" >&2
		die "apt-get source $1 failed (log: build/musl/log/source-$1.log)"
	}
}
fetch libmd
fetch libbsd

# Build from the released upstream tarball inside the source package: its
# configure script is generated, so no autotools are needed. bookworm's
# libmd 1.0.4-2 and libbsd 0.11.7-2 carry no Debian patches; should a later
# revision add some, they are named here, not applied (a patched Makefile.am
# would make make want to re-run automake).
unpack() {	# unpack PKG: a fresh tree in build/musl/work/PKG
	tarball=
	for t in "$srcdir/$1"_*.orig.tar.*; do
		case $t in *.asc) ;; *) [ -f "$t" ] && tarball=$t && break ;; esac
	done
	[ -n "$tarball" ] || die "no $1 upstream tarball in build/musl/src"
	for series in "$srcdir/$1"-*/debian/patches/series; do
		if [ -s "$series" ]; then
			say "note: Debian patches of $1 not applied: $(grep -v '^#' "$series" | tr '\n' ' ')"
		fi
	done
	rm -rf "${work:?}/$1" && mkdir -p "$work/$1" &&
	    tar -C "$work/$1" --strip-components=1 -xf "$tarball" ||
	    die "cannot unpack $tarball (remove build/musl/src to fetch it again)"
	[ -x "$work/$1/configure" ] || die "$tarball has no configure script"
}

# ---- 3. build --------------------------------------------------------------

triplet=$(gcc -print-multiarch 2>/dev/null || true)
[ -n "$triplet" ] || triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || true)
[ -n "$triplet" ] || die "cannot tell the multiarch triplet"
[ -d /usr/include/linux ] || die "/usr/include/linux missing (linux-libc-dev)"
[ -d "/usr/include/$triplet/asm" ] || die "/usr/include/$triplet/asm missing (linux-libc-dev)"

say "step 3: kernel headers for musl-gcc in build/musl/kinc and build/musl/prefix/include"
rm -rf "$prefix" "$kinc" || die "cannot clean $prefix"
mkdir -p "$kinc" "$prefix/include" || die "cannot create $kinc"
for d in "$kinc" "$prefix/include"; do
	ln -s /usr/include/linux "$d/linux" &&
	    ln -s /usr/include/asm-generic "$d/asm-generic" &&
	    ln -s "/usr/include/$triplet/asm" "$d/asm" ||
	    die "cannot link kernel headers into $d"
done

# build PKG EXTRA_CPPFLAGS EXTRA_LDFLAGS [configure options]
build() {
	pkg=$1; cppflags=$2; ldflags=$3; shift 3
	unpack "$pkg"
	log=$logdir/build-$pkg.log
	say "step 3: building $pkg from $(basename "$tarball") (log: build/musl/log/build-$pkg.log)"
	(
		cd "$work/$pkg" &&
		    ./configure CC=musl-gcc CFLAGS="-O2 -isystem $kinc" \
			CPPFLAGS="-isystem $kinc $cppflags" LDFLAGS="$ldflags" \
			--prefix="$prefix" --enable-static --disable-shared "$@" &&
		    make -j"$jobs" &&
		    make install
	) >"$log" 2>&1 || {
		tail -n 30 "$log" >&2
		die "building $pkg failed (log: build/musl/log/build-$pkg.log)"
	}
}

build libmd "" ""
build libbsd "-isystem $prefix/include" "-L$prefix/lib"

[ -f "$prefix/lib/libmd.a" ] || die "libmd.a was not installed"
[ -f "$prefix/lib/libbsd.a" ] || die "libbsd.a was not installed"
# libbsd installs a libbsd.so linker script even with --disable-shared; it
# names no libbsd at all, so a non-static link against the prefix would
# silently get none. Only the static libraries are wanted.
rm -f "$prefix"/lib/*.so

# ---- 4. check --------------------------------------------------------------

say "step 4: checking a static musl program against them"
cat >"$work/check.c" <<'EOF'
#include <bsd/stdlib.h>
#include <bsd/libutil.h>
#include <linux/netlink.h>
#include <stdio.h>

int
main(void)
{
	const char *e = NULL;
	char buf[8];

	if (strtonum("42", 0, 100, &e) != 42 || e != NULL)
		return 1;
	if (humanize_number(buf, sizeof(buf), 1536, "", HN_AUTOSCALE,
	    HN_DECIMAL | HN_NOSPACE | HN_B) == -1)
		return 1;
	return NETLINK_ROUTE;
}
EOF
musl-gcc -static -isystem "$prefix/include" -o "$work/check" "$work/check.c" \
    -L"$prefix/lib" -lbsd -lmd >"$logdir/check.log" 2>&1 || {
	cat "$logdir/check.log" >&2
	die "cannot link a static program against build/musl/prefix"
}
"$work/check" || die "the static check program failed"
say "done: build/musl/prefix/lib/libbsd.a and libmd.a; now run: make static"
