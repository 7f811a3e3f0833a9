## Ce qu'affichent `safecount validate` et `safecount submit` pour le personnel des organismes.

cli-receipt-stored = Enregistré. Conservez ce reçu :
cli-receipt-already = Déjà enregistré : ces octets exacts ont déjà été reçus. Le reçu est inchangé.
cli-receipt-submission = soumission
cli-receipt-agency = organisme
cli-receipt-quarter = trimestre
cli-receipt-received = reçu le
cli-receipt-sha256 = sha256
cli-receipt-rows = lignes
cli-receipt-supersedes = remplace
cli-receipt-raw = copie brute
cli-receipt-verified = vérifié
cli-receipt-quarter-value = { $quarter } ({ $kind ->
        [returns] rapport trimestriel
       *[cases] dossiers
    })
cli-receipt-check = pour le vérifier : sha256sum { $file }   (Windows : Get-FileHash { $file })
cli-receipt-rows-value = { $rows } acceptées -> { $records } enregistrements
cli-receipt-supersedes-value = { $previous } (conservée, marquée comme remplacée)
cli-receipt-raw-value = non conservée : le fichier contenait des âges, des dates ou des codes postaux exacts qui ont été généralisés
cli-receipt-verified-value = le SHA-256 du serveur correspond à ce fichier
cli-receipt-linkage = liaison
cli-receipt-linkage-value = clés collaboratives, époque { $epoch }
cli-nothing-stored = Rien n'a été enregistré.
cli-error-profile-missing = le profil { $profile } n'existe pas ; indiquez le chemin du profil de l'organisme (.toml), ou `canonical`
cli-error-profile-invalid = le profil ne peut pas être utilisé : { $detail }
error-file-missing = le fichier { $file } n'existe pas ou ne peut pas être ouvert
error-no-section = le profil { $profile } n'a pas de section [{ $kind }] ; il ne peut donc pas lire ce genre d'extrait : ajoutez cette section au profil (voir docs/profiles.md), ou vérifiez que ce fichier est du genre voulu (--kind cases ou --kind returns)
error-too-large = le fichier fait { $size } octets, plus que la limite de 1 Gio : divisez l'extrait
error-store = le dépôt ne peut pas être utilisé ({ $detail }) ; rien n'a été enregistré
error-other = erreur : { $detail }
cli-error-no-token = indiquez le jeton de téléversement de l'organisme avec --token ou SAFECOUNT_TOKEN
cli-error-bad-token = cela ne ressemble pas à un jeton de téléversement safecount (sc1.<organisme>.<secret>)
cli-error-unreachable = impossible de joindre { $server } : { $detail }
cli-error-sha-differs = ATTENTION : le SHA-256 du serveur diffère de celui de ce fichier ({ $sha }) ; le fichier a changé ou a été endommagé pendant le transfert. Soumettez-le de nouveau.
cli-error-refused = { $title } ({ $status }) : { $detail }

## `safecount budget` : l'état du budget de confidentialité.

budget-none = Aucun budget n'est encore fixé. Le collectif en fixe un par trimestre de données :
budget-heading-person = Budget de confidentialité par trimestre de dossiers, par personne (confidentialité différentielle à concentration nulle, rho)
budget-heading-agency = Budget par trimestre de rapports, par organisme (rho ; ne dit rien des personnes)
budget-returns-rules = Rapports des organismes : { $releases } publications sur { $quarters } trimestres, agrégats exacts soumis aux règles de contrôle de la divulgation (aucun budget de confidentialité ; voyez la provenance de chaque publication).
budget-col-period = période
budget-col-budget = budget
budget-col-spent = dépensé
budget-col-remaining = restant
budget-col-releases = publications
budget-lost = Une personne présente dans chacun des trimestres ci-dessus a perdu rho = { $rho } en tout (chaque publication compte une fois, une annuelle aussi, puisqu'elle compte chaque personne une fois ; les pertes zCDP s'additionnent),
budget-dp = soit une confidentialité différentielle (epsilon = { $epsilon }, delta = { $delta }) (conversion zCDP d'OpenDP{ $thresholds ->
        [none] {""}
       *[other] ; delta comprend { $thresholds } dû aux seuils
    }).
