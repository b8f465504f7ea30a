# Shared look; each script sets outbase, title and ylabel from its
# arguments before loading this. Both PNG and SVG.
set encoding utf8
set grid ytics lc rgb "#dddddd"
set key outside right top noenhanced
set title title noenhanced
set ylabel ylabel noenhanced
set border 3
set tics nomirror
# One colour and one marker per variant, the same in every plot: the
# caller passes each line's linetype (its variant's index, scripts/plots.py).
set linetype 1 lc rgb "#1f77b4" pt 5
set linetype 2 lc rgb "#d62728" pt 7
set linetype 3 lc rgb "#2ca02c" pt 9
set linetype 4 lc rgb "#9467bd" pt 11
set linetype 5 lc rgb "#ff7f0e" pt 13
set linetype 6 lc rgb "#8c564b" pt 4
set linetype 7 lc rgb "#e377c2" pt 6
set linetype 8 lc rgb "#7f7f7f" pt 8
set linetype 9 lc rgb "#bcbd22" pt 10
set linetype 10 lc rgb "#17becf" pt 12
set linetype 11 lc rgb "#000000" pt 1
set linetype 12 lc rgb "#393b79" pt 2
set linetype 13 lc rgb "#637939" pt 3
set linetype 14 lc rgb "#ad494a" pt 14
set linetype cycle 14
set key font ",8" spacing 0.9 samplen 1.5
