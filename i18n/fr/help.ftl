# L'aide de la ligne de commande (`safecount --help`, `safecount COMMANDE
# --help`) et ses erreurs d'utilisation. Un identifiant dit où son texte
# paraît : help-COMMANDE est la description d'une ligne de la commande,
# help-COMMANDE-arg-NOM l'aide de son argument NOM (--NOM, ou NOM positionnel).

help-heading-usage = Utilisation :
# clap adds the colon after a heading: the no-break space before it is here.
help-heading-commands = Commandes{"\u00A0"}
help-heading-arguments = Arguments{"\u00A0"}
help-heading-options = Options{"\u00A0"}
help-exit-codes = Codes de sortie : 0 terminé ; 2 utilisation ; 65 données non valides (extrait refusé, aucune donnée à publier) ; 66 fichier d'entrée introuvable ; 70 erreur interne ; 74 lecture ou écriture du dépôt ou d'une sortie ; 75 refusé pour l'instant par le budget de confidentialité (ou une publication en cours ailleurs) ; 78 configuration non valide (profil, pipeline, couverture, définitions).

help-fact-default = par défaut : { $value }
help-fact-possible = valeurs possibles : { $values }
help-fact-env = variable d'environnement : { $name }

help-builtin-help = Afficher l'aide
help-builtin-help-summary = Afficher l'aide (plus de détails avec '--help')
help-builtin-help-summary-long = Afficher l'aide (un résumé avec '-h')
help-builtin-version = Afficher la version
help-builtin-help-command = Afficher ce message ou l'aide des commandes nommées

help-error-unknown-argument = erreur : cette commande ne prend pas l'argument '{ $arg }'.
help-error-unknown-command = erreur : il n'y a pas de commande '{ $value }'.
help-error-invalid-value = erreur : '{ $value }' n'est pas une valeur permise pour '{ $arg }'.
help-error-missing-argument = erreur : cette commande a besoin de { $arg }.
help-error-missing-command = erreur : cette commande doit être suivie d'une commande.
help-error-conflict = erreur : '{ $arg }' ne peut pas être employé avec '{ $other }'.
help-error-too-many = erreur : '{ $arg }' a reçu plus de valeurs qu'il n'en prend.
help-error-values = erreur : '{ $arg }' n'a pas reçu le bon nombre de valeurs.
help-error-other = erreur : la ligne de commande n'est pas valide ({ $detail }).
help-error-valid = Valeurs possibles : { $values }
help-error-suggestion = Vouliez-vous dire '{ $suggestion }' ?
help-error-more = Pour en savoir plus, essayez '--help'.

