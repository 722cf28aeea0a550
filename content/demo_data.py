"""French demo content of the public site, written from the field facts of the OGO network (see DESIGN.md).

Déclic is a real association: only what is public about it is said, with a generic address and contact
details from the ranges reserved for fiction. The seven other associations, the foundation and every quote
are invented for the demonstration (member pages carry `is_demo`).

Phone numbers come from the 02 61 91 xx xx range that ARCEP reserves for works of fiction; e-mail
addresses use the reserved `.example` domain. Body blocks are written as StreamField raw data through the
small helpers below, whose names follow `content.blocks.BaseStreamBlock`.
"""

from datetime import date

# --- StreamField raw data --------------------------------------------------------------------------------


def heading(text):
    return {"type": "heading", "value": text}


def paragraph(*texts):
    return {"type": "paragraph", "value": "".join(f"<p>{text}</p>" for text in texts)}


def legal_facts(facts):
    """The publisher, the host or the mediator, as set in Settings › Organisation (never typed in a page)."""
    return {"type": "legal_facts", "value": {"facts": facts}}


def bullets(*items):
    return {"type": "paragraph", "value": "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"}


def quote(text, attribution=""):
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def key_figure(value, label, source=""):
    return {"type": "key_figure", "value": {"value": value, "label": label, "source": source}}


def call_to_action(title, button_label, url, text=""):
    return {
        "type": "call_to_action",
        "value": {"title": title, "text": text, "button_label": button_label, "page": None, "url": url},
    }


def video_link(title, url, duration="", description=""):
    return {
        "type": "video_link",
        "value": {"title": title, "url": url, "duration": duration, "description": description},
    }


# --- Home page ----------------------------------------------------------------------------------------------

HOME = {
    "hero_title": "Une seconde vie pour le matériel informatique",
    "hero_text": "Le réseau OGO fédère huit associations bretonnes qui collectent les ordinateurs des institutions, "
    "effacent les données, les reconditionnent et les remettent en service : vente, location solidaire, dons.",
    "shop_cta": "Des ordinateurs testés et effacés, garantis deux ans, à retirer dans l'atelier le plus proche.",
    "rental_cta": "Stagiaire d'une formation financée par la Région ? Un ordinateur pour 5 € par mois.",
    "seo_title": "Réemploi informatique en Bretagne – réseau OGO",
    "search_description": "Ordinateurs reconditionnés, location solidaire et traçabilité du matériel donné.",
    "body": [
        heading("Pourquoi le réemploi ?"),
        paragraph(
            "En France, moins d'un appareil informatique sur vingt connaît une seconde vie. Pourtant, la plupart "
            "des ordinateurs remplacés par les collectivités et les entreprises fonctionnent encore très bien.",
            "Les associations du réseau les récupèrent, effacent toutes les données des anciens utilisateurs, "
            "les testent et les remettent à celles et ceux qui en ont besoin, près de chez eux.",
        ),
        key_figure("< 5 %", "des équipements informatiques sont réemployés en France"),
        heading("Savoir ce que devient chaque appareil"),
        paragraph(
            "Chaque ordinateur donné reçoit une étiquette à son arrivée. Son effacement, ses tests et sa "
            "destination sont consignés : le donateur sait qui bénéficie de sa seconde vie, sans qu'aucune "
            "donnée personnelle ne lui soit transmise."
        ),
    ],
}

# --- The network -------------------------------------------------------------------------------------------

NETWORK = {
    "title": "Le réseau",
    "intro": "<p>Huit associations de réemploi, de Brest à Rennes, fédérées depuis juillet 2020 au sein "
    "d'OGO – Ordi Grand Ouest.</p>",
    "seo_title": "Les associations du réseau OGO",
    "search_description": "Les ateliers de réemploi informatique du réseau OGO en Bretagne : adresses, horaires, "
    "services.",
}

