# What each released table holds: its title in the release's provenance
# (`title`, `title_fr`).

table-people = People served, by province
table-definitions = People counted under each definition, by province and membership
table-services = Service needs and how they were met, by category and province
table-service-gaps = Service needs met or unmet, by category and province
table-housing-outcome = Housing need and outcome, by province
table-shelter-type = Kind of shelter used, by province
table-shelter-nights = Nights sheltered (each person's nights clipped to 0-92), by province
table-trp-status = Temporary Resident Permits for victims of trafficking, by status and province
table-exploitation = Labour and sex trafficking: people by form of exploitation and province
table-immigration-status = Immigration status, by province
table-age-gender = Age band and gender (national)
table-citizenship = Citizenship (national; an open key set: a country appears only when its noisy count passes a threshold)
table-funding = Funding received, in hundreds of dollars (each agency's amount clipped to $0-$250,000 per source and quarter), by source and province
table-funding-term = Total funding, in hundreds of dollars (each agency clipped to $0-$1,000,000 a quarter), by the term of the agency's largest agreement (national)
table-beds = Shelter beds at quarter end (each agency clipped to 0-200), by province
table-turnaways = People turned away for lack of capacity (each agency clipped to 0-300 a quarter), by province
table-multi-agency = People served by more than one agency: how many agencies, and which kinds
table-labour-continuum = Forced labour and trafficking: people by form of exploitation and each definition's membership (national)
table-protection = Protection and the justice system: police involvement, requests to cooperate, services conditional on cooperation, charges, detention and removal, by definition group (national)
table-who-is-served = Who is served: gender, age group, status and racialised group (national)
table-housing-by-group = Housing need and outcome by exploitation form, gender, age group and status (national)
table-services-by-status = Legal and immigration services by status: met, gap or other (national)
table-settlement-gaps = Urban and rural: the outcome of legal, immigration, mental health and housing services (national)
table-trp-detail = Refugee claims and the length of TRPs held (national)
table-indigenous-identity = Indigenous identity (self-identified) and housing outcome (national; released under the governing partners' approval)
table-referral = Referral pathways: people by who referred them and each definition's membership (national)
table-custom-count = People counted, by { $dimensions }
table-custom-sum = Sum of { $field } (each unit clipped to { $lower }-{ $upper }), by { $dimensions }

# Statements of a release's provenance (an audit record, written in English;
# the French is here for translators and readers of this catalogue).
provenance-disclosure-control = exact aggregates; a cell is published only when at least { $agencies } agencies report a positive amount and the total minus the two largest contributions is at least { $p }% of the largest (p% rule); complementary suppression until an intruder who solves the linear programme of every published version of the quarter's returns tables (cells, margins, the identity of funding and funding by term, non-negativity, and a member agency's own return) cannot bound a sensitive cell more tightly than the p% rule's protection level on either side; withheld cells say only "suppressed"
provenance-linkage-collaborative = people keyed by `safecount key` under the current epoch are one unit across agencies (their records merged per quarter); people whose keys differ (typo or changed name, a different or missing date of birth, an agency using its own keys or an older epoch) are one unit per agency
provenance-linkage-agency = each agency's person keys are its own: a person served by k agencies is k units, whose loss is k² times the rho of a release
provenance-unmatched-worst-case = worst case: a person counted apart at each of the { $agencies } agencies this release read (not matched by linkage, or any person in agency mode) is { $agencies } units, whose loss is { $agencies }² times this release's rho
provenance-unit-linked = person (collaborative person_key within its linkage epoch, merged across agencies), per period of data
provenance-planned = each part's rho (request.part_rho) was planned to its accuracy target from the previous quarter's released figures of this table: post-processing of published numbers, which costs no privacy (Dwork & Roth 2014, Prop. 2.1); the first quarter, with no previous figure, is planned to the target's floor
provenance-unit-linked-pooled = person (collaborative person_key within its linkage epoch, merged across agencies), counted once over the pooled quarters (their records merged into one); charged to every quarter pooled; a person loses its rho once, however many of the quarters they were served in
provenance-unit-person = person (agency + person_key), per period of data
provenance-unit-person-pooled = person (agency + person_key), counted once over the pooled quarters (their records merged into one); charged to every quarter pooled; a person loses its rho once, however many of the quarters they were served in
provenance-unit-agency = agency, per period of data
