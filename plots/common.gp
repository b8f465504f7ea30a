# Shared look; callers pass outbase, title, ylabel. Both PNG and SVG.
set encoding utf8
set grid ytics lc rgb "#dddddd"
set key outside right top noenhanced
set title title noenhanced
set ylabel ylabel noenhanced
set border 3
set tics nomirror
