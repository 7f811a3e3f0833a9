## Les pages de téléversement et les détails de problème de l'API (RFC 9457).

page-switch = English
page-tagline = téléversement sécurisé pour les organismes partenaires
page-nav-upload = Téléverser un extrait
page-nav-receipts = Vos reçus
page-footer = Les fichiers sont vérifiés avant que quoi que ce soit ne soit enregistré. Un fichier contenant des noms, des coordonnées, des dates de naissance exactes, des codes postaux complets ou des notes en texte libre est refusé, et le rapport ne répète jamais ce qu'il a trouvé. Questions : communiquez avec le collectif.
page-upload-title = Téléverser un extrait
page-upload-heading = Téléverser un extrait trimestriel
page-upload-lead = Choisissez le fichier exporté par votre système de gestion des dossiers, indiquez le trimestre qu'il couvre et faites-le vérifier. Vous verrez le résultat avant que quoi que ce soit ne soit enregistré.
page-token = Jeton de téléversement de votre organisme
page-token-help = Le collectif a remis ce jeton à votre organisme. Il commence par sc1.
page-profile = Profil
page-profile-default = Profil de votre organisme
page-profile-help = Comment safecount lit les colonnes de votre système. Laissez tel quel, sauf si votre organisme en a plusieurs.
page-kind-legend = Que contient le fichier ?
page-kind-cases = Dossiers (une ligne par personne, service ou incident)
page-kind-returns = Rapport trimestriel (financement, lits, refus)
page-quarter = Trimestre couvert par le fichier
page-quarter-help = L'année, la lettre Q et le numéro du trimestre : 2025Q3 correspond à juillet à septembre 2025.
page-file = Fichier (CSV, Excel .xlsx ou Parquet ; jusqu'à { $megabytes } Mo)
page-file-sha = SHA-256 de votre fichier :
page-check = Vérifier le fichier
page-check-passed-title = Vérification réussie
page-check-refused-title = Non accepté
page-check-passed-heading = Le fichier peut être soumis
page-check-passed = Aucun problème. { $rows ->
        [one] { $rows } ligne lue
       *[other] { $rows } lignes lues
    } ; { $kind ->
        [returns] { $records ->
            [one] { $records } trimestre
           *[other] { $records } trimestres
        }
       *[cases] { $records ->
            [one] { $records } personne
           *[other] { $records } personnes
        }
    } après la fusion des lignes d'une même personne.
page-check-refused-heading = Le fichier n'a pas été accepté
page-check-refused = Rien n'a été enregistré. Chaque problème ci-dessous dit où le corriger : la plupart dans l'exportation de votre système, certains dans ce formulaire (le trimestre, le type de fichier). Puis téléversez le fichier de nouveau. Le rapport nomme les colonnes, les lignes et les codes à corriger ; il ne répète jamais les renseignements personnels trouvés dans le fichier.
page-fact-file = Fichier
page-fact-quarter = Trimestre
page-fact-kind = { $kind ->
        [returns] rapport trimestriel
       *[cases] dossiers
    }
page-sha-not-kept = (non conservé : le fichier a été refusé)
page-report = Rapport
page-confirm = Confirmer et soumettre
page-cancel = Annuler
page-upload-another = Téléverser un autre fichier
page-receipt-title = Reçu
page-receipt-already-heading = Déjà reçu
page-receipt-stored-heading = Soumis : conservez ce reçu
page-receipt-already = Ces octets exacts ont déjà été reçus. Rien n'a changé ; voici le reçu.
page-receipt-stored = Votre extrait est enregistré. Merci.
page-fact-submission = Soumission
page-fact-agency = Organisme
page-fact-received = Reçu le
page-fact-linkage = Liaison
page-fact-linkage-value = clés de personne du collectif, époque { $epoch }
page-fact-rows = Lignes
page-fact-rows-value = { $rows ->
        [one] { $rows } ligne acceptée
       *[other] { $rows } lignes acceptées
    }, { $kind ->
        [returns] { $records ->
            [one] { $records } trimestre
           *[other] { $records } trimestres
        }
       *[cases] { $records ->
            [one] { $records } personne
           *[other] { $records } personnes
        }
    }
page-fact-replaces = Remplace
page-replaced-kept = (conservée, marquée comme remplacée)
page-fact-original = Fichier d'origine
page-original-not-kept = Non conservé : il contenait des âges, des dates ou des codes postaux exacts, qui ont été généralisés.
page-verify-heading = Vérifiez que nous avons reçu votre fichier tel quel
page-verify = Le SHA-256 ci-dessus est l'empreinte des octets reçus. Calculez-la sur votre ordinateur ; les deux doivent être identiques.
page-your-file = Votre fichier :
page-verify-windows = Windows (PowerShell) : Get-FileHash suivi du nom du fichier
page-verify-unix = macOS ou Linux (Terminal) : sha256sum (macOS : shasum -a 256) suivi du nom du fichier
page-receipts-title = Vos reçus
page-receipts-heading = Reçus de votre organisme
page-receipts-show = Afficher les reçus
page-receipts-of = Reçus de { $agency }, du plus récent au plus ancien. Une soumission remplacée est conservée et marquée.
page-receipts-caption = Soumissions reçues de votre organisme
page-col-received = Reçu le
page-col-quarter = Trimestre
page-col-kind = Type
page-col-rows = Lignes
page-col-submission = Soumission
page-col-status = État
page-status-replaced = remplacée
page-status-current = en vigueur
page-receipts-none = Aucune soumission pour l'instant.

## Détails de problème : un titre et ce qu'il faut faire.

problem-bad-form = Ce n'est pas un formulaire multipart
problem-bad-form-detail = Envoyez le téléversement en multipart/form-data (avec sa délimitation), ou envoyez les octets du fichier par PUT à /api/v1/agencies/{"{"}slug{"}"}/submissions/{"{"}quarter{"}"}/{"{"}kind{"}"}.
problem-bad-kind = Type d’extrait inconnu
problem-bad-kind-detail = Le type doit être « cases » (dossiers) ou « returns » (le rapport trimestriel de l'organisme).
problem-bad-quarter = Le trimestre n'est pas valide
problem-bad-quarter-detail = Écrivez le trimestre de l'extrait sous la forme AAAAQn, par exemple 2025Q3.
problem-unreadable = Le fichier n'a pas pu être lu
problem-unreadable-detail = { $reason }. Rien n'a été enregistré.
problem-internal = Le serveur n'a pas pu terminer
problem-internal-detail = { $what ->
        [register] Le registre des téléversements n'a pas pu être utilisé
        [agencies] Le registre des organismes n'a pas pu être lu
        [receipts] Les reçus n'ont pas pu être lus
        [disk] Le téléversement n'a pas pu être écrit sur le disque
        [store] Le fichier n'a pas pu être enregistré
       *[check] La vérification du fichier a échoué
    }. Rien n'a été enregistré ; réessayez plus tard et avisez le collectif si le problème persiste.
problem-busy = Le serveur est occupé
problem-busy-detail = D'autres fichiers sont en cours de vérification. Rien n'a été enregistré : envoyez le fichier de nouveau dans { $seconds } secondes.
problem-unknown-profile = Profil inconnu
problem-unknown-profile-detail = Votre organisme n'a aucun profil de ce nom. Laissez le profil vide pour utiliser celui de votre organisme, ou demandez au collectif quels profils sont configurés pour vous.
problem-no-profile = Aucun profil pour votre organisme
problem-no-profile-detail = Le serveur n'a pas encore de profil pour votre organisme ; il ne peut donc pas lire votre fichier. Demandez au collectif d'installer le profil de votre organisme.
problem-choose-profile = Choisissez un profil
problem-choose-profile-detail = Votre organisme a plusieurs profils : indiquez celui qu'utilise ce fichier.
problem-rate-limited = Trop de tentatives
problem-rate-limited-detail = Trop de tentatives échouées depuis votre adresse. Attendez une minute et réessayez.
problem-agency-rate-limited = Trop de requêtes
problem-agency-rate-limited-detail = Votre organisme a envoyé trop de requêtes cette minute-ci. Attendez une minute et réessayez.
problem-unauthorized = Jeton absent ou non valide
problem-no-token-detail = Envoyez le jeton de téléversement de votre organisme (`Authorization: Bearer <jeton>`). Le collectif remet à chaque organisme son jeton.
problem-bad-token-detail = Ce jeton n'est pas valide : il est peut-être mal saisi ou révoqué. Demandez-en un nouveau au collectif.
problem-no-file = Aucun fichier choisi
problem-no-file-detail = Choisissez le fichier à téléverser.
problem-no-file-field-detail = Le formulaire n'a pas de champ `file` : joignez l'extrait.
problem-no-section = Ce profil ne peut pas lire ce genre de fichier
problem-no-section-detail = Le profil { $profile } n'a pas de section [{ $kind }]. Choisissez l'autre genre, ou demandez au collectif d'étendre votre profil.
problem-expired = Cette vérification a expiré
problem-expired-detail = Les fichiers vérifiés attendent la confirmation 30 minutes. Rien n'a été enregistré : téléversez le fichier de nouveau.
problem-invalid-extract = Le fichier n'a pas été accepté
problem-invalid-extract-detail = Téléversez-le de nouveau pour voir le rapport.
problem-invalid-extract-api-detail = Le fichier comporte des problèmes énumérés dans `report` ; rien n'a été enregistré. Corrigez-les dans l'exportation de votre système et téléversez de nouveau.
problem-other-agency = Ce n'est pas votre organisme
problem-other-agency-detail = Ce jeton appartient à un autre organisme : un jeton ne soumet et n'énumère que pour son propre organisme.
problem-bad-idempotency-key = Idempotency-Key inutilisable
problem-bad-idempotency-key-detail = L'en-tête Idempotency-Key doit compter de 1 à 200 caractères ASCII visibles (un UUID est l'usage).
problem-idempotency-key-in-progress = Ce téléversement est déjà en cours de traitement
problem-idempotency-key-in-progress-detail = Un téléversement portant cette Idempotency-Key est en cours de vérification. Attendez sa réponse, ou redemandez dans une minute : vous obtiendrez la même réponse.
problem-idempotency-key-reused = Idempotency-Key déjà utilisée
problem-idempotency-key-reused-detail = Cette Idempotency-Key a servi pour un autre téléversement. Utilisez une nouvelle clé pour un nouveau fichier.
problem-too-large = Le fichier est trop volumineux
problem-too-large-detail = Ce serveur accepte les fichiers d'au plus { $megabytes } Mo. Rien n'a été enregistré. Divisez l'extrait (par exemple par mois), ou demandez au collectif de relever la limite.
problem-upload-interrupted = Le téléversement a été interrompu
problem-upload-interrupted-detail = Le fichier n'est pas arrivé en entier. Rien n'a été enregistré ; téléversez-le de nouveau.
problem-upload-stalled = Le téléversement s'est figé
problem-upload-stalled-detail = Aucune donnée n'est arrivée pendant { $seconds } secondes ; le téléversement a donc été arrêté. Rien n'a été enregistré ; téléversez le fichier de nouveau.
problem-bad-multipart = Le téléversement n'est pas arrivé en entier
problem-bad-multipart-detail = Envoyez un multipart/form-data avec les champs quarter, kind, profile (facultatif) et file, puis réessayez.
problem-form-too-large = Le formulaire est trop volumineux
problem-form-too-large-detail = Un formulaire de téléversement porte le fichier et quelques champs courts (jeton, type, trimestre, profil) : au plus { $bytes } octets de champs en tout. Envoyez le fichier avec le formulaire de la page de téléversement, ou avec `safecount submit --server`.
problem-field-too-large = Un champ du formulaire est trop long
problem-field-too-large-detail = Le champ { $field } dépasse { $bytes } octets. Seul le fichier peut être volumineux ; vérifiez ce qui a été collé dans le formulaire.
problem-no-file-field = Aucun fichier
api-receipt-verify = Comparez sha256 avec `sha256sum FICHIER` (Linux, macOS) ou `Get-FileHash FICHIER` (Windows PowerShell).
api-replayed-refusal-detail = Ce téléversement a été refusé la première fois qu'il a été envoyé ; envoyez-le de nouveau sans Idempotency-Key (ou avec une nouvelle) pour voir le rapport.
metrics-uploads = Requêtes de téléversement traitées, par route et statut HTTP
metrics-check-seconds = Durée de la vérification (et de l'enregistrement) d'un téléversement
metrics-checks-running = Téléversements en cours de vérification
metrics-budget-left = Budget de confidentialité (rho zCDP) restant par trimestre et portée