help-safecount = Mettre en commun les données de services en matière de traite de personnes entre organismes, sans exposer personne.
help-safecount-long = safecount vérifie les extraits trimestriels dépersonnalisés des organismes, détermine pour chaque dossier les définitions juridiques de la traite de personnes auxquelles il répond, et ne publie que des agrégats sur les personnes protégés par la confidentialité différentielle (les rapports trimestriels des organismes, en totaux exacts soumis aux règles de contrôle de la divulgation) ainsi que des rapports.
help-safecount-arg-lang = Langue des messages et des rapports destinés au personnel des organismes : en ou fr (sinon la `language` du profil de l'organisme, sinon LC_ALL / LC_MESSAGES / LANG, sinon en)

help-demo = La première commande d'un nouvel utilisateur : un dépôt neuf tiré de l'échantillon, chaque extrait soumis, le pipeline de démonstration exécuté, le rapport écrit
help-demo-arg-sample = Le dossier de l'échantillon (avec manifest.toml)
help-demo-arg-store = Où construire le dépôt de démonstration ; il est d'abord vidé
help-demo-arg-pipeline = Le pipeline à exécuter
help-demo-arg-report = Où écrire le rapport (par défaut : le [report] out du pipeline, reports/demo) ; les tableaux traités vont dans son dossier tables/

help-key = À l'organisme, hors ligne : ajouter les clés de personne du collectif à un extrait (ou --new-secret)
help-key-arg-extract = L'extrait à doter de clés (tel que le lit la section [cases] du profil)
help-key-arg-profile = Le profil de l'organisme, avec une section [linkage]
help-key-arg-identity = L'export d'identité de l'organisme (CSV ou XLSX : noms, date de naissance et colonne de jointure)
help-key-arg-secret = Le fichier qui contient le secret de liaison du collectif (jamais le secret lui-même)
help-key-arg-out = Où écrire l'extrait doté de clés
help-key-arg-new-secret = Écrire un nouveau secret (256 bits aléatoires) dans ce fichier, afficher l'empreinte de son époque, puis s'arrêter
help-key-arg-json = Afficher le résumé en JSON

help-submit = Valider un extrait, puis le déposer de façon atomique et afficher un accusé de réception
help-submit-arg-file = L'extrait : .csv, .xlsx ou .parquet, selon le profil
help-submit-arg-profile = Le profil de l'organisme (TOML) ; avec --server, son nom de fichier sans .toml désigne le profil sur le serveur
help-submit-arg-quarter = Le trimestre dont l'extrait rend compte, AAAAQn
help-submit-arg-kind = La sorte d'extrait : dossiers de cas ou rapport trimestriel de l'organisme
help-submit-arg-store = Le dossier du dépôt (par défaut : $SAFECOUNT_STORE, sinon ./safecount-data)
help-submit-arg-collaborative = Avec --store : le collaborative.toml du collectif ; avec linkage = "collaborative", les extraits de dossiers doivent porter des clés de son époque en cours
help-submit-arg-json = Afficher l'accusé de réception (ou le rapport de refus) en JSON
help-submit-arg-server = Téléverser vers un serveur safecount plutôt qu'un dépôt local, p. ex. https://intake.example.org
help-submit-arg-token = Le jeton de téléversement de l'organisme (pour --server) ; mieux vaut le donner dans SAFECOUNT_TOKEN

help-serve = Servir les pages et l'API de téléversement aux organismes (boucle locale par défaut)
help-serve-arg-store = Le dossier du dépôt (par défaut : $SAFECOUNT_STORE, sinon ./safecount-data)
help-serve-arg-profiles = Dossier des profils d'organismes (*.toml) ; l'identifiant d'un profil est son nom de fichier sans .toml
help-serve-arg-addr = Adresse d'écoute. Boucle locale par défaut ; toute autre adresse devrait être derrière un mandataire inverse TLS
help-serve-arg-max-upload-mb = Plus gros téléversement accepté, en mégaoctets
help-serve-arg-rate-per-minute = Requêtes permises par minute pour chaque organisme
help-serve-arg-max-concurrent-checks = Fichiers validés à la fois ; les autres téléversements attendent jusqu'à 10 s, puis on leur demande de réessayer (503)
help-serve-arg-collaborative = Le collaborative.toml du collectif : avec linkage = "collaborative", les téléversements de dossiers doivent porter des clés du collectif de son époque en cours
help-serve-arg-log-format = Comment le serveur journalise : une ligne simple par événement (text) ou un objet JSON par ligne (json), chacun avec son niveau ; jamais une valeur d'un téléversement
help-serve-arg-log-level = Les événements les moins importants journalisés : error, warn, info (par défaut) ou debug

help-agency = Organismes autorisés à téléverser : add (affiche un jeton une seule fois), revoke, list
help-agency-arg-store = Le dossier du dépôt (par défaut : $SAFECOUNT_STORE, sinon ./safecount-data)
help-agency-add = Inscrire un organisme et afficher son jeton de téléversement (montré une seule fois)
help-agency-add-arg-slug = Le nom court de l'organisme (minuscules, chiffres et traits d'union), comme le `slug` de son profil
help-agency-revoke = Révoquer le jeton d'un organisme ; il cesse aussitôt de fonctionner
help-agency-revoke-arg-slug = Le nom court de l'organisme
help-agency-list = Lister les organismes et dire si leur jeton est actif

