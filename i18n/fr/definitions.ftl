# `safecount definitions`, les règles expliquées en mots simples, et les
# erreurs des fichiers de définitions (definitions/*.toml, policy-sets.toml).

definitions-version = Définitions, version { $version } ({ $source })
definitions-sets = Ensembles de politiques : { $sets }
definitions-explain-one = Pour en expliquer une : safecount definitions --explain CC_279_01
definitions-heading = { $name } — { $title } (version { $version })
definitions-in-plain-words = En mots simples :
definitions-rule-heading = La règle : un dossier répond à { $name } quand
definitions-proxy-mode = Mode de substitution : { $mode } (voir `proxy` dans { $file }).
definitions-policy-set = { $name } (ensemble de politiques)
definitions-the-rule = La règle :
definitions-fields-read = Champs qu'elle lit : { $fields }
definitions-unknown-facts = Un fait inconnu rend le résultat « indéterminé » à moins que les autres faits ne tranchent ; il n'est jamais compté comme « ne répond pas ».
definitions-unknown = aucune définition ni aucun ensemble de politiques ne s'appelle { $name } ; noms connus : { $known }

explain-has-any = { $field } comprend l'un de : { $codes }
explain-is = { $field } vaut { $codes }
explain-in = { $field } vaut l'un de : { $codes }
explain-is-unknown = { $field } est inconnu
explain-meets = le dossier répond à { $field }
explain-set = { $name } : { $description }
explain-all-of = TOUS ces critères :
explain-any-of = L'UN de ces critères :
explain-not = PAS :
explain-proxy-strict = ce critère :
explain-proxy-stand-in = ou, s'il est inconnu, ce critère de substitution (noté « par substitution ») :

definitions-unreadable = impossible de lire { $file } : { $detail }
definitions-at = { $file }:{ $line } : { $message }
definitions-toml = { $detail }
definitions-rule-of = règle de { $name } : { $message }
definitions-rule = règle : { $message }
definitions-name-not-file = le nom "{ $name }" doit être celui du fichier ({ $stem }.toml)
definitions-name-used = le nom { $name } est déjà pris
definitions-cycle = références en boucle : { $cycle } ; une règle ne peut pas dépendre d'elle-même
definitions-did-you-mean = {" "}(vouliez-vous dire `{ $name }` ?)
definitions-not-a-code = `{ $code }` n'est pas un code de { $field }{ $hint } ; ses codes sont : { $codes }
definitions-not-a-field = `{ $field }` n'est pas un champ canonique{ $hint } ; voir `safecount schema`
definitions-not-coded = `{ $field }` ne peut pas servir dans une définition (ce n'est pas un champ codé)
definitions-not-a-set = `{ $field }` n'est pas un champ d'ensemble : écrivez `{ $field } in [...]` ou `{ $field } = code`
definitions-is-a-set = `{ $field }` est un champ d'ensemble : écrivez `{ $field } has_any [...]`
definitions-unknown-name = `{ $name }` n'est ni un ensemble de politiques ni une définition{ $hint }
definitions-field-needs-a-test = `{ $name }` n'est ni un ensemble de politiques ni une définition{ $hint } — un champ a besoin d'un critère, p. ex. `has_any [...]` ou `= code`

rule-expected = on attendait { $what }
rule-unexpected-character = caractère inattendu `{ $character }`
rule-trailing-text = texte inattendu après la fin de la règle (un `and` ou un `or` manque-t-il ?)
rule-what-list = `{"["}` et une liste de codes
rule-what-list-end = `]` qui ferme la liste de codes
rule-what-code = un code
rule-what-close = `)`
rule-what-proxy-open = `(` après proxy
rule-what-proxy-comma = `,` entre le critère strict et son critère de substitution
rule-what-proxy-close = `)` qui ferme proxy(...)
rule-what-name = un champ, un ensemble de politiques ou un nom de définition
rule-what-code-after-equals = un code après `=`
rule-what-unknown = `unknown` après `is`
