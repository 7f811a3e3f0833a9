## Mots communs à toutes les parties de safecount.

# Un trimestre dans un en-tête de tableau ou une étiquette courte.
quarter-short = T{ $n } { $year }
# Un trimestre dans une phrase.
quarter-words = { $n ->
    [1] 1er trimestre { $year }
   *[other] { $n }e trimestre { $year }
}

# Un moment (l'heure d'arrivée d'un accusé de réception), en UTC.
timestamp = { $day ->
        [1] 1er
       *[other] { $day }
    } { $month } { $year }, { $hour } h { $minute } UTC
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
