//! The report's words in English and French: every label, heading and
//! sentence, the names of codes, and number formatting. A key missing in
//! either language is a test failure, not a blank in a funder's report.

use std::fmt::Write;

mod codes;
pub use codes::CODES;

/// Language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::En),
            "fr" | "french" | "français" | "francais" => Some(Lang::Fr),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// A sentence or label by key; `{name}` placeholders are filled by [`Lang::fill`].
    pub fn t(self, key: &str) -> &'static str {
        match TEXT.iter().find(|(k, _, _)| *k == key) {
            Some((_, en, fr)) => match self {
                Lang::En => en,
                Lang::Fr => fr,
            },
            None => panic!("report text key {key:?} is missing"),
        }
    }

    /// A sentence with its `{placeholders}` filled.
    pub fn fill(self, key: &str, args: &[(&str, String)]) -> String {
        let mut s = self.t(key).to_string();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// The readable name of a code (province, status, category, ...).
    pub fn code_label(self, code: &str) -> String {
        match CODES.iter().find(|(k, _, _)| *k == code) {
            Some((_, en, fr)) => match self {
                Lang::En => en.to_string(),
                Lang::Fr => fr.to_string(),
            },
            None => code.replace('_', " "),
        }
    }

    /// A quarter as readers write it: "2025 Q3" / "T3 2025".
    pub fn quarter(self, q: &str) -> String {
        let (year, n) = q.split_once('Q').unwrap_or((q, ""));
        match self {
            Lang::En => format!("{year} Q{n}"),
            Lang::Fr => format!("T{n} {year}"),
        }
    }

    /// A whole number with thousands separators.
    pub fn int(self, v: f64) -> String {
        let n = v.round() as i64;
        let digits = n.unsigned_abs().to_string();
        let sep = match self {
            Lang::En => ",",
            Lang::Fr => "\u{202f}",
        };
        let mut out = String::new();
        if n < 0 {
            out.push('\u{2212}');
        }
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(sep);
            }
            out.push(ch);
        }
        out
    }

    /// A decimal number with `places` digits.
    pub fn dec(self, v: f64, places: usize) -> String {
        let s = format!("{:.*}", places, v.abs());
        let s = match self {
            Lang::En => s,
            Lang::Fr => s.replace('.', ","),
        };
        if v < 0.0 { format!("\u{2212}{s}") } else { s }
    }

    /// A share in [0, 1] as a percentage.
    pub fn pct(self, v: f64) -> String {
        let s = self.dec(v * 100.0, if v.abs() < 0.1 { 1 } else { 0 });
        match self {
            Lang::En => format!("{s}%"),
            Lang::Fr => format!("{s}\u{a0}%"),
        }
    }

    /// An amount of dollars, rounded to the dollar.
    pub fn dollars(self, v: f64) -> String {
        match self {
            Lang::En => format!("${}", self.int(v)),
            Lang::Fr => format!("{}\u{a0}$", self.int(v)),
        }
    }

    /// A list joined as prose: "a, b and c".
    pub fn list(self, items: &[String]) -> String {
        let and = self.t("and");
        let mut out = String::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(if i + 1 == items.len() { and } else { ", " });
            }
            let _ = write!(out, "{item}");
        }
        out
    }
}