ASSOCIATIONS = [
    {
        "slug": "declic",
        "name": "Déclic",
        "short_description": "Atelier de reconditionnement depuis 2016 : nettoyage, effacement des données, "
        "réinstallation et vente aux structures locales comme aux particuliers.",
        "body": [
            heading("Un atelier d'insertion"),
            paragraph(
                "Déclic reconditionne des ordinateurs depuis 2016. Chaque appareil est nettoyé à l'intérieur "
                "comme à l'extérieur, ses données sont effacées, puis le système est réinstallé avant la vente.",
                "Les appareils partent vers les CCAS, les associations, les artisans et les commerçants du "
                "territoire, ainsi que vers les particuliers.",
            ),
            key_figure("14 sur 23", "salariés de l'équipe en parcours d'insertion"),
            heading("Labels et certifications"),
            bullets(
                "Certification pour le traitement des déchets d'équipements électriques et électroniques (DEEE)",
                "Label Ordi 3.0",
                "Démarche ISO 9001 en cours",
            ),
        ],
    },
    {
        "slug": "atelier-du-leon",
        "name": "L'Atelier du Léon",
        "short_description": "Réemploi et ateliers d'initiation au numérique dans le pays de Brest.",
        "body": [
            paragraph(
                "Installée près du port, l'association remet en état les postes des administrations du Finistère "
                "nord et propose chaque semaine des ateliers pour apprendre à se servir d'un ordinateur.",
            ),
            bullets("Vente de portables et de postes fixes", "Réparation sur rendez-vous", "Ateliers débutants"),
        ],
    },
    {
        "slug": "cornouaille-numerique",
        "name": "Cornouaille Numérique Solidaire",
        "short_description": "Équipement des familles et des associations de Cornouaille, location pour les "
        "stagiaires en formation.",
        "body": [
            paragraph(
                "L'association équipe les foyers qui n'ont pas d'ordinateur et accompagne la prise en main. Elle "
                "prête aussi des portables aux stagiaires des formations financées par la Région.",
            ),
        ],
    },
    {
        "slug": "ressourcerie-du-scorff",
        "name": "Ressourcerie informatique du Scorff",
        "short_description": "Collecte auprès des entreprises du pays de Lorient et revente à petit prix.",
        "body": [
            paragraph(
                "La ressourcerie passe chercher le matériel des entreprises et des collectivités du pays de "
                "Lorient. Ce qui ne peut pas être réparé part en recyclage dans la filière DEEE.",
            ),
        ],
    },
    {
        "slug": "golfe-reemploi",
        "name": "Golfe Réemploi",
        "short_description": "Location solidaire et accompagnement aux démarches en ligne autour du golfe du Morbihan.",
        "body": [
            paragraph(
                "Golfe Réemploi loue des ordinateurs aux stagiaires et aide chacun à faire ses démarches "
                "administratives en ligne lors de permanences sans rendez-vous.",
            ),
        ],
    },
    {
        "slug": "penthievre-ordi",
        "name": "Penthièvre Ordi",
        "short_description": "Réparation, formation et permanences numériques dans la baie de Saint-Brieuc.",
        "body": [
            paragraph(
                "On y apporte un ordinateur lent ou en panne : les bénévoles cherchent la cause avec vous et "
                "vous apprennent à l'entretenir.",
            ),
        ],
    },
    {
        "slug": "tregor-recup",
        "name": "Trégor Récup'Info",
        "short_description": "Seconde vie du matériel des collectivités et des entreprises du Trégor.",
        "body": [
            paragraph(
                "Dans un territoire marqué par l'électronique, l'association redonne vie aux postes des "
                "entreprises locales et les vend à prix solidaire.",
            ),
        ],
    },
    {
        "slug": "rennes-ordi-partage",
        "name": "Ordi Partagé Rennes",
        "short_description": "Le plus grand atelier de la métropole rennaise : vente, location et formation.",
        "body": [
            paragraph(
                "L'atelier rennais traite une grande partie du matériel des lycées et des services de la "
                "métropole. Une salle de formation accueille les stagiaires qui découvrent l'ordinateur qu'ils "
                "ont loué.",
            ),
        ],
    },
]

# --- Partners --------------------------------------------------------------------------------------------

