# irqbench: build kernels, boot them in QEMU, measure interrupt-disabling
# lock primitives, and turn the records into decisions and pictures.
# `make help` lists the targets and variables.

ARCHS ?= x86_64 arm64
KERNELS ?= 7.3
CONFIGS ?= default
ACCEL ?= auto
REQUEST ?= variants=all depths=1,2,4,8 states=on,off,off-raw samples=31 model=v7.3,tip,v1-percpu
MATRIX_KERNELS ?= 6.1 6.12 7.3
MATRIX_CONFIGS ?= default preempt-full debug pseudo-nmi
FUZZ_SECONDS ?= 30
BASE ?= baseline
NEW ?= latest
THRESHOLD ?= 1.0
KDIR ?= /lib/modules/$(shell uname -r)/build

export ARCHS KERNELS CONFIGS ACCEL REQUEST FUZZ_SECONDS KSRC LLVM

help:
	@echo "irqbench targets:"
	@echo "  make bench          build, boot and measure ARCHS x KERNELS x CONFIGS (results/latest)"
	@echo "  make matrix         the same over KERNELS='$(MATRIX_KERNELS)' CONFIGS='$(MATRIX_CONFIGS)'"
	@echo "  make check          every test: host unit tests, fuzzer, linters, selftests in guests"
	@echo "  make annotate       CASE=variant/impl/d<depth>/<state>: one operation's instructions (build/annotate)"
	@echo "  make fuzz           the request-parser fuzzer for FUZZ_SECONDS"
	@echo "  make compare        BASE=<run> NEW=<run>: exit 1 on a regression"
	@echo "  make history        stored runs by date, commit, kernel and accel"
	@echo "  make baseline       name results/latest as the baseline (or RUN=<run>)"
	@echo "  make results        RESULTS.md, plots and the dashboard from results/"
	@echo "  make bench-pipeline hyperfine timings of boot+sweep and of a warm make bench"
	@echo "  make module         irqbench.ko against KDIR (a distribution kernel's headers)"
	@echo "  make bare-metal     load it here, run REQUEST, write results (root)"
	@echo "  make deps           install what is missing from Debian packages"
	@echo "  make clean          remove build output (the kernel cache stays)"
	@echo "variables: ARCHS='$(ARCHS)' KERNELS='$(KERNELS)' CONFIGS='$(CONFIGS)'"
	@echo "  ACCEL=$(ACCEL) (auto|kvm|tcg|tcg-icount)  REQUEST='$(REQUEST)'"
	@echo "  KSRC=<kernel tree> instead of Debian's sources; LLVM=1 for clang"

deps:
	@arch-matrix/deps.sh

bench: deps
	@IRQBENCH_COMMAND="make bench ARCHS='$(ARCHS)' KERNELS='$(KERNELS)' CONFIGS='$(CONFIGS)' ACCEL=$(ACCEL)" \
		arch-matrix/matrix.sh

matrix: deps
	@KERNELS="$(MATRIX_KERNELS)" CONFIGS="$(MATRIX_CONFIGS)" \
		IRQBENCH_COMMAND="make matrix ACCEL=$(ACCEL)" arch-matrix/matrix.sh

# one operation's executed instructions (ad hoc: build/annotate)
annotate: deps
	@arch-matrix/annotate-matrix.sh $(CURDIR)/build/annotate $(CASE)

check: deps
	@scripts/check.sh

fuzz: deps
	@src=$$(arch-matrix/fetch-source.sh 7.3) && \
	$(MAKE) -s -C selftests/host KSELFTEST=$$src/tools/testing/selftests OUT=$(CURDIR)/build/fuzz \
		$(CURDIR)/build/fuzz/fuzz_request && \
	build/fuzz/fuzz_request -max_total_time=$(FUZZ_SECONDS) -max_len=600 \
		build/fuzz/corpus selftests/host/corpus

compare:
	@/usr/bin/python3 scripts/compare.py --threshold $(THRESHOLD) $(BASE) $(NEW)

history:
	@/usr/bin/python3 scripts/history.py

baseline:
	@/usr/bin/python3 scripts/history.py --baseline $(or $(RUN),latest)

results:
	@/usr/bin/python3 scripts/results.py

bench-pipeline: deps
	@scripts/bench-pipeline.sh

module:
	$(MAKE) -C kmod-bench KDIR=$(KDIR)

bare-metal: module
	@scripts/bare-metal.sh kmod-bench/irqbench.ko

clean:
	rm -rf build
	-$(MAKE) -s -C kmod-bench KDIR=$(KDIR) clean 2>/dev/null

.PHONY: help deps bench matrix check annotate fuzz compare history baseline results \
	bench-pipeline module bare-metal clean
