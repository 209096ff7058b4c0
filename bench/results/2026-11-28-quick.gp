set terminal pngcairo size 900,540 noenhanced
set output '2026-11-28-quick-latency-cdf.png'
set title 'Query latency, generated, top-10 without snippets (from p50/p95/p99/max)'
set logscale x
set xlabel 'latency (µs)'
set ylabel 'fraction of queries'
set key bottom right
set grid
plot '2026-11-28-quick-latency.dat' index 0 using 1:2 with linespoints title 'kavosh', '2026-11-28-quick-latency.dat' index 1 using 1:2 with linespoints title 'lucene', '2026-11-28-quick-latency.dat' index 2 using 1:2 with linespoints title 'sqlite', '2026-11-28-quick-latency.dat' index 3 using 1:2 with linespoints title 'xapian'
reset
set terminal pngcairo size 1100,560 noenhanced
set output '2026-11-28-quick-quality.png'
set title 'nDCG@10 per collection and engine/configuration'
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -45 font ',8'
set yrange [0:1]
set grid y
unset key
plot '2026-11-28-quick-quality.dat' using 3:xtic(sprintf('%s %s', stringcolumn(1), stringcolumn(2))) lc rgb '#4477aa'
