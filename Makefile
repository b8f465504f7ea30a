# irqbench: build kernels, boot them in QEMU, measure interrupt-disabling
# lock primitives, and turn the records into decisions and pictures.
# `make help` lists the targets and variables.

include defaults.mk
FUZZ_SECONDS ?= 30
BASE ?=
NEW ?=
KDIR ?= /lib/modules/$(shell uname -r)/build

export ARCHS KERNELS CONFIGS ACCEL REQUEST REPEAT FUZZ_SECONDS KSRC LLVM \
	LAVA_URL LAVA_DEVICE_TYPES LAVA_IDENTITY

help:
	@echo "irqbench targets (variables below; defaults in defaults.mk):"
	@echo "  make bench          build, boot and measure ARCHS x KERNELS x CONFIGS; prints the headline"
	@echo "  make matrix         the same over KERNELS='$(MATRIX_KERNELS)' CONFIGS='$(MATRIX_CONFIGS)'"
	@echo "  make remeasure      every cell RESULTS.md publishes, at the current method, then its traces"
	@echo "  make results        the store from results/, then RESULTS.md, docs/results/, plots and the dashboard"
	@echo "  make compare        [BASE=<run> NEW=<run>] [ACROSS=kernel FROM=6.1 TO=7.3]: exit 1 regression, 2 incomplete, 3 error"
	@echo "  make history        stored runs; CASE=variant/impl/d<depth>/<state>: that case across kernel releases"
	@echo "  make explain        A=<case> B=<case>: both in every current cell, and the instructions that differ"
	@echo "  make annotate       CASE=variant/impl/d<depth>/<state>: one operation's instructions"
	@echo "  make annotate-results  the traces RESULTS.md explains with"
	@echo "  make kcidb          [RUN=<run>] [ORIGIN=<name>] [FILES_URL=<url>]: KCIDB v5.3 documents in build/kcidb/"
	@echo "  make lava           one LAVA job per cell and device type, each valid by LAVA's schema (build/lava/jobs)"
	@echo "  make lava-run       CELL=<arch>-<kernel>-<config>: its qemu job through Debian's lava-dispatcher here, into a run"
	@echo "  make lava-submit    LAVA_IDENTITY=<lavacli identity> [LAVA_DEVICE_TYPES='qemu x86']: submit build/lava/jobs"
	@echo "  make lava-collect   JOB=<id> LAVA_IDENTITY=<identity>, or DIR=build/lava/runs/<id>: a job into a run"
	@echo "  make check          every test, ending with \"N passed, N failed\""
	@echo "  make check-bisect   make bisect on its synthetic history (too slow for make check)"
	@echo "  make check-arches   riscv64, ppc64le and s390x booted and traced on 7.3"
	@echo "  make check-lava     [CELL=...] [LAVA_SERVER=1]: one cell direct and through lava-run (and a local lava-server), compared"
	@echo "  make fuzz           the request-parser fuzzer for FUZZ_SECONDS"
	@echo "  make repeat         RUN=results/<run-id>: run it again from its run.json alone"
	@echo "  make calibrate      two plain-TCG runs at REPEAT=5: the ns gate's false positives and power"
	@echo "  make bisect KSRC=<git tree> GOOD=<rev> BAD=<rev> CASE=<case>: first commit that changes CASE"
	@echo "  make baseline       name results/latest as the baseline (or RUN=<run>)"
	@echo "  make bench-pipeline, time-matrix, time-check, time-lava: timings of irqbench itself (results/pipeline/)"
	@echo "  make module, bare-metal: irqbench.ko against KDIR, run here (root)"
	@echo "  make deps           install what is missing from Debian's packages"
	@echo "  make clean          remove build output (the kernel cache stays)"
	@echo "variables: ARCHS='$(ARCHS)' (or all) KERNELS='$(KERNELS)' CONFIGS='$(CONFIGS)' ACCEL=$(ACCEL)"
	@echo "  REQUEST='$(REQUEST)' REPEAT=$(REPEAT)"
	@echo "  KSRC=<kernel tree> instead of Debian's sources; LLVM=1 for clang; IRQBENCH_DB=<file or postgresql://...>"

