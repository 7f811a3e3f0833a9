# La description OpenAPI de l'API de téléversement (`/api/v1/openapi.json`),
# dans la langue de la requête.

openapi-the-receipt = L'accusé de réception
openapi-your-agency-s-slug-must = Le nom court de votre organisme ; ce doit être l'organisme du jeton.
openapi-retry-safely-the-same-key = Réessayez sans risque : la même clé avec le même téléversement reçoit la même réponse que la première fois ; avec un autre téléversement, elle est refusée (422).
openapi-agencies-upload-quarterly-de-identified = Les organismes téléversent des extraits trimestriels dépersonnalisés. Les fichiers sont validés exactement comme par `safecount submit` ; un fichier qui contient des identifiants directs ou des données non valides est refusé avec un rapport qui ne répète jamais une valeur du fichier. Rien ici ne renvoie d'enregistrements.
openapi-your-agency-s-receipts-current = Les accusés de réception de votre organisme (en vigueur et remplacés)
openapi-receipts = Accusés de réception
openapi-upload-an-extract-multipart-form = Téléverser un extrait (formulaire multipart)
openapi-profile-id-default-your-agency = Identifiant du profil ; par défaut : le seul profil de votre organisme
openapi-upload-an-extract-as-the = Téléverser un extrait comme corps brut de la requête
openapi-for-messages-only = Pour les messages seulement
openapi-the-profiles-installed-for-your = Les profils installés pour votre organisme
openapi-profiles = Profils
openapi-the-agency-s-upload-token = Le jeton de téléversement de l'organisme, donné par `safecount agency add`.
openapi-the-validation-report-for-refused = Le rapport de validation, pour les fichiers refusés
openapi-sha-256-of-the-bytes = SHA-256 des octets reçus
openapi-bad-quarter-kind-profile-or = Trimestre, sorte, profil ou formulaire non valide
openapi-token-missing-wrong-or-revoked = Jeton absent, erroné ou révoqué
openapi-the-token-belongs-to-another = Le jeton appartient à un autre organisme
openapi-the-file-is-larger-than = Le fichier dépasse la limite du serveur
openapi-the-file-was-not-accepted = Le fichier n'a pas été accepté (identifiants, données non valides ; voir `report`), ou une Idempotency-Key a été réutilisée pour un autre téléversement
openapi-too-many-requests = Trop de requêtes
