# Cost against nesting depth, one line per variant/impl, CI95 error bars.
# Arguments (gnuplot -c, read as strings, never as code): datafile (blocks:
# depth p50 ci_lo ci_hi, separated by two blank lines), outbase, titles (one
# word per block), lts (each block's linetype), xmax (the deepest depth
# drawn, so no range without data), title, ylabel.
datafile = ARG1
outbase = ARG2
titles = ARG3
lts = ARG4
xmax = real(ARG5)
title = ARG6
ylabel = ARG7
load "plots/common.gp"
set xlabel "nesting depth (locks held)"
set logscale x 2
set xtics (1, 2, 4, 8, 16)
set xrange [0.8:xmax * 1.2]
set yrange [0:*]
n = words(titles)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1000,600 font ",10" } else { set terminal svg size 1000,600 dynamic }
	set output outbase.".".fmt
	plot for [i=1:n] datafile index (i-1) using 1:2:3:4 with yerrorlines lt int(word(lts, i)) lw 1.5 ps 0.7 title word(titles, i)
	unset output
}
