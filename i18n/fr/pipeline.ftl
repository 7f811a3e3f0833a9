# Fichiers de chaîne de traitement : ce qui ne va pas, où, et quoi écrire à la place.
pipeline-at = { $file }:{ $line } : { $message }
pipeline-unreadable = impossible de lire { $file } : { $detail }
pipeline-detail = { $detail }
pipeline-toml = { $detail }
pipeline-no-periods = inputs.periods ne nomme aucun trimestre
pipeline-national-share = national_share doit être d'au moins 0 et inférieur à 0,9 (valeur donnée : { $share }) ; la valeur par défaut est { $default }
pipeline-pool-unknown = pool = "{ $pool }" est inconnu : écrivez pool = "year" (chaque année civile des données) ou une liste de trimestres, par exemple pool = ["2025Q1", "2025Q2"]
pipeline-pool-short = un regroupement nomme au moins deux trimestres
pipeline-pool-quarter = le trimestre « { $quarter } » du regroupement ne figure pas dans inputs.periods ({ $periods }) : un regroupement ne lit que les trimestres de la chaîne
pipeline-pool-returns = le tableau { $table } : seuls les tableaux sur les personnes peuvent être regroupés sur plusieurs trimestres
pipeline-protection-person = le tableau { $table } : protection ne s'applique qu'aux tableaux des rapports des organismes ; les tableaux sur les personnes sont toujours protégés par la confidentialité différentielle
pipeline-protection-unknown = protection = "{ $protection }" est inconnu : écrivez "rules" (agrégats exacts selon les règles de contrôle de la divulgation, par défaut) ou "dp" (confidentialité différentielle dont l'unité est l'organisme)
pipeline-returns-rules = returns.min_agencies doit valoir au moins 2, et returns.p_percent être supérieur à 0 et au plus 100 (par défaut 3 et 10)
pipeline-rho-positive = { $key } doit être un nombre positif
pipeline-interval-level = privacy.interval_level doit être compris entre 0,5 et 1 (par exemple 0.95)
pipeline-no-tables = la chaîne ne publie aucun tableau : ajoutez des entrées [[tables]]
pipeline-report-language = report.languages : « { $language } » n'est pas une langue de rapport ; utilisez "en" ou "fr"
pipeline-table-twice = le tableau « { $table } » figure deux fois
pipeline-needs-linkage = le tableau « { $table } » compte les personnes entre organismes, ce qui exige la liaison collaborative : faites pointer inputs.collaborative vers un collaborative.toml où linkage = "collaborative" avec l'époque en vigueur
pipeline-table-unknown = « { $table } » n'est pas un tableau standard ; tableaux : { $tables }. Pour définir votre propre tableau, donnez-lui des `dimensions`.
pipeline-table-unknown-hint = « { $table } » n'est pas un tableau standard (vouliez-vous dire « { $hint } » ?) ; tableaux : { $tables }. Pour définir votre propre tableau, donnez-lui des `dimensions`.
pipeline-standard-keys = { $table } est un tableau standard : source, measure, value, lower et upper sont réservés à vos propres tableaux (avec `dimensions`)
pipeline-standard-name = « { $table } » est le nom d'un tableau standard : donnez un autre nom à votre tableau
pipeline-source = source doit valoir "cases" ou "returns"
pipeline-value-needs-sum = { $table } : `value` exige measure = "sum"
pipeline-sum-bounds = { $table } : une somme exige `value` (le champ additionné) et `upper` (et au besoin `lower`, 0 par défaut), les bornes auxquelles la valeur de chaque unité est ramenée
pipeline-measure = la mesure « { $measure } » est inconnue : utilisez "count" ou "sum"
pipeline-weight = le poids de { $table } doit être positif
pipeline-table-rho = le rho de { $table } doit être positif
pipeline-half-width = la half_width de { $table } doit être un nombre positif
pipeline-rho-and-half-width = { $table } a à la fois rho et half_width : n'en donnez qu'un (le rho se calcule à partir de la demi-largeur)
pipeline-half-width-unreachable = aucun budget raisonnable ne donne à { $table } une demi-largeur de ±{ $target } : il faudrait un rho > { $max } pour un trimestre. Demandez une demi-largeur plus grande, ou regroupez des trimestres
pipeline-total-needed = privacy.{ $key } est nécessaire pour répartir le budget entre les tableaux qui n'ont pas leur propre rho
pipeline-explicit-over = les rho propres des tableaux totalisent { $sum }, ce qui ne laisse rien de { $key } = { $total } aux autres
pipeline-explicit-over-solved = les rho propres des tableaux (y compris ceux calculés à partir de half_width) totalisent { $sum }, ce qui ne laisse rien de { $key } = { $total } aux autres : augmentez le budget ou demandez des demi-largeurs plus grandes
pipeline-indigenous = le tableau { $table } porte sur des personnes autochtones et n'est pas publié : ces tableaux ne sont publiés qu'avec l'approbation des partenaires qui en assurent la gouvernance (principes PCAP® des Premières Nations, et principes de gouvernance des données des Inuits et des Métis). Les autres tableaux sont publiés. Indiquez l'approbation dans la chaîne :
    
    {"["}governance]
    indigenous_data = "approved by <partenaire ou comité> on <date>"
pipeline-custom = le tableau { $table } : { $detail }
pipeline-definitions-version = la chaîne demande la version { $asked } des définitions ([definitions] version), mais les définitions utilisées sont de la version { $version } : écrivez version = "{ $set }" après avoir lu ce qui a changé, ou faites pointer [definitions] dir vers des définitions de la version { $asked }
