# Instruction classes of one operation per variant at depth 1 (from the
# annotate JSON), one panel per arch, stacked. Arguments (gnuplot -c, read
# as strings, never as code): files, names (word lists; data files: label
# irqflag atomic barrier preempt percpu branch other), outbase, title,
# ylabel.
files = ARG1
names = ARG2
outbase = ARG3
title = ARG4
ylabel = ARG5
load "plots/common.gp"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set xtics rotate by -40 left noenhanced
set yrange [0:*]
set key outside top center horizontal
set bmargin 8
n = words(files)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 900*(n < 2 ? 2 : n),700 font ",10" } else { set terminal svg size 900*(n < 2 ? 2 : n),700 dynamic }
	set output outbase.".".fmt
	set multiplot layout 1,n title title noenhanced
	do for [i=1:n] {
		set title word(names, i) noenhanced
		plot for [c=2:8] word(files, i) using c:xtic(1) title columnheader(c)
	}
	unset multiplot
}
