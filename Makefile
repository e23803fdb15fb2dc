# syskit: plain GNU make.  The sources are found, not listed: lib/*.c, the
# applets' files (applets/*.c and applets/NAME/*.c), tests/unit/*.c, one
# fuzz target per fuzz/*.c and one test program per tests/progs/*.c.
#   make            build/syskit and build/bin/ (one link per applet)
#   make unit       build/unit (the C unit tests of lib/)
#   make asan       the same two under build/asan/ with ASan + UBSan
#   make static     build/static/syskit: static, stripped, musl (needs build/musl: tools/musl-deps.sh)
#   make fuzz       build the libFuzzer targets and run each for FUZZ_SECONDS
#   WERROR=1        add -Werror (CI)

CC	?= cc
O	?= build
CFLAGS	?= -O2 -g
WARN	 = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-unused-parameter -Wformat=2
ifeq ($(WERROR),1)
WARN	+= -Werror
endif
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -D_GNU_SOURCE -MMD -MP
# No libbsd in the dynamic link: lib/pidfh loads it with dlopen for run
# --daemon, its one user, so that no other start pays for mapping libbsd and
# libmd (docs/DESIGN.md, libbsd).  The static build links it (PIDFH_LINKED).
LDLIBS	?= -Wl,--as-needed -lc -lm
ALL_LDFLAGS = $(LDFLAGS) $(EXTRA_LDFLAGS)

LIB_SRCS = $(sort $(wildcard lib/*.c))
APPLET_SRCS = $(sort $(wildcard applets/*.c applets/*/*.c))
UNIT_SRCS = $(sort $(wildcard tests/unit/*.c))
FUZZ_TARGETS = $(sort $(basename $(notdir $(wildcard fuzz/*.c))))
# small programs the bats suites run, built beside the binary
PROGS = $(patsubst tests/progs/%.c,$(O)/%,$(sort $(wildcard tests/progs/*.c)))

LIB_OBJS = $(LIB_SRCS:%.c=$(O)/obj/%.o)
APPLET_OBJS = $(APPLET_SRCS:%.c=$(O)/obj/%.o)
UNIT_OBJS = $(UNIT_SRCS:%.c=$(O)/obj/%.o)
APPLETS = $(shell sed -n 's/^APPLET.\([a-z0-9_]*\),.*/\1/p' applets/applets.h)

all: $(O)/syskit $(O)/unit links $(PROGS)

$(O)/syskit: $(APPLET_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/unit: $(UNIT_OBJS) $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(O)/unit

links: $(O)/syskit
	@mkdir -p $(O)/bin
	@for a in $(APPLETS); do ln -sf ../syskit $(O)/bin/$$a; done
	@ln -sf ../syskit $(O)/bin/syskit

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan:
	$(MAKE) O=build/asan CFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN)" EXTRA_LDFLAGS="$(SAN)" all

MUSL	?= build/musl/prefix
static:
	$(MAKE) O=build/static CC=musl-gcc CFLAGS="-Os" \
	    EXTRA_CFLAGS="-isystem $(MUSL)/include -DPIDFH_LINKED" \
	    EXTRA_LDFLAGS="-static -s -L$(MUSL)/lib" LDLIBS="-lbsd -lmd -lm" all

FUZZ_SECONDS ?= 20
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -g -O1
fuzz: $(FUZZ_TARGETS:%=build/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p build/fuzz/corpus-$$t; \
	    echo "fuzz $$t: $(FUZZ_SECONDS)s"; \
	    build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
		build/fuzz/corpus-$$t fuzz/corpus/$$t 2>build/fuzz/$$t.log || \
		{ tail -n 30 build/fuzz/$$t.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units' build/fuzz/$$t.log; \
	done

# A target that needs applet code names the files in a comment line of its
# own, " * linked with applets/ps/keys.c ...": linked, never included.
.SECONDEXPANSION:
build/fuzz/%: fuzz/%.c $(LIB_SRCS) $$(shell sed -n 's/^ \* linked with //p' fuzz/$$*.c)
	@mkdir -p build/fuzz
	clang -std=gnu11 -D_GNU_SOURCE $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) -lbsd -lm

$(PROGS): $(O)/%: tests/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< -lpthread

clean:
	rm -rf build/obj build/syskit build/unit build/bin build/asan build/static \
	    build/fuzz $(PROGS)

.PHONY: all unit links asan static fuzz clean

-include $(APPLET_OBJS:.o=.d) $(LIB_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
