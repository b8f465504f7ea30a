// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's /init: mounts what irqbench needs, loads irqbench.ko (and
 * irqbench_rust.ko, which registers its rows with it), runs the request in
 * /request, prints the variant table, results, samples, the selftest's
 * KTAP and the kernel log between markers, then reboots (QEMU runs with
 * -no-reboot, so it exits). Static C so the initramfs needs no shell.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define DBG "/sys/kernel/debug/irqbench/"

static void mark(const char *what)
{
	printf("@@IRQBENCH %s@@\n", what);
	fflush(stdout);
}

static void finish(int rc)
{
	printf("@@IRQBENCH DONE rc=%d@@\n", rc);
	fflush(stdout);
	/* on a board's UART the line is still in the tty when the write
	 * returns; the verdict must reach the console before the reboot
	 */
	tcdrain(STDOUT_FILENO);
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static int cat(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("init: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	fflush(stdout);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			break;
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Contents of a small file, trailing newline removed; "" if absent. */
static void slurp(const char *path, char *buf, size_t len)
{
	ssize_t n = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
}

/* irqbench.<param>=<value> words of the kernel command line. */
static void module_params(char *out, size_t len)
{
	char cmdline[2048], *tok, *save = NULL;
	size_t used = 0;

	slurp("/proc/cmdline", cmdline, sizeof(cmdline));
	out[0] = '\0';
	for (tok = strtok_r(cmdline, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (strncmp(tok, "irqbench.", 9) || !strchr(tok, '='))
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s",
					 used ? " " : "", tok + 9);
		if (used >= len)
			break;
	}
}

/* Run @argv[0] with @argv and wait: its exit status, 1 if it did not exit. */
static int spawn(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int run_selftest(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	int rc;

	if (access(path, X_OK))
		return 0;
	mark("BEGIN ktap");
	rc = spawn(argv);
	mark("END ktap");
	return rc;
}

/*
 * The selftest as kselftest installs it (KSELFTEST_INSTALL): busybox's
 * applets into /bin for run_kselftest.sh, which prints its own KTAP.
 */
static int run_kselftest_tree(void)
{
	char *const install[] = { "/bin/busybox", "--install", "-s", "/bin", NULL };
	char *const run[] = { "/bin/sh", "/kselftest/run_kselftest.sh", NULL };
	int rc;

	if (access("/kselftest/run_kselftest.sh", R_OK))
		return -1;
	if (spawn(install)) {
		printf("init: busybox --install failed\n");
		return 1;
	}
	setenv("PATH", "/bin", 1);
	mark("BEGIN ktap");
	rc = spawn(run);
	mark("END ktap");
	return rc;
}

static void dump_kernel_log(void)
{
	int n = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	char *buf = n > 0 ? malloc((size_t)n) : NULL;

	if (!buf)
		return;
	n = klogctl(3, buf, n);		/* SYSLOG_ACTION_READ_ALL */
	mark("BEGIN dmesg");
	if (n > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	mark("END dmesg");
	free(buf);
}

/*
 * Annotate mode: print the addresses a debugger needs, then hand the cases
 * to the module, which waits for the debugger before running them.
 */
static int annotate(void)
{
	char cases[4096];
	ssize_t w;
	int fd;

	mark("BEGIN annotate-addrs");
	cat(DBG "annotate");
	mark("END annotate-addrs");
	slurp("/annotate", cases, sizeof(cases));
	fd = open(DBG "annotate", O_WRONLY);
	w = fd < 0 ? -1 : write(fd, cases, strlen(cases));
	if (fd >= 0)
		close(fd);
	if (w < 0) {
		printf("init: annotate failed: %s\n", strerror(errno));
		return 3;
	}
	mark("ANNOTATED");
	return 0;
}

/* Load the module at @path with @params; 0, or a message and -1. */
static int load(const char *path, const char *params)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	rc = fd < 0 ? -1 : (int)syscall(SYS_finit_module, fd, params, 0);
	if (rc)
		printf("init: loading %s failed: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc ? -1 : 0;
}

static int unload(const char *name)
{
	if (!syscall(SYS_delete_module, name, O_NONBLOCK))
		return 0;
	printf("init: unloading %s failed: %s\n", name, strerror(errno));
	return -1;
}

/* A debugfs file of the module between markers of its name. */
static void section(const char *name, const char *file)
{
	char begin[64], end[64];

	snprintf(begin, sizeof(begin), "BEGIN %s", name);
	snprintf(end, sizeof(end), "END %s", name);
	mark(begin);
	cat(file);
	mark(end);
}


int main(void)
{
	char params[1024], request[600];
	int fd, n, rc = 0;
	bool rust;
	ssize_t w;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	/* devtmpfs has no /dev/std*: kselftest's runner writes to /dev/stdout */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
	mark("HELLO");

	module_params(params, sizeof(params));
	if (load("/irqbench.ko", params))
		finish(2);
	/* the Rust rows' functions, registered with irqbench.ko */
	rust = !access("/irqbench_rust.ko", R_OK);
	if (rust && load("/irqbench_rust.ko", ""))
		finish(6);
	/* the table this kernel runs: the host derives its lists from it */
	section("variants", DBG "variants");

	if (!access("/annotate", R_OK))
		rc = annotate();
	slurp("/request", request, sizeof(request));
	if (request[0]) {
		printf("init: request: %s\n", request);
		fd = open(DBG "run", O_WRONLY);
		w = fd < 0 ? -1 : write(fd, request, strlen(request));
		if (w < 0) {
			printf("init: run failed: %s\n", strerror(errno));
			rc = 3;
		}
		if (fd >= 0)
			close(fd);
		if (!rc) {
			section("results", DBG "results");
			section("samples", DBG "samples");
			/* one line per case: what LAVA's monitors keep */
			section("measurements", DBG "measurements");
		}
	}
	/* the selftest unloads and reloads irqbench.ko: nothing may hold it */
	if (rust && unload("irqbench_rust") && !rc)
		rc = 5;
	n = run_kselftest_tree();
	if (n < 0)
		n = run_selftest("/irqbench_selftest");
	if (n && !rc)
		rc = 4;
	if (unload("irqbench") && !rc)
		rc = 5;
	dump_kernel_log();
	finish(rc);
	return 0;
}
