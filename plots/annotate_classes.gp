# Instruction classes of one operation per variant at depth 1 (from the
# annotate JSON), x86_64 beside arm64, stacked. -e: left, right (data files:
# label irqflag atomic barrier preempt percpu branch other), outbase, title.
load "plots/common.gp"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set xtics rotate by -40 left noenhanced
set yrange [0:*]
set key outside top center horizontal
set bmargin 8
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1800,700 font ",10" } else { set terminal svg size 1800,700 dynamic }
	set output outbase.".".fmt
	set multiplot layout 1,2 title title noenhanced
	set title "x86_64"
	plot for [i=2:8] left using i:xtic(1) title columnheader(i)
	set title "arm64"
	plot for [i=2:8] right using i:xtic(1) title columnheader(i)
	unset multiplot
}
