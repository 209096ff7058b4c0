set terminal pngcairo size 1400,560 noenhanced
set output '2026-12-07-quick-latency-cdf.png'
set multiplot layout 1,2 title 'Query latency CDF, generated, top-10, 1 thread, warm cache'
set logscale x
set xlabel 'latency (µs)'
set ylabel 'fraction of queries'
set yrange [0:1]
set key bottom right
set grid
set title 'without snippets'
plot '2026-12-07-quick-latency.dat' index 0 using 1:2 with steps lw 2 lc 1 title 'kavosh (n = 1200)', '2026-12-07-quick-latency.dat' index 1 using 1:2 with steps lw 2 lc 2 title 'lucene (n = 1200)', '2026-12-07-quick-latency.dat' index 2 using 1:2 with steps lw 2 lc 3 title 'sqlite (n = 1200)', '2026-12-07-quick-latency.dat' index 3 using 1:2 with steps lw 2 lc 4 title 'xapian (n = 1200)'
set title 'with snippets'
plot '2026-12-07-quick-latency.dat' index 4 using 1:2 with steps lw 2 lc 1 title 'kavosh (n = 1200)', '2026-12-07-quick-latency.dat' index 5 using 1:2 with steps lw 2 lc 2 title 'lucene (n = 1200)', '2026-12-07-quick-latency.dat' index 6 using 1:2 with steps lw 2 lc 3 title 'sqlite (n = 1200)', '2026-12-07-quick-latency.dat' index 7 using 1:2 with steps lw 2 lc 4 title 'xapian (n = 1200)'
unset multiplot
reset
set terminal pngcairo size 1100,560 noenhanced
set output '2026-12-07-quick-quality.png'
set title 'nDCG@10 per collection and engine/configuration'
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -45 font ',8'
set yrange [0:1]
set grid y
unset key
plot '2026-12-07-quick-quality.dat' using 3:xtic(sprintf('%s %s', stringcolumn(1), stringcolumn(2))) lc rgb '#4477aa'
