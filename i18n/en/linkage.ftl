# safecount key: collaborative person keys, computed at the agency.
key-role-extract = the extract
key-role-identity = the identity export
key-new-secret = A new linkage secret is in { $file } (epoch { $epoch }).
    Give this file to every member agency by a safe route (in person, or an encrypted channel). Never send it to the collaborative's store or server, and never put it in a command line.
    Tell the collaborative the epoch { $epoch }: it goes in collaborative.toml as `epoch = "{ $epoch }"`.
key-secret-unreadable = cannot read the linkage secret file { $file } ({ $detail }): give the file written by `safecount key --new-secret`
key-secret-malformed = { $file } is not a linkage secret: it must hold the 64 hexadecimal digits written by `safecount key --new-secret`. Ask the collaborative's coordinator for the current secret file
key-secret-exists = { $file } already exists: a new secret never replaces one (that would end the linkage of every agency using it). Choose another file name
key-secret-unwritable = cannot write the linkage secret file { $file } ({ $detail })
key-no-linkage = the profile { $profile } has no [linkage] section: add one naming the identity export's columns, e.g. [linkage] names = ["Given name", "Family name"], date_of_birth = "Date of birth", join = "File number"
key-read = { $role } { $file } cannot be read: { $detail }
key-missing-column = { $role } { $file } has no column "{ $column }": check the [linkage] section of the profile against the file's first row
key-row-counts = the extract has { $extract } rows and the identity export { $identity }: without a join column their rows pair by position, so they must be exported together, one row per person, in the same order. Export them again, or name a column found in both files as [linkage] join
key-unmatched = { $rows ->
        [one] one row of the extract (row { $first }) has
       *[other] { $rows } rows of the extract (the first is row { $first }) have
    } a join value that is in no row of the identity export: export the identity file again so that it covers everyone in the extract. Nothing was written
key-ambiguous = rows { $first } and { $second } of the identity export have the same join value but a different name or date of birth: correct the identity export (one person per join value). Nothing was written
key-no-reference = row { $row } of the extract has no usable name or date of birth, and no reference of your agency's own to key the person by: fill in the join column (or the person key column) for that row with your file number for the person, then run the command again. Nothing was written.
key-over-input = { $file } is one of the input files: write the keyed extract to a new file (--out)
key-write = cannot write { $file } ({ $detail }); nothing was written
key-removed = Left out of the keyed extract: { $columns }.
key-removed-none = The extract had no identity column to leave out.
key-summary = Keyed extract written to { $file }: { $rows ->
        [one] one row
       *[other] { $rows } rows
    }, keys in the column "{ $column }" (epoch { $epoch }).
    Keyed by name and date of birth: { $linked ->
        [one] one row
       *[other] { $linked } rows
    }. The same person gets the same key at every member agency.
    Keyed for this agency only: { $scoped ->
        [one] one row
       *[other] { $scoped } rows
    } (people without a date of birth: { $no_birth_date }; with a date of birth that cannot be read: { $unreadable_birth_date }; without a name: { $no_name }). They cannot be matched with other agencies, and are counted once per agency.
    { $removed }
    Next: safecount validate { $file } --profile <profile>, then submit it. Keep the identity export and the secret at the agency.
