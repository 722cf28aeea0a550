"""French demo content of the public site, written from the field facts of the OGO network.

Déclic is real; the seven other associations are invented for the demonstration (marked `is_demo`).
"""

from datetime import date

ASSOCIATIONS = [
    # slug, name, city, postcode, département, street, lat, lon, services, is_demo, description
    (
        "declic",
        "Déclic",
        "Redon",
        "35600",
        "35",
        "Zone d'activités de la Gare",
        "47.6517",
        "-2.0843",
        ("sale", "repair", "collection", "rental"),
        False,
        "Atelier de reconditionnement depuis 2016 : nettoyage, effacement, réinstallation et vente locale.",
    ),
    (
        "atelier-du-leon",
        "L'Atelier du Léon",
        "Brest",
        "29200",
        "29",
        "12 rue de la Forge",
        "48.3904",
        "-4.4861",
        ("sale", "repair", "training"),
        True,
        "Réemploi et ateliers d'initiation au numérique dans le Pays de Brest.",
    ),
    (
        "cornouaille-numerique",
        "Cornouaille Numérique Solidaire",
        "Quimper",
        "29000",
        "29",
        "4 allée des Tisserands",
        "47.9960",
        "-4.1028",
        ("sale", "rental", "training"),
        True,
        "Équipement des familles et des associations de Cornouaille.",
    ),
    (
        "ressourcerie-du-scorff",
        "Ressourcerie informatique du Scorff",
        "Lorient",
        "56100",
        "56",
        "27 quai des Indes",
        "47.7483",
        "-3.3700",
        ("sale", "collection", "repair"),
        True,
        "Collecte auprès des entreprises du pays de Lorient et revente à petit prix.",
    ),
    (
        "golfe-reemploi",
        "Golfe Réemploi",
        "Vannes",
        "56000",
        "56",
        "8 rue du Port",
        "47.6559",
        "-2.7603",
        ("sale", "rental", "collection"),
        True,
        "Location solidaire et accompagnement aux démarches en ligne.",
    ),
    (
        "penthievre-ordi",
        "Penthièvre Ordi",
        "Saint-Brieuc",
        "22000",
        "22",
        "15 boulevard Carnot",
        "48.5136",
        "-2.7603",
        ("repair", "training", "collection"),
        True,
        "Réparation, formation et permanences numériques.",
    ),
    (
        "tregor-recup",
        "Trégor Récup'Info",
        "Lannion",
        "22300",
        "22",
        "3 rue des Chapeliers",
        "48.7326",
        "-3.4566",
        ("sale", "repair"),
        True,
        "Seconde vie du matériel des collectivités du Trégor.",
    ),
    (
        "rennes-ordi-partage",
        "Ordi Partagé Rennes",
        "Rennes",
        "35000",
        "35",
        "40 rue de Saint-Malo",
        "48.1173",
        "-1.6778",
        ("sale", "rental", "training", "collection"),
        True,
        "Le plus grand atelier de la métropole : vente, location et formation.",
    ),
]

OPENING_HOURS = "Mardi – vendredi : 9 h 30 – 12 h 30, 14 h – 18 h\nSamedi : 10 h – 13 h\nFermé le dimanche et le lundi"

PARTNERS = [
    # name, kind, url, colour, description
    (
        "Région Bretagne",
        "funder",
        "https://www.bretagne.bzh/",
        "#1d5b45",
        "A confié son parc informatique au réseau en 2022 et vise 100 % de réemploi.",
    ),
    (
        "La Poste",
        "donor",
        "https://www.laposte.fr/",
        "#8a6d00",
        "Ses ordinateurs portables sont reconditionnés par Déclic puis remis à des jeunes.",
    ),
    (
        "Mission locale du Pays de Redon",
        "programme",
        "https://www.mission-locale-redon.example/",
        "#0b57d0",
        "Remet les ordinateurs reconditionnés aux jeunes qu'elle accompagne.",
    ),
    (
        "Département d'Ille-et-Vilaine",
        "funder",
        "https://www.ille-et-vilaine.fr/",
        "#7a1f5c",
        "Soutient les permanences d'inclusion numérique.",
    ),
    (
        "Fondation pour le numérique solidaire",
        "funder",
        "https://fondation.example/",
        "#5b3d1d",
        "Finance l'équipement des ateliers (démonstration).",
    ),
    (
        "Réseau des lycées bretons",
        "donor",
        "https://lycees.example/",
        "#1d4f5b",
        "Les 105 lycées de la Région rejoindront la démarche de réemploi (démonstration).",
    ),
]