help-budget = Le registre du budget de confidentialité : dépensé et restant par période ; fixer les budgets ; vérifier
help-budget-arg-store = Le dossier du dépôt (par défaut : $SAFECOUNT_STORE, sinon ./safecount-data)
help-budget-arg-json = Afficher en JSON
help-budget-arg-verify = Vérifier la chaîne de hachage et les déclencheurs du registre, et chaque fichier publié par rapport à lui
help-budget-set = Fixer (ou changer) les budgets : ceux d'un trimestre, par personne (--rho) et par organisme (--agency-rho), et le plafond à vie de la perte d'une personne sur tous les trimestres
help-budget-set-arg-period = La période (trimestre) des données, AAAAQn ; requise avec --rho ou --agency-rho
help-budget-set-arg-rho = Le budget du trimestre pour les publications sur des personnes (dossiers de cas), en rho (zCDP) ; p. ex. 0,5
help-budget-set-arg-agency-rho = Le budget du trimestre pour les publications par organisme (rapports trimestriels : financement, lits, refus faute de place), en rho
help-budget-set-arg-lifetime-rho = Le plus de rho qu'une personne présente à chaque trimestre peut perdre sur l'ensemble
help-budget-set-arg-note = Pourquoi (conservé dans le registre)

help-store = Le dépôt lui-même : `safecount store migrate` réécrit au format actuel les fichiers des versions antérieures ; `store backup` et `store restore` le copient et le rétablissent
help-store-arg-store = Le dossier du dépôt (par défaut : $SAFECOUNT_STORE, sinon ./safecount-data)
help-store-migrate = Réécrire au format actuel les fichiers canoniques écrits par des versions antérieures. Atomique : les anciens fichiers restent tant que chaque nouveau n'est pas écrit et vérifié
help-store-backup = Copier le dépôt dans DEST (un dossier nouveau ou vide) pendant qu'il tourne : un instantané du registre et les fichiers qu'il nomme, avec leur SHA-256
help-store-backup-arg-dest = Le dossier à créer pour la sauvegarde
help-store-restore = Créer un nouveau dépôt (--store, qui ne doit pas exister ou doit être vide) à partir de la sauvegarde dans SRC, vérifier chaque fichier, puis son registre et ses publications
help-store-restore-arg-src = Le dossier de la sauvegarde (faite par `safecount store backup`)

help-pipeline = Référence des pipelines : `safecount pipeline schema` affiche le schéma JSON des fichiers de pipeline
help-pipeline-schema = Afficher le schéma JSON des fichiers de pipeline

