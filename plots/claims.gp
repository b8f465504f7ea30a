# lock() and lock_with() per code, one panel per arch: clustered bars, the
# first row of each data file naming the bars. Arguments (gnuplot -c, read
# as strings, never as code): files, names (word lists, one data file per
# arch), outbase, title, ylabel.
files = ARG1
names = ARG2
outbase = ARG3
title = ARG4
ylabel = ARG5
load "plots/common.gp"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set datafile missing "?"
set datafile separator "\t"
set xtics rotate by -25 left noenhanced
set yrange [0:*]
set key top left noenhanced
set bmargin 6
n = words(files)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 640*(n < 2 ? 2 : n),460 font ",10" } else { set terminal svg size 640*(n < 2 ? 2 : n),460 dynamic }
	set output outbase.".".fmt
	set multiplot layout 1,n title title noenhanced
	do for [i=1:n] {
		set title word(names, i) noenhanced
		plot for [c=2:7] word(files, i) using c:xtic(1) title columnheader(c)
	}
	unset multiplot
	unset output
}
