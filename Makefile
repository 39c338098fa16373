# lbd + vrrpd: one non-recursive Makefile. Every entry point lives here.
#
#   make deps    install missing Debian packages (skipped when present)
#   make         build every binary into build/
#   make run     deps + build + run lbd on config/lbd.cfg with demo backends
#   make test    deps + unit and integration tests, then again under ASan+UBSan
#   make bench   lbd against haproxy and nginx (free and at an equal CPU budget; TLS handshakes and
#                keep-alive), vrrpd's failover against
#                keepalived's, the appliance's (lbd + vrrpd) against keepalived + haproxy
#                (results: docs/benchmarks.md)
#   make fuzz    build the libFuzzer targets and run each briefly
#   make mibcheck  smilint and snmptranslate on docs/mibs
#   make install binaries, systemd units, default configs, man pages, MIBs
#                (PREFIX=/usr/local, DESTDIR for staging; make uninstall)
#   make clean

CC       ?= gcc
BUILD    ?= build
SAN      ?=
PYTHON   := /usr/bin/python3
PYTEST   := $(PYTHON) -m pytest
# Integration test files run two at a time (pytest-xdist, one file per
# worker so module fixtures are shared): they mostly wait on daemons and
# timers, and this halves the wall time. PYTEST_JOBS=0 runs them one by one.
PYTEST_JOBS ?= 2
PYTEST_PAR := $(if $(filter-out 0,$(PYTEST_JOBS)),-n $(PYTEST_JOBS) --dist loadfile)

WARN     := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) -pthread -iquote shared -iquote lbd -iquote vrrpd \
            -fno-strict-aliasing
LDLIBS    = $(SNMP_LIBS) -lev -lssl -lcrypto -lz -lpcre2-8 -lcrypt -pthread -lm
# netlink (libnl-route): vrrpd's vrrp_nl.c and lbd's addrwatch.c; libnftables: vrrpd's
# no_accept filtering (vrrp_nft.c)
NL_CFLAGS := $(shell pkg-config --cflags libnl-3.0 libnl-route-3.0 libnftables 2>/dev/null)
NL_LIBS   := $(shell pkg-config --libs libnl-3.0 libnl-route-3.0 libnftables 2>/dev/null)
CFLAGS   += $(NL_CFLAGS)

# SNMP (AgentX subagents, net-snmp): SNMP=0 builds shared/agentx_off.c instead
SNMP     ?= 1
ifeq ($(SNMP),1)
SNMP_OFF  := shared/agentx_off.c
SNMP_LIBS := -lnetsnmpagent -lnetsnmp
else
SNMP_OFF  := shared/agentx.c
SNMP_LIBS :=
endif

ifeq ($(SAN),1)
CFLAGS   += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif

# Debian packages: build, test peers and benchmark peers.
DEPS_BUILD := build-essential clang libclang-rt-14-dev pkg-config libev-dev libssl-dev \
              zlib1g-dev libpcre2-dev libcrypt-dev libnl-3-dev libnl-route-3-dev libnftables-dev libsnmp-dev libcmocka-dev
DEPS_TEST  := python3 python3-pytest python3-pytest-xdist curl openssl socat haproxy iproute2 procps \
              redis-server \
              util-linux prometheus chromium chromium-driver python3-selenium \
              mariadb-server keepalived tcpdump iputils-arping \
              snmpd snmp snmptrapd smitools erlang-snmp
DEPS_BENCH := wrk iperf3 nginx-light libnginx-mod-stream
DEPS       := $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_BENCH)

