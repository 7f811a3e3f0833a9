# `safecount definitions`, the rules explained in plain words, and the
# errors of definition files (definitions/*.toml, policy-sets.toml).

definitions-version = Definitions version { $version } ({ $source })
definitions-sets = Policy sets: { $sets }
definitions-explain-one = Explain one: safecount definitions --explain CC_279_01
definitions-heading = { $name } — { $title } (version { $version })
definitions-in-plain-words = In plain words:
definitions-rule-heading = The rule: a case meets { $name } when
definitions-proxy-mode = Proxy mode: { $mode } (see `proxy` in { $file }).
definitions-policy-set = { $name } (policy set)
definitions-the-rule = The rule:
definitions-fields-read = Fields it reads: { $fields }
definitions-unknown-facts = A fact that is unknown makes the result "indeterminate" unless the other facts settle it; it is never counted as "does not meet".
definitions-unknown = no definition or policy set named { $name }; known: { $known }

explain-has-any = { $field } include any of: { $codes }
explain-is = { $field } is { $codes }
explain-in = { $field } is one of: { $codes }
explain-is-unknown = { $field } is unknown
explain-meets = the case meets { $field }
explain-set = { $name }: { $description }
explain-all-of = ALL of:
explain-any-of = ANY of:
explain-not = NOT:
explain-proxy-strict = this test:
explain-proxy-stand-in = or, where it is unknown, this stand-in (recorded as "by proxy"):

definitions-unreadable = cannot read { $file }: { $detail }
definitions-at = { $file }:{ $line }: { $message }
definitions-toml = { $detail }
definitions-rule-of = rule of { $name }: { $message }
definitions-rule = rule: { $message }
definitions-name-not-file = name "{ $name }" must match the file name ({ $stem }.toml)
definitions-name-used = the name { $name } is already used
definitions-cycle = reference cycle: { $cycle }; a rule may not depend on itself
definitions-did-you-mean = {" "}(did you mean `{ $name }`?)
definitions-not-a-code = `{ $code }` is not a code of { $field }{ $hint }; its codes are: { $codes }
definitions-not-a-field = `{ $field }` is not a canonical field{ $hint }; see `safecount schema`
definitions-not-coded = `{ $field }` cannot be used in a definition (not a coded field)
definitions-not-a-set = `{ $field }` is not a set field: use `{ $field } in [...]` or `{ $field } = code`
definitions-is-a-set = `{ $field }` is a set field: use `{ $field } has_any [...]`
definitions-unknown-name = `{ $name }` is neither a policy set nor a definition{ $hint }
definitions-field-needs-a-test = `{ $name }` is neither a policy set nor a definition{ $hint } — a field needs a test, e.g. `has_any [...]` or `= code`

rule-expected = expected { $what }
rule-unexpected-character = unexpected character `{ $character }`
rule-trailing-text = unexpected text after the end of the rule (missing `and` / `or`?)
rule-what-list = `{"["}` and a list of codes
rule-what-list-end = `]` closing the list of codes
rule-what-code = a code
rule-what-close = `)`
rule-what-proxy-open = `(` after proxy
rule-what-proxy-comma = `,` between the strict test and its stand-in
rule-what-proxy-close = `)` closing proxy(...)
rule-what-name = a field, a policy set or a definition name
rule-what-code-after-equals = a code after `=`
rule-what-unknown = `unknown` after `is`