PARTNERS_PAGE = {
    "title": "Partenaires",
    "intro": "<p>Collectivités, entreprises et programmes qui rendent le réemploi possible : ils donnent leur "
    "matériel, financent les ateliers ou remettent les ordinateurs à ceux qui en ont besoin.</p>",
    "seo_title": "Ils nous soutiennent",
}

PARTNERS = [
    {
        "name": "Région Bretagne",
        "kind": "funder",
        "url": "https://www.bretagne.bzh/",
        "colour": "#1d5b45",
        "description": "Labellisée Numérique Responsable, elle confie son parc informatique au réseau depuis 2022 "
        "et vise 100 % de réemploi, puis celui des lycées dont elle a la charge.",
    },
    {
        "name": "La Poste",
        "kind": "donor",
        "url": "https://www.laposte.fr/",
        "colour": "#8a6d00",
        "description": "Ses ordinateurs portables sont reconditionnés par Déclic puis remis à des jeunes du "
        "pays de Redon.",
    },
    {
        "name": "Mission locale du Pays de Redon",
        "kind": "programme",
        "url": "",
        "colour": "#0b57d0",
        "description": "Remet les ordinateurs reconditionnés aux jeunes qu'elle accompagne vers l'emploi et la "
        "formation.",
    },
    {
        "name": "Département d'Ille-et-Vilaine",
        "kind": "funder",
        "url": "",
        "colour": "#7a1f5c",
        "description": "Exemple de démonstration : soutien aux permanences d'inclusion numérique.",
    },
    {
        "name": "Fondation Numérique Solidaire",
        "kind": "funder",
        "url": "",
        "colour": "#5b3d1d",
        "description": "Fondation fictive de démonstration : finance l'outillage des ateliers.",
    },
    {
        "name": "Réseau des lycées bretons",
        "kind": "donor",
        "url": "",
        "colour": "#1d4f5b",
        "description": "Exemple de démonstration : les lycées publics de la Région rejoignent la démarche et "
        "confient leur matériel réformé aux ateliers.",
    },
]

# --- News and stories ------------------------------------------------------------------------------------

NEWS_INDEX = {
    "title": "Actualités",
    "intro": "<p>La vie des ateliers et du réseau : collectes, nouveaux partenaires, chiffres et rendez-vous.</p>",
}
STORIES_INDEX = {
    "title": "Histoires collectives",
    "intro": "<p>Ce que devient le matériel donné, raconté par celles et ceux qui s'en servent.</p>",
}

GIVE_CTA = call_to_action(
    "Vous aussi, donnez une seconde vie à votre matériel",
    "Donner du matériel",
    "/donner/",
    "Collectivités, entreprises, établissements : nous venons chercher vos ordinateurs et vous disons ce qu'ils "
    "deviennent.",
)
SHOP_CTA = call_to_action(
    "Besoin d'un ordinateur ?", "Voir la boutique", "/boutique/", "Des appareils reconditionnés, testés et garantis."
)
RENTAL_CTA = call_to_action(
    "En formation financée par la Région ?",
    "Demander une location",
    "/location/",
    "Un ordinateur portable pour 5 € par mois, le temps de votre formation.",
)