deps:
	@arch-matrix/deps.sh

# matrix.sh checks the variables, then installs what is missing (deps.sh).
bench:
	@IRQBENCH_COMMAND="make bench ARCHS='$(ARCHS)' KERNELS='$(KERNELS)' CONFIGS='$(CONFIGS)' ACCEL=$(ACCEL) REPEAT=$(REPEAT)$(if $(LLVM), LLVM=$(LLVM))" \
		arch-matrix/matrix.sh

matrix:
	@KERNELS="$(MATRIX_KERNELS)" CONFIGS="$(MATRIX_CONFIGS)" \
		IRQBENCH_COMMAND="make matrix ACCEL=$(ACCEL)" arch-matrix/matrix.sh

# every cell RESULTS.md publishes, at the current method identity
remeasure:
	@$(MAKE) --no-print-directory matrix ACCEL=tcg-icount
	@ARCHS="$(ARCHS)" KERNELS=7.3 CONFIGS="$(REMEASURE_CONFIGS)" ACCEL=tcg-icount \
		IRQBENCH_COMMAND="make bench ARCHS='$(ARCHS)' KERNELS=7.3 CONFIGS='$(REMEASURE_CONFIGS)' ACCEL=tcg-icount" \
		arch-matrix/matrix.sh
	@ARCHS="$(REMEASURE_ARCHES)" KERNELS=7.3 CONFIGS=default ACCEL=tcg-icount \
		IRQBENCH_COMMAND="make bench ARCHS='$(REMEASURE_ARCHES)' KERNELS=7.3 CONFIGS=default ACCEL=tcg-icount" \
		arch-matrix/matrix.sh
	@$(MAKE) --no-print-directory annotate-results

# one operation's executed instructions per CASE into build/annotate/, each
# length checked against the newest tcg-icount run of the current irqbench
annotate: deps
	@arch-matrix/annotate-matrix.sh $(CURDIR)/build/annotate $(CASE)

# the first commit of KSRC between GOOD and BAD that changes CASE's count
bisect: deps
	@scripts/bisect.sh

# the traces the pages explain figures with, into the runs they explain
# (results/<run-id>/annotate/traces.json.gz): 7.3 default on every arch
annotate-results:
	@ARCHS="$(ARCHS) $(REMEASURE_ARCHES)" KERNELS=7.3 CONFIGS=default scripts/annotate-results.sh

check: deps
	@scripts/check.sh

# make bisect on a synthetic three-commit history (three kernel builds:
# too slow for make check's warm budget)
check-bisect: deps
	@CHECK_ONLY=bisect scripts/check.sh

# the arches beyond x86_64 and arm64, once each on 7.3 (a kernel build per
# arch cold: too slow for make check)
check-arches: deps
	@CHECK_ONLY=arches scripts/check.sh

# the LAVA path against the direct one on one cell, to the instruction
# (make check runs it on its default cell; this target takes CELL=, and
# LAVA_SERVER=1 adds a local lava-server, too slow for make check)
check-lava:
	@scripts/check-lava.sh $(CELL)

# The matrix as LAVA jobs (irqbench/lava/): build/lava/jobs/<cell>.<device-type>.yaml;
# LAVA_URL is where a lab finds build/lava/ (default file://, for lava-run here)
lava:
	@IRQBENCH_COMMAND="make lava" arch-matrix/lava.sh jobs

lava-run:
	@[ -n "$(CELL)" ] || { echo "irqbench: make lava-run CELL=<arch>-<kernel>-<config>" >&2; exit 3; }
	@arch-matrix/lava.sh run $(CELL)

lava-submit:
	@arch-matrix/lava.sh submit

