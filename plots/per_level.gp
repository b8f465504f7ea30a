# Per-level cost: what one more nesting level adds, (p50(d2) - p50(d1)) /
# (d2 - d1) between consecutive measured depths, drawn at d2; a flat line is
# a constant cost per level. -e: datafile (blocks: depth cost), titles, lts,
# xmax, outbase, title, ylabel.
load "plots/common.gp"
set xlabel "nesting depth (locks held)"
set logscale x 2
set xtics (2, 4, 8, 16)
set xrange [1.6:xmax * 1.2]
n = words(titles)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1000,600 font ",10" } else { set terminal svg size 1000,600 dynamic }
	set output outbase.".".fmt
	plot for [i=1:n] datafile index (i-1) using 1:2 with linespoints lt int(word(lts, i)) lw 1.5 ps 0.8 title word(titles, i)
	unset output
}