# image: (background colour, caption drawn on the illustration, alternative text). Pillow's default font has no
# accented letters and no euro sign: captions stay in plain ASCII.
NEWS = [
    {
        "slug": "collecte-region-fevrier-2022",
        "title": "Plus de 300 appareils de la Région collectés en une semaine",
        "date": date(2022, 2, 25),
        "intro": "Deux salariés et un camion : la première opération avec la Région Bretagne a permis de récupérer "
        "plus de 300 postes fixes, portables, serveurs et autres équipements.",
        "tags": ["collecte", "région"],
        "image": (
            "#1d5b45",
            "Collecte 2022",
            "Illustration : silhouette d'ordinateur portable sur fond vert, avec la mention « Collecte 2022 ».",
        ),
        "body": [
            heading("Une semaine de tournées"),
            paragraph(
                "Les services de la Région avaient regroupé le matériel par site. L'équipe de Déclic l'a chargé en "
                "plusieurs tournées, avec un seul camion et deux personnes.",
                "À l'atelier, chaque appareil a reçu une étiquette dès son déchargement : son parcours est suivi "
                "jusqu'à son nouvel utilisateur.",
            ),
            key_figure("300+", "appareils collectés en février 2022", "Déclic"),
            quote(
                "On ne savait pas ce que devenaient nos anciens postes. Aujourd'hui, on peut le dire appareil par "
                "appareil.",
                "Un agent de la Région (témoignage de démonstration)",
            ),
            GIVE_CTA,
        ],
    },
    {
        "slug": "label-numerique-responsable",
        "title": "La Région vise 100 % de réemploi de son parc",
        "date": date(2022, 6, 14),
        "intro": "Labellisée Numérique Responsable, la Région s'engage à offrir une seconde vie à tout son matériel "
        "informatique, puis à celui des lycées.",
        "tags": ["région", "réemploi"],
        "image": None,
        "body": [
            paragraph(
                "En France, moins de 5 % des équipements informatiques sont réemployés. L'objectif fixé par la "
                "Région change donc d'échelle : aucun poste en état de marche ne doit partir à la benne."
            ),
            key_figure("105", "lycées concernés à terme"),
            heading("Et ensuite ?"),
            paragraph(
                "Après les services régionaux, ce sont les lycées publics dont la Région a la charge qui confieront "
                "leur matériel réformé aux associations du réseau."
            ),
        ],
    },
    {
        "slug": "location-stagiaires",
        "title": "Un ordinateur pour 5 € par mois pendant la formation",
        "date": date(2023, 1, 9),
        "intro": "Les stagiaires des formations financées par la Région peuvent louer un ordinateur reconditionné "
        "pour suivre leurs cours à distance.",
        "tags": ["location", "formation"],
        "image": (
            "#0b57d0",
            "5 euros / mois",
            "Illustration : silhouette d'ordinateur portable sur fond bleu, avec la mention « 5 euros par mois ».",
        ),
        "body": [
            heading("Comment ça marche"),
            bullets(
                "Vous déposez une demande avec votre attestation d'inscription.",
                "L'atelier le plus proche prépare un portable effacé et testé.",
                "Vous signez la convention de prêt et payez 5 € chaque mois.",
                "À la fin de la formation, vous rendez l'appareil : il est effacé puis prêté à nouveau.",
            ),
            key_figure("5 €", "par mois, chargeur et sacoche compris"),
            video_link(
                "Louer un ordinateur pendant sa formation",
                "https://video.example/ogo/location-formation",
                "2 min",
                "Vidéo de démonstration (adresse fictive).",
            ),
            RENTAL_CTA,
        ],
    },
    {
        "slug": "laposte-mission-locale",
        "title": "Des portables de La Poste pour les jeunes du pays de Redon",
        "date": date(2023, 9, 18),
        "intro": "Reconditionnés par Déclic, des ordinateurs portables de La Poste sont remis par la Mission locale "
        "du Pays de Redon aux jeunes qu'elle accompagne.",
        "tags": ["don", "jeunesse"],
        "image": (
            "#8a6d00",
            "Don",
            "Illustration : silhouette d'ordinateur portable sur fond ocre, avec la mention « Don ».",
        ),
        "body": [
            paragraph(
                "Les portables réformés par La Poste sont passés par l'atelier de Déclic : nettoyage, effacement "
                "des données, réinstallation et tests.",
                "La Mission locale les remet ensuite aux jeunes lors d'un rendez-vous avec leur conseiller ou leur "
                "conseillère, avec une courte prise en main.",
            ),
            key_figure("40", "portables remis (chiffre de démonstration)"),
            quote(
                "Un CV, une candidature, une formation en ligne : tout commence par un ordinateur.", "La Mission locale"
            ),
        ],
    },
    {
        "slug": "declic-insertion",
        "title": "Déclic : 23 salariés, dont 14 en insertion",
        "date": date(2024, 3, 5),
        "intro": "Le reconditionnement est aussi un métier : chez Déclic, plus de la moitié de l'équipe est en "
        "parcours d'insertion.",
        "tags": ["emploi", "atelier"],
        "image": None,
        "body": [
            heading("Un métier qui s'apprend à l'atelier"),
            paragraph(
                "Nettoyage, diagnostic, effacement des données, réinstallation, tests : chaque étape s'apprend au "
                "poste de travail, aux côtés de techniciens expérimentés."
            ),
            key_figure("14", "personnes en insertion sur 23 salariés"),
            paragraph(
                "L'association est certifiée pour le traitement des DEEE, détient le label Ordi 3.0 et prépare la "
                "certification ISO 9001."
            ),
            video_link(
                "Une journée à l'atelier",
                "https://video.example/ogo/journee-atelier",
                "4 min",
                "Vidéo de démonstration (adresse fictive).",
            ),
        ],
    },
    {
        "slug": "circul-lettre-printemps",
        "title": "La Circul'lettre du printemps est parue",
        "date": date(2025, 4, 2),
        "intro": "Chiffres du trimestre, portrait d'une technicienne et calendrier des permanences : abonnez-vous "
        "pour recevoir la lettre du réseau.",
        "tags": ["lettre"],
        "image": None,
        "body": [
            paragraph(
                "La Circul'lettre paraît quatre fois par an. L'inscription se confirme par un lien envoyé par "
                "courriel, et chaque numéro contient un lien de désinscription."
            ),
            call_to_action("Recevoir la Circul'lettre", "S'abonner", "/newsletter/"),
        ],
    },
    {
        "slug": "tracabilite-passeport",
        "title": "Chaque appareil a désormais son passeport",
        "date": date(2026, 5, 20),
        "intro": "En scannant le code QR collé sur un appareil, on découvre son origine, la date et la méthode de son "
        "effacement et les tests qu'il a passés.",
        "tags": ["traçabilité"],
        "image": (
            "#1d4f5b",
            "Passeport",
            "Illustration : silhouette d'ordinateur portable sur fond bleu-vert, avec la mention « Passeport ».",
        ),
        "body": [
            heading("Ce que montre le passeport"),
            bullets(
                "la catégorie du donateur (collectivité, entreprise…)",
                "l'effacement des données : méthode, date, résultat",
                "les tests de fonctionnement et le grade esthétique",
                "la garantie qui s'applique",
            ),
            paragraph(
                "Aucune donnée personnelle n'y figure : ni l'identité du donateur d'origine, ni celle de l'acheteur."
            ),
            SHOP_CTA,
        ],
    },
]

