# safecount key : clés collaboratives des personnes, calculées dans l'organisme.
key-role-extract = l'extrait
key-role-identity = l'export d'identité
key-new-secret = Un nouveau secret de liaison est dans { $file } (époque { $epoch }).
    Remettez ce fichier à chaque organisme membre par une voie sûre (en personne, ou par un canal chiffré). Ne l'envoyez jamais au dépôt ni au serveur du collectif, et ne l'écrivez jamais dans une ligne de commande.
    Communiquez au collectif l'époque { $epoch } : elle va dans collaborative.toml sous la forme `epoch = "{ $epoch }"`.
key-secret-unreadable = impossible de lire le fichier du secret de liaison { $file } ({ $detail }) : donnez le fichier écrit par `safecount key --new-secret`
key-secret-malformed = { $file } n'est pas un secret de liaison : il doit contenir les 64 chiffres hexadécimaux écrits par `safecount key --new-secret`. Demandez le fichier du secret en vigueur à la coordination du collectif
key-secret-exists = { $file } existe déjà : un nouveau secret ne remplace jamais l'ancien (cela couperait la liaison de tous les organismes qui l'utilisent). Choisissez un autre nom de fichier
key-secret-unwritable = impossible d'écrire le fichier du secret de liaison { $file } ({ $detail })
key-no-linkage = le profil { $profile } n'a pas de section [linkage] : ajoutez-en une qui nomme les colonnes de l'export d'identité, par exemple [linkage] names = ["Prénom", "Nom"], date_of_birth = "Date de naissance", join = "No de dossier"
key-read = impossible de lire { $role } { $file } : { $detail }
key-missing-column = { $role } { $file } n'a pas de colonne « { $column } » : comparez la section [linkage] du profil à la première ligne du fichier
key-row-counts = l'extrait compte { $extract } lignes et l'export d'identité { $identity } : sans colonne de jointure, les lignes sont appariées par leur position ; les deux fichiers doivent donc être exportés ensemble, une ligne par personne, dans le même ordre. Exportez-les de nouveau, ou nommez une colonne présente dans les deux fichiers comme [linkage] join
key-unmatched = { $rows ->
        [one] une ligne de l'extrait (ligne { $first }) a
       *[other] { $rows } lignes de l'extrait (la première est la ligne { $first }) ont
    } une valeur de jointure absente de l'export d'identité : exportez de nouveau le fichier d'identité pour qu'il couvre toutes les personnes de l'extrait. Rien n'a été écrit
key-ambiguous = les lignes { $first } et { $second } de l'export d'identité ont la même valeur de jointure, mais un nom ou une date de naissance différents : corrigez l'export d'identité (une personne par valeur de jointure). Rien n'a été écrit
key-no-reference = la ligne { $row } de l'extrait n'a ni nom ni date de naissance utilisables, ni référence propre à votre organisme pour désigner la personne : remplissez pour cette ligne la colonne de jointure (ou la colonne de clé de personne) avec votre numéro de dossier de la personne, puis relancez la commande. Rien n'a été écrit.
key-over-input = { $file } est l'un des fichiers d'entrée : écrivez l'extrait avec clés dans un nouveau fichier (--out)
key-write = impossible d'écrire { $file } ({ $detail }) ; rien n'a été écrit
key-removed = Colonnes retirées de l'extrait avec clés : { $columns }.
key-removed-none = L'extrait n'avait aucune colonne d'identité à retirer.
key-summary = Extrait avec clés écrit dans { $file } : { $rows ->
        [one] une ligne
       *[other] { $rows } lignes
    }, clés dans la colonne « { $column } » (époque { $epoch }).
    Clé tirée du nom et de la date de naissance : { $linked ->
        [one] une ligne
       *[other] { $linked } lignes
    }. La même personne reçoit la même clé dans chaque organisme membre.
    Clé propre à cet organisme : { $scoped ->
        [one] une ligne
       *[other] { $scoped } lignes
    } (personnes sans date de naissance : { $no_birth_date } ; dont la date de naissance est illisible : { $unreadable_birth_date } ; sans nom : { $no_name }). Elles ne peuvent pas être rapprochées de celles d'autres organismes et sont comptées une fois par organisme.
    { $removed }
    Ensuite : safecount validate { $file } --profile <profil>, puis soumettez-le. Gardez l'export d'identité et le secret dans l'organisme.
