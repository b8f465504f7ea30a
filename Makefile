# irqbench: build kernels, boot them in QEMU, measure interrupt-disabling
# lock primitives, and turn the records into decisions and pictures.
# `make help` lists the targets and variables.

include defaults.mk
FUZZ_SECONDS ?= 30
BASE ?=
NEW ?=
KDIR ?= /lib/modules/$(shell uname -r)/build

export ARCHS KERNELS CONFIGS ACCEL REQUEST REPEAT FUZZ_SECONDS KSRC LLVM

help:
	@echo "irqbench targets:"
	@echo "  make bench          build, boot and measure ARCHS x KERNELS x CONFIGS (results/latest)"
	@echo "  make matrix         the same over KERNELS='$(MATRIX_KERNELS)' CONFIGS='$(MATRIX_CONFIGS)'"
	@echo "  make check          every test: host unit tests, fuzzer, linters, selftests in guests"
	@echo "  make check-bisect   make bisect on its synthetic history (slow for make check)"
	@echo "  make check-arches   every other arch of arch-matrix/arches.tsv booted once on 7.3, records checked"
	@echo "  make annotate       CASE=variant/impl/d<depth>/<state>: one operation's instructions (build/annotate)"
	@echo "  make annotate-results  the traces RESULTS.md explains with (results/<run-id>/annotate/)"
	@echo "  make fuzz           the request-parser fuzzer for FUZZ_SECONDS"
	@echo "  make compare        [BASE=<run> NEW=<run>] [ACROSS=kernel FROM=6.1 TO=7.3]: exit 1 regression, 2 incomplete, 3 error"
	@echo "  make repeat         RUN=results/<run-id>: run it again from its run.json alone"
	@echo "  make calibrate      two tcg runs at REPEAT=5: the gate's false-positive rate and power"
	@echo "  make bisect KSRC=<git tree> GOOD=<rev> BAD=<rev> CASE=<case>  first commit that changes CASE"
	@echo "  make history        stored runs by date, commit, kernel and accel"
	@echo "  make baseline       name results/latest as the baseline (or RUN=<run>)"
	@echo "  make results        RESULTS.md, plots and the dashboard from results/"
	@echo "  make bench-pipeline hyperfine timings of boot+sweep and of a warm make bench"
	@echo "  make time-matrix    hyperfine times of make matrix ACCEL=tcg-icount, first and warm (results/pipeline/)"
	@echo "  make time-check     CI's make check on a fresh clone, cold then warm (results/pipeline/check-*.log)"
	@echo "  make module         irqbench.ko against KDIR (a distribution kernel's headers)"
	@echo "  make bare-metal     load it here, run REQUEST, write results (root)"
	@echo "  make deps           install what is missing from Debian packages"
	@echo "  make clean          remove build output (the kernel cache stays)"
	@echo "variables: ARCHS='$(ARCHS)' (or all: arch-matrix/arches.tsv) KERNELS='$(KERNELS)' CONFIGS='$(CONFIGS)'"
	@echo "  ACCEL=$(ACCEL) (auto|kvm|tcg|tcg-icount)  REQUEST='$(REQUEST)'"
	@echo "  REPEAT=$(REPEAT) boots per cell (ns figures need REPEAT>=2 to be compared)"
	@echo "  KSRC=<kernel tree> instead of Debian's sources; LLVM=1 for clang"

deps:
	@arch-matrix/deps.sh

# matrix.sh checks the variables, then installs what is missing (deps.sh).
bench:
	@IRQBENCH_COMMAND="make bench ARCHS='$(ARCHS)' KERNELS='$(KERNELS)' CONFIGS='$(CONFIGS)' ACCEL=$(ACCEL) REPEAT=$(REPEAT)$(if $(LLVM), LLVM=$(LLVM))" \
		arch-matrix/matrix.sh

matrix:
	@KERNELS="$(MATRIX_KERNELS)" CONFIGS="$(MATRIX_CONFIGS)" \
		IRQBENCH_COMMAND="make matrix ACCEL=$(ACCEL)" arch-matrix/matrix.sh

# one operation's executed instructions, into results/<run-id>/annotate/ of
# the newest tcg-icount run of each cell (checked against it), else build/annotate
annotate: deps
	@ANNOTATE_INTO_RUNS=1 arch-matrix/annotate-matrix.sh $(CURDIR)/build/annotate $(CASE)

# the first commit of KSRC between GOOD and BAD that changes CASE's count
bisect: deps
	@scripts/bisect.sh

# the traces RESULTS.md explains its figures with (results/<run-id>/annotate/)
annotate-results: deps
	@scripts/annotate-results.sh

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

fuzz: deps
	@src=$$(arch-matrix/fetch-source.sh 7.3) && \
	$(MAKE) -s -C selftests/host KSELFTEST=$$src/tools/testing/selftests OUT=$(CURDIR)/build/fuzz \
		$(CURDIR)/build/fuzz/fuzz_request && \
	build/fuzz/fuzz_request -max_total_time=$(FUZZ_SECONDS) -max_len=600 \
		build/fuzz/corpus selftests/host/corpus

compare:
	@/usr/bin/python3 scripts/compare.py $(if $(THRESHOLD),--threshold $(THRESHOLD)) \
		$(if $(ACROSS),--across $(ACROSS)) $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) \
		$(if $(MIN_INSN),--min-insn $(MIN_INSN)) $(BASE) $(NEW)

calibrate: deps
	@out=$$(mktemp -d /tmp/irqbench-calib.XXXXXX) && scripts/calibrate.sh $$out && \
	runs=$$(ls -d $$out/2* | sort) && /usr/bin/python3 scripts/calibrate.py $$runs results/calibration.json

history:
	@/usr/bin/python3 scripts/history.py

repeat:
	@[ -n "$(RUN)" ] || { echo "irqbench: make repeat RUN=results/<run-id>" >&2; exit 3; }
	@scripts/repeat-run.sh $(RUN)

baseline:
	@/usr/bin/python3 scripts/history.py --baseline $(or $(RUN),latest)

results:
	@/usr/bin/python3 scripts/results.py

bench-pipeline: deps
	@scripts/bench-pipeline.sh

# CI's make check on a fresh clone, cold then warm (about an hour)
time-check: deps
	@scripts/time-check.sh

time-matrix: deps
	@scripts/time-matrix.sh

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

.PHONY: help deps bench matrix check check-bisect check-arches time-check time-matrix annotate bisect annotate-results fuzz compare calibrate history repeat baseline results \
	bench-pipeline module bare-metal clean
