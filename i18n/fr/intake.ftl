## Le rapport de validation que lit le personnel d'un organisme après la
## vérification d'un fichier. Les variables sont des noms de fichier, des
## noms de colonne, des champs, des codes, des numéros de ligne et des
## nombres : jamais le contenu d'une cellule.

intake-file = Fichier : { $file }
intake-profile = Profil : { $profile } (organisme { $agency }, { $kind ->
        [returns] rapport trimestriel
       *[cases] dossiers
    })
intake-valid = OK : le fichier est valide. { $rows ->
        [one] { $rows } ligne lue
       *[other] { $rows } lignes lues
    }, { $kind ->
        [returns] { $records ->
            [one] le rapport d'un trimestre.
           *[other] les rapports de { $records } trimestres.
        }
       *[cases] { $records ->
            [one] { $records } personne
           *[other] { $records } personnes
        } après la fusion des lignes d'une même personne.
    }
intake-refused = NON ACCEPTÉ : ce fichier comporte des problèmes à corriger avant de pouvoir être soumis.
intake-rows = { $count ->
        [one] { $count } ligne
       *[other] { $count } lignes
    }
intake-row-list = { $count ->
        [one] ligne
       *[other] lignes
    } { $list }
intake-identifiers-heading = Renseignements personnels qui ne doivent jamais être téléversés (les valeurs ne sont pas affichées ici)
intake-identifier = La colonne { $column } contient des { $what } (repérés par { $by ->
        [column_name] le nom de la colonne
       *[values] les valeurs
    } ; { $count ->
        [one] { $count } ligne
       *[other] { $count } lignes
    } en tout : { $rows }).
intake-what-to-do = Que faire : { $fix }.
intake-problems-heading = Problèmes dans le fichier ({ $count ->
        [one] { $count } problème
       *[other] { $count } problèmes
    })
intake-problem = { $place } [{ $code }] : { $message }
intake-problem-page = { $place } : { $message }
intake-place-row = ligne { $row }
intake-place-column = colonne { $column }
intake-place-field = champ { $field }
intake-place-file = fichier
intake-more-problems = … et { $count } de plus ({ $codes })
intake-more-problems-page = … et { $count } autres du même genre
intake-unknown-heading = Codes que le profil ne connaît pas (chacun indiqué une seule fois)
intake-value-withheld = une valeur qui ressemble à un renseignement personnel (non affichée)
intake-unknown-code = { $value } dans la colonne { $column } (champ { $field }), { $count ->
        [one] { $count } ligne
       *[other] { $count } lignes
    } : { $rows }
intake-unknown-code-page = { $value } dans la colonne { $column }, { $count ->
        [one] { $count } ligne
       *[other] { $count } lignes
    } : { $rows }
