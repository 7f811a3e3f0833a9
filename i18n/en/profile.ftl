## Errors in an agency profile (the TOML file that says how to read an
## agency's columns). Each is shown after the profile's file and line.

profile-unreadable = cannot read the profile { $profile }: { $detail }
profile-at = { $file }:{ $line }: { $message }
profile-toml = { $detail }
profile-duplicate-key = { $detail }: each canonical field may be mapped once; to combine several columns into one set field use `flags`
profile-slug = agency.slug must be lower-case letters, digits and hyphens (e.g. "prairie-haven")
profile-province = agency.province must be an ISO 3166-2:CA code, one of { $codes }
profile-no-section = the profile needs a [cases] or a [returns] section
profile-publish-cases = publish applies to [returns] only (whether the agency's returns may be published in aggregate); remove it from [cases]
profile-delimiter = [{ $section }] delimiter must be "auto", ",", ";", "\t" or "|"
profile-person-key-needed = [cases] needs `person_key = "<column>"`: the column holding the agency's pseudonym for each person
profile-person-key-returns = [returns] has no person key: remove `person_key`
profile-column-twice = column "{ $column }" is mapped twice ({ $first } and { $second }); map each column to one field
profile-returns-generalise = [returns] can only generalise `quarter_from_date`
profile-mapped-and-derived = [{ $section }] `{ $field }` is both mapped and derived by { $by }: keep one
profile-age-and-birth-year = give generalise.age or generalise.birth_year, not both
profile-unknown-field = [{ $section }.fields.{ $field }]: `{ $field }` is not a canonical { $section } field{ $closest ->
        [no-suggestion] {""}
       *[other] {" "}(did you mean `{ $closest }`?)
    }; see `safecount schema`
profile-one-source = [{ $place }] give exactly one source: `column`, `value`, `flags` (set fields), or `columns` / `category_column` (services)
profile-unknown-code = [{ $place }] "{ $code }" is not a { $list } code{ $closest ->
        [no-suggestion] {""}
       *[other] {" "}(did you mean "{ $closest }"?)
    }; allowed: { $codes }
profile-agency-mapped = [{ $place }] the agency is set from [agency].slug, not from the file: remove this mapping
profile-person-key-field = [{ $place }] give the person key as `person_key = "<column>"` in the section
profile-set-separator = [{ $place }] a set field read from one column needs `separator` (e.g. ";"), or use `flags` for one 0/1 column per code
profile-set-constant = [{ $place }] a set field cannot be a constant
profile-services-long = [{ $place }] the long layout needs both `category_column` and `status_column`
profile-services-source = [{ $place }] services use `columns` (one column per category) or `category_column` + `status_column`
profile-unit = [{ $place }] `unit` must be "cents" or "dollars"
profile-unit-money = [{ $place }] `unit` applies to money fields only
profile-linkage-names = [linkage] needs `names = ["<column>", ...]`: the identity export's columns holding the person's name (given and family name, or one full name)
profile-linkage-cases = [linkage] keys case extracts: the profile needs a [cases] section too
