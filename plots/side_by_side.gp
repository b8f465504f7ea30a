# Variants side by side at depth 1 and 4, entry on and off, one panel per
# arch. -e: files, names (word lists, one data file per arch: label d1-on
# d1-off d4-on d4-off), outbase, title, ylabel.
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
n = words(files)
do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 700*(n < 2 ? 2 : n),620 font ",10" } else { set terminal svg size 700*(n < 2 ? 2 : n),620 dynamic }
	set output outbase.".".fmt
	set multiplot layout 1,n title title noenhanced
	do for [i=1:n] {
		set title word(names, i) noenhanced
		plot word(files, i) using 2:xtic(1) title "d1 irqs on", "" using 3 title "d1 irqs off", "" using 4 title "d4 irqs on", "" using 5 title "d4 irqs off"
	}
	unset multiplot
	unset output
}