intake-unknown-add = Pour l'accepter, ajoutez sous [{ $table }] dans le profil : { $line }
intake-unknown-add-page = Demandez à votre coordination de l'accepter : elle ajoute cette ligne au profil de votre organisme : { $line }
intake-unknown-placeholder = <un des codes permis>
intake-allowed-codes = Codes permis : { $codes }
intake-unknown-more = … et { $count } autres cellules aux graphies inconnues, non énumérées : vérifiez que les colonnes sont bien celles que nomme le profil
intake-generalised = Généralisé à la réception (rien de plus précis n'est conservé) : { $list }
intake-generalised-age = âge exact -> tranche d'âge
intake-generalised-age-at-recruitment = âge au recrutement -> mineur au recrutement
intake-generalised-birth-year = année de naissance -> tranche d'âge
intake-generalised-date = date -> trimestre
intake-generalised-postal-code = code postal -> RTA -> province
intake-ignored-columns = Colonnes que le profil n'utilise pas (non conservées) : { $columns }
intake-note = Remarque : { $note }
intake-warning-conflict = { $count ->
        [one] { $count } personne a des lignes
       *[other] { $count } personnes ont des lignes
    } qui ne concordent pas pour { $field } ; la dernière valeur connue a été conservée. Vérifiez le système source
intake-warning-no-quarter = le fichier n'a ni colonne de trimestre ni date : indiquez --quarter au moment de la soumission

## Identifiants directs : ce qui a été trouvé et ce qu'il faut faire.

identifier-person-name = noms de personnes
identifier-email = adresses courriel
identifier-phone = numéros de téléphone
identifier-postal-code = codes postaux complets
identifier-social-insurance-number = numéros d'assurance sociale
identifier-health-card = numéros de carte d'assurance maladie
identifier-document-number = numéros de passeport, de permis ou d'IUC
identifier-case-file-number = numéros de dossier
identifier-date-of-birth = dates exactes (dates de naissance possibles)
identifier-street-address = adresses municipales
identifier-free-text = notes en texte libre
identifier-fix-postal-code = retirez la colonne, ou déclarez-la comme `generalise.postal_code` dans le profil pour que seule la province soit conservée
identifier-fix-date = retirez la colonne ; pour une date d'accueil, déclarez `generalise.quarter_from_date` ; pour une date de naissance, envoyez l'âge ou l'année de naissance (`generalise.age` / `generalise.birth_year`)
identifier-fix-pseudonym = retirez la colonne ; désignez les personnes uniquement par le pseudonyme de l'organisme (`person_key`, un hachage à clé)
identifier-fix-remove = retirez la colonne de l'exportation avant de téléverser

## Problèmes dans une ligne ou dans le fichier.

intake-date-empty = la date est vide ; chaque ligne a besoin de la date qui la situe dans un trimestre
intake-date-no-such-day = ce jour n'existe pas dans le calendrier (par exemple le 30 février ou le 31 avril) : vérifiez le jour et le mois
intake-date-format = la date n'est pas dans le format du profil, { $format } (réglez `date_format` dans le profil)
intake-age = un âge doit être un nombre entier d'années, de 0 à 120
intake-birth-year = une année de naissance doit compter quatre chiffres et ne pas dépasser le trimestre déclaré
intake-birth-year-needs-quarter = les années de naissance ne peuvent devenir des tranches d'âge que si le trimestre est connu : indiquez --quarter
intake-postal-code = ce n'est pas un code postal canadien (lettre chiffre lettre, chiffre lettre chiffre)
intake-merge = les lignes d'une même personne n'ont pas pu être fusionnées ({ $detail })
intake-missing-column = le profil lit { $field } dans une colonne « { $column } », que ce fichier n'a pas (ligne { $line } du profil). Les colonnes du fichier sont : { $columns }
intake-duplicate-label = les colonnes { $first } et { $second } portent le même nom : renommez l'une d'elles dans l'exportation
intake-formula = cette cellule commence comme une formule de tableur (=, +, - ou @) ; safecount n'évalue jamais de formule. Exportez les valeurs seulement (dans Excel : copier, puis coller les valeurs)
intake-postal-province = le code postal se trouve en { $postal }, mais la province indiquée est { $province } ; corrigez l'un des deux
intake-fsa-settlement = la région de tri d'acheminement est { $fsa } (Postes Canada marque une RTA rurale d'un 0 en deuxième position), mais le milieu indiqué est { $settlement } ; corrigez l'un des deux
intake-second-return-row = une deuxième ligne pour le même trimestre : un rapport compte une seule ligne par trimestre
intake-person-key-empty = la clé de la personne est vide ; chaque ligne a besoin du pseudonyme que l'organisme donne à la personne
intake-person-key-shape = la clé de la personne ne ressemble pas à un pseudonyme (12 à 128 lettres, chiffres, - ou _) ; envoyez le hachage à clé, jamais un nom ni un numéro de dossier
intake-quarter-format = un trimestre s'écrit AAAAQn, par exemple 2025Q3
intake-quarter-mismatch-all = toutes les lignes ({ $count }) relèvent de { $row_quarter }, mais le fichier est soumis pour { $quarter } : inscrivez { $row_quarter } dans « Trimestre couvert par le fichier » en le téléversant (rien n'est à corriger dans le fichier)
intake-quarter-mismatch = { $count ->
        [one] une ligne (ligne { $rows }) relève
       *[other] { $count } lignes (lignes { $rows }) relèvent
    } de { $row_quarter }, mais le fichier est soumis pour { $quarter } : exportez un fichier par trimestre, chacun avec les seules lignes de ce trimestre
intake-fsa-format = une région de tri d'acheminement s'écrit lettre, chiffre, lettre (par exemple R3C)
intake-flag = une colonne indicateur contient oui ou non : utilisez { $truthy } ou { $falsy } (ou réglez `truthy` / `falsy` dans le profil)
intake-negative = ce nombre ne peut pas être négatif
intake-above-most = ce nombre dépasse le maximum permis ({ $most })
intake-absurd-number = ce nombre est beaucoup trop grand pour être juste ; vérifiez la cellule (un identifiant collé ou un nombre dans la mauvaise colonne ?)
intake-not-dollars = cette cellule doit contenir un montant en dollars (par exemple 12500.00)
intake-not-whole-number = cette cellule doit contenir un nombre entier
intake-not-decimal = cette cellule doit contenir un nombre de 0 à { $most }
intake-row-cells = cette ligne compte { $cells } cellules, { $more ->
        [more] plus
       *[fewer] moins
    } que les { $columns } colonnes de l'en-tête ; une valeur contient probablement le délimiteur sans guillemets, ou une cellule a été perdue. Corrigez la ligne dans le système source et exportez de nouveau

## Le fichier ne peut pas être lu.

read-missing = le fichier { $file } n'existe pas ou ne peut pas être ouvert
read-empty = le fichier est vide (0 octet) : exportez l'extrait de nouveau
read-too-large = le fichier fait { $size } octets, plus que la limite de { $limit } octets : divisez l'extrait (un fichier par trimestre) ou demandez au collectif de relever la limite
read-binary = le fichier n'est pas un fichier texte (CSV) : { $why ->
        [xlsx] il ressemble à un classeur Excel (.xlsx) ; réglez `format = "xlsx"` dans le profil
        [parquet] il ressemble à un fichier Parquet ; réglez `format = "parquet"` dans le profil
        [xls] il ressemble à un ancien classeur Excel (.xls) ; enregistrez-le en .xlsx ou en CSV
        [pdf] c'est un PDF ; exportez les données en CSV ou en .xlsx
        [utf32] c'est du texte UTF-32, que safecount ne lit pas ; enregistrez-le de nouveau en « CSV UTF-8 »
        [utf16] il ressemble à du texte UTF-16 (« Unicode ») sans sa marque d'ordre des octets ; enregistrez-le de nouveau en « CSV UTF-8 »
       *[nul] il contient un octet NUL (données binaires) à la ligne { $line } ; retirez-le, ou exportez de nouveau les données en CSV
    }