NEWS = [
    # slug, title, date, intro, tags, body paragraphs, key figure
    (
        "collecte-region-fevrier-2022",
        "300 ordinateurs de la Région collectés en une semaine",
        date(2022, 2, 25),
        "Deux salariés et un camion : la première opération avec la Région Bretagne a permis de récupérer plus de "
        "300 postes fixes, portables et serveurs.",
        ["collecte", "région"],
        [
            "Les agents de la Région ont préparé le matériel par lots ; l'équipe de Déclic l'a chargé en quatre "
            "tournées.",
            "Chaque appareil reçoit une étiquette à son arrivée : son parcours sera suivi jusqu'à son "
            "nouvel utilisateur.",
        ],
        ("300+", "appareils collectés en février 2022"),
    ),
    (
        "label-numerique-responsable",
        "La Région vise 100 % de réemploi de son parc",
        date(2022, 6, 14),
        "Labellisée Numérique Responsable, la Région s'engage à donner une seconde vie à tout son matériel "
        "informatique, puis à celui des lycées.",
        ["région", "réemploi"],
        [
            "Moins de 5 % des équipements informatiques sont réemployés en France. L'objectif de la Région change "
            "d'échelle.",
            "Les 105 lycées dont elle a la charge suivront.",
        ],
        ("105", "lycées concernés à terme"),
    ),
    (
        "location-stagiaires",
        "Un ordinateur pour 5 € par mois pendant la formation",
        date(2023, 1, 9),
        "Les stagiaires des formations financées par la Région peuvent louer un ordinateur reconditionné pour "
        "suivre leurs cours à distance.",
        ["location", "formation"],
        ["La location couvre la durée de la formation. L'appareil est rendu à la fin, effacé, puis reloué."],
        ("5 €", "par mois, sacoche et chargeur compris"),
    ),
    (
        "laposte-mission-locale",
        "Des portables de La Poste pour les jeunes du Pays de Redon",
        date(2023, 9, 18),
        "Reconditionnés par Déclic, quarante ordinateurs portables de La Poste sont remis par la Mission locale "
        "aux jeunes qu'elle accompagne.",
        ["don", "jeunesse"],
        ["Les jeunes reçoivent l'appareil lors d'un rendez-vous avec leur conseiller ou conseillère."],
        ("40", "portables remis"),
    ),
    (
        "declic-insertion",
        "Déclic : 23 salariés dont 14 en insertion",
        date(2024, 3, 5),
        "Le reconditionnement est aussi un métier d'avenir : à Déclic, plus de la moitié de l'équipe est en "
        "parcours d'insertion.",
        ["emploi", "atelier"],
        ["Nettoyage, tests, effacement des données, réinstallation : chaque étape s'apprend à l'atelier."],
        ("14", "personnes en insertion sur 23"),
    ),
    (
        "circul-lettre-printemps",
        "La Circul'lettre du printemps est parue",
        date(2025, 4, 2),
        "Chiffres du trimestre, portrait d'une technicienne et calendrier des permanences : abonnez-vous pour la "
        "recevoir.",
        ["lettre"],
        ["La lettre paraît quatre fois par an. L'inscription se confirme par un lien envoyé par courriel."],
        None,
    ),
    (
        "traçabilite-passeport",
        "Chaque appareil a désormais son passeport",
        date(2026, 5, 20),
        "En scannant le code QR d'un appareil, on découvre son origine, la date et la méthode de son effacement et "
        "les tests réalisés.",
        ["traçabilité"],
        ["Aucune donnée personnelle n'apparaît sur le passeport : seulement des catégories."],
        None,
    ),
]

STORIES = [
    (
        "premiere-operation-region",
        "Février 2022 : la première collecte avec la Région",
        date(2022, 3, 10),
        "Récit d'une semaine de collecte et de ce que sont devenus les appareils.",
        ["région", "collecte"],
        [
            "Il a fallu trier, étiqueter, nettoyer. Quelques mois plus tard, des portables partaient en location "
            "chez des stagiaires, des postes fixes équipaient des CCAS et des associations."
        ],
        "« Nos ordinateurs servent encore, et nous savons à qui. »",
        "Un agent de la Région",
    ),
    (
        "jeunes-pays-de-redon",
        "Un ordinateur pour chercher son premier emploi",
        date(2023, 10, 2),
        "À Redon, des jeunes accompagnés par la Mission locale ont reçu un portable reconditionné.",
        ["jeunesse", "don"],
        [
            "CV, candidatures, démarches : sans ordinateur, tout devient plus difficile. La remise s'accompagne "
            "d'une prise en main à l'atelier."
        ],
        "« J'ai envoyé ma première candidature le soir même. »",
        "Un jeune accompagné",
    ),
    (
        "formation-a-distance",
        "Se former à distance avec un ordinateur loué 5 €",
        date(2024, 1, 22),
        "Une stagiaire d'une formation financée par la Région raconte ses mois de cours en ligne.",
        ["location", "formation"],
        [
            "L'appareil est arrivé effacé et prêt, avec sa sacoche. Elle l'a rendu à la fin de la formation ; il "
            "a été effacé à nouveau et prêté à une autre stagiaire."
        ],
        "« Sans cet ordinateur, je n'aurais pas pu suivre la formation. »",
        "Une stagiaire",
    ),
]

