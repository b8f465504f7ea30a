# Chosen cases across stored runs, with the regression band around the
# baseline. Arguments (gnuplot -c, read as strings, never as code):
# datafile (blocks: run-index p50 ci_lo ci_hi band_lo band_hi x-label),
# outbase, titles, title, ylabel.
datafile = ARG1
outbase = ARG2
titles = ARG3
title = ARG4
ylabel = ARG5
load "plots/common.gp"
set xlabel "kernel (oldest first)"
set yrange [0:*]
set xtics 1
set offsets 0.5, 0.5, 0, 0
n = words(titles)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1000,600 font ",10" } else { set terminal svg size 1000,600 dynamic }
	set output outbase.".".fmt
	plot for [i=1:n] datafile index (i-1) using 1:5:6 with filledcurves fs transparent solid 0.15 noborder notitle, \
	     for [i=1:n] datafile index (i-1) using 1:2:3:4:xtic(7) with yerrorlines lw 1.5 pt 7 title word(titles, i)
	unset output
}
