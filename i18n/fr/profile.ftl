## Erreurs dans un profil d'organisme (le fichier TOML qui dit comment lire
## les colonnes d'un organisme). Chacune suit le fichier et la ligne du profil.

profile-unreadable = impossible de lire le profil { $profile } : { $detail }
profile-at = { $file }:{ $line } : { $message }
profile-toml = { $detail }
profile-duplicate-key = { $detail } : chaque champ canonique ne peut être associé qu'une fois ; pour réunir plusieurs colonnes dans un champ ensemble, utilisez `flags`
profile-slug = agency.slug ne contient que des lettres minuscules, des chiffres et des traits d'union (par exemple "prairie-haven")
profile-province = agency.province doit être un code ISO 3166-2:CA, parmi { $codes }
profile-no-section = le profil a besoin d'une section [cases] ou [returns]
profile-publish-cases = publish ne s'applique qu'à [returns] (si les rapports de l'organisme peuvent être publiés en agrégat) ; retirez-le de [cases]
profile-delimiter = le délimiteur de [{ $section }] doit être "auto", ",", ";", "\t" ou "|"
profile-person-key-needed = [cases] a besoin de `person_key = "<colonne>"` : la colonne qui contient le pseudonyme que l'organisme donne à chaque personne
profile-person-key-returns = [returns] n'a pas de clé de personne : retirez `person_key`
profile-column-twice = la colonne "{ $column }" est associée deux fois ({ $first } et { $second }) ; associez chaque colonne à un seul champ
profile-returns-generalise = [returns] ne peut généraliser que `quarter_from_date`
profile-mapped-and-derived = [{ $section }] `{ $field }` est à la fois associé et dérivé par { $by } : gardez l'un des deux
profile-age-and-birth-year = indiquez generalise.age ou generalise.birth_year, pas les deux
profile-unknown-field = [{ $section }.fields.{ $field }] : `{ $field }` n'est pas un champ canonique de { $section }{ $closest ->
        [no-suggestion] {""}
       *[other] {" "}(vouliez-vous dire `{ $closest }` ?)
    } ; voyez `safecount schema`
profile-one-source = [{ $place }] indiquez une seule source : `column`, `value`, `flags` (champs ensembles), ou `columns` / `category_column` (services)
profile-unknown-code = [{ $place }] "{ $code }" n'est pas un code de { $list }{ $closest ->
        [no-suggestion] {""}
       *[other] {" "}(vouliez-vous dire "{ $closest }" ?)
    } ; codes permis : { $codes }
profile-agency-mapped = [{ $place }] l'organisme est fixé par [agency].slug, pas par le fichier : retirez cette association
profile-person-key-field = [{ $place }] indiquez la clé de personne par `person_key = "<colonne>"` dans la section
profile-set-separator = [{ $place }] un champ ensemble lu dans une seule colonne a besoin de `separator` (par exemple ";"), ou utilisez `flags` pour une colonne 0/1 par code
profile-set-constant = [{ $place }] un champ ensemble ne peut pas être une constante
profile-services-long = [{ $place }] la disposition longue a besoin de `category_column` et de `status_column`
profile-services-source = [{ $place }] les services utilisent `columns` (une colonne par catégorie) ou `category_column` + `status_column`
profile-unit = [{ $place }] `unit` doit être "cents" ou "dollars"
profile-unit-money = [{ $place }] `unit` ne s'applique qu'aux champs monétaires
profile-linkage-names = [linkage] a besoin de `names = ["<colonne>", ...]` : les colonnes de l'export d'identité qui contiennent le nom de la personne (prénom et nom, ou un nom complet)
profile-linkage-cases = [linkage] sert à créer les clés des extraits de dossiers : le profil a aussi besoin d'une section [cases]
