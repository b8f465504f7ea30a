# Native counted disabling against the emulated models on one kernel.
# -e: datafile (label native v7.3 tip v1-percpu), outbase, title, ylabel.
load "plots/common.gp"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set datafile missing "?"
set xtics rotate by -40 left noenhanced
set yrange [0:*]
set key top left
set rmargin 12
set bmargin 8
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1100,600 font ",10" } else { set terminal svg size 1100,600 dynamic }
	set output outbase.".".fmt
	plot datafile using 2:xtic(1) title "native", "" using 3 title "emulated:v7.3", "" using 4 title "emulated:tip", "" using 5 title "emulated:v1-percpu"
	unset output
}