help-run = Exécuter un pipeline (pipelines/*.toml), ou en prévoir le coût et la précision avec --dry-run
help-run-arg-pipeline = Le fichier de pipeline (TOML), p. ex. pipelines/quarterly-national.toml
help-run-arg-dry-run = Afficher pour chaque publication son mécanisme, l'échelle du bruit, la demi-largeur de l'intervalle et le coût ; ne rien dépenser, ne lire aucune donnée
help-run-arg-json = Afficher le résultat en un seul document JSON
help-run-arg-store = Le dossier du dépôt (par défaut : celui du pipeline, sinon $SAFECOUNT_STORE, sinon ./safecount-data)

help-report = Redessiner un rapport (HTML, SVG, PNG ; en et fr) à partir des publications conservées ; ne dépense rien
help-report-arg-releases = Un dossier de fichiers publiés, p. ex. safecount-data/releases (parcouru avec ses sous-dossiers)
help-report-arg-out = Où écrire report.<langue>.html et charts/
help-report-arg-langs = Langue du rapport : en ou fr ; répéter pour les deux (par défaut : les deux)

help-release = Publier les tableaux standards d'une période au moyen d'OpenDP (débités avant que le bruit soit tiré)
help-release-arg-period = Le trimestre à publier, AAAAQn
help-release-arg-table = Un tableau standard (definitions, services, housing_outcome, ...), ou `all`
help-release-arg-rho = Budget à dépenser en rho (zCDP) par personne, partagé à parts égales entre les tableaux de dossiers publiés
help-release-arg-agency-rho = Budget à dépenser par organisme, partagé à parts égales entre les tableaux de rapports trimestriels publiés (funding, funding_term, beds, turnaways) ; par défaut : --rho
help-release-arg-pure = Confidentialité différentielle pure avec la loi de Laplace discrète plutôt que zCDP avec la loi gaussienne discrète
help-release-arg-level = Niveau de confiance des demi-largeurs publiées
help-release-arg-dry-run = Afficher le coût et la précision attendue ; ne rien dépenser, ne lire aucune donnée
help-release-arg-store = Le dossier du dépôt (par défaut : $SAFECOUNT_STORE, sinon ./safecount-data)
help-release-arg-definitions = Dossier des fichiers de définitions (par défaut ./definitions ou la copie intégrée)

help-validate = Vérifier un extrait selon le profil de l'organisme ; sortie 0 s'il est propre, 65 s'il n'est pas valide
help-validate-arg-file = L'extrait : .csv, .xlsx ou .parquet, selon le profil
help-validate-arg-profile = Le profil de l'organisme (TOML), ou `canonical` pour la disposition canonique
help-validate-arg-kind = La sorte d'extrait
help-validate-arg-quarter = Le trimestre dont le fichier rend compte (AAAAQn) ; les lignes d'un autre trimestre sont des erreurs
help-validate-arg-sheet = Feuille XLSX à lire (par défaut : celle du profil, sinon la première)
help-validate-arg-json = Afficher le rapport en un seul document JSON
help-validate-arg-collaborative = Le collaborative.toml du collectif : avec linkage = "collaborative", les extraits de dossiers doivent porter des clés du collectif de son époque en cours (`safecount key`)

help-definitions = Lister les définitions de la traite de personnes, ou en expliquer une en mots simples
help-definitions-arg-explain = Expliquer une définition (ou un ensemble de politiques) : sa règle en mots simples et les champs qu'elle lit
help-definitions-arg-dir = Dossier des fichiers de définitions (par défaut : ./definitions s'il existe, sinon la copie intégrée)

help-schema = Afficher le schéma canonique (Frictionless Table Schema, ou un tableau)
help-schema-arg-format = table : un tableau simple des champs et des codes ; table-schema : Frictionless Table Schema (JSON)
help-schema-arg-kind = Seulement cette sorte d'extrait (par défaut : les deux)

help-sample-data = Générer les organismes, extraits et profils synthétiques de l'échantillon
help-sample-data-arg-out = Où écrire profiles/, extracts/, returns/, bad/ et manifest.toml
help-sample-data-arg-seed = Graine du générateur ; la même graine donne les mêmes personnes

# Les paramètres fictifs de la ligne d'utilisation (`<FICHIER>`) et ses `[OPTIONS]`.
help-value-command = COMMANDE
help-value-options = {"["}OPTIONS]
help-value-lang = LANGUE
help-value-dest = DEST
help-value-src = SRC
help-value-store = DÉPÔT
help-value-profile = PROFIL
help-value-file = FICHIER
help-value-slug = NOM_COURT
help-value-out = SORTIE
help-value-rho = RHO
help-value-quarter = TRIMESTRE
help-value-pipeline = PIPELINE
help-value-period = PÉRIODE
help-value-log-format = FORMAT
help-value-log-level = NIVEAU
help-value-kind = SORTE
help-value-collaborative = COLLECTIF
help-value-extract = EXTRAIT
help-value-releases = PUBLICATIONS
help-value-agency-rho = RHO_ORGANISME
help-value-token = JETON
help-value-table = TABLEAU
help-value-sheet = FEUILLE
help-value-server = SERVEUR
help-value-seed = GRAINE
help-value-secret = SECRET
help-value-sample = ÉCHANTILLON
help-value-report = RAPPORT
help-value-rate-per-minute = REQUÊTES_PAR_MINUTE
help-value-profiles = PROFILS
help-value-note = NOTE
help-value-name = NOM
help-value-max-upload-mb = MAX_MO
help-value-max-concurrent-checks = VÉRIFICATIONS_SIMULTANÉES
help-value-lifetime-rho = RHO_À_VIE
help-value-level = NIVEAU
help-value-langs = LANGUE
help-value-identity = IDENTITÉ
help-value-format = FORMAT
help-value-dir = DOSSIER
help-value-definitions = DÉFINITIONS
help-value-addr = ADRESSE
