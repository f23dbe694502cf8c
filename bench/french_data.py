"""Realistic French data for the benchmark commune: names, streets, quartiers, texts.

Names carry the accents, hyphens, apostrophes and particles the citizen
search must forgive; streets are grouped in quartiers as a town plan would.
"""
from __future__ import annotations

FIRST_NAMES_F = (
    "Marie", "Camille", "Léa", "Chloé", "Manon", "Inès", "Zoé", "Anaïs", "Maëlle", "Éloïse",
    "Hélène", "Sophie", "Nathalie", "Isabelle", "Françoise", "Monique", "Sylvie", "Céline", "Aurélie",
    "Émilie", "Gaëlle", "Noémie", "Océane", "Clémence", "Agnès", "Béatrice", "Geneviève", "Josiane",
    "Marie-Claire", "Anne-Sophie", "Marie-Thérèse", "Fatima", "Aïcha", "Yasmine", "Khadija", "Amina",
    "Leïla", "Sarah", "Lucie", "Juliette", "Louise", "Alice", "Jeanne", "Margaux", "Mélanie", "Nadège",
)
FIRST_NAMES_M = (
    "Jean", "Pierre", "Louis", "Lucas", "Hugo", "Noé", "Théo", "Raphaël", "Gabriel", "Mathéo",
    "François", "Jérôme", "Loïc", "Benoît", "Stéphane", "Frédéric", "Sébastien", "Grégoire", "Hervé",
    "André", "Gérard", "Michel", "Bernard", "Thierry", "Joël", "Gaël", "Anthony", "Mickaël",
    "Jean-Pierre", "Jean-Marc", "Jean-François", "Pierre-Yves", "Jean-Baptiste", "Mohamed", "Karim",
    "Mehdi", "Youssef", "Amadou", "Moussa", "Nicolas", "Julien", "Antoine", "Baptiste", "Étienne",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
    "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier",
    "Robin", "Masson", "Sanchez", "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly",
    "Gautier", "Roger", "Roche", "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand",
    "Dufour", "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez",
    "Le Gall", "Le Goff", "Le Roux", "Da Silva", "Dos Santos", "N'Diaye", "Diallo", "Traoré", "Benali",
    "Haddad", "Belkacem", "Ben Saïd", "Lefèvre-Utile", "Dupont-Aignan", "Bérenger", "Ducrocq", "Lecœur",
    "D'Almeida", "Saint-Just", "Van der Berg", "Pâris", "Gaspard-Huit", "Hébert", "Ménard", "Thébault",
)
BIRTH_PLACES = (
    "Orléans", "Paris 14e", "Tours", "Blois", "Montargis", "Gien", "Bourges", "Chartres", "Lyon 3e",
    "Nantes", "Lille", "Marseille 8e", "Toulouse", "Alger", "Dakar", "Lisbonne", "Casablanca", "Saint-Denis",
)
EMAIL_DOMAINS = ("gmail.com", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "sfr.fr", "outlook.fr",
                 "hotmail.fr", "yahoo.fr", "icloud.com")

# Eight quartiers, five streets each: the quartier of a citizen follows from the street.
QUARTIERS = {
    "Centre-ville": ("rue de la République", "place du Martroi", "rue Jeanne-d'Arc", "rue des Halles",
                     "boulevard Gambetta"),
    "Les Aubrais": ("avenue de la Gare", "rue Marcel-Proust", "rue du Onze-Novembre", "allée des Tilleuls",
                    "rue Édouard-Vaillant"),
    "La Source": ("avenue de la Recherche", "rue Henri-Poincaré", "allée Marie-Curie", "rue de l'Université",
                  "place Albert-Camus"),
    "Saint-Marceau": ("rue Dauphine", "quai de la Loire", "rue des Roses", "avenue Dauphine", "rue du Pont-Cotelle"),
    "Blossières": ("rue des Blossières", "rue de la Borde", "allée des Peupliers", "rue Jean-Jaurès",
                   "impasse des Vergers"),
    "Les Acacias": ("rue des Acacias", "rue Pierre-et-Marie-Curie", "allée Camille-Claudel",
                    "rue Georges-Brassens", "square Louise-Michel"),
    "Bourgogne": ("rue de Bourgogne", "rue de l'Écu-d'Or", "rue Sainte-Catherine", "place du Châtelet",
                  "rue du Poirier"),
    "Val-Fleuri": ("chemin du Moulin", "route de Saint-Aubin", "rue des Écoles", "allée du Château-d'Eau",
                   "rue de la Fontaine"),
}
POSTCODE = "45900"
CITY = "Villeneuve-sur-Loire"
# Centre of the (fictional) commune, for the locations of street reports.
CENTRE_LAT, CENTRE_LON = 47.9030, 1.9093

SERVICES_OF_THE_COMMUNE = (
    # code, name, direction, e-mail
    ("voirie", "Voirie", "Direction des services techniques", "voirie@villeneuve-sur-loire.fr"),
    ("proprete", "Propreté urbaine", "Direction des services techniques", "proprete@villeneuve-sur-loire.fr"),
    ("espaces_verts", "Espaces verts", "Direction des services techniques", "espaces-verts@villeneuve-sur-loire.fr"),
)

SUBJECTS = {
    "signalement_voirie": ("Nid-de-poule dangereux", "Trottoir dégradé", "Panneau de signalisation tombé",
                           "Éclairage public en panne", "Chaussée affaissée", "Regard d'égout descellé"),
    "depot_sauvage": ("Dépôt sauvage d'encombrants", "Sacs d'ordures au pied du conteneur",
                      "Gravats abandonnés", "Tags sur le mur de l'école"),
    "demande_elagage": ("Branches sur la chaussée", "Haie débordant sur le trottoir", "Arbre menaçant de tomber"),
    "rendez_vous_titres": ("Rendez-vous carte d'identité", "Rendez-vous passeport", "Renouvellement CNI et passeport"),
    "nuisances_sonores": ("Bruit de chantier tôt le matin", "Aboiements répétés", "Musique forte la nuit"),
}
DEFAULT_SUBJECTS = ("Demande de {label}", "{label} — dossier", "{label} : pièces complémentaires")

PUBLIC_MESSAGES = (
    "Bonjour, nous avons bien reçu votre demande ; elle est en cours de traitement.",
    "Bonjour, pourriez-vous nous transmettre un justificatif de domicile de moins de trois mois ?",
    "Votre demande a été transmise au service compétent, qui vous recontactera.",
    "L'intervention est planifiée dans les prochains jours. Merci de votre patience.",
    "Votre dossier est complet. Vous recevrez une réponse par courrier.",
    "Merci pour ces précisions, nous reprenons l'instruction de votre demande.",
)
INTERNAL_NOTES = (
    "Appel de l'usager : rappeler en fin de matinée.",
    "Vu avec le chef d'équipe, passage prévu jeudi.",
    "Pièce manquante relancée par téléphone.",
    "Doublon possible avec une demande précédente : vérifié, distinct.",
    "Transmis au prestataire, bon de commande en cours.",
)
