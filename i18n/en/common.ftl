## Words shared by every part of safecount.

# A quarter in a table heading or a short label.
quarter-short = { $year } Q{ $n }
# A quarter in a sentence (in English, as tables write it).
quarter-words = { $year } Q{ $n }

# A moment (a receipt's time of arrival), in UTC.
timestamp = { $month } { $day }, { $year }, { $hour }:{ $minute } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