read-encoding = le fichier n'est pas un texte { $encoding } valide (premier octet fautif à la ligne { $line }) : enregistrez-le de nouveau en « CSV UTF-8 », ou réglez `encoding = "windows-1252"` dans le profil
read-no-header = le fichier n'a pas de ligne d'en-tête : la première ligne doit contenir les noms des colonnes
read-no-rows = le fichier a un en-tête, mais aucune ligne de données
read-csv = ligne { $line } : le CSV ne peut pas être analysé ({ $reason ->
        [not-utf8] du texte qui n'est pas de l'UTF-8 valide
        [unclosed-header-quote] un guillemet (") de la ligne d'en-tête n'est jamais fermé
        [unsplittable] une ligne qui ne peut pas être découpée en cellules
       *[quoting] des guillemets mal formés
    }) ; cherchez un guillemet non fermé
read-line-endings = les lignes du fichier finissent par un retour chariot seul (un ancien format Mac), si bien que ses lignes ne peuvent pas être numérotées : enregistrez-le de nouveau en « CSV UTF-8 » (fins de ligne Windows ou Unix)
read-no-sheet = le classeur n'a pas de feuille nommée « { $sheet } » ; ses feuilles sont : { $sheets }{ $withheld ->
        [0] {""}
       *[other] {" "}(et { $withheld } dont le nom n'est pas affiché, car il pourrait être une donnée personnelle)
    }
read-xlsx = le classeur ne peut pas être lu ({ $reason ->
        [damaged-zip] ce n'est pas un classeur .xlsx lisible (un zip endommagé)
        [no-sheets] il n'a aucune feuille
        [not-xlsx] ce n'est pas un classeur .xlsx
        [damaged] il est endommagé : ses parties ne concordent pas
       *[other] il est endommagé, ou ce n'est pas un classeur que safecount sait lire
    }) ; ouvrez-le dans Excel et enregistrez-le de nouveau en .xlsx
read-parquet = le fichier Parquet ne peut pas être lu ({ $reason ->
        [not-text] la colonne « { $detail } » ne peut pas être lue comme du texte
        [damaged] il contient une valeur que le lecteur ne peut pas prendre (une date hors limites ?)
       *[other] il est endommagé, ou ce n'est pas un fichier Parquet que safecount sait lire
    })
intake-identifying-header = le nom de la colonne { $number } ressemble à une donnée personnelle (le nom d'une personne, un numéro ou une adresse) ; il n'est donc pas affiché et le fichier n'est pas conservé : renommez la colonne (par exemple « notes ») ou supprimez-la, puis renvoyez le fichier
intake-person-key-personal = cette clé de personne contient { $kind ->
        [name] un nom
        [birth-date] une date de naissance
       *[government-number] un numéro officiel (NAS, carte santé)
    } et identifierait donc la personne : les clés doivent être des codes qui ne disent rien de la personne — un hachage avec clé de votre système de dossiers, ou les clés qu'ajoute `safecount key` (docs/agency-staff.md, « The person key »). Remplacez les clés, puis renvoyez le fichier
intake-unchecked = ce fichier n'a pas pu être vérifié : { $why ->
        [memory] sa vérification demandait plus de mémoire qu'un fichier de cette taille ne devrait
        [time] sa vérification prenait plus de temps qu'un fichier de cette taille ne devrait
       *[crash] le vérificateur s'est arrêté sur un contenu qu'il ne sait pas lire
    }. Ouvrez le fichier, enregistrez-le de nouveau depuis le programme qui l'a créé (en CSV UTF-8 si possible), puis renvoyez-le ; s'il est encore refusé, donnez cette référence au collectif : { $reference }
read-limit = le fichier compte plus { $what ->
        [rows] de lignes
        [columns] de colonnes
        [header-chars] de caractères dans un nom de colonne
        [row-chars] de caractères dans une ligne (une note ou un guillemet non fermé ?)
        [parts] de parties dans le classeur
        [unpacked] d'octets une fois le classeur décompressé
        [cell-chars] de caractères dans une cellule (Excel n'en permet pas plus)
        [text] d'octets de texte dans la feuille
        [footer] d'octets de métadonnées Parquet (la description de ses colonnes)
        [nesting] de niveaux de colonnes imbriquées dans des colonnes
        [page] d'octets dans une page d'une colonne Parquet
        [cells] de cellules remplies dans la feuille (enregistrez-la plutôt en CSV)
       *[decompressed] d'octets une fois les colonnes décompressées
    } que ce que safecount lit (au plus { $limit }) ; vérifiez qu'il s'agit du bon fichier, ou divisez-le
intake-linkage-needed = les clés des personnes sont celles de l'organisme, mais ce collectif compte chaque personne une seule fois entre organismes : ajoutez des clés collaboratives avec `safecount key` (époque de liaison en vigueur { $expected }), puis téléversez le fichier avec clés
intake-linkage-epoch = les clés des personnes ont été créées avec un secret de liaison de l'époque { $found }, alors que l'époque en vigueur du collectif est { $expected } : le secret a changé. Relancez `safecount key` avec le fichier du secret en vigueur, puis téléversez le nouveau fichier
intake-linkage-mixed = les clés des personnes mêlent { $linked } clés collaboratives ({ $epochs ->
        [one] une époque de liaison
       *[other] { $epochs } époques de liaison
    }) et { $own ->
        [one] une clé propre
       *[other] { $own } clés propres
    } à l'organisme : créez les clés de tout l'extrait avec `safecount key` et un seul fichier de secret, puis téléversez-le de nouveau
