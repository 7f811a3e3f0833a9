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
cli-nothing-stored = Rien n'a été enregistré.
cli-error-profile-missing = le profil { $profile } n'existe pas ; indiquez le chemin du profil de l'organisme (.toml), ou `canonical`
cli-error-profile-invalid = le profil ne peut pas être utilisé : { $detail }
error-file-missing = le fichier { $file } n'existe pas ou ne peut pas être ouvert
error-no-section = le profil { $profile } n'a pas de section [{ $kind }] ; il ne peut donc pas lire ce genre d'extrait : ajoutez cette section au profil (voir le README), ou vérifiez que ce fichier est du genre voulu (--kind cases ou --kind returns)
error-too-large = le fichier fait { $size } octets, plus que la limite de 1 Gio : divisez l'extrait
error-store = le dépôt ne peut pas être utilisé ({ $detail }) ; rien n'a été enregistré
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
budget-lost = Une personne présente dans chacun des trimestres ci-dessus a perdu rho = { $rho } en tout (chaque débit compte, et une publication regroupant n trimestres compte n² fois ; les pertes zCDP s'additionnent),
budget-dp = soit une confidentialité différentielle (epsilon = { $epsilon }, delta = { $delta }) (conversion zCDP d'OpenDP{ $thresholds ->
        [none] {""}
       *[other] ; delta comprend { $thresholds } dû aux seuils
    }).
budget-agencies-k = Une personne servie par k organismes qui lui donnent chacun leur propre clé (mode organisme, ou personne que la liaison collaborative n'a pas pu rapprocher) compte pour k personnes : sa perte vaut k² fois celle-ci.
budget-cap = Plafond à vie : rho = { $cap } (il reste { $remains }).
budget-no-cap = Aucun plafond à vie n'est fixé (safecount budget set --lifetime-rho X borne la perte sur l'ensemble des trimestres).
budget-set-person = Budget de { $period } fixé à rho = { $rho } par personne.
budget-set-agency = Budget des organismes pour { $period } fixé à rho = { $rho } par organisme.
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
store-migrated = { $files } fichiers canoniques ({ $records } enregistrements) migrés au format { $format }, chacun relu et vérifié ; les anciens fichiers sont supprimés. { $current } étaient déjà à jour.
serve-profiles = Indiquez le dossier des profils des organismes avec --profiles DOSSIER (ceux de l'échantillon sont dans sample-data/profiles).
report-bad-lang = --lang { $given } : les rapports s'écrivent en en ou en fr
report-written = { $file }  ({ $charts } graphiques, à partir de { $releases } publications)
cli-error-collaborative = le fichier du collectif est inutilisable : { $detail }
