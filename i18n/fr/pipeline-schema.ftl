# Les descriptions de `safecount pipeline schema` (le schéma JSON des
# fichiers de pipeline) : pipeline-schema-SECTION-CLÉ.

pipeline-schema-definitions-dir = Dossier des fichiers de définitions (par défaut ./definitions, sinon la copie intégrée).
pipeline-schema-definitions-version = Refuser de s'exécuter si la version des définitions ne commence pas par ceci.
pipeline-schema-description = À quoi il sert, en mots simples.
pipeline-schema-governance-indigenous-data = L'approbation sous laquelle sont publiés les tableaux qui ont indigenous_identity comme dimension (principes PCAP® des Premières Nations ; principes de gouvernance des données des Inuits et des Métis), p. ex. "approuvé par <partenaire ou comité> le <date>". Sans elle, ces tableaux sont refusés.
pipeline-schema-inputs-agencies = Seulement les soumissions de ces organismes (par défaut : tous les organismes).
pipeline-schema-inputs-collaborative = Le fichier de couverture du collectif (collaborative.toml : les membres et les provinces qu'ils desservent), relatif au pipeline ; les clés provinciales sont ses provinces plus `elsewhere`.
pipeline-schema-inputs-periods = Les trimestres de données à publier ; toutes les soumissions en vigueur de chacun sont utilisées.
pipeline-schema-name = Nom court du pipeline.
pipeline-schema-outputs-dir = Dossier des copies traitées : <dossier>/<période>/<tableau>.parquet et .csv.
pipeline-schema-outputs-national-totals = Ajouter des lignes nationales (province CA) égales à la somme des lignes provinciales.
pipeline-schema-outputs-non-negative = value_processed = max(value, 0) ; la valeur bruitée brute est conservée.
pipeline-schema-privacy-agency-rho-per-period = rho dépensé pour les tableaux par organisme de chaque trimestre (rapports trimestriels : financement, lits, refus faute de place), sur le budget propre des organismes ; par défaut : rho_per_period.
pipeline-schema-privacy-national-share = Part du rho de chaque tableau sur des personnes dépensée sur sa marge nationale, mesurée directement ; les provinces et le pays sont rendus cohérents par moindres carrés pondérés. 0 : pas de marge.
pipeline-schema-privacy-rho-per-period = rho dépensé pour chaque trimestre : les tableaux qui ont leur propre rho le prennent, le reste est partagé selon les poids. Requis sauf si chaque tableau a son rho.
pipeline-schema-report-out = Dossier de report.<langue>.html et de charts/.
pipeline-schema-returns-min-agencies = Nombre minimal d'organismes déclarant un montant positif pour qu'une cellule des rapports trimestriels soit publiée.
pipeline-schema-returns-p-percent = Le p de la règle de dominance p % : une cellule est retenue quand le total moins les deux plus grandes contributions est inférieur à p % de la plus grande.
pipeline-schema-tables-dimensions = Un tableau à vous : des champs codés (p. ex. province, gender, housing_outcome) ou des noms de définitions (l'appartenance à chacune).
pipeline-schema-tables-half-width = La précision voulue au lieu d'une part : la demi-largeur de l'intervalle de chaque cellule au plus égale à ceci ; le plus petit rho qui la donne est calculé.
pipeline-schema-tables-national-share = Part du rho de ce tableau dépensée sur sa marge nationale (par défaut privacy.national_share).
pipeline-schema-tables-pool = Une seule mesure sur plusieurs trimestres ("year" : chaque année civile des données, ou une liste de trimestres), débitée de chaque trimestre qu'elle lit.
pipeline-schema-tables-protection = Tableaux de rapports trimestriels : agrégats exacts soumis aux règles de contrôle de la divulgation (sans budget), ou confidentialité différentielle par organisme sur le budget des organismes.
pipeline-schema-tables-rho = Exactement ce rho par période pour ce tableau.
pipeline-schema-tables-table = Un tableau standard, ou un nom à vous pour un tableau avec `dimensions`.
pipeline-schema-tables-upper = measure = sum : la valeur de chaque unité est ramenée dans [lower, upper].
pipeline-schema-tables-value = measure = sum : le champ de nombres entiers additionné (p. ex. shelter_nights, turnaways).
pipeline-schema-tables-weight = Part du rho de la période, relative aux autres tableaux sans rho propre.
