# irqbench: build kernels, boot them in QEMU, measure interrupt-disabling
# lock primitives, and turn the records into decisions and pictures.
# `make help` lists the targets and variables.

include defaults.mk
FUZZ_SECONDS ?= 30
KDIR ?= /lib/modules/$(shell uname -r)/build

# Every variable a target reads is data, handed to its recipe in the
# environment and read there by scripts/make-run.sh (which checks it and
# builds the tool's arguments), never written into recipe text: a recipe
# is a fixed command line. A value given on make's command line is taken
# as typed: make expands such a value when it exports it ($(shell ...)
# would run), so it is made a literal of its own text first.
USER_VARS := ARCHS KERNELS CONFIGS ACCEL REQUEST REPEAT LLVM KSRC \
	MATRIX_KERNELS MATRIX_CONFIGS REMEASURE_CONFIGS REMEASURE_ARCHES \
	CASE ARCH CONFIG A B BASE NEW THRESHOLD ACROSS FROM TO MIN_INSN \
	RUN ORIGIN FILES_URL CELL JOB DIR KDIR FUZZ_SECONDS CALIBRATE_REPEAT \
	GOOD BAD BISECT_ARCH BISECT_CONFIG BISECT_OUT \
	LAVA_URL LAVA_DEVICE_TYPES LAVA_IDENTITY LAVA_SERVER \
	RESULTS IRQBENCH_DB CHECK_ONLY CHECK_DIR
$(foreach v,$(USER_VARS),$(if $(filter command line,$(origin $v)),$(eval override $v := $$(value $v))))
# make-run.sh refuses a control character (a newline) in any of them
export IRQBENCH_MAKE_VARS := $(USER_VARS)
# exported when set (an unset one stays unset: kbuild reads ARCH)
export $(foreach v,$(USER_VARS),$(if $(filter undefined,$(origin $v)),,$v))

# scripts/make-run.sh TARGET: the target's one command line
RUN_TARGET = @scripts/make-run.sh $@

help:
	@echo "irqbench targets (variables below; defaults in defaults.mk):"
	@echo "  make bench          build, boot and measure ARCHS x KERNELS x CONFIGS; prints the headline"
	@echo "  make matrix         the same over KERNELS='$$MATRIX_KERNELS' CONFIGS='$$MATRIX_CONFIGS'"
	@echo "  make remeasure      every cell RESULTS.md publishes, at the current method, then its traces"
	@echo "  make results        the store from results/, then RESULTS.md, docs/results/, plots and the dashboard"
	@echo "  make compare        [BASE=<run> NEW=<run>] [ACROSS=kernel FROM=6.1 TO=7.3]: the regression gate"
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
	@echo "variables: ARCHS='$$ARCHS' (or all) KERNELS='$$KERNELS' CONFIGS='$$CONFIGS' ACCEL=$$ACCEL"
	@echo "  REQUEST='$$REQUEST' REPEAT=$$REPEAT"
	@echo "  KSRC=<kernel tree> instead of Debian's sources; LLVM=1 for clang; IRQBENCH_DB=<file or postgresql://...>"
	@echo "exit codes: the tools' own are 0 done, 1 a finding (compare: a regression), 2 incomplete,"
	@echo "  3 a usage or data error (a bad variable: one line). Through make any failure exits 2,"
	@echo "  and make's last line names the tool's code: make: *** [Makefile:<line>: compare] Error 1."
	@echo "  scripts/irqbench.sh TARGET [VAR=value]... is make TARGET VAR=value... exiting with the tool's code."

deps:
	@arch-matrix/deps.sh

# Each target below is scripts/make-run.sh TARGET, which reads the
# target's variables from the environment, checks them and runs its tool.
# matrix.sh checks the run's variables, then installs what is missing.
bench:
	$(RUN_TARGET)

matrix:
	$(RUN_TARGET)

# every cell RESULTS.md publishes, at the current method identity
remeasure:
	$(RUN_TARGET)

# one operation's executed instructions per CASE into build/annotate/, each
# length checked against the newest tcg-icount run of the current irqbench
# (CASE checked, then the packages)
annotate:
	$(RUN_TARGET)

# the first commit of KSRC between GOOD and BAD that changes CASE's count
bisect:
	$(RUN_TARGET)

# the traces the pages explain figures with, into the runs they explain
# (results/<run-id>/annotate/traces.json.gz): 7.3 default on every arch
annotate-results:
	$(RUN_TARGET)

check: deps
	$(RUN_TARGET)

# make bisect on a synthetic three-commit history (three kernel builds:
# too slow for make check's warm budget)
check-bisect: deps
	$(RUN_TARGET)

# the arches beyond x86_64 and arm64, once each on 7.3 (a kernel build per
# arch cold: too slow for make check)
check-arches: deps
	$(RUN_TARGET)

# the LAVA path against the direct one on one cell, to the instruction
# (make check runs it on its default cell; this target takes CELL=, and
# LAVA_SERVER=1 adds a local lava-server, too slow for make check)
check-lava:
	$(RUN_TARGET)

# The matrix as LAVA jobs (irqbench/lava/): build/lava/jobs/<cell>.<device-type>.yaml;
# LAVA_URL is where a lab finds build/lava/ (default file://, for lava-run here)
lava:
	$(RUN_TARGET)

lava-run:
	$(RUN_TARGET)

lava-submit:
	$(RUN_TARGET)

# a LAVA job's results as a run (results/<run-id>/ with run.json's lava key, stored)
lava-collect:
	$(RUN_TARGET)

fuzz:
	$(RUN_TARGET)

# the host tooling (irqbench/), with Debian's Python and what it needs
compare:
	$(RUN_TARGET)

history:
	$(RUN_TARGET)

explain:
	$(RUN_TARGET)

kcidb:
	$(RUN_TARGET)

baseline:
	$(RUN_TARGET)

results:
	$(RUN_TARGET)

calibrate:
	$(RUN_TARGET)

repeat:
	$(RUN_TARGET)

bench-pipeline: deps
	$(RUN_TARGET)

# CI's make check on a fresh clone, cold then warm (about an hour)
time-check: deps
	$(RUN_TARGET)

time-matrix: deps
	$(RUN_TARGET)

# one cell direct and through lava-run, warm, under hyperfine
time-lava:
	$(RUN_TARGET)

# Without a configured kernel tree kbuild fails obscurely: make-run.sh says
# what to do
module:
	$(RUN_TARGET)

bare-metal: module
	$(RUN_TARGET)

clean:
	rm -rf build
	-@MAKEFLAGS= $(MAKE) -s -C kmod-bench clean 2>/dev/null

.PHONY: help deps bench matrix remeasure check check-bisect check-arches check-lava time-check time-matrix time-lava \
	lava lava-run lava-submit lava-collect \
	annotate bisect annotate-results fuzz compare calibrate history explain kcidb repeat baseline \
	results bench-pipeline module bare-metal clean