LEGAL_PAGES = {
    "mentions-legales": (
        "Mentions légales",
        [
            ("heading", "Éditeur du site"),
            (
                "paragraph",
                "<p>Le site est édité par OGO – Ordi Grand Ouest, réseau d'associations de réemploi "
                "informatique en Bretagne (adresse de démonstration).</p>",
            ),
            ("heading", "Hébergement"),
            ("paragraph", "<p>Hébergeur : à compléter lors de la mise en production.</p>"),
        ],
    ),
    "cgv": (
        "Conditions générales de vente",
        [
            ("heading", "Produits reconditionnés"),
            (
                "paragraph",
                "<p>Un produit reconditionné a vu toutes ses fonctions testées et toutes les données des "
                "utilisateurs précédents effacées (décret n° 2022-190).</p>",
            ),
            ("heading", "Garantie légale de conformité"),
            (
                "paragraph",
                "<p>Les biens d'occasion bénéficient d'une garantie légale de conformité de deux ans. "
                "Pendant les douze mois qui suivent la livraison, un défaut est présumé exister au moment "
                "de la livraison.</p>",
            ),
            ("heading", "Droit de rétractation"),
            (
                "paragraph",
                "<p>Vous disposez de quatorze jours à compter de la livraison ou du retrait pour vous "
                "rétracter, sans avoir à vous justifier, depuis la page de votre commande ou avec le "
                "formulaire ci-dessous.</p>",
            ),
            ("heading", "Formulaire de rétractation"),
            (
                "paragraph",
                "<p>À l'attention de OGO – Ordi Grand Ouest : je vous notifie par la présente ma "
                "rétractation du contrat portant sur la vente du bien ci-dessous. Commandé le / reçu le : "
                "… Nom : … Adresse : … Date et signature (en cas d'envoi sur papier) : …</p>",
            ),
        ],
    ),
    "confidentialite": (
        "Politique de confidentialité",
        [
            ("heading", "Données traitées"),
            (
                "paragraph",
                "<p>Nous traitons les données nécessaires aux commandes, aux locations et à la lettre "
                "d'information, sur la base du contrat ou de votre consentement.</p>",
            ),
            ("heading", "Durées de conservation"),
            (
                "paragraph",
                "<p>Les comptes clients inactifs sont supprimés après trois ans. Les demandes de location "
                "refusées et leurs justificatifs sont effacés automatiquement à l'issue de la durée de "
                "conservation. Les rapports aux donateurs ne contiennent que des catégories de "
                "bénéficiaires, jamais d'identité.</p>",
            ),
        ],
    ),
    "accessibilite": (
        "Déclaration d'accessibilité",
        [
            ("heading", "État de conformité"),
            (
                "paragraph",
                "<p>Ce site est partiellement conforme au référentiel général d'amélioration de "
                "l'accessibilité (RGAA 4.1). Les pages sont vérifiées automatiquement à chaque "
                "modification.</p>",
            ),
            ("heading", "Nous signaler un problème"),
            ("paragraph", "<p>Écrivez-nous depuis la page Contact : nous vous répondrons sous dix jours.</p>"),
        ],
    ),
}

CONTACT_FIELDS = [
    ("Votre nom", "singleline", True, ""),
    ("Votre adresse électronique", "email", True, ""),
    ("Objet", "singleline", True, ""),
    ("Votre message", "multiline", True, ""),
]
DONATION_FIELDS = [
    ("Organisation", "singleline", True, ""),
    ("Personne à contacter", "singleline", True, ""),
    ("Adresse électronique", "email", True, ""),
    ("Téléphone", "singleline", False, ""),
    ("Nombre d'ordinateurs portables", "number", False, ""),
    ("Nombre d'ordinateurs fixes", "number", False, ""),
    ("Nombre d'écrans", "number", False, ""),
    ("Autres appareils (nombre et nature)", "singleline", False, ""),
    ("Commune où se trouve le matériel", "singleline", True, ""),
    ("Commentaires", "multiline", False, ""),
]
