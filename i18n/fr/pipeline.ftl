# Fichiers de chaîne de traitement : ce qui ne va pas, où, et quoi écrire à la place.
pipeline-at = { $file }:{ $line } : { $message }
pipeline-unreadable = impossible de lire { $file } : { $detail }
pipeline-toml = { $detail }
pipeline-no-periods = inputs.periods ne nomme aucun trimestre
pipeline-national-share = national_share doit être d'au moins 0 et inférieur à 0,9 (valeur donnée : { $share }) ; la valeur par défaut est { $default }
pipeline-pool-unknown = pool = "{ $pool }" est inconnu : écrivez pool = "year" (chaque année civile des données) ou une liste de trimestres, par exemple pool = ["2025Q1", "2025Q2"]
pipeline-pool-repeat = le regroupement nomme deux fois le trimestre { $quarter } : chaque trimestre n’est lu qu’une fois, nommez-le une seule fois
pipeline-pool-short = un regroupement nomme au moins deux trimestres
pipeline-pool-quarter = le trimestre « { $quarter } » du regroupement ne figure pas dans inputs.periods ({ $periods }) : un regroupement ne lit que les trimestres de la chaîne
pipeline-pool-returns = le tableau { $table } : seuls les tableaux sur les personnes peuvent être regroupés sur plusieurs trimestres
pipeline-protection-person = le tableau { $table } : protection ne s'applique qu'aux tableaux des rapports des organismes ; les tableaux sur les personnes sont toujours protégés par la confidentialité différentielle
pipeline-protection-unknown = protection = "{ $protection }" est inconnu : écrivez "rules" (agrégats exacts selon les règles de contrôle de la divulgation, par défaut) ou "dp" (confidentialité différentielle dont l'unité est l'organisme)
pipeline-missing-unknown = missing = "{ $missing }" n'est pas reconnu ici : un tableau à vous (avec des dimensions) peut écrire "drop" (laisser les codes de données manquantes hors de ses cellules) ou "keep" (par défaut)
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
pipeline-target = la cible (target) de { $table } demande relative entre 0 et 1 (par exemple 0.1 pour ±10 %) et un at_least positif (en personnes)
pipeline-target-and-rho = { $table } a une cible (target) et aussi rho ou half_width : n'en donnez qu'un (une cible planifie le rho de chaque partie)
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
# Publications et registre du budget.
release-unknown-table = aucun tableau standard ne s'appelle { $table } ; tableaux : { $tables }
release-needs-linkage = le tableau { $table } compte les personnes entre organismes, ce qui exige la liaison collaborative : indiquez linkage = "collaborative" et l'époque en vigueur dans le collaborative.toml du collectif (voir docs/agency-staff.md, « Counting each person once »)
release-no-inputs = aucune soumission n'est enregistrée pour { $kind } en { $period } : soumettez d'abord des extraits
release-cli-skipped = { $count } tableaux sautés : aucune soumission de type { $kind } n'est enregistrée pour { $period } ({ $tables }). Soumettez-les, puis publiez ces tableaux avec --table.
release-needs-approval = le tableau { $table } porte sur des personnes autochtones : il n'est publié qu'avec l'approbation des partenaires qui en assurent la gouvernance (principes PCAP® des Premières Nations, et principes de gouvernance des données des Inuits et des Métis). Indiquez-la dans la chaîne : [governance] indigenous_data = "approved by <partenaire ou comité> on <date>"
release-returns-subset = le tableau { $table } contient les rapports des organismes sous les règles de contrôle de la divulgation : il est publié pour tous les organismes d'un trimestre entier, jamais pour une partie des organismes (inputs.agencies) ni regroupé sur plusieurs trimestres (pool), car la différence avec le tableau entier révélerait les chiffres propres d'un organisme. Retirez inputs.agencies ou pool pour ce tableau, ou publiez-le dans un pipeline à part qui ne les utilise pas
release-custom = le tableau { $table } : { $detail }
release-altered = la publication enregistrée { $path } ne correspond pas à la somme de contrôle du registre : elle a été modifiée
release-in-progress = la publication { $id } est en cours de tirage par un autre processus et n'a pas fini à temps ; relancez la même commande plus tard (elle servira cette publication de nouveau sans rien dépenser)
release-unknown-release = { $path } est un fichier de publication que le registre ne connaît pas : le registre a été vidé ou recréé à côté de publications existantes. Restaurez le ledger.sqlite du dépôt ; rien n'a été dépensé
release-too-many-rows = la période compte { $rows } dossiers, plus que les { $max } que suppose l'étalonnage de la confidentialité ; divisez la publication par organisme (inputs.agencies)
release-detail = { $detail }
release-needs-zcdp = un tableau à ensemble de clés ouvert (citizenship : un pays ne paraît qu'au-delà d'un seuil bruité) exige la comptabilité zCDP, car le seuil a un delta : publiez-le sans --pure, ou avec accounting = "zcdp" dans le pipeline
ledger-no-budget = aucun budget n'est fixé pour { $period } : le collectif en fixe un avec `safecount budget set --period { $period } --rho R`
ledger-no-budget-agency = aucun budget n'est fixé pour les rapports des organismes de { $period } : le collectif en fixe un avec `safecount budget set --period { $period } --agency-rho R`
ledger-overspend = refusé : cette publication demande un rho de { NUMBER($requested, minimumFractionDigits: 6) } sur le budget de { $period }, mais { NUMBER($spent, minimumFractionDigits: 6) } sur { NUMBER($budget, minimumFractionDigits: 6) } est déjà dépensé et il ne reste que { NUMBER($remaining, minimumFractionDigits: 6) }
ledger-lifetime = refusé : cette publication demande un rho de { NUMBER($requested, minimumFractionDigits: 6) }, et une personne présente à chaque trimestre a déjà perdu { NUMBER($spent, minimumFractionDigits: 6) } du plafond à vie de { NUMBER($cap, minimumFractionDigits: 6) } (il ne reste que { NUMBER($remaining, minimumFractionDigits: 6) }) ; relevez le plafond avec `safecount budget set --lifetime-rho X` seulement si le collectif y consent
ledger-bad-amount = un budget doit être un rho positif et fini (valeur donnée : { $rho })
ledger-tampered = le registre a été modifié : l'événement { $seq } ne correspond pas à sa chaîne de hachage
ledger-triggers = les déclencheurs qui rendent le registre non modifiable sont absents
ledger-sql = erreur de la base du registre : { $detail }
# collaborative.toml
coverage-unreadable = impossible de lire le fichier de couverture : { $detail }
coverage-no-member = le collectif ne nomme aucun membre : ajoutez un [[member]] avec agency et provinces
coverage-needs-epoch = linkage = "collaborative" exige l'époque en vigueur : ajoutez epoch = "<les 16 chiffres hexadécimaux affichés par `safecount key --new-secret`>"
coverage-bad-epoch = l'époque est formée des 16 chiffres hexadécimaux (0-9, a-f) affichés par `safecount key --new-secret`
coverage-kind = « { $kind } » n'est pas un type d'organisme ; utilisez l'un de { $kinds }
coverage-twice = l'organisme « { $agency } » figure deux fois : nommez chaque membre une seule fois
coverage-no-province = le membre « { $agency } » ne dessert aucune province : nommez-en au moins une (par exemple provinces = ["CA-ON"])
coverage-province = « { $province } » n'est pas un code de province ou de territoire ; utilisez l'un de { $codes }
coverage-province-hint = « { $province } » n'est pas un code de province ou de territoire (vouliez-vous dire « { $hint } » ?) ; utilisez l'un de { $codes }
coverage-unknown-member = le membre « { $agency } » n'est pas un organisme de ce dépôt : inscrivez-le (`safecount agency add { $agency }`) ou soumettez d'abord ses extraits, ou retirez-le
coverage-unknown-member-hint = le membre « { $agency } » n'est pas un organisme de ce dépôt (vouliez-vous dire « { $hint } » ?) : inscrivez-le (`safecount agency add { $agency }`) ou soumettez d'abord ses extraits, ou retirez-le

# Un tableau à vous ([[tables]] avec dimensions) qui ne peut pas être construit.
custom-did-you-mean = {" "}(vouliez-vous dire "{ $name }" ?)
custom-bad-dimension = "{ $field }" ne peut pas être une dimension d'un tableau { $kind }{ $hint } ; les dimensions sont des champs codés ({ $fields })
custom-bad-dimension-cases = "{ $field }" ne peut pas être une dimension d'un tableau { $kind }{ $hint } ; les dimensions sont des champs codés ({ $fields }), un code d'un champ d'ensemble écrit ensemble:code (p. ex. means:debt_bondage, racialised_group:black), ou le nom d'une définition pour l'appartenance à celle-ci
custom-bad-value = "{ $field }" ne peut pas être additionné dans un tableau { $kind }{ $hint } ; champs de nombres entiers : { $fields }
custom-bad-bounds = les bornes de la somme de { $field } doivent respecter 0 <= lower < upper (reçu { $lower }..{ $upper })
custom-no-dimension = un tableau a besoin d'au moins une dimension
