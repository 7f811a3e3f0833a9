## Mots communs à toutes les parties de safecount.

# Un trimestre dans un en-tête de tableau ou une étiquette courte.
quarter-short = T{ $n } { $year }
# Un trimestre dans une phrase.
quarter-words = { $n ->
    [1] 1er trimestre { $year }
   *[other] { $n }e trimestre { $year }
}