SHARED_SRC := $(filter-out $(SNMP_OFF),$(wildcard shared/*.c))
LBD_SRC    := $(filter-out lbd/main.c,$(wildcard lbd/*.c))
VRRPD_SRC  := $(filter-out vrrpd/main.c,$(wildcard vrrpd/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)

SHARED_OBJ := $(SHARED_SRC:%.c=$(BUILD)/%.o)
LBD_OBJ    := $(LBD_SRC:%.c=$(BUILD)/%.o)
VRRPD_OBJ  := $(VRRPD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)

.PHONY: all deps run run-single test check unit integration bench fuzz clean \
        install uninstall mibcheck
.DEFAULT_GOAL := all

all: $(BUILD)/lbd/lbd $(BUILD)/vrrpd/vrrpd $(UNIT_BIN)

deps:
	@missing=""; for p in $(DEPS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	else echo "deps: all present"; fi

Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libshared.a: $(SHARED_OBJ)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/liblbd.a: $(LBD_OBJ)
	$(Q)$(AR) rcs $@ $^

# vrrpd's modules, linked by vrrpd, the unit tests and the fuzzers
$(BUILD)/libvrrpd.a: $(VRRPD_OBJ)
	@mkdir -p $(dir $@)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/lbd/lbd: $(BUILD)/lbd/main.o $(BUILD)/liblbd.a $(BUILD)/libshared.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NL_LIBS) $(LDLIBS)

$(BUILD)/vrrpd/vrrpd: $(BUILD)/vrrpd/main.o $(BUILD)/libvrrpd.a $(BUILD)/libshared.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(NL_LIBS) $(LDLIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/liblbd.a $(BUILD)/libvrrpd.a $(BUILD)/libshared.a
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(NL_LIBS) $(LDLIBS) -lcmocka

run: deps all
	$(PYTHON) config/pair_demo.py --lbd $(BUILD)/lbd/lbd --vrrpd $(BUILD)/vrrpd/vrrpd

# the single-box demo: lbd on config/lbd.cfg with three backends on loopback
run-single: deps all
	$(PYTHON) config/demo.py --lbd $(BUILD)/lbd/lbd --config config/lbd.cfg

# One build, its unit programs, then the integration suite on that build.
check: all
	@echo "== unit tests ($(BUILD)) =="
	@rc=0; for t in $(UNIT_BIN); do $$t || rc=1; done; exit $$rc
	@echo "== integration tests ($(BUILD)) =="
	LBD_BIN=$(CURDIR)/$(BUILD)/lbd/lbd VRRPD_BIN=$(CURDIR)/$(BUILD)/vrrpd/vrrpd \
	  LBD_ARTIFACTS=$(CURDIR)/$(BUILD)/artifacts \
	  $(PYTEST) $(PYTEST_PAR) -q -p no:cacheprovider --durations=5 tests/integration

test: deps
	$(MAKE) check BUILD=build
	$(MAKE) check BUILD=build-asan SAN=1 CC=clang

bench: deps all
	$(PYTHON) bench/run.py --lbd $(BUILD)/lbd/lbd --out docs/benchmarks.md
	$(PYTHON) bench/run.py --lbd $(BUILD)/lbd/lbd --cpu-cap 50 --out docs/benchmarks-cpu-capped.md
	$(PYTHON) bench/checks_cost.py --lbd $(BUILD)/lbd/lbd --out docs/benchmarks.md
	$(PYTHON) bench/rules_cost.py --lbd $(BUILD)/lbd/lbd --out docs/benchmarks.md
	$(PYTHON) bench/reload.py --lbd $(BUILD)/lbd/lbd --out docs/benchmarks.md
	$(PYTHON) bench/tls.py --lbd $(BUILD)/lbd/lbd --out docs/benchmarks.md
	$(PYTHON) bench/vrrp_failover.py --vrrpd $(BUILD)/vrrpd/vrrpd --out docs/benchmarks.md
	$(PYTHON) bench/appliance_failover.py --lbd $(BUILD)/lbd/lbd --vrrpd $(BUILD)/vrrpd/vrrpd \
	  --out docs/benchmarks.md

FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -iquote shared -iquote lbd -iquote vrrpd $(NL_CFLAGS) \
               -fsanitize=fuzzer,address,undefined
fuzz: deps
	@mkdir -p $(BUILD)/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "== $$n =="; \
	  clang $(FUZZ_CFLAGS) -o $(BUILD)/fuzz/$$n $$f $(SHARED_SRC) $(LBD_SRC) $(VRRPD_SRC) \
	    $(NL_LIBS) $(LDLIBS) || exit 1; \
	  mkdir -p $(BUILD)/fuzz/corpus-$$n; \
	  $(BUILD)/fuzz/$$n -max_total_time=$${FUZZ_SECONDS:-20} -max_len=8192 \
	    -close_fd_mask=2 $(BUILD)/fuzz/corpus-$$n tests/fuzz/corpus/$$n \
	    > $(BUILD)/fuzz/$$n.log 2>&1; rc=$$?; tail -n 2 $(BUILD)/fuzz/$$n.log; \
	  [ $$rc -eq 0 ] || { echo "$$n failed: see $(BUILD)/fuzz/$$n.log"; exit 1; }; \
	done

# The MIB against libsmi's checker and net-snmp's parser, with the IETF
# base modules it imports (SNMPv2-SMI, -TC, -CONF): Debian's net-snmp and
# libsmi packages leave them out (non-free snmp-mibs-downloader), its
# erlang-snmp package (main, in DEPS) ships them.
mibcheck: deps
	@d=$$(ls -d /usr/lib/erlang/lib/snmp-*/mibs | head -n 1); \
	  echo "IETF base modules: $$d"; \
	  SMIPATH=$$d smilint -l 4 docs/mibs/LBD-MIB.txt && \
	  snmptranslate -M $$d:docs/mibs -m LBD-MIB -On LBD-MIB::lbdMIB

# Installation. Configurations are installed only where none exists, so
# a reinstall never overwrites an operator's files.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
MIBDIR     ?= $(PREFIX)/share/snmp/mibs
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
MANPAGES   := docs/lbd.8 docs/lbd.cfg.5 docs/vrrpd.8 docs/vrrpd.conf.5
MIBS       := $(wildcard docs/mibs/*.txt)
INSTALL    ?= install
D          := $(DESTDIR)

install: $(BUILD)/lbd/lbd $(BUILD)/vrrpd/vrrpd
	$(INSTALL) -d $(D)$(SBINDIR) $(D)$(UNITDIR) $(D)$(MANDIR)/man5 $(D)$(MANDIR)/man8 \
	  $(D)$(SYSCONFDIR)/lbd/errors $(D)$(SYSCONFDIR)/keepalived
	$(INSTALL) -m 755 $(BUILD)/lbd/lbd $(BUILD)/vrrpd/vrrpd $(D)$(SBINDIR)/
	for u in lbd vrrpd; do \
	  sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    systemd/$$u.service.in > $(D)$(UNITDIR)/$$u.service && \
	  chmod 644 $(D)$(UNITDIR)/$$u.service || exit 1; \
	done
	for m in $(MANPAGES); do \
	  s=$${m##*.}; $(INSTALL) -m 644 $$m $(D)$(MANDIR)/man$$s/ || exit 1; done
	$(if $(MIBS),$(INSTALL) -d $(D)$(MIBDIR) && $(INSTALL) -m 644 $(MIBS) $(D)$(MIBDIR)/)
	[ -e $(D)$(SYSCONFDIR)/lbd/lbd.cfg ] || \
	  $(INSTALL) -m 644 config/lbd-appliance.cfg $(D)$(SYSCONFDIR)/lbd/lbd.cfg
	[ -e $(D)$(SYSCONFDIR)/keepalived/keepalived.conf ] || \
	  $(INSTALL) -m 644 config/vrrpd.conf $(D)$(SYSCONFDIR)/keepalived/keepalived.conf
	for e in config/errors/*.http; do \
	  [ -e $(D)$(SYSCONFDIR)/lbd/errors/$${e##*/} ] || \
	    $(INSTALL) -m 644 $$e $(D)$(SYSCONFDIR)/lbd/errors/ || exit 1; done

# removes what install wrote, except configurations an operator may have edited
uninstall:
	rm -f $(D)$(SBINDIR)/lbd $(D)$(SBINDIR)/vrrpd \
	  $(D)$(UNITDIR)/lbd.service $(D)$(UNITDIR)/vrrpd.service \
	  $(foreach m,$(MANPAGES),$(D)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
	  $(foreach m,$(MIBS),$(D)$(MIBDIR)/$(notdir $(m)))

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
