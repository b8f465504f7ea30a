#!/bin/bash
# bisect-history.sh: a small git history to prove make bisect on, made once
# from Debian's 7.3 tree and printed as "REPO BASE MIDDLE TIP":
#   BASE    the tree as Debian ships it
#   MIDDLE  one more instruction (a nop) in _raw_spin_lock_irqsave()
#   TIP     a comment in the top-level README (no code changes)
# The repository is bare and reads the tree in place (nothing is copied or
# written into it); commit dates and authors are fixed, so the ids are the
# same on every machine.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

src=$("$IRQBENCH_ROOT/arch-matrix/fetch-source.sh" 7.3)
repo=$IRQBENCH_CACHE/bisect-history/$(basename "$src").git
export GIT_AUTHOR_NAME=irqbench GIT_AUTHOR_EMAIL=irqbench@localhost
export GIT_COMMITTER_NAME=irqbench GIT_COMMITTER_EMAIL=irqbench@localhost
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"

if [ ! -f "$repo/.irqbench-history" ]; then
	rm -rf "$repo"
	mkdir -p "$(dirname "$repo")"
	starting bisect history "committing $src once into $repo"
	git init -q --bare "$repo"
	g() { git -C "$src" --git-dir="$repo" --work-tree="$src" "$@"; }
	# -f: Debian's tree ignores everything ("/*" in .gitignore)
	g add -f -A . || die "git add of $src failed"
	g commit -q -m "base: Debian's linux-source-7.3" || die "the base commit failed"
	base=$(g rev-parse HEAD)
	file=kernel/locking/spinlock.c
	grep -q '^	return __raw_spin_lock_irqsave(lock);' "$src/$file" ||
		die "$file has no _raw_spin_lock_irqsave() body to add to"
	blob=$(awk '/^noinline unsigned long __lockfunc _raw_spin_lock_irqsave\(/ { f = 1 }
		f && /^\treturn __raw_spin_lock_irqsave\(lock\);/ { print "\tasm volatile(\"nop\");"; f = 0 }
		{ print }' "$src/$file" | git --git-dir="$repo" hash-object -w --stdin)
	g update-index --cacheinfo "100644,$blob,$file"
	g commit -q -m "locking: one more instruction in _raw_spin_lock_irqsave()"
	blob=$({ cat "$src/README"; echo; echo "A line that changes no code."; } |
		git --git-dir="$repo" hash-object -w --stdin)
	g update-index --cacheinfo "100644,$blob,README"
	g commit -q -m "README: a line that changes no code"
	git --git-dir="$repo" tag base "$base"
	touch "$repo/.irqbench-history"
fi
echo "$repo $(git --git-dir="$repo" rev-parse base HEAD~1 HEAD | tr '\n' ' ' | sed 's/ $//')"