# a LAVA job's results as a run (results/<run-id>/ with run.json's lava key, stored)
lava-collect:
	@if [ -n "$(JOB)" ]; then arch-matrix/lava.sh collect-job $(JOB); \
	elif [ -n "$(DIR)" ]; then arch-matrix/lava.sh collect $(DIR); \
	else echo "irqbench: make lava-collect JOB=<id> LAVA_IDENTITY=<lavacli identity>, or DIR=build/lava/runs/<id>" >&2; exit 3; fi

fuzz: deps
	@src=$$(arch-matrix/fetch-source.sh 7.3) && \
	$(MAKE) -s -C selftests/host KSELFTEST=$$src/tools/testing/selftests OUT=$(CURDIR)/build/fuzz \
		$(CURDIR)/build/fuzz/fuzz_request && \
	build/fuzz/fuzz_request -max_total_time=$(FUZZ_SECONDS) -max_len=600 \
		build/fuzz/corpus selftests/host/corpus

# the host tooling (irqbench/), with Debian's Python and what it needs
PY = @arch-matrix/deps.sh --host && PYTHONPATH=$(CURDIR) /usr/bin/python3 -m

compare:
	$(PY) irqbench.compare $(if $(THRESHOLD),--threshold $(THRESHOLD)) \
		$(if $(ACROSS),--across $(ACROSS)) $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) \
		$(if $(MIN_INSN),--min-insn $(MIN_INSN)) $(BASE) $(NEW)

calibrate: deps
	@out=$$(mktemp -d /tmp/irqbench-calib.XXXXXX) && scripts/calibrate.sh $$out && \
	runs=$$(ls -d $$out/2* | sort) && PYTHONPATH=$(CURDIR) /usr/bin/python3 -m irqbench.calibrate \
		$$runs results/calibration.json

history:
	$(PY) irqbench.history $(CASE) $(if $(ARCH),--arch $(ARCH)) $(if $(CONFIG),--config $(CONFIG))

explain:
	@[ -n "$(A)" ] && [ -n "$(B)" ] || { echo "irqbench: make explain A=<case> B=<case> (variant/impl/d<depth>/<state>)" >&2; exit 3; }
	$(PY) irqbench.report.explain $(A) $(B) $(if $(ARCH),--arch $(ARCH)) $(if $(CONFIG),--config $(CONFIG))

kcidb:
	$(PY) irqbench.kcidb $(if $(ORIGIN),--origin $(ORIGIN)) $(if $(FILES_URL),--files-url $(FILES_URL)) $(RUN)

repeat:
	@[ -n "$(RUN)" ] || { echo "irqbench: make repeat RUN=results/<run-id>" >&2; exit 3; }
	@scripts/repeat-run.sh $(RUN)

baseline:
	$(PY) irqbench.history --baseline $(or $(RUN),latest)

results:
	$(PY) irqbench.report

bench-pipeline: deps
	@scripts/bench-pipeline.sh

# CI's make check on a fresh clone, cold then warm (about an hour)
time-check: deps
	@scripts/time-check.sh

time-matrix: deps
	@scripts/time-matrix.sh

# one cell direct and through lava-run, warm, under hyperfine
time-lava: deps
	@scripts/time-lava.sh $(CELL)

# Without a configured kernel tree kbuild fails obscurely: say what to do.
module:
	@[ -f "$(KDIR)/Makefile" ] || { echo "irqbench: no kernel build tree at KDIR=$(KDIR):" \
		"install linux-headers-$$(uname -r) or set KDIR to a configured kernel's build directory" >&2; exit 3; }
	$(MAKE) -C kmod-bench KDIR=$(KDIR)

bare-metal: module
	@scripts/bare-metal.sh kmod-bench/irqbench.ko

clean:
	rm -rf build
	-$(MAKE) -s -C kmod-bench KDIR=$(KDIR) clean 2>/dev/null

.PHONY: help deps bench matrix remeasure check check-bisect check-arches check-lava time-check time-matrix time-lava \
	lava lava-run lava-submit lava-collect \
	annotate bisect annotate-results fuzz compare calibrate history explain kcidb repeat baseline \
	results bench-pipeline module bare-metal clean
