## Words shared by every part of safecount.

# A quarter in a table heading or a short label.
quarter-short = { $year } Q{ $n }
# A quarter in a sentence (in English, as tables write it).
quarter-words = { $year } Q{ $n }