STORIES = [
    {
        "slug": "premiere-operation-region",
        "title": "Février 2022 : la première collecte avec la Région",
        "date": date(2022, 3, 10),
        "intro": "Récit d'une semaine de collecte, et de ce que sont devenus les appareils des services régionaux.",
        "tags": ["région", "collecte"],
        "image": (
            "#1d5b45",
            "Lot 2022-01",
            "Illustration : silhouette d'ordinateur portable sur fond vert, avec la mention « Lot 2022-01 ».",
        ),
        "body": [
            paragraph(
                "Il a fallu trier, étiqueter, nettoyer. Quelques mois plus tard, des portables partaient en location "
                "chez des stagiaires et des postes fixes équipaient des CCAS et des associations.",
                "Les appareils trop anciens ont été démontés : leurs pièces ont servi à en réparer d'autres, le reste "
                "est parti dans la filière de recyclage.",
            ),
            quote("Nos ordinateurs servent encore, et nous savons à qui.", "Un agent de la Région (démonstration)"),
            GIVE_CTA,
        ],
    },
    {
        "slug": "jeunes-pays-de-redon",
        "title": "Un ordinateur pour chercher son premier emploi",
        "date": date(2023, 10, 2),
        "intro": "À Redon, des jeunes accompagnés par la Mission locale ont reçu un portable de La Poste "
        "reconditionné par Déclic.",
        "tags": ["jeunesse", "don"],
        "image": None,
        "body": [
            paragraph(
                "Rédiger un CV, répondre à une offre, s'inscrire à une formation : sans ordinateur, tout devient plus "
                "difficile. La remise s'accompagne d'une prise en main et d'une adresse où revenir en cas de souci."
            ),
            quote("J'ai envoyé ma première candidature le soir même.", "Un jeune accompagné (démonstration)"),
            GIVE_CTA,
        ],
    },
    {
        "slug": "formation-a-distance",
        "title": "Se former à distance avec un ordinateur loué 5 €",
        "date": date(2024, 1, 22),
        "intro": "Une stagiaire d'une formation financée par la Région raconte ses mois de cours en ligne avec un "
        "portable loué au réseau.",
        "tags": ["location", "formation"],
        "image": None,
        "body": [
            paragraph(
                "L'appareil est arrivé effacé et prêt à l'emploi, avec sa sacoche. Elle l'a rendu à la fin de la "
                "formation ; il a été effacé de nouveau et prêté à une autre stagiaire."
            ),
            key_figure("5 €", "par mois pendant toute la formation"),
            quote("Sans cet ordinateur, je n'aurais pas pu suivre les cours.", "Une stagiaire (démonstration)"),
            RENTAL_CTA,
        ],
    },
    {
        "slug": "metier-atelier-insertion",
        "title": "Apprendre un métier en redonnant vie aux ordinateurs",
        "date": date(2024, 11, 14),
        "intro": "À l'atelier de Déclic, quatorze salariés en insertion apprennent le reconditionnement.",
        "tags": ["emploi", "atelier"],
        "image": (
            "#5b3d1d",
            "Atelier",
            "Illustration : silhouette d'ordinateur portable sur fond brun, avec la mention « Atelier ».",
        ),
        "body": [
            paragraph(
                "Arrivé sans expérience de l'informatique, il démonte aujourd'hui un portable en quelques minutes, "
                "lance l'effacement certifié et remplit la fiche de tests avant de passer l'appareil à la vente.",
                "Le parcours d'insertion dure plusieurs mois ; il débouche sur un emploi ou une formation qualifiante.",
            ),
            quote("Chaque machine qui repart, c'est un peu de mon travail qui continue.", "Un salarié (démonstration)"),
        ],
    },
]