budget-agencies-k = Une personne servie par k organismes qui lui donnent chacun leur propre clé (mode organisme, ou personne que la liaison collaborative n'a pas pu rapprocher) compte pour k personnes : sa perte vaut k² fois celle-ci.
budget-cap = Plafond à vie : rho = { $cap } (il reste { $remains }).
budget-no-cap = Aucun plafond à vie n'est fixé (safecount budget set --lifetime-rho X borne la perte sur l'ensemble des trimestres).
budget-set-person = Budget de { $period } fixé à rho = { $rho } par personne.
budget-set-agency = Budget des organismes pour { $period } fixé à rho = { $rho } par organisme.
budget-raise-needs-note = { $key } : relever le budget de { $old } à { $new } alors que { $spent } en est déjà dépensé permet d'en apprendre davantage sur les mêmes personnes. C'est une décision du collectif : dites de qui, par exemple --note "accepté par le comité directeur le 2026-12-01" (elle est conservée dans le registre)
budget-raised = { $key } : budget relevé de { $old } à { $new } ({ $spent } déjà dépensé) ; la raison est conservée avec lui dans le registre.
budget-set-lifetime = Plafond à vie fixé : une personne présente dans chaque trimestre peut perdre au plus rho = { $rho }.
budget-error-flags = indiquez --rho, --agency-rho (avec --period) ou --lifetime-rho
budget-error-period = --period doit nommer un trimestre, écrit AAAAQn (par exemple 2025Q3)
budget-verified-ledger = Registre vérifié : { $events } événements, chaîne de hachage intacte, déclencheurs d'ajout seul en place.
budget-left-over = reste : { $file }
budget-verified-files = Fichiers de publication vérifiés : { $files } fichiers, chacun conforme à sa ligne du registre et à la tête du registre au moment de son débit.

## Les commandes du collectif : organismes, dépôt, serveur, rapports.

agency-token = Jeton de téléversement de { $agency } (affiché une seule fois ; seule son empreinte est conservée) :
agency-token-care = Remettez-le à l'organisme par un moyen sûr. S'il est perdu ou divulgué : safecount agency revoke { $agency }, puis ajoutez-le de nouveau.
agency-revoked = Révoqué : le jeton de { $agency } ne fonctionne plus.
agency-state = { $state ->
        [revoked] révoqué depuis le { $since }
       *[active] actif depuis le { $since }
    }
