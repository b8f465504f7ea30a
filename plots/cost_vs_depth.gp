# Cost against nesting depth, one line per variant/impl, CI95 error bars.
# -e: datafile (blocks: depth p50 ci_lo ci_hi, separated by two blank
# lines), titles (one word per block), outbase, title, ylabel.
load "plots/common.gp"
set xlabel "nesting depth (locks held)"
set logscale x 2
set xtics (1, 2, 4, 8, 16)
set xrange [0.8:20]
set yrange [0:*]
n = words(titles)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1000,600 font ",10" } else { set terminal svg size 1000,600 dynamic }
	set output outbase.".".fmt
	plot for [i=1:n] datafile index (i-1) using 1:2:3:4 with yerrorlines lw 1.5 pt 7 ps 0.6 title word(titles, i)
	unset output
}