# --- Legal pages --------------------------------------------------------------------------------------------

LEGAL_REVIEWED = date(2026, 11, 2)

LEGAL_PAGES = [
    {
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "intro": "Qui édite et qui héberge ce site.",
        "body": [
            heading("Éditeur du site"),
            legal_facts("publisher"),
            heading("Hébergement"),
            legal_facts("host"),
            heading("Médiation de la consommation"),
            legal_facts("mediator"),
            heading("Contenus"),
            paragraph(
                "Les associations présentées comme « de démonstration » et les témoignages signalés comme tels sont "
                "fictifs."
            ),
        ],
    },
    {
        "slug": "cgv",
        "title": "Conditions générales de vente",
        "intro": "Les règles qui s'appliquent aux achats faits sur la boutique du réseau.",
        "body": [
            heading("Produits reconditionnés"),
            paragraph(
                "Un appareil vendu comme reconditionné a passé des tests portant sur toutes ses fonctions, et toutes "
                "les données des utilisateurs précédents ont été supprimées (décret n° 2022-190). Son état "
                "esthétique est indiqué par un grade sur chaque fiche."
            ),
            heading("Prix et paiement"),
            paragraph(
                "Les prix sont indiqués toutes taxes comprises. Les biens d'occasion relèvent du régime de la marge : "
                "les factures portent la mention « Régime particulier – Biens d'occasion ».",
                "Les particuliers paient par carte bancaire en ligne, ou au retrait : les appareils sont alors "
                "réservés jusqu'à la fin du délai indiqué à la commande, et payés au guichet de l'association (carte, "
                "espèces ou chèque) ; sans retrait dans ce délai, la réservation prend fin et rien n'est dû.",
                "Les organisations peuvent aussi payer sur facture, par virement ou par mandat administratif, en "
                "indiquant leur numéro de bon de commande.",
            ),
            heading("Retrait et livraison"),
            paragraph("L'appareil est à retirer dans l'atelier qui le détient, ou livré à l'adresse indiquée."),
            heading("Garantie légale de conformité"),
            paragraph(
                "Les biens d'occasion bénéficient de la garantie légale de conformité pendant deux ans à compter de "
                "la délivrance. Pendant les douze premiers mois, tout défaut de conformité qui apparaît est présumé "
                "avoir existé au moment de la délivrance : vous n'avez pas à le prouver.",
                "Vous pouvez demander la réparation ou le remplacement de l'appareil et, à défaut, une réduction du "
                "prix ou la résolution de la vente.",
            ),
            heading("Réclamations et médiation"),
            paragraph(
                "Pour toute réclamation, écrivez-nous à contact@reemploi.example ou à l'adresse de l'association "
                "qui vous a vendu l'appareil : nous répondons sous quinze jours."
            ),
            legal_facts("mediator"),
            heading("Droit de rétractation"),
            paragraph(
                "Vous disposez de quatorze jours à compter de la réception ou du retrait de votre commande pour "
                "changer d'avis, sans avoir à vous justifier ni à payer de pénalité.",
                "Le plus simple est d'utiliser le bouton « Se rétracter » de la page de votre commande : une étape "
                "de confirmation vous est proposée, puis un accusé de réception vous est envoyé par courriel. Vous "
                "pouvez aussi nous adresser le formulaire ci-dessous ou toute déclaration dénuée d'ambiguïté.",
                "Nous vous remboursons au plus tard quatorze jours après avoir été informés de votre décision ; "
                "nous pouvons attendre d'avoir récupéré l'appareil.",
            ),
            heading("Modèle de formulaire de rétractation"),
            paragraph(
                "À remplir et à renvoyer uniquement si vous souhaitez vous rétracter.",
                "À l'attention d'OGO – Ordi Grand Ouest, contact@reemploi.example :",
                "Je vous informe par la présente que je me rétracte du contrat de vente du bien suivant : …",
                "Commandé le … / reçu le …",
                "Nom : …",
                "Adresse : …",
                "Signature (uniquement pour un envoi sur papier) : …",
                "Date : …",
            ),
        ],
    },
    {
        "slug": "confidentialite",
        "title": "Politique de confidentialité",
        "intro": "Quelles données nous traitons, pourquoi, combien de temps, et comment exercer vos droits.",
        "body": [
            heading("Données traitées"),
            paragraph(
                "Nous traitons les données nécessaires aux commandes (contrat), aux demandes de location (mesure "
                "précontractuelle) et à la lettre d'information (votre consentement, retirable à tout moment)."
            ),
            heading("Durées de conservation"),
            bullets(
                "Comptes clients : supprimés après trois ans sans activité.",
                "Demandes de location refusées : supprimées avec leurs justificatifs six mois après la décision.",
                "Factures : conservées pendant la durée imposée par la loi comptable.",
            ),
            paragraph(
                "Les rapports remis aux donateurs ne contiennent que des catégories de bénéficiaires et des "
                "territoires, jamais d'identité."
            ),
            heading("Cookies"),
            paragraph(
                "Le site n'utilise que les cookies indispensables à son fonctionnement (session, sécurité des "
                "formulaires, panier) : aucun bandeau de consentement n'est donc nécessaire."
            ),
            heading("Vos droits"),
            paragraph(
                "Vous pouvez accéder à vos données, les rectifier, les effacer ou vous opposer à leur traitement en "
                "écrivant à contact@reemploi.example. Vous pouvez aussi saisir la CNIL."
            ),
        ],
    },
    {
        "slug": "accessibilite",
        "title": "Déclaration d'accessibilité",
        "intro": "Notre engagement pour que chacun puisse utiliser le site.",
        "body": [
            heading("État de conformité"),
            paragraph(
                "Ce site est partiellement conforme au référentiel général d'amélioration de l'accessibilité (RGAA "
                "4.1), qui reprend le niveau AA des règles WCAG 2.1. Les pages principales sont vérifiées "
                "automatiquement à chaque modification du site."
            ),
            heading("Contenus non accessibles"),
            paragraph(
                "Certains documents PDF anciens et des vidéos hébergées ailleurs n'ont pas encore de version "
                "accessible."
            ),
            heading("Nous signaler un problème"),
            paragraph(
                "Si vous ne parvenez pas à accéder à un contenu, écrivez-nous depuis la page Contact : nous vous "
                "répondrons et vous transmettrons l'information sous une autre forme. Si notre réponse ne vous "
                "satisfait pas, vous pouvez saisir le Défenseur des droits."
            ),
        ],
    },
]

