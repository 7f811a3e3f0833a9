# Ce que contient chaque tableau publié : son titre dans la provenance de la
# publication (`title`, `title_fr`).

table-people = Personnes servies, par province
table-definitions = Personnes comptées selon chaque définition, par province et appartenance
table-services = Besoins de services et la façon dont ils ont été comblés, par catégorie et province
table-service-gaps = Besoins de services comblés ou non, par catégorie et province
table-housing-outcome = Besoin de logement et son issue, par province
table-shelter-type = Sorte d'hébergement utilisé, par province
table-shelter-nights = Nuits d'hébergement (les nuits de chaque personne ramenées à 0-92), par province
table-trp-status = Permis de séjour temporaire pour les victimes de la traite de personnes, par statut et province
table-exploitation = Traite à des fins de travail forcé et d'exploitation sexuelle : personnes par forme d'exploitation et province
table-immigration-status = Statut d'immigration, par province
table-age-gender = Tranche d'âge et genre (national)
table-citizenship = Citoyenneté (national ; un ensemble de clés ouvert : un pays ne paraît que si son compte bruité dépasse un seuil)
table-funding = Financement reçu, en centaines de dollars (le montant de chaque organisme ramené à 0-250 000 $ par source et par trimestre), par source et province
table-funding-term = Financement total, en centaines de dollars (chaque organisme ramené à 0-1 000 000 $ par trimestre), selon la durée de la plus grande entente de l'organisme (national)
table-beds = Lits d'hébergement à la fin du trimestre (chaque organisme ramené à 0-200), par province
table-turnaways = Personnes refusées faute de place (chaque organisme ramené à 0-300 par trimestre), par province
table-multi-agency = Personnes servies par plus d'un organisme : combien d'organismes, et de quelles sortes
table-labour-continuum = Travail forcé et traite : personnes par forme d'exploitation et appartenance à chaque définition (national)
table-protection = Protection et système de justice : intervention policière, demandes de collaboration, services subordonnés à la collaboration, accusations, détention et renvoi, par groupe de définitions (national)
table-who-is-served = Qui est servi : genre, groupe d'âge, statut et groupe racisé (national)
table-housing-by-group = Besoin de logement et son issue selon la forme d'exploitation, le genre, le groupe d'âge et le statut (national)
table-services-by-status = Services juridiques et d'immigration selon le statut : comblés, lacune ou autre (national)
table-settlement-gaps = Milieu urbain et rural : l'issue des services juridiques, d'immigration, de santé mentale et de logement (national)
table-trp-detail = Demandes d'asile et durée des PST détenus (national)
table-indigenous-identity = Identité autochtone (autodéclarée) et issue du logement (national ; publié avec l'approbation des partenaires qui en ont la gouvernance)
table-referral = Voies d'orientation : personnes selon qui les a orientées et appartenance à chaque définition (national)
table-custom-count = Personnes comptées, par { $dimensions }
table-custom-sum = Somme de { $field } (chaque unité ramenée à { $lower }-{ $upper }), par { $dimensions }

# Énoncés de la provenance d'une publication (un registre d'audit, écrit en
# anglais ; le français est ici pour les traducteurs et les lecteurs).
provenance-disclosure-control = agrégats exacts ; une cellule n'est publiée que si au moins { $agencies } organismes déclarent un montant positif et que le total moins les deux plus grandes contributions atteint au moins { $p } % de la plus grande (règle p %) ; suppression complémentaire, jusqu'à ce qu'un intrus qui résout le programme linéaire de toutes les versions publiées des tableaux de rapports du trimestre (cellules, marges, identité du financement et du financement par durée, non-négativité, et le rapport propre d'un organisme membre) ne puisse borner aucune cellule sensible plus étroitement que le niveau de protection de la règle p %, d'un côté comme de l'autre ; les cellules retenues portent seulement la mention « supprimée »
provenance-linkage-collaborative = les personnes dotées de clés par `safecount key` sous l'époque en cours forment une seule unité entre organismes (leurs dossiers fusionnés par trimestre) ; les personnes dont les clés diffèrent (faute de frappe ou nom changé, date de naissance différente ou manquante, organisme qui emploie ses propres clés ou une époque antérieure) forment une unité par organisme
provenance-linkage-agency = les clés de personne de chaque organisme lui sont propres : une personne servie par k organismes compte pour k unités, dont la perte vaut k² fois le rho d'une publication
provenance-unmatched-worst-case = pire cas : une personne comptée à part dans chacun des { $agencies } organismes lus par cette publication (non appariée par la liaison, ou toute personne en mode organisme) compte pour { $agencies } unités, dont la perte vaut { $agencies }² fois le rho de cette publication
provenance-unit-linked = personne (person_key du collectif dans son époque de liaison, fusionnée entre organismes), par période de données
provenance-planned = le rho de chaque partie (request.part_rho) a été planifié selon sa cible de précision à partir des chiffres publiés du trimestre précédent pour ce tableau : c'est un post-traitement de chiffres publiés, qui ne coûte aucune confidentialité (Dwork et Roth 2014, prop. 2.1) ; le premier trimestre, sans chiffre précédent, est planifié au plancher de la cible
provenance-unit-linked-pooled = personne (person_key du collectif dans son époque de liaison, fusionnée entre organismes) comptée une fois sur les trimestres regroupés (ses dossiers fusionnés en un seul) ; imputé à chaque trimestre regroupé ; une personne perd son rho une seule fois, quel que soit le nombre de trimestres où elle a été servie
provenance-unit-person = personne (organisme + person_key), par période de données
provenance-unit-person-pooled = personne (organisme + person_key) comptée une fois sur les trimestres regroupés (ses dossiers fusionnés en un seul) ; imputé à chaque trimestre regroupé ; une personne perd son rho une seule fois, quel que soit le nombre de trimestres où elle a été servie
provenance-unit-agency = organisme, par période de données