store-nothing-to-migrate = Rien à migrer : les { $current } fichiers canoniques sont tous au format { $format }.
store-backed-up = Sauvegardé dans { $dest } : { $files } fichiers ({ $submissions } dépôts, { $releases } publications, le registre et le secret), chacun avec son SHA-256 dans backup.json. Gardez-la ailleurs que sur le disque du dépôt.
store-restored = { $files } fichiers restaurés dans un nouveau dépôt à { $store } (sauvegarde du { $day }) ; chaque fichier correspond à son SHA-256. Vérification de son registre et de ses publications :
store-migrated = { $files } fichiers canoniques ({ $records } enregistrements) migrés au format { $format }, chacun relu et vérifié ; les anciens fichiers sont supprimés. { $current } étaient déjà à jour.
serve-profiles = Indiquez le dossier des profils des organismes avec --profiles DOSSIER (ceux de l'échantillon sont dans sample-data/profiles).
report-bad-lang = --lang { $given } : les rapports s'écrivent en en ou en fr
report-written = { $file }  ({ $charts } graphiques, à partir de { $releases } publications)
cli-error-collaborative = le fichier du collectif est inutilisable : { $detail }
# safecount run
run-cells = { $cells } cellules
run-cost-rules = aucun rho (contrôle de la divulgation)
run-cost-rho = rho { $rho }
run-reserved = (servie de nouveau, rien n'est dépensé)
run-all-suppressed = — toutes les cellules sont supprimées (moins d'organismes que le minimum, ou un organisme dominant) : rien de ce tableau ne peut être publié
run-processed-copies = copies traitées : { $files } fichiers dans { $dir }
run-report = rapport : { $file }
run-dry-heading = Simulation de { $pipeline } (rien n'est dépensé, aucune donnée n'est lue)
run-col-period = période
run-col-table = tableau
run-col-parts = parties
run-col-cells = cellules
run-col-mechanism = mécanisme
run-col-scale = échelle
run-col-cell = ±cellule
run-col-national = ±national
run-col-rho = rho
run-col-asked = demandé
run-dry-rules-mechanism = contrôle de la divulgation
run-dry-rules-note = exact ; une cellule exige 3 organismes, règle du p %
run-dry-solved = ±{ $target } (rho calculé)
run-whose-person = par personne
run-whose-agency = par organisme (rapports)
run-needs = { $period } : il faut un rho de { $needed } { $whose } ; il reste { $remaining } sur { $budget }
run-needs-short = { $period } : il faut un rho de { $needed } { $whose } ; il reste { $remaining } sur { $budget } — INSUFFISANT : il manque { $short }
run-needs-unset = { $period } : il faut un rho de { $needed } { $whose } ; aucun budget n'est encore fixé (safecount budget set --period { $period } { $flag } R)
run-person-loss = Une personne présente à chaque trimestre de cette exécution perdrait au plus un rho de { $rho } de plus (les publications servies de nouveau ne coûtent rien),
    soit epsilon = { $epsilon } à delta = { $delta } pour cette seule exécution.
run-lifetime = Sur toute la durée : rho { $before } (epsilon { $before_epsilon }) perdu jusqu'ici, au plus { $after } (epsilon { $after_epsilon }) après cette exécution, sous le plafond de { $cap }.
run-lifetime-over = Sur toute la durée : rho { $before } (epsilon { $before_epsilon }) perdu jusqu'ici, jusqu'à { $after } (epsilon { $after_epsilon }) après cette exécution — AU-DELÀ du plafond de { $cap } : l'exécution s'arrêterait à la publication qui le franchit. Dépensez moins, ou relevez le plafond seulement si le collectif l'accepte (safecount budget set --lifetime-rho X).
run-lifetime-no-cap = Sur toute la durée : rho { $before } (epsilon { $before_epsilon }) perdu jusqu'ici, au plus { $after } (epsilon { $after_epsilon }) après cette exécution ; aucun plafond n'est fixé (privacy.lifetime_rho, ou safecount budget set --lifetime-rho X).
run-col-report = rapport
run-report-drawn = tracé
run-report-unused = INUTILISÉ
run-dry-target = ±max({ $relative }, { $floor }) par partie
run-at-floor = ({ $releases } publications sont planifiées au plancher de leur cible, faute de trimestre précédent publié : les chiffres ci-dessus sont des bornes supérieures ; l'exécution les planifie d'après les trimestres qu'elle publie d'abord.)
run-dry-legend = ±cellule est la demi-largeur de l'intervalle de la cellule la plus large au niveau indiqué ({ $level }) ; ±national, celle du
    chiffre national du tableau (personnes servies, effectif d'une définition), tirée de la marge nationale là où elle est mesurée.
# safecount demo
demo-fresh = safecount demo : un nouveau dépôt dans { $store }
demo-step-submit = 1. Soumission de { $extracts } extraits d'exemple de { $agencies } organismes fictifs
demo-rejected = REFUSÉ { $file }
demo-stored = { $stored } enregistrés ({ $records } dossiers personne-trimestre après fusion des lignes d'une même personne dans chaque organisme), { $rejected ->
        [one] { $rejected } refusé
       *[other] { $rejected } refusés
    }.
demo-linkage = Le collectif d'exemple relie les personnes entre organismes (époque { $epoch }) : à la publication, les dossiers qu'une personne a dans plusieurs organismes membres au cours d'un trimestre sont fusionnés en un seul.
demo-rejected-heading = --- Ce que l'on dit à l'intervenante qui a téléversé le fichier refusé ---
demo-surprises = { $files } fichiers n'ont pas été validés comme le prévoit le manifeste.
demo-step-budget = 2. Budget de confidentialité fixé à un rho de { $rho } par personne pour chacun des { $quarters } trimestres de données, dont { $own } reste pour un premier pipeline à vous
demo-budget-agency = (et un rho de { $rho } par organisme pour les rapports des organismes, un budget distinct)
demo-budget-rules = (les rapports des organismes sont publiés selon les règles de contrôle de la divulgation : aucun budget)
demo-step-run = 3. Exécution de { $pipeline } avec OpenDP : { $tables } tableaux, { $releases } publications (les tableaux trimestriels une fois par trimestre, les tableaux annuels une fois par an)
demo-releases = { $releases } fichiers publiés dans { $dir }
demo-copies = { $files } copies traitées (Parquet et CSV, valeurs bruitées brutes conservées) dans { $dir }
demo-step-report = 4. Rédaction du rapport aux bailleurs de fonds à partir de ces seules publications
demo-report-file = { $file }  ({ $charts } graphiques)
demo-your-own = La démo laisse un rho de { $own } dans chaque trimestre et dans le plafond à vie pour un premier pipeline à vous ; prévisualisez-en un avec :
  safecount run pipelines/quarterly-national.toml --store { $store } --dry-run
demo-next = Ensuite : ouvrez { $file } dans un navigateur (la version dans l'autre langue est à côté),
    ou lisez un tableau avec n'importe quel lecteur Parquet : la copie de chaque tableau, nommée d'après lui, par exemple avec polars
    (les publications d'un trimestre sont des tableaux différents ; pour les lire ensemble, read_parquet de DuckDB avec union_by_name = true ;
    releases/index.csv du dépôt donne la période et le tableau de chaque fichier publié) :
demo-no-sample = { $detail }
    Lancez-la depuis la racine du dépôt, ou générez un exemple avec `safecount sample-data --out DOSSIER` et indiquez --sample DOSSIER.
# safecount release
release-cli-positive = { $flag } doit être un nombre positif
release-cli-parts = { $parts ->
        [one] une partie
       *[other] { $parts } parties
    }
release-cli-scale = échelle { $scale }
release-cli-spent = rho dépensé { $rho }
release-cli-reserved = (servie de nouveau)

# `budget --verify` : ce qu'il a trouvé pour chaque fichier publié.
verify-not-in-ledger = { $file } : aucune publication terminée de cet identifiant dans le registre
verify-elsewhere = { $file } : le registre l'a terminée sous { $recorded }
verify-altered = { $file } : son SHA-256 diffère de celui du registre : il a été modifié
verify-wrong-head = { $file } : la tête du registre inscrite dans sa provenance n'est pas son événement de débit
verify-missing = { $file } : terminée dans le registre, mais le fichier manque
verify-pending = publication { $id } de { $key } : débitée, pas encore écrite (la prochaine demande la termine)
verify-orphan = { $file } : aucune soumission ne nomme ce fichier (un reste ; safecount ne le lit jamais, mais d'autres outils qui lisent le dossier le liraient) : supprimez-le
verify-staging = { $file } : fichier de préparation resté en place

# `safecount sample-data`.
sample-data-wrote = { $files } fichiers de données d'échantillon synthétiques écrits dans { $dir } (graine { $seed }).
sample-data-fictional = Toutes les personnes qu'ils contiennent sont fictives. Voir { $dir }/manifest.toml.

# Les erreurs du dépôt lui-même (le détail du système de fichiers ou de la base de données est transmis tel quel).
store-io = impossible d'utiliser le dépôt à { $path } : { $detail }
store-sql = le registre du dépôt a échoué : { $detail }
store-parquet = impossible d'écrire les enregistrements canoniques : { $detail }
store-newer-schema = le registre du dépôt { $path } a la version de schéma { $found }, plus récente que la version { $known } que connaît cette version de safecount : utilisez celle qui l'a écrit, ou une plus récente (rien n'a été modifié)
store-newer-format = { $path } a été écrit par une version plus récente de safecount (format canonique { $format } ; cette version lit jusqu'au format { $current }) : utilisez cette version, ou une plus récente
store-not-empty = { $path } existe et n'est pas vide : indiquez un nouveau dossier (une sauvegarde ou une restauration n'écrit jamais par-dessus)
store-read-back-differs = { $path } relu différemment après réécriture ; rien n'a été changé

# Les refus de `safecount agency`.
agency-bad-slug = "{ $slug }" n'est pas un nom court d'organisme valide : employez de 2 à 40 lettres minuscules, chiffres et traits d'union, en commençant par une lettre
agency-exists = l'organisme { $slug } a déjà un jeton ; révoquez-le d'abord (safecount agency revoke { $slug })
agency-unknown = il n'y a pas d'organisme actif { $slug }
agency-random = le générateur de nombres aléatoires du système a échoué : { $detail }

# `safecount serve` sur la console de l'exploitant.
serve-listening = { $url }  (dépôt { $store }, { $profiles } profils, téléversements jusqu'à { $megabytes } Mo) ; Ctrl-C ou SIGTERM arrête une fois les téléversements en cours traités
serve-drained = arrêté : les requêtes en cours ont d'abord reçu leur réponse
serve-beyond-loopback = écoute au-delà de cette machine. Placez le serveur derrière un mandataire inverse TLS (voir docs/intake-server.md) : les jetons ne doivent jamais circuler en HTTP simple.
serve-profiles-unreadable = impossible de lire le dossier des profils { $path } : { $detail }
serve-profile-invalid = le profil { $path } ne peut pas être utilisé : { $message }
serve-cannot-listen = impossible d'écouter sur { $addr } : { $detail }
serve-stopped = le serveur s'est arrêté : { $detail }

# `safecount report` et le rapport d'un pipeline : fichiers illisibles ou impossibles à écrire.
report-unreadable = impossible de lire { $path } : { $detail }
report-not-a-release = { $path } n'est pas une publication safecount : { $detail }
report-no-releases = aucun fichier de publication safecount (*.parquet avec une provenance safecount) n'a été trouvé sous { $dir } : exécutez d'abord un pipeline (`safecount run PIPELINE`), puis pointez `report` vers le dossier releases du dépôt
report-cannot-write = impossible d'écrire { $path } : { $detail }
report-chart-failed = le dessin du graphique { $chart } a échoué : { $detail }
report-template-failed = le gabarit du rapport a échoué : { $detail }
pipeline-output-failed = l'écriture des sorties traitées a échoué : { $detail }
progress-releasing = publication