# --- Forms ---------------------------------------------------------------------------------------------------

FORM_THANKS = "<p>Merci ! Votre message est bien arrivé ; l'équipe vous répond sous quelques jours ouvrés.</p>"
COUNT_HELP = "Une estimation suffit."

# fields: (label, field_type, required, help_text)
FORMS = [
    {
        "slug": "contact",
        "title": "Contact",
        "intro": "<p>Une question sur un achat, une location ou un don ? Écrivez-nous.</p>",
        "subject": "Message depuis le site",
        "fields": [
            ("Votre nom", "singleline", True, ""),
            ("Votre adresse électronique", "email", True, ""),
            ("Objet", "singleline", True, ""),
            ("Votre message", "multiline", True, ""),
        ],
    },
    {
        "slug": "donner",
        "title": "Donner du matériel",
        "intro": "<p>Collectivités, entreprises, établissements : proposez-nous vos ordinateurs. Nous venons les "
        "chercher, effaçons les données de façon certifiée et vous disons ce que devient chaque appareil.</p>",
        "subject": "Proposition de don de matériel",
        "fields": [
            ("Organisation", "singleline", True, ""),
            ("Personne à contacter", "singleline", True, ""),
            ("Adresse électronique", "email", True, ""),
            ("Téléphone", "singleline", False, ""),
            ("Nombre d'ordinateurs portables", "number", False, COUNT_HELP),
            ("Nombre d'ordinateurs fixes", "number", False, COUNT_HELP),
            ("Nombre d'écrans", "number", False, COUNT_HELP),
            ("Nombre d'autres appareils", "number", False, "Serveurs, imprimantes, tablettes…"),
            ("Commune où se trouve le matériel", "singleline", True, ""),
            ("Commentaires", "multiline", False, "Âge du matériel, accès au site, dates possibles pour l'enlèvement…"),
        ],
    },
]

