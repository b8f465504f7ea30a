# The defaults of every variable a run is asked with: the one place they are
# written. The Makefile includes this file, the shell scripts and Python
# read it through irqbench/cells.py, which checks every variable before any
# work starts (make help lists what each means).
ARCHS ?= x86_64 arm64
KERNELS ?= 7.3
CONFIGS ?= default
ACCEL ?= auto
REQUEST ?= variants=all depths=1,2,4,8 states=on,off,off-raw samples=31 model=v7.3,tip,v1-percpu
REPEAT ?= 1
MATRIX_KERNELS ?= 6.1 6.12 7.3
MATRIX_CONFIGS ?= default preempt-full debug pseudo-nmi rt
# make remeasure: every cell RESULTS.md publishes, at the current method: the
# matrix, these configs of 7.3 on ARCHS, and 7.3 default on these arches
REMEASURE_CONFIGS ?= distro rust rust-inline rt+debug
REMEASURE_ARCHES ?= riscv64 ppc64le s390x