/// Sentences and labels: (key, English, French).
pub const TEXT: &[(&str, &str, &str)] = &[
    ("and", " and ", " et "),
    (
        "report_title",
        "Trafficked persons served by Canadian agencies: housing, services, protection and funding",
        "Personnes victimes de traite servies par les organismes canadiens : logement, services, protection et financement",
    ),
    (
        "report_subtitle",
        "Differentially private statistics from the safecount collaborative, {first} to {last}",
        "Statistiques protégées par la confidentialité différentielle du collectif safecount, de {first} à {last}",
    ),
    (
        "generated",
        "Generated {date} from {n} released tables. Every number in this report comes from a released table; no record was read to write it.",
        "Produit le {date} à partir de {n} tableaux publiés. Chaque nombre de ce rapport provient d'un tableau publié; aucun dossier n'a été lu pour le rédiger.",
    ),
    ("contents", "Contents", "Table des matières"),
    ("key_findings", "Key findings", "Principaux constats"),
    (
        "findings_intro",
        "A change is reported only where it is larger than the noise added to protect people can explain. Because this report makes many comparisons at once, the calls are corrected for multiple comparisons (Benjamini–Hochberg, false discovery rate 5%): among the changes reported, at most about 1 in 20 is expected to be a fluke of the noise. Other comparisons are called inconclusive: the data cannot tell whether anything changed. A rate or ratio is shown only where its denominator is at least three times its own margin of error.",
        "Un changement n'est signalé que s'il dépasse ce que le bruit ajouté pour protéger les personnes peut expliquer. Comme ce rapport fait de nombreuses comparaisons à la fois, les constats sont corrigés pour les comparaisons multiples (Benjamini–Hochberg, taux de fausses découvertes de 5 %) : parmi les changements signalés, on s'attend à ce qu'au plus environ 1 sur 20 soit un effet du bruit. Les autres comparaisons sont dites non concluantes : les données ne permettent pas de savoir si quelque chose a changé. Un taux ou un rapport n'est affiché que si son dénominateur vaut au moins trois fois sa propre marge d'erreur.",
    ),
    (
        "finding_rose",
        "{what} rose from {a} to {b} between {qa} and {qb} (a change of {d}, 95% interval ±{h}).",
        "{what} : hausse de {a} à {b} entre {qa} et {qb} (écart de {d}, intervalle à 95 % ±{h}).",
    ),
    (
        "finding_fell",
        "{what} fell from {a} to {b} between {qa} and {qb} (a change of {d}, 95% interval ±{h}).",
        "{what} : baisse de {a} à {b} entre {qa} et {qb} (écart de {d}, intervalle à 95 % ±{h}).",
    ),
    (
        "finding_inconclusive",
        "{what}: {a} in {qa} and {b} in {qb}; the difference is within the noise, so this is inconclusive.",
        "{what} : {a} au {qa} et {b} au {qb}; l'écart reste dans la marge du bruit, le résultat est donc non concluant.",
    ),
    (
        "finding_too_uncertain",
        "{what}: too uncertain to compare. The noise that protects each contributor is as large as the figure itself (95% interval up to ±{h}); the figure becomes informative with more agencies or a larger privacy budget.",
        "{what} : trop incertain pour comparer. Le bruit qui protège chaque contributeur est aussi grand que le chiffre lui-même (intervalle à 95 % jusqu'à ±{h}); le chiffre deviendra informatif avec plus d'organismes ou un budget de confidentialité plus grand.",
    ),
    (
        "finding_inconclusive_many",
        "Unmet housing need in {places}: the change between {qa} and {qb} is within the noise (inconclusive).",
        "Besoins de logement non comblés en {places} : le changement entre {qa} et {qb} reste dans la marge du bruit (non concluant).",
    ),
    (
        "finding_definitions",
        "In {q}, the broadest definition ({wide}) counts {a} people and the narrowest ({narrow}) counts {b}: the choice of definition changes who is counted by a factor of about {f}.",
        "Au {q}, la définition la plus large ({wide}) compte {a} personnes et la plus étroite ({narrow}) en compte {b} : le choix de la définition change le nombre de personnes comptées d'un facteur d'environ {f}.",
    ),
    (
        "finding_gap",
        "The largest service gap in {q} to {q2} is {service} in {province}: {rate} of people who needed it were waitlisted or found it unavailable (95% interval {lo} to {hi}).",
        "Le plus grand écart de services de {q} à {q2} touche {service} en {province} : {rate} des personnes qui en avaient besoin ont été mises en attente ou ne l'ont pas obtenu (intervalle à 95 % de {lo} à {hi}).",
    ),
    (
        "what_people_served",
        "People served (all records)",
        "Personnes servies (tous les dossiers)",
    ),
    (
        "what_unmet_housing",
        "Unmet housing need in {province}",
        "Besoins de logement non comblés – {province}",
    ),
    (
        "what_turnaways",
        "People turned away for lack of capacity",
        "Personnes refusées faute de place",
    ),
    (
        "what_funding",
        "Total funding reported by agencies",
        "Financement total déclaré par les organismes",
    ),
    (
        "what_trp_issued",
        "Temporary Resident Permits issued or reissued",
        "Permis de séjour temporaire délivrés ou renouvelés",
    ),
    (
        "what_labour",
        "People exploited for labour (alone or with sexual exploitation)",
        "Personnes exploitées pour leur travail (seul ou avec exploitation sexuelle)",
    ),
    (
        "what_sexual",
        "People sexually exploited (alone or with labour exploitation)",
        "Personnes exploitées sexuellement (seul ou avec exploitation du travail)",
    ),
    (
        "sec_trends",
        "People served and the definitions that count them",
        "Personnes servies et définitions qui les comptent",
    ),
    ("sec_housing", "Housing", "Logement"),
    ("sec_services", "Service gaps", "Écarts de services"),
    ("sec_funding", "Funding", "Financement"),
    ("sec_protection", "Protection", "Protection"),
    (
        "sec_equity",
        "Who is served, housing by group, and referral pathways",
        "Qui est servi, logement selon le groupe et voies de référence",
    ),
    ("age_group", "Age {ages}", "{ages} ans"),
    (
        "chart_served",
        "Who is served: people by gender, age group, status and racialised group (self-identified), by year",
        "Qui est servi : personnes selon le genre, le groupe d'âge, le statut et le groupe racisé (auto-identifié), par année",
    ),
    (
        "chart_served_alt",
        "Bar chart of the people served each year by gender, age group, immigration status group and racialised group (several may apply), with 95% intervals. Indigenous identity is released only under the governing partners' approval.",
        "Graphique à barres des personnes servies chaque année selon le genre, le groupe d'âge, le groupe de statut d'immigration et le groupe racisé (plusieurs possibles), avec des intervalles à 95 %. L'identité autochtone n'est publiée qu'avec l'approbation des partenaires qui en assurent la gouvernance.",
    ),
    (
        "chart_housing_group",
        "Unmet housing need by survivor group, by year",
        "Besoin de logement non comblé selon le groupe, par année",
    ),
    (
        "chart_housing_group_alt",
        "Bar chart of the share of people whose housing need went unmet (no place, or not eligible) among those with an outcome, by form of exploitation, gender, age group and status group, one bar per year, with 95% intervals.",
        "Graphique à barres de la part des personnes dont le besoin de logement n'a pas été comblé (manque de places ou inadmissibilité) parmi celles dont le résultat est connu, selon la forme d'exploitation, le genre, le groupe d'âge et le groupe de statut, une barre par année, avec des intervalles à 95 %.",
    ),
    (
        "chart_status_gap",
        "Legal and immigration services: gaps by status (latest year)",
        "Services juridiques et d'immigration : écarts selon le statut (dernière année)",
    ),
    (
        "chart_status_gap_alt",
        "Bar chart of the share of people who needed legal or immigration services and were waitlisted or found none available, among those who got an answer, by status group, over the latest year, with 95% intervals.",
        "Graphique à barres de la part des personnes ayant besoin de services juridiques ou d'immigration qui ont été mises en attente ou n'en ont trouvé aucun, parmi celles qui ont obtenu une réponse, selon le groupe de statut, sur la dernière année, avec des intervalles à 95 %.",
    ),
    (
        "chart_settlement_gap",
        "Urban and rural: service gaps (latest year)",
        "Milieu urbain et rural : écarts de services (dernière année)",
    ),
    (
        "chart_settlement_gap_alt",
        "Bar chart of the share of people waitlisted or with no service available, among those who needed it, for legal, immigration, mental health and housing services, urban against rural (a rural postal area has a 0 as its second character), over the latest year, with 95% intervals.",
        "Graphique à barres de la part des personnes mises en attente ou sans service disponible, parmi celles qui en avaient besoin, pour les services juridiques, d'immigration, de santé mentale et de logement, en milieu urbain et rural (une région postale rurale a un 0 comme deuxième caractère), sur la dernière année, avec des intervalles à 95 %.",
    ),
    (
        "methods_governance_h",
        "Data about Indigenous people",
        "Données sur les peuples autochtones",
    ),
    (
        "methods_governance",
        "Figures about First Nations, Métis and Inuit people are released only under the approval of the partners who govern those data: {approval}. They follow the First Nations principles of OCAP® (ownership, control, access and possession), the Inuit data-governance principles of Inuit Tapiriit Kanatami's National Inuit Strategy on Research, and the Métis data-governance principles; identity is self-identified and asked apart from racialised group.",
        "Les chiffres sur les Premières Nations, les Métis et les Inuit ne sont publiés qu'avec l'approbation des partenaires qui gouvernent ces données : {approval}. Ils suivent les principes PCAP® des Premières Nations (propriété, contrôle, accès et possession), les principes de gouvernance des données inuites de la Stratégie nationale inuite sur la recherche d'Inuit Tapiriit Kanatami et les principes de gouvernance des données métisses ; l'identité est auto-déclarée et demandée séparément du groupe racisé.",
    ),
    (
        "chart_indigenous",
        "Indigenous identity: people served, by year (released under the governing partners' approval)",
        "Identité autochtone : personnes servies, par année (publié avec l'approbation des partenaires responsables)",
    ),
    (
        "chart_indigenous_alt",
        "Bar chart of the people served each year who identify as First Nations, Métis, Inuit or not Indigenous (self-identified), with 95% intervals.",
        "Graphique à barres des personnes servies chaque année qui s'identifient comme Premières Nations, Métis, Inuit ou non autochtones (auto-identification), avec des intervalles à 95 %.",
    ),
    (
        "chart_justice_group",
        "Protection and the justice system by who counts the person (latest year)",
        "Protection et système de justice selon qui compte la personne (dernière année)",
    ),
    (
        "chart_justice_group_alt",
        "Bar chart, one group of bars per definition group (counted by the Criminal Code; by another law only; by a service provider's definition only; by none), of the share of people with police involved, asked to cooperate, and whose services depended on cooperation, among those whose answer is known, over the latest year, with 95% intervals.",
        "Graphique à barres, un groupe par groupe de définitions (compté par le Code criminel ; par une autre loi seulement ; par la définition d'un fournisseur de services seulement ; par aucune), de la part des personnes dont le dossier impliquait la police, à qui l'on a demandé de coopérer et dont les services dépendaient de la coopération, parmi celles dont la réponse est connue, sur la dernière année, avec des intervalles à 95 %.",
    ),
    (
        "chart_status_detail",
        "Statuses that tie a person's stay to someone else: people served, by year",
        "Statuts qui lient le séjour d'une personne à quelqu'un d'autre : personnes servies, par année",
    ),
    (
        "chart_status_detail_alt",
        "Bar chart of the people served each year with a sponsored spouse's conditional permanent residence, as caregivers, as seasonal agricultural workers, with the open work permit for vulnerable workers, and with any employer-tied work permit, with 95% intervals.",
        "Graphique à barres des personnes servies chaque année ayant la résidence permanente conditionnelle d'un conjoint parrainé, comme aides familiales, comme travailleurs agricoles saisonniers, avec le permis de travail ouvert pour travailleurs vulnérables, et avec tout permis de travail lié à un employeur, avec des intervalles à 95 %.",
    ),
    (
        "chart_referral",
        "Referral pathways: people each definition counts, by who referred them (latest year)",
        "Voies de référence : personnes que chaque définition compte, selon qui les a référées (dernière année)",
    ),
    (
        "chart_referral_alt",
        "Bar chart, one group of bars per referral source (the person themself, an organisation, police, a hotline, health services, the community, government, other), of the people the Criminal Code, IRPA and the Palermo Protocol count, over the latest year, with 95% intervals.",
        "Graphique à barres, un groupe par source de référence (la personne elle-même, un organisme, la police, une ligne d'urgence, les services de santé, la communauté, le gouvernement, autre), des personnes que le Code criminel, la LIPR et le Protocole de Palerme comptent, sur la dernière année, avec des intervalles à 95 %.",
    ),
    (
        "chart_trp_claims",
        "Refugee claims and the length of TRPs held, by year",
        "Demandes d'asile et durée des PST détenus, par année",
    ),
    (
        "chart_trp_claims_alt",
        "Bar chart of the people served each year by the state of their refugee claim, and by the length of the temporary resident permit they held (an initial permit lasts up to 180 days), with 95% intervals.",
        "Graphique à barres des personnes servies chaque année selon l'état de leur demande d'asile, et selon la durée du permis de séjour temporaire détenu (un premier permis dure au plus 180 jours), avec des intervalles à 95 %.",
    ),
    ("sec_methods", "Methods", "Méthodologie"),
    (
        "sec_provenance",
        "Provenance of every table",
        "Provenance de chaque tableau",
    ),
    (
        "chart_people_trend",
        "People served each quarter, and those meeting each definition",
        "Personnes servies chaque trimestre, et celles qui répondent à chaque définition",
    ),
    (
        "chart_people_trend_alt",
        "Line chart of the number of people served per quarter, nationally, with one line for all people and one per definition of trafficking; shaded bands show 95% intervals.",
        "Graphique linéaire du nombre de personnes servies par trimestre, à l'échelle nationale, avec une ligne pour l'ensemble et une par définition de la traite; les bandes ombrées montrent les intervalles à 95 %.",
    ),
    (
        "chart_definitions",
        "The same quarters counted under each definition (people who meet it)",
        "Les mêmes trimestres comptés selon chaque définition (personnes qui y répondent)",
    ),
    (
        "chart_definitions_alt",
        "Grouped bar chart: for each of the last quarters, one bar per definition showing how many people meet it, with 95% interval whiskers.",
        "Diagramme à barres groupées : pour chacun des derniers trimestres, une barre par définition indiquant le nombre de personnes qui y répondent, avec des moustaches d'intervalle à 95 %.",
    ),
    (
        "chart_indeterminate",
        "Share of people whose records cannot settle the definition (indeterminate)",
        "Part des personnes dont le dossier ne permet pas de trancher (indéterminé)",
    ),
    (
        "chart_indeterminate_alt",
        "Line chart of the share of people classed indeterminate under each definition, per quarter, with 95% interval bands.",
        "Graphique linéaire de la part des personnes classées indéterminées selon chaque définition, par trimestre, avec des bandes d'intervalle à 95 %.",
    ),
    (
        "chart_housing_unmet",
        "People whose housing need went unmet, by province (five largest)",
        "Personnes dont le besoin de logement n'a pas été comblé, par province (les cinq plus touchées)",
    ),
    (
        "chart_housing_unmet_alt",
        "Line chart of unmet housing need per quarter for the five provinces with the most, with 95% interval bands; the table lists every province where agencies served people.",
        "Graphique linéaire des besoins de logement non comblés par trimestre pour les cinq provinces les plus touchées, avec des bandes d'intervalle à 95 %; le tableau donne toutes les provinces où les organismes ont servi des personnes.",
    ),
    (
        "chart_housing_year",
        "Share of people whose housing need went unmet, by province and year (one measurement over each year's quarters)",
        "Part des personnes dont le besoin de logement n'a pas été comblé, par province et par année (une mesure sur les trimestres de chaque année)",
    ),
    (
        "chart_housing_year_alt",
        "Bar chart: for each province served, the share of people with a recorded housing outcome whose need went unmet (no capacity or not eligible), one bar per year, with 95% interval whiskers.",
        "Diagramme à barres : pour chaque province servie, la part des personnes ayant un résultat de logement enregistré dont le besoin n'a pas été comblé (manque de places ou inadmissibilité), une barre par année, avec des moustaches d'intervalle à 95 %.",
    ),
    (
        "chart_shelter",
        "Kind of shelter used (national)",
        "Type d'hébergement utilisé (national)",
    ),
    (
        "chart_shelter_alt",
        "Bar chart of the number of people by kind of shelter used, for the first and the last quarter, with 95% interval whiskers.",
        "Diagramme à barres du nombre de personnes par type d'hébergement, au premier et au dernier trimestre, avec des moustaches d'intervalle à 95 %.",
    ),
    (
        "chart_turnaways",
        "Shelter beds at quarter end and people turned away for lack of capacity (national)",
        "Lits d'hébergement en fin de trimestre et personnes refusées faute de place (national)",
    ),
    (
        "chart_turnaways_alt",
        "Line chart comparing, per quarter, beds available and people turned away, with 95% interval bands.",
        "Graphique linéaire comparant, par trimestre, les lits disponibles et les personnes refusées, avec des bandes d'intervalle à 95 %.",
    ),
    (
        "chart_gap_heat",
        "Service gap rate by category and province, all quarters pooled",
        "Taux d'écart de services par catégorie et province, tous trimestres confondus",
    ),
    (
        "chart_gap_heat_pooled",
        "Service gap rate by category and province, {pool} (one measurement over its quarters)",
        "Taux d'écart de services par catégorie et province, {pool} (une mesure sur ses trimestres)",
    ),
    (
        "chart_gap_heat_alt",
        "Heat map: rows are service categories, columns provinces; colour shows the share of people needing the service who were waitlisted or found it unavailable. Cells whose 95% interval is wider than ±15 points are greyed out and marked too uncertain.",
        "Carte de chaleur : les lignes sont les catégories de services, les colonnes les provinces; la couleur montre la part des personnes ayant besoin du service qui ont été mises en attente ou ne l'ont pas obtenu. Les cases dont l'intervalle à 95 % dépasse ±15 points sont grisées et marquées trop incertaines.",
    ),
    (
        "chart_needed_received",
        "Services needed and received, by category (national, last quarter)",
        "Services requis et reçus, par catégorie (national, dernier trimestre)",
    ),
    (
        "chart_needed_received_alt",
        "Grouped bar chart: for each service category, people who needed it and people who received it in the last quarter, with 95% interval whiskers.",
        "Diagramme à barres groupées : pour chaque catégorie de services, les personnes qui en avaient besoin et celles qui l'ont reçu au dernier trimestre, avec des moustaches d'intervalle à 95 %.",
    ),
    (
        "chart_funding_source",
        "Funding received by source (national)",
        "Financement reçu par source (national)",
    ),
    (
        "chart_funding_source_alt",
        "Line chart of funding received per quarter from each source, in dollars, with 95% interval bands.",
        "Graphique linéaire du financement reçu par trimestre de chaque source, en dollars, avec des bandes d'intervalle à 95 %.",
    ),
    (
        "chart_funding_person",
        "Funding per person served (national)",
        "Financement par personne servie (national)",
    ),
    (
        "chart_funding_person_alt",
        "Line chart of total funding divided by people served, per quarter, with a 95% interval band.",
        "Graphique linéaire du financement total divisé par le nombre de personnes servies, par trimestre, avec une bande d'intervalle à 95 %.",
    ),
    (
        "chart_funding_term",
        "Share of funding by the term of each agency's largest agreement",
        "Part du financement selon la durée de la principale entente de chaque organisme",
    ),
    (
        "chart_funding_term_alt",
        "Line chart of the share of funding held by agencies whose largest agreement is one-time, annual or multi-year, per quarter, with 95% interval bands.",
        "Graphique linéaire de la part du financement des organismes dont la principale entente est ponctuelle, annuelle ou pluriannuelle, par trimestre, avec des bandes d'intervalle à 95 %.",
    ),
    (
        "chart_funding_province",
        "Funding received by source and province, last quarter (exact; withheld where fewer than 3 agencies report or one dominates)",
        "Financement reçu par source et par province, dernier trimestre (exact; retenu lorsque moins de 3 organismes déclarent ou qu'un seul domine)",
    ),
    (
        "chart_funding_province_alt",
        "Bar chart of funding received in the last quarter, by province and source. Figures withheld by disclosure control are not drawn; the table below marks them suppressed.",
        "Diagramme à barres du financement reçu au dernier trimestre, par province et par source. Les chiffres retenus par le contrôle de la divulgation ne sont pas tracés; le tableau ci-dessous les marque comme supprimés.",
    ),
    (
        "chart_trp",
        "Temporary Resident Permits: applied, issued and refused (national)",
        "Permis de séjour temporaire : demandés, délivrés et refusés (national)",
    ),
    (
        "chart_trp_alt",
        "Line chart of people who needed a TRP but had not applied, and with a TRP application pending, issued or reissued, refused, and barred by policy (after a failed refugee claim, or as a designated foreign national), per quarter, with 95% interval bands.",
        "Graphique linéaire des personnes qui avaient besoin d'un PST sans l'avoir demandé, et de celles dont la demande de PST est en cours, délivrée ou renouvelée, refusée, ou exclue par une règle (après une demande d'asile rejetée, ou comme étranger désigné), par trimestre, avec des bandes d'intervalle à 95 %.",
    ),
    (
        "chart_exploitation",
        "Labour and sex trafficking, and labour exploitation without coercion (national)",
        "Traite à des fins de travail et d'exploitation sexuelle, et exploitation du travail sans contrainte (national)",
    ),
    (
        "chart_exploitation_alt",
        "Line chart of people by form of exploitation per quarter, with 95% interval bands: sexual only, forced labour or servitude only, both, and labour exploitation without coercion, which no law counts as trafficking.",
        "Graphique linéaire des personnes selon la forme d'exploitation par trimestre, avec des bandes d'intervalle à 95 % : sexuelle seulement, travail forcé ou servitude seulement, les deux, et exploitation du travail sans contrainte, qu'aucune loi ne compte comme de la traite.",
    ),
    ("axis_people", "People", "Personnes"),
    ("axis_share", "Share", "Part"),
    ("axis_dollars", "Dollars", "Dollars"),
    (
        "axis_dollars_per_person",
        "Dollars per person",
        "Dollars par personne",
    ),
    ("axis_count", "Number", "Nombre"),
    ("axis_quarter", "Quarter", "Trimestre"),
    ("series_all_people", "All people", "Toutes les personnes"),
    (
        "series_beds",
        "Beds at quarter end",
        "Lits en fin de trimestre",
    ),
    (
        "series_turnaways",
        "People turned away",
        "Personnes refusées",
    ),
    ("series_needed", "Needed", "Requis"),
    ("series_received", "Received", "Reçu"),
    (
        "series_funding_per_person",
        "Funding per person served",
        "Financement par personne servie",
    ),
    (
        "series_trp_applied",
        "Application pending",
        "Demande en cours",
    ),
    (
        "series_trp_issued",
        "Issued or reissued",
        "Délivré ou renouvelé",
    ),
    ("series_trp_refused", "Refused", "Refusé"),
    (
        "series_trp_needed",
        "Needed, not applied for",
        "Requis, non demandé",
    ),
    (
        "chart_continuum",
        "Forced labour and trafficking: labour-exploited people each definition counts (latest year)",
        "Travail forcé et traite : personnes exploitées au travail que chaque définition compte (dernière année)",
    ),
    (
        "chart_continuum_alt",
        "Bar chart, one group of bars per definition of trafficking, of the people it counts among those in forced labour or servitude only, in both labour and sexual exploitation, and in labour exploitation without coercion, over the latest year, with 95% intervals.",
        "Graphique à barres, un groupe par définition de la traite, des personnes qu'elle compte parmi celles en travail forcé ou servitude seulement, en exploitation du travail et sexuelle, et en exploitation du travail sans contrainte, sur la dernière année, avec des intervalles à 95 %.",
    ),
    (
        "chart_justice",
        "Protection and the justice system: share of people for whom each holds, by year",
        "Protection et système de justice : part des personnes pour qui chaque fait est vrai, par année",
    ),
    (
        "chart_justice_alt",
        "Bar chart of the share of people, among those whose answer is known, who had police involved, were asked to cooperate, had services made conditional on cooperation, saw charges laid, were detained after identification, or were removed or ordered removed, one bar per year, with 95% intervals.",
        "Graphique à barres de la part des personnes, parmi celles dont la réponse est connue, dont le dossier impliquait la police, à qui l'on a demandé de coopérer, dont les services dépendaient de la coopération, pour qui des accusations ont été portées, qui ont été détenues après l'identification, ou renvoyées ou visées par une mesure de renvoi, une barre par année, avec des intervalles à 95 %.",
    ),
    (
        "series_trp_barred",
        "Barred (failed refugee claim, designated foreign national)",
        "Exclu (demande d'asile rejetée, étranger désigné)",
    ),
    ("too_uncertain", "too uncertain", "trop incertain"),
    ("no_data", "no data", "aucune donnée"),
    (
        "all_suppressed",
        "Every figure of this chart is suppressed: too few agencies report it, or one agency dominates it, so publishing it would reveal an agency's own figures.",
        "Tous les chiffres de ce graphique sont supprimés : trop peu d'organismes les déclarent, ou un seul organisme y domine, si bien que les publier révélerait les chiffres d'un organisme.",
    ),
    (
        "suppressed",
        "suppressed: fewer than 3 agencies or one dominant",
        "supprimé : moins de 3 organismes ou un organisme dominant",
    ),
    (
        "suppressed_note",
        "A suppressed figure is withheld, not zero; a few are withheld only so that another cannot be worked out by subtraction from the totals.",
        "Un chiffre supprimé est retenu, il ne vaut pas zéro; quelques-uns ne sont retenus que pour qu'un autre ne puisse être retrouvé par soustraction à partir des totaux.",
    ),
    ("exact", "exact", "exact"),
    ("data_table", "Data table", "Tableau de données"),
    (
        "show_data",
        "Numbers behind this chart (value and 95% interval)",
        "Chiffres derrière ce graphique (valeur et intervalle à 95 %)",
    ),
    (
        "derived_from",
        "Derived from released tables: {tables}.",
        "Calculé à partir des tableaux publiés : {tables}.",
    ),
    ("interval_col", "95% interval", "Intervalle à 95 %"),
    ("estimate_col", "Estimate", "Estimation"),
    (
        "missing_release",
        "This chart is missing because no release of the {tables} table was found.",
        "Ce graphique est absent parce qu'aucune publication du tableau {tables} n'a été trouvée.",
    ),
    (
        "methods_dp_h",
        "What differential privacy promises here",
        "Ce que promet ici la confidentialité différentielle",
    ),
    (
        "methods_dp",
        "Every number about people in this report was computed by the OpenDP library with random noise added, calibrated so that each published table would come out almost the same whether or not any one person's records of one quarter at one agency were included. In plain words, with the ε and δ given below: whatever else an observer knows, seeing these tables changes their odds that a given person is in the data by at most a factor of e^ε, except with probability δ. This is a limit, not an absolute: the larger ε, the weaker the protection, and it weakens as more quarters are released; the budget section below gives ε for the data in this report. The price of the protection is that each number is an estimate: small counts in particular may be off by a few people, and may even be slightly negative. The figures about agencies (funding, beds, turnaways) are exact totals instead, published only where disclosure-control rules allow (see below).",
        "Chaque nombre de ce rapport qui porte sur des personnes a été calculé par la bibliothèque OpenDP avec l'ajout d'un bruit aléatoire, calibré pour que chaque tableau publié soit presque identique que les dossiers d'une personne donnée pour un trimestre dans un organisme y figurent ou non. Concrètement, avec les ε et δ indiqués plus bas : quoi qu'un observateur sache par ailleurs, voir ces tableaux change ses chances de deviner qu'une personne donnée figure dans les données d'un facteur au plus e^ε, sauf avec une probabilité δ. C'est une limite, pas un absolu : plus ε est grand, plus la protection est faible, et elle s'affaiblit à mesure que des trimestres sont publiés; la section sur le budget, plus bas, donne ε pour les données de ce rapport. En contrepartie, chaque nombre est une estimation : les petits effectifs surtout peuvent s'écarter de quelques personnes, et même être légèrement négatifs. Les chiffres sur les organismes (financement, lits, refus) sont plutôt des totaux exacts, publiés seulement là où les règles de contrôle de la divulgation le permettent (voir plus bas).",
    ),
    ("methods_unit_h", "Who is protected", "Qui est protégé"),
    (
        "methods_unit",
        "The privacy unit is the person served, identified within each agency by the agency's own pseudonymous key. Two datasets are neighbours when they differ by adding or removing all of one person's records of one quarter at one agency; changing a person's records counts as removing and adding, so twice the loss. A person served by k agencies, each with its own key for them, counts as k people: their loss is k² times the figures below. Agency returns (funding, beds, turnaways) describe agencies, not people: they are published as exact totals under the disclosure-control rules statistical agencies apply to business data. A figure is shown only when at least 3 agencies contribute to it and no single agency dominates it (the p% rule, p = 10); further figures are withheld where needed so that a withheld one cannot be worked out by subtraction from the totals. Withheld figures read “suppressed”, never 0. The guarantee stated here for people says nothing about agencies. A person is counted at most once in each cell of each table (a table pooled over a year counts each person once per quarter: a person served in n of its quarters loses n² times its ρ, which the budget below includes); each person's shelter nights are clipped to 0–92 per quarter.",
        "L'unité de confidentialité est la personne servie, identifiée au sein de chaque organisme par la clé pseudonyme de l'organisme. Deux jeux de données sont voisins lorsqu'ils diffèrent par l'ajout ou le retrait de tous les dossiers d'une personne pour un trimestre dans un organisme; modifier les dossiers d'une personne compte comme un retrait et un ajout, donc une perte double. Une personne servie par k organismes, chacun ayant sa propre clé pour elle, compte pour k personnes : sa perte vaut k² fois les chiffres ci-dessous. Les rapports des organismes (financement, lits, refus) décrivent des organismes, pas des personnes : ils sont publiés en totaux exacts selon les règles de contrôle de la divulgation que les organismes statistiques appliquent aux données d'entreprises. Un chiffre n'est montré que si au moins 3 organismes y contribuent et qu'aucun ne le domine (règle du p %, p = 10); d'autres chiffres sont retenus au besoin pour qu'un chiffre retenu ne puisse être retrouvé par soustraction à partir des totaux. Les chiffres retenus portent la mention « supprimé », jamais 0. La garantie énoncée ici pour les personnes ne dit rien des organismes. Une personne est comptée au plus une fois dans chaque case de chaque tableau (un tableau regroupé sur une année compte chaque personne une fois par trimestre : une personne servie pendant n de ses trimestres perd n² fois son ρ, ce que le budget ci-dessous inclut); les nuits d'hébergement de chaque personne sont plafonnées à 0–92 par trimestre.",
    ),
    (
        "methods_budget_h",
        "The privacy budget spent",
        "Le budget de confidentialité dépensé",
    ),
    (
        "methods_budget",
        "Each quarter of data has its own budget, measured in zero-concentrated differential privacy (ρ). The amounts below come from the budget ledger and count every release ever made from each quarter, not only the tables in this report. A person served in every quarter released so far has lost the sum: ρ = {rho}, which implies (ε, δ)-differential privacy with ε = {eps} at δ = {delta} (OpenDP's conversion; δ includes the thresholds' share).",
        "Chaque trimestre de données a son propre budget, mesuré en confidentialité différentielle à concentration nulle (ρ). Les montants ci-dessous proviennent du registre du budget et comptent toutes les publications jamais faites à partir de chaque trimestre, pas seulement les tableaux de ce rapport. Une personne servie à chaque trimestre publié jusqu'ici a perdu la somme : ρ = {rho}, ce qui implique une confidentialité différentielle (ε, δ) avec ε = {eps} pour δ = {delta} (conversion d'OpenDP; δ inclut la part des seuils).",
    ),
    (
        "methods_budget_delta",
        "The citizenship table's list of countries is itself protected by a threshold, which adds δ = {delta} in all.",
        "La liste des pays du tableau de citoyenneté est elle-même protégée par un seuil, ce qui ajoute δ = {delta} au total.",
    ),
    (
        "methods_interval_h",
        "What an interval means",
        "Ce que signifie un intervalle",
    ),
    (
        "methods_interval",
        "Each estimate comes with a 95% interval: the range that contains the true value in at least 95 of 100 releases. Intervals reflect only the noise added for privacy, not errors in agencies' records, people missing from the data, or differences in how agencies record cases. Provinces are those the collaborative declares it serves, plus one “elsewhere”; no other province is shown. Where a table measured its national figure directly, provinces and nation are combined by weighted least squares so that the provinces add up to the national figure, with intervals from the combined variance; otherwise national figures are sums of the provinces' cells, with their intervals combined; rates and shares are ratios of released numbers, with intervals from the usual approximation for a ratio. Where an interval is so wide that the estimate says little, the heat map greys the cell out and the findings call the figure too uncertain. Noise can push a small count below zero: such an estimate is shown as 0 and intervals are cut at 0 (no count or amount is negative), while totals and changes are computed from the unrounded estimates.",
        "Chaque estimation est accompagnée d'un intervalle à 95 % : la plage qui contient la vraie valeur dans au moins 95 publications sur 100. Les intervalles ne reflètent que le bruit ajouté pour la confidentialité, pas les erreurs dans les dossiers des organismes, les personnes absentes des données ni les différences de pratiques d'enregistrement. Les provinces sont celles que la collaboration déclare servir, plus une case « ailleurs »; aucune autre province n'est montrée. Lorsqu'un tableau a mesuré directement son chiffre national, provinces et nation sont combinées par moindres carrés pondérés pour que les provinces s'additionnent au chiffre national, avec des intervalles tirés de la variance combinée; sinon, les chiffres nationaux sont des sommes des cases des provinces, dont les intervalles sont combinés; les taux et les parts sont des rapports de nombres publiés, avec des intervalles tirés de l'approximation usuelle d'un rapport. Lorsqu'un intervalle est si large que l'estimation dit peu de chose, la carte de chaleur grise la case et les constats qualifient le chiffre de trop incertain. Le bruit peut faire passer un petit effectif sous zéro : une telle estimation est affichée comme 0 et les intervalles sont coupés à 0 (aucun effectif ni montant n'est négatif), tandis que les totaux et les changements sont calculés à partir des estimations non arrondies.",
    ),
    (
        "methods_definitions_h",
        "Definitions of trafficking",
        "Définitions de la traite",
    ),
    (
        "methods_definitions",
        "Each person's record is tested against several legal and service definitions (definitions version {version}). A record meets a definition, does not meet it, or is indeterminate when a field the definition needs was not collected. The definitions are:",
        "Le dossier de chaque personne est comparé à plusieurs définitions juridiques et de services (version des définitions {version}). Un dossier répond à une définition, n'y répond pas, ou est indéterminé lorsqu'un champ nécessaire à la définition n'a pas été recueilli. Les définitions sont :",
    ),
    (
        "methods_limits_h",
        "What this report cannot tell you",
        "Ce que ce rapport ne peut pas dire",
    ),
    (
        "methods_limits",
        "These figures describe people served by the participating agencies, not all trafficked persons in Canada: many are never identified or never seek services. Agencies joined, left or changed their records over time, so a change between quarters can reflect who reported rather than what happened.",
        "Ces chiffres décrivent les personnes servies par les organismes participants, et non toutes les personnes victimes de traite au Canada : beaucoup ne sont jamais repérées ou ne demandent jamais de services. Des organismes se sont joints, se sont retirés ou ont modifié leurs dossiers au fil du temps; un changement entre trimestres peut donc refléter qui a déclaré plutôt que ce qui s'est passé.",
    ),
    ("budget_period", "Quarter of data", "Trimestre de données"),
    (
        "methods_budget_files_only",
        "The budget ledger's statement was not found beside these release files, so the amounts below add up only the releases this report reads; other releases from the same quarters, if any, are not counted.",
        "La déclaration du registre du budget est introuvable à côté de ces fichiers; les montants ci-dessous n'additionnent donc que les publications lues par ce rapport, sans les autres publications éventuelles des mêmes trimestres.",
    ),
    (
        "methods_budget_agency",
        "Agencies' returns drew on their own budget: ρ = {rho} per agency in all quarters together.",
        "Les rapports des organismes ont puisé dans leur propre budget : ρ = {rho} par organisme pour l'ensemble des trimestres.",
    ),
    ("budget_rho", "ρ spent", "ρ dépensé"),
    ("budget_tables", "Tables", "Tableaux"),
    ("prov_table", "Table", "Tableau"),
    ("prov_period", "Quarter", "Trimestre"),
    ("prov_release", "Release id", "Identifiant"),
    ("prov_mechanism", "Mechanism", "Mécanisme"),
    ("prov_rho", "ρ", "ρ"),
    ("prov_inputs", "Input submissions", "Soumissions utilisées"),
    (
        "prov_definitions",
        "Definitions version",
        "Version des définitions",
    ),
    ("prov_created", "Created", "Créé le"),
    (
        "prov_intro",
        "Each table below is a Parquet file; its full provenance (request, input submissions and their SHA-256 checksums, privacy unit, bounds and budget) is stored in the file's metadata under the key safecount.provenance.",
        "Chaque tableau ci-dessous est un fichier Parquet; sa provenance complète (demande, soumissions utilisées et leurs sommes de contrôle SHA-256, unité de confidentialité, bornes et budget) est enregistrée dans les métadonnées du fichier sous la clé safecount.provenance.",
    ),
    (
        "footer",
        "safecount {version}. Noise drawn by OpenDP {opendp}. Print this page to PDF from a browser for a paper copy.",
        "safecount {version}. Bruit tiré par OpenDP {opendp}. Imprimez cette page en PDF depuis un navigateur pour une copie papier.",
    ),
    ("other_language", "Version française", "English version"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages_and_the_same_placeholders() {
        let placeholders = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for (key, en, fr) in TEXT {
            assert!(!en.is_empty() && !fr.is_empty(), "{key}");
            assert_eq!(placeholders(en), placeholders(fr), "{key}");
        }
        let mut keys: Vec<_> = TEXT.iter().map(|(k, _, _)| k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), TEXT.len(), "duplicate keys");
    }

    #[test]
    fn numbers_follow_each_language() {
        assert_eq!(Lang::En.int(1234567.0), "1,234,567");
        assert_eq!(Lang::Fr.int(1234567.0), "1\u{202f}234\u{202f}567");
        assert_eq!(Lang::En.int(-12.0), "\u{2212}12");
        assert_eq!(Lang::Fr.dec(0.25, 2), "0,25");
        assert_eq!(Lang::En.pct(0.126), "13%");
        assert_eq!(Lang::Fr.quarter("2025Q3"), "T3 2025");
        assert_eq!(
            Lang::En.list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }

    #[test]
    fn every_code_a_chart_names_is_translated() {
        use crate::schema::codes;
        for list in [
            &codes::PROVINCE,
            &codes::SERVICE_CATEGORY,
            &codes::SERVICE_STATUS,
            &codes::SHELTER_TYPE,
            &codes::FUNDING_SOURCE,
            &codes::FUNDING_TERM,
        ] {
            for code in list.codes {
                if *code == "none" {
                    continue;
                }
                assert!(
                    CODES.iter().any(|(c, _, _)| c == code),
                    "{}: {code} has no label",
                    list.name
                );
            }
        }
    }
}