# --- Settings ------------------------------------------------------------------------------------------------

IMPACT_FIGURES = {"devices_reused": 4200, "people_equipped": 2100, "kg_waste_avoided": 21000, "integration_jobs": 14}

ORGANISATION = {
    "name": "OGO – Ordi Grand Ouest",
    "email": "contact@reemploi.example",
    "phone": "02 61 91 00 00",
    "address": "Réseau OGO – Ordi Grand Ouest\nAdresse de démonstration\n35600 Redon",
    "footer_text": "Huit associations bretonnes pour le réemploi informatique et l'inclusion numérique.",
    # The demonstration's own values, said as such: production sets the real ones in Settings › Organisation.
    "legal_status": "association loi de 1901 (démonstration : numéro RNA et SIRET fictifs)",
    "publication_director": "la présidence de l'association (démonstration)",
    "host_name": "le poste qui exécute la démonstration (make run)",
    "host_address": "Démonstration locale : aucun hébergeur, le site n'est servi qu'à cette machine",
    "host_phone": "",
    "mediator_name": "le médiateur de la consommation auquel le réseau adhère (démonstration)",
    "mediator_address": "Démonstration : la liste des médiateurs agréés est publiée par la CECMC",
    "mediator_url": "https://www.economie.gouv.fr/mediation-conso",
}
