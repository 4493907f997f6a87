"""Demo data: realistic, varied and valid customers added in bulk, fast.

Every generated customer passes models.validation.validate_customer unchanged (values are stored
already normalised). Addresses use real cities with their ISO 3166-2 state or province, postal
codes of the city's real format and ranges, and telephone numbers in E.164 from the city's real
area codes, each checked with phonenumbers. Emails use the reserved example domains (RFC 2606),
so no demo message can reach a real person. Portal accounts that have a password all share one
bcrypt hash of DEMO_PASSWORD, computed once, because hashing per row would take hours.

Demo customers get no "created" audit event each (bulk data, not a clerk's change); every write
transaction moves the change counter on once, so open lists refresh.
"""

import functools
import random
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from models.audit.events import record_event
from models.clock import utcnow
from models.customers import CODE_COUNTER, CODE_PREFIX, code_key, reserve_customer_codes
from models.duplicates import settle_changes
from models.fields import ADDRESS_PARTS, ADDRESS_SIDES
from models.staff.permissions import Permission, authorize
from models.staff.session import StaffSession
from models.store.bulk import bulk_insert
from models.store.engine import refresh_statistics, write_transaction
from models.store.tables import (
    PORTAL_ACTIVE,
    PORTAL_LOCKED,
    PORTAL_NOT_ACTIVATED,
    Counter,
    Customer,
    Note,
    PortalAccount,
)

DEMO_PASSWORD = "custdesk-demo"
DEMO_PASSWORD_HASH = "$2b$12$wiDs3J87E6g1FNwfiGztje.brdl1MdbOPsVh8MHrEKzYrVRaMT80G"  # cost 12
NOTE_AUTHOR = "demo"
DEMO_MARK = "demo_database"  # a Counter row: this database was created for the demo
DEMO_ACTION = "demo_added"

TRANSACTION_ROWS = 2_000  # customers a write transaction: keeps other writers' waits short
MAX_DEMO_COUNT = 1_000_000  # the most one fill from the app adds (the command line has no limit)
COUNT_LABEL = "Customers to add"
_COUNT_TEXT = re.compile(r"[0-9]{1,9}|[0-9]{1,3}(,[0-9]{3}){1,2}")  # 1000 or 1,000

CUSTOMER_COLUMNS = (
    "code",
    "code_key",
    "business_name",
    "contact_name",
    *(f"{side}_{part}" for side in ADDRESS_SIDES for part in ADDRESS_PARTS),
    "tax_exempt",
    "vat_number",
    "accepts_marketing",
    "wholesale",
    "created_at",
    "updated_at",
)
_COLUMN = {name: index for index, name in enumerate(CUSTOMER_COLUMNS)}
PORTAL_COLUMNS = (
    "customer",
    "status",
    "password_hash",
    "temp_password_expires_at",
    "must_change_password",
    "failed_attempts",
    "last_sign_in_at",
    "lock_reason",
    "login_email",
    "updated_at",
)
NOTE_COLUMNS = ("customer", "body", "public", "author", "created_at")

HISTORY = timedelta(days=3 * 365)  # demo customers were created over the last three years
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


# ---------------------------------------------------------------------------------------------
# The pools: people, businesses, countries and their cities
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """First and last names people of one background carry."""

    first: tuple[str, ...]
    last: tuple[str, ...]
    family_first: bool = False  # Japanese order: family name, then given name
    female_first: tuple[str, ...] = ()  # Polish: these take the feminine surname (-ska, -cka)


@dataclass(frozen=True)
class Businesses:
    """The words business names of one language are made of; patterns use {stem}, {trade},
    {last} and {last2}."""

    stems: tuple[str, ...]
    trades: tuple[str, ...]
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class City:
    """A real city: its state (full ISO 3166-2 code, or "" where addresses carry none), postal
    code and telephone patterns, and its own streets or people where the country's don't fit.

    Patterns: '#' any digit, '%' a digit 1-9, '@' a letter the country's postal codes use.
    """

    name: str
    state: str
    postal: tuple[str, ...]
    phones: tuple[str, ...]
    streets: tuple[str, ...] = ()
    street2: tuple[str, ...] = ()
    people: str = ""


@dataclass(frozen=True)
class Country:
    """How a country's customers are named and addressed, and where they live."""

    code: str
    weight: int
    people: tuple[str, ...]  # People pools, repeated for weight
    business: str
    suffixes: tuple[str, ...]  # legal forms; "" for none
    street_format: str  # "{number} {street}", "{street} {number}" or "{street}, {number}"
    house_max: int  # 0: Japanese block numbers (1-2-3)
    streets: tuple[str, ...]
    street2: tuple[str, ...]
    mobiles: tuple[str, ...]  # national-format mobile patterns; () where mobiles look like lines
    cities: tuple[City, ...]
    postal_letters: str = "ABCDEF"
    house_letters: str = ""  # letters a house number may carry (12a)
    vat: bool = False  # EU or GB: businesses may have a VAT number


def _range(prefix: str, first: int, last: int, width: int = 2) -> tuple[str, ...]:
    """Postal codes `prefix` + each number from first to last, zero-padded to width."""
    return tuple(f"{prefix}{n:0{width}d}" for n in range(first, last + 1))


PEOPLE: dict[str, People] = {
    "en": People(
        (
            "James",
            "Mary",
            "Robert",
            "Patricia",
            "Michael",
            "Jennifer",
            "David",
            "Linda",
            "Emily",
            "Daniel",
            "Olivia",
            "Ethan",
            "Sophia",
            "Liam",
            "Chloe",
            "Noah",
            "Zoë",
            "Hannah",
            "Grace",
            "Benjamin",
            "Charlotte",
            "Jack",
            "Amelia",
            "Harry",
            "Isla",
            "Oliver",
            "Ava",
            "Lucas",
            "Mia",
            "Henry",
            "Evelyn",
            "Samuel",
            "Abigail",
            "Nathan",
            "Renée",
            "Priya",
            "Wei",
            "Aaliyah",
            "Marcus",
            "Siobhan",
        ),
        (
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Miller",
            "Davis",
            "Wilson",
            "Anderson",
            "Taylor",
            "Thomas",
            "Moore",
            "Martin",
            "Jackson",
            "Thompson",
            "White",
            "Harris",
            "Clark",
            "Lewis",
            "Walker",
            "Hall",
            "Young",
            "King",
            "Wright",
            "Scott",
            "Green",
            "Baker",
            "Adams",
            "Nelson",
            "Carter",
            "Mitchell",
            "Roberts",
            "Turner",
            "Campbell",
            "Parker",
            "Evans",
            "Edwards",
            "Collins",
            "Stewart",
            "Morris",
            "Murphy",
            "Cook",
            "Morgan",
            "Cooper",
            "Reed",
            "Bailey",
            "Bell",
            "Kelly",
            "Ward",
            "Richardson",
            "Wood",
            "Watson",
            "Brooks",
            "Bennett",
            "Gray",
            "Hughes",
            "Price",
            "Patel",
            "Nguyen",
            "Kim",
            "Chen",
            "Singh",
            "O'Neill",
            "McDonald",
            "Brontë",
        ),
    ),
    "ie": People(
        (
            "Seán",
            "Siobhán",
            "Aoife",
            "Niamh",
            "Ciarán",
            "Pádraig",
            "Caoimhe",
            "Órla",
            "Éanna",
            "Saoirse",
            "Conor",
            "Róisín",
            "Eoin",
            "Sinéad",
            "Darragh",
            "Méabh",
            "Cian",
            "Áine",
            "Tadhg",
            "Clodagh",
        ),
        (
            "Murphy",
            "Kelly",
            "O'Sullivan",
            "Walsh",
            "O'Brien",
            "Byrne",
            "Ryan",
            "O'Connor",
            "O'Reilly",
            "Doyle",
            "McCarthy",
            "Gallagher",
            "Ó Briain",
            "Kavanagh",
            "Ó Súilleabháin",
            "Fitzgerald",
            "Nolan",
            "Brennan",
            "Quinn",
            "Lynch",
            "Mac Giolla Phádraig",
        ),
    ),
    "es": People(
        (
            "José",
            "María",
            "Sofía",
            "Lucía",
            "Martín",
            "Javier",
            "Alejandro",
            "Carmen",
            "Inés",
            "Andrés",
            "Raúl",
            "Pilar",
            "Nuria",
            "Álvaro",
            "Jesús",
            "Ángela",
            "Iñaki",
            "Begoña",
            "Mateo",
            "Valentina",
            "Diego",
            "Camila",
            "Sebastián",
            "Ximena",
        ),
        (
            "García",
            "Fernández",
            "González",
            "Rodríguez",
            "López",
            "Martínez",
            "Sánchez",
            "Pérez",
            "Gómez",
            "Martín",
            "Jiménez",
            "Ruiz",
            "Hernández",
            "Díaz",
            "Moreno",
            "Muñoz",
            "Álvarez",
            "Romero",
            "Navarro",
            "Torres",
            "Domínguez",
            "Vázquez",
            "Núñez",
            "Ibáñez",
            "Castaño",
        ),
    ),
    "fr": People(
        (
            "Jean",
            "Marie",
            "Camille",
            "Léa",
            "Chloé",
            "Hélène",
            "François",
            "Loïc",
            "Étienne",
            "Amélie",
            "Anaïs",
            "Noémie",
            "Gaël",
            "Jérôme",
            "Mathéo",
            "Inès",
            "Zoé",
            "Benoît",
            "Élodie",
            "Céline",
            "Thibault",
            "Maëlle",
            "Clément",
            "Sébastien",
            "Geneviève",
        ),
        (
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Michel",
            "Garnier",
            "Faure",
            "Rousseau",
            "Blanc",
            "Guérin",
            "Hénaff",
            "Gagnon",
            "Tremblay",
            "Côté",
            "Lévesque",
            "Bouchard",
            "Gauthier",
            "Pelletier",
            "Bérubé",
            "Desjardins",
            "Boulanger",
        ),
    ),
    "de": People(
        (
            "Jürgen",
            "Jörg",
            "Günter",
            "Uwe",
            "Lukas",
            "Leon",
            "Jonas",
            "Maximilian",
            "Felix",
            "Paul",
            "Anna",
            "Lena",
            "Marie",
            "Sophie",
            "Hannah",
            "Mia",
            "Jana",
            "Käthe",
            "Björn",
            "Sören",
            "Dörte",
            "Annegret",
            "Matthias",
            "Stefanie",
            "Özlem",
            "Ayşe",
            "Mehmet",
            "Zoë",
        ),
        (
            "Müller",
            "Schmidt",
            "Schneider",
            "Fischer",
            "Weber",
            "Meyer",
            "Wagner",
            "Becker",
            "Schulz",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Bauer",
            "Richter",
            "Klein",
            "Wolf",
            "Schröder",
            "Neumann",
            "Schwarz",
            "Zimmermann",
            "Braun",
            "Krüger",
            "Hofmann",
            "Hartmann",
            "Lange",
            "Schmitt",
            "Werner",
            "Krause",
            "Meier",
            "Lehmann",
            "Groß",
            "Köhler",
            "Jäger",
            "Weiß",
            "Yılmaz",
            "Öztürk",
        ),
    ),
    "nl": People(
        (
            "Daan",
            "Sem",
            "Lucas",
            "Levi",
            "Finn",
            "Bram",
            "Jesse",
            "Thijs",
            "Ruben",
            "Emma",
            "Julia",
            "Sophie",
            "Tess",
            "Zoë",
            "Sanne",
            "Fleur",
            "Anouk",
            "Noor",
            "Eva",
            "Lieke",
            "Joëlle",
            "Maaike",
            "Sjoerd",
            "Gijs",
        ),
        (
            "de Jong",
            "Jansen",
            "de Vries",
            "van den Berg",
            "van Dijk",
            "Bakker",
            "Janssen",
            "Visser",
            "Smit",
            "Meijer",
            "de Boer",
            "Mulder",
            "de Groot",
            "Bos",
            "Vos",
            "Peters",
            "Hendriks",
            "van Leeuwen",
            "Dekker",
            "Brouwer",
            "de Wit",
            "Dijkstra",
            "Smits",
            "de Graaf",
            "van der Meer",
            "Kuijpers",
        ),
    ),
    "it": People(
        (
            "Giuseppe",
            "Giovanni",
            "Francesco",
            "Alessandro",
            "Lorenzo",
            "Matteo",
            "Niccolò",
            "Sofia",
            "Giulia",
            "Aurora",
            "Chiara",
            "Francesca",
            "Martina",
            "Beatrice",
            "Ilaria",
            "Federica",
            "Luca",
            "Andrea",
            "Elena",
            "Giorgia",
        ),
        (
            "Rossi",
            "Russo",
            "Ferrari",
            "Esposito",
            "Bianchi",
            "Romano",
            "Colombo",
            "Ricci",
            "Marino",
            "Greco",
            "Bruno",
            "Gallo",
            "Conti",
            "De Luca",
            "Mancini",
            "Costa",
            "Giordano",
            "Rizzo",
            "Lombardi",
            "Moretti",
            "Fabbri",
            "Caruso",
            "D'Angelo",
            "Santoro",
            "Nicolò",
        ),
    ),
    "da": People(
        (
            "Søren",
            "Mads",
            "Frederik",
            "Rasmus",
            "Jens",
            "Magnus",
            "Emil",
            "Ida",
            "Freja",
            "Sofie",
            "Mette",
            "Signe",
            "Karen",
            "Astrid",
            "Bjørn",
            "Asger",
            "Bodil",
            "Maja",
        ),
        (
            "Ørsted",
            "Jensen",
            "Nielsen",
            "Hansen",
            "Pedersen",
            "Andersen",
            "Christensen",
            "Larsen",
            "Sørensen",
            "Rasmussen",
            "Jørgensen",
            "Petersen",
            "Madsen",
            "Kristensen",
            "Olsen",
            "Thomsen",
            "Møller",
            "Kjær",
            "Lauridsen",
            "Brøndum",
            "Østergaard",
            "Bæk",
        ),
    ),
    "pl": People(
        (
            "Łukasz",
            "Paweł",
            "Michał",
            "Krzysztof",
            "Tomasz",
            "Piotr",
            "Wojciech",
            "Jakub",
            "Grzegorz",
            "Stanisław",
            "Agnieszka",
            "Małgorzata",
            "Katarzyna",
            "Joanna",
            "Zofia",
            "Anna",
            "Ewa",
            "Magdalena",
            "Jolanta",
            "Bożena",
            "Żaneta",
        ),
        (
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Wójcik",
            "Kowalczyk",
            "Kamiński",
            "Lewandowski",
            "Zieliński",
            "Szymański",
            "Woźniak",
            "Dąbrowski",
            "Kozłowski",
            "Jankowski",
            "Mazur",
            "Kwiatkowski",
            "Krawczyk",
            "Piotrowski",
            "Grabowski",
            "Pawłowski",
            "Michalski",
            "Zając",
            "Król",
            "Wróbel",
            "Ślusarczyk",
            "Górecki",
        ),
        female_first=(
            "Agnieszka",
            "Małgorzata",
            "Katarzyna",
            "Joanna",
            "Zofia",
            "Anna",
            "Ewa",
            "Magdalena",
            "Jolanta",
            "Bożena",
            "Żaneta",
        ),
    ),
    "sv": People(
        (
            "Erik",
            "Lars",
            "Karl",
            "Anders",
            "Johan",
            "Per",
            "Nils",
            "Björn",
            "Åsa",
            "Märta",
            "Linnéa",
            "Ingrid",
            "Astrid",
            "Elsa",
            "Maja",
            "Sigrid",
            "Göran",
            "Örjan",
            "Torbjörn",
            "Agnes",
        ),
        (
            "Andersson",
            "Johansson",
            "Karlsson",
            "Nilsson",
            "Eriksson",
            "Larsson",
            "Olsson",
            "Persson",
            "Svensson",
            "Gustafsson",
            "Pettersson",
            "Jonsson",
            "Lindström",
            "Lindqvist",
            "Bergström",
            "Åberg",
            "Öberg",
            "Sjöberg",
            "Ström",
            "Håkansson",
            "Löfgren",
            "Ekström",
        ),
    ),
    "mi": People(
        ("Aroha", "Tama", "Wiremu", "Mere", "Ngaio", "Rāwiri", "Hēmi", "Kiri", "Mānaia", "Anahera"),
        (
            "Ngata",
            "Parata",
            "Tipene",
            "Wihongi",
            "Te Kanawa",
            "Rangihau",
            "Kereama",
            "Te Whata",
            "Horomona",
            "Paewai",
        ),
    ),
    "ja": People(
        (
            "太郎",
            "花子",
            "健",
            "翔太",
            "陽菜",
            "結衣",
            "大輔",
            "美咲",
            "蓮",
            "葵",
            "悠真",
            "さくら",
        ),
        (
            "佐藤",
            "鈴木",
            "高橋",
            "田中",
            "伊藤",
            "渡辺",
            "山本",
            "中村",
            "小林",
            "加藤",
            "吉田",
            "山田",
        ),
        family_first=True,
    ),
}

# How the Japanese names and business words are written in Latin letters, for email addresses.
ROMAJI = {
    "太郎": "taro",
    "花子": "hanako",
    "健": "ken",
    "翔太": "shota",
    "陽菜": "hina",
    "結衣": "yui",
    "大輔": "daisuke",
    "美咲": "misaki",
    "蓮": "ren",
    "葵": "aoi",
    "悠真": "yuma",
    "さくら": "sakura",
    "佐藤": "sato",
    "鈴木": "suzuki",
    "高橋": "takahashi",
    "田中": "tanaka",
    "伊藤": "ito",
    "渡辺": "watanabe",
    "山本": "yamamoto",
    "中村": "nakamura",
    "小林": "kobayashi",
    "加藤": "kato",
    "吉田": "yoshida",
    "山田": "yamada",
    "富士": "fuji",
    "青葉": "aoba",
    "北斗": "hokuto",
    "大和": "yamato",
    "若葉": "wakaba",
    "光": "hikari",
    "商事": "shoji",
    "物産": "bussan",
    "工業": "kogyo",
    "製菓": "seika",
    "書店": "shoten",
    "電機": "denki",
}

BUSINESSES: dict[str, Businesses] = {
    "en": Businesses(
        (
            "Northwind",
            "Blue Harbor",
            "Maple Leaf",
            "Summit",
            "Redwood",
            "Silver Birch",
            "Copperfield",
            "Brightside",
            "Ironbridge",
            "Oakridge",
            "Pinecrest",
            "Riverside",
            "Stonegate",
            "Lakeshore",
            "Kestrel",
            "Harbour Lights",
            "Golden Hour",
            "Foxglove",
            "Bluebell",
            "Granite Peak",
            "Old Mill",
            "Seaside",
            "Evergreen",
            "Wild Thyme",
        ),
        (
            "Trading",
            "Supplies",
            "Outfitters",
            "Coffee Roasters",
            "Bakery",
            "Hardware",
            "Design Studio",
            "Logistics",
            "Books",
            "Bicycles",
            "Florists",
            "Wine Merchants",
            "Ceramics",
            "Print Works",
            "Pet Supplies",
            "Garden Supply",
            "Electrical",
            "Catering",
            "Apparel",
            "Tea Company",
            "Home Goods",
            "Surf Shop",
            "Music",
            "Toys",
        ),
        (
            "{stem} {trade}",
            "{stem} {trade}",
            "{last} {trade}",
            "{last} & {last2}",
            "{last}'s {trade}",
            "{last} & Sons",
        ),
    ),
    "de": Businesses(
        (
            "Nordlicht",
            "Bergblick",
            "Sonnenhof",
            "Alpenglühen",
            "Rheinufer",
            "Lindenhof",
            "Elbblick",
            "Schwarzwald",
            "Ostseeperle",
            "Hanse",
            "Isartal",
            "Mühlenbach",
        ),
        (
            "Feinkost",
            "Buchhandlung",
            "Bäckerei",
            "Werkstatt",
            "Möbelhaus",
            "Fahrradladen",
            "Kaffeerösterei",
            "Gartenbau",
            "Elektro",
            "Druckerei",
            "Weinhandel",
            "Blumenhaus",
            "Handelsgesellschaft",
            "Spielwaren",
        ),
        ("{trade} {last}", "{stem} {trade}", "{last} & {last2}", "{trade} {stem}"),
    ),
    "fr": Businesses(
        (
            "Beau Rivage",
            "Clair de Lune",
            "Les Trois Chênes",
            "Vieux Port",
            "Belle Époque",
            "Mont-Blanc",
            "Côte d'Azur",
            "Val de Loire",
            "Les Tilleuls",
            "Soleil Levant",
        ),
        (
            "Boulangerie",
            "Librairie",
            "Fromagerie",
            "Atelier",
            "Cave à vins",
            "Fleuriste",
            "Maroquinerie",
            "Épicerie fine",
            "Quincaillerie",
            "Torréfaction",
            "Imprimerie",
            "Ébénisterie",
        ),
        ("{trade} {last}", "{trade} {stem}", "{trade} du {stem}", "{last} et Fils"),
    ),
    "nl": Businesses(
        (
            "De Gouden Leeuw",
            "Het Anker",
            "De Molen",
            "Noorderlicht",
            "Zonnebloem",
            "De Tulp",
            "De Vlijt",
            "Het Wapen",
            "De Hoop",
            "Waterland",
        ),
        (
            "Bakkerij",
            "Boekhandel",
            "Fietsenwinkel",
            "Kaashandel",
            "Bloemenhuis",
            "Koffiebranderij",
            "Drukkerij",
            "Meubelmakerij",
            "Wijnhandel",
            "Installatiebedrijf",
        ),
        ("{trade} {last}", "{trade} {stem}", "{stem}", "{last} & {last2}"),
    ),
    "es": Businesses(
        (
            "La Estrella",
            "El Faro",
            "Sol y Mar",
            "Los Olivos",
            "La Alhambra",
            "Peñalara",
            "Mediterráneo",
            "La Giralda",
            "El Roble",
            "Azahar",
        ),
        (
            "Panadería",
            "Librería",
            "Ferretería",
            "Bodegas",
            "Floristería",
            "Cafetería",
            "Distribuciones",
            "Talleres",
            "Muebles",
            "Importaciones",
        ),
        ("{trade} {stem}", "{trade} {last}", "{last} e Hijos", "{trade} {last} y {last2}"),
    ),
    "it": Businesses(
        (
            "La Fenice",
            "Il Gabbiano",
            "Stella Alpina",
            "Bella Vista",
            "San Marco",
            "Dolce Vita",
            "Monte Bianco",
            "Il Girasole",
            "Aurora",
            "Le Tre Torri",
        ),
        (
            "Panificio",
            "Libreria",
            "Ferramenta",
            "Enoteca",
            "Pasticceria",
            "Torrefazione",
            "Tipografia",
            "Arredamenti",
            "Ceramiche",
            "Distribuzione",
        ),
        ("{trade} {stem}", "{trade} {last}", "{last} & Figli", "{last} e {last2}"),
    ),
    "da": Businesses(
        ("Nordlys", "Havblik", "Søstjernen", "Fyrtårnet", "Lærkereden", "Ærø", "Bølgen", "Skovly"),
        (
            "Bageri",
            "Boghandel",
            "Cykler",
            "Blomster",
            "Kaffebrænderi",
            "Møbler",
            "Trykkeri",
            "Vinhandel",
            "Keramik",
            "Tømrer",
        ),
        ("{stem} {trade}", "{last}s {trade}", "{last} & {last2}"),
    ),
    "pl": Businesses(
        ("Złoty Róg", "Pod Wawelem", "Bałtyk", "Jantar", "Sokół", "Żuraw", "Orzeł", "Wisła"),
        (
            "Piekarnia",
            "Księgarnia",
            "Hurtownia",
            "Drukarnia",
            "Kwiaciarnia",
            "Palarnia Kawy",
            "Meble",
            "Ceramika",
            "Przedsiębiorstwo Handlowe",
            "Zakład Stolarski",
        ),
        ("{trade} {stem}", "{trade} {last}", "{stem}"),
    ),
    "sv": Businesses(
        (
            "Norrsken",
            "Skärgård",
            "Älvdalen",
            "Fjällglöd",
            "Björkhagen",
            "Sjöbris",
            "Ljung",
            "Solvik",
        ),
        (
            "Bageri",
            "Bokhandel",
            "Cykel",
            "Blommor",
            "Kafferosteri",
            "Möbler",
            "Tryckeri",
            "Keramik",
            "Snickeri",
            "Järnhandel",
        ),
        ("{stem}s {trade}", "{last}s {trade}", "{stem} {trade}"),
    ),
    "ja": Businesses(
        ("さくら", "富士", "青葉", "北斗", "大和", "若葉", "光"),
        ("商事", "物産", "工業", "製菓", "書店", "電機"),
        ("株式会社{stem}{trade}", "{stem}{trade}株式会社", "有限会社{stem}{trade}"),
    ),
}

_US_STREET2 = ("Suite %00", "Apt %@", "Apt %#", "Unit %#", "Floor %", "Building @")
_QC_STREETS = (
    "rue Sainte-Catherine Ouest",
    "rue Saint-Denis",
    "boulevard Saint-Laurent",
    "rue Sherbrooke Est",
    "avenue du Mont-Royal Est",
    "boulevard René-Lévesque Ouest",
    "rue Saint-Jean",
    "Grande Allée Est",
    "rue de la Commune Ouest",
    "avenue Laurier Ouest",
    "chemin de la Côte-des-Neiges",
    "rue Saint-Paul Est",
)
_QC_STREET2 = ("bureau %00", "app. %#", "local %#")


def _us(name: str, state: str, zips: str, *areas: str) -> City:
    """A US city: its ZIP code prefixes (comma-separated) and telephone area codes."""
    return City(
        name,
        state,
        tuple(f"{z}##" for z in zips.split(",")),
        tuple(f"({area}) %##-####" for area in areas),
    )


def _ca(name: str, state: str, areas: str, *fsas: str, french: bool = False) -> City:
    """A Canadian city: its area codes (comma-separated) and forward sortation areas."""
    phones = tuple(f"({area}) %##-####" for area in areas.split(","))
    postal = tuple(f"{fsa} #@#" for fsa in fsas)
    if french:
        return City(name, state, postal, phones, _QC_STREETS, _QC_STREET2, "fr")
    return City(name, state, postal, phones)


def _gb(name: str, phone: str, *outward: str) -> City:
    """A British city: a telephone pattern and its postcode districts."""
    return City(name, "", tuple(f"{district} #@@" for district in outward), (phone,))


def _ie(name: str, county: str, phone: str, *routing: str) -> City:
    """An Irish city: its county, a telephone pattern and its Eircode routing keys."""
    return City(name, county, tuple(f"{key} @###" for key in routing), (phone,))


def _jp(ward: str, city: str, prefecture: str, postal: str, phone: str, *districts: str) -> City:
    """A Japanese ward: its city, prefecture, postal code pattern, phone pattern, districts."""
    return City(city, prefecture, (postal,), (phone,), tuple(f"{d}, {ward}" for d in districts))


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        24,
        ("en", "en", "en", "es"),
        "en",
        ("LLC", "Inc.", "Co.", "Corp.", ""),
        "{number} {street}",
        9999,
        (
            "Main Street",
            "Oak Street",
            "Maple Avenue",
            "Elm Street",
            "Washington Avenue",
            "Park Avenue",
            "Cedar Lane",
            "Pine Street",
            "Sunset Boulevard",
            "Market Street",
            "Broadway",
            "Highland Avenue",
            "Mill Road",
            "Church Street",
            "Lincoln Avenue",
            "Jefferson Street",
            "Franklin Street",
            "Spring Street",
            "Hillside Drive",
            "Ridge Road",
            "Walnut Street",
            "Chestnut Street",
            "River Road",
            "Center Street",
            "2nd Avenue",
            "5th Street",
            "Grand Avenue",
            "Madison Avenue",
            "Valley View Road",
            "Lakeview Drive",
        ),
        _US_STREET2,
        (),
        (
            _us("New York", "US-NY", "100,101", "212", "646"),
            _us("Brooklyn", "US-NY", "112", "718", "347"),
            _us("Buffalo", "US-NY", "142", "716"),
            _us("Los Angeles", "US-CA", "900", "213", "323", "310"),
            _us("San Francisco", "US-CA", "941", "415", "628"),
            _us("San Diego", "US-CA", "921", "619", "858"),
            _us("Sacramento", "US-CA", "958", "916"),
            _us("Chicago", "US-IL", "606", "312", "773"),
            _us("Houston", "US-TX", "770", "713", "832"),
            _us("Austin", "US-TX", "787", "512", "737"),
            _us("Dallas", "US-TX", "752", "214", "469"),
            _us("El Paso", "US-TX", "799", "915"),
            _us("Seattle", "US-WA", "981", "206"),
            _us("Spokane", "US-WA", "992", "509"),
            _us("Portland", "US-OR", "972", "503", "971"),
            _us("Denver", "US-CO", "802", "303", "720"),
            _us("Boston", "US-MA", "021", "617", "857"),
            _us("Miami", "US-FL", "331", "305", "786"),
            _us("Orlando", "US-FL", "328", "407"),
            _us("Atlanta", "US-GA", "303", "404", "470"),
            _us("Phoenix", "US-AZ", "850", "602", "480"),
            _us("Minneapolis", "US-MN", "554", "612"),
            _us("Philadelphia", "US-PA", "191", "215", "267"),
            _us("Pittsburgh", "US-PA", "152", "412"),
            _us("Nashville", "US-TN", "372", "615"),
            _us("Salt Lake City", "US-UT", "841", "801"),
            _us("Honolulu", "US-HI", "968", "808"),
            _us("Anchorage", "US-AK", "995", "907"),
            _us("Burlington", "US-VT", "054", "802"),
            _us("Santa Fe", "US-NM", "875", "505"),
            _us("New Orleans", "US-LA", "701", "504"),
            _us("Detroit", "US-MI", "482", "313"),
            _us("Columbus", "US-OH", "432", "614"),
            _us("Charlotte", "US-NC", "282", "704", "980"),
            _us("Kansas City", "US-MO", "641", "816"),
            _us("Madison", "US-WI", "537", "608"),
            _us("Richmond", "US-VA", "232", "804"),
            _us("Baltimore", "US-MD", "212", "410", "443"),
            _us("Las Vegas", "US-NV", "891", "702"),
            _us("Boise", "US-ID", "837", "208"),
        ),
    ),
    Country(
        "CA",
        8,
        ("en", "en", "fr"),
        "en",
        ("Inc.", "Ltd.", "Corp.", ""),
        "{number} {street}",
        3999,
        (
            "King Street West",
            "Queen Street East",
            "Yonge Street",
            "Bay Street",
            "Main Street",
            "Portage Avenue",
            "Jasper Avenue",
            "Granville Street",
            "Robson Street",
            "Spring Garden Road",
            "Water Street",
            "Elgin Street",
            "Wellington Street",
            "Bank Street",
            "Albert Street",
            "Victoria Avenue",
            "Dundas Street West",
            "College Street",
        ),
        ("Suite %00", "Unit %#", "Apt %#", "Floor %"),
        (),
        (
            _ca("Toronto", "CA-ON", "416,647", "M5V", "M4W", "M6J", "M5A", "M4Y"),
            _ca("Ottawa", "CA-ON", "613,343", "K1P", "K1N", "K2P", "K1R"),
            _ca("Hamilton", "CA-ON", "905,289", "L8P", "L8R"),
            _ca("Montréal", "CA-QC", "514,438", "H2X", "H3B", "H2T", "H3A", "H2J", french=True),
            _ca("Québec", "CA-QC", "418,581", "G1R", "G1K", "G1S", french=True),
            _ca("Vancouver", "CA-BC", "604,778", "V6B", "V6E", "V5K", "V6K", "V5T"),
            _ca("Victoria", "CA-BC", "250", "V8W", "V8V", "V8T"),
            _ca("Calgary", "CA-AB", "403,587", "T2P", "T2R", "T3A", "T2E"),
            _ca("Edmonton", "CA-AB", "780", "T5J", "T5K", "T6E"),
            _ca("Winnipeg", "CA-MB", "204", "R3C", "R3B", "R2W"),
            _ca("Halifax", "CA-NS", "902", "B3H", "B3J", "B3K"),
            _ca("Saskatoon", "CA-SK", "306", "S7K", "S7N"),
            _ca("St. John's", "CA-NL", "709", "A1C", "A1B", "A1E"),
            _ca("Fredericton", "CA-NB", "506", "E3B", "E3A"),
            _ca("Charlottetown", "CA-PE", "902", "C1A"),
            _ca("Whitehorse", "CA-YT", "867", "Y1A"),
        ),
        postal_letters="ABCEGHJKLMNPRSTVWXYZ",
    ),
    Country(
        "GB",
        12,
        ("en", "en", "en", "en", "en", "ie", "pl"),
        "en",
        ("Ltd", "Limited", "LLP", ""),
        "{number} {street}",
        250,
        (
            "High Street",
            "Station Road",
            "Church Lane",
            "Victoria Road",
            "Green Lane",
            "Queen's Road",
            "King Street",
            "Mill Lane",
            "Park Road",
            "The Crescent",
            "Manor Road",
            "London Road",
            "Church Street",
            "Albert Road",
            "Springfield Road",
            "Grange Road",
            "Kingsway",
            "Castle Street",
            "North Street",
            "Chapel Lane",
            "St John's Road",
            "Deansgate",
            "Princes Street",
            "Sauchiehall Street",
        ),
        ("Flat %", "Flat %#", "Unit %", "Suite %", "Ground Floor", "First Floor", "Second Floor"),
        ("074## ######", "075## ######", "077## ######", "078## ######", "079## ######"),
        (
            City(
                "London",
                "",
                (
                    "EC1V #@@",
                    "EC2A #@@",
                    "WC1N #@@",
                    "WC2H #@@",
                    "SE1 #@@",
                    "N1 #@@",
                    "E1 #@@",
                    "W1F #@@",
                    "NW1 #@@",
                    "SW11 #@@",
                ),
                ("020 7### ####", "020 8### ####", "020 3### ####"),
            ),
            _gb("Manchester", "0161 %## ####", "M1", "M2", "M4", "M15", "M20"),
            _gb("Birmingham", "0121 %## ####", "B1", "B3", "B5", "B15"),
            _gb("Leeds", "0113 %## ####", "LS1", "LS2", "LS6"),
            _gb("Glasgow", "0141 %## ####", "G1", "G2", "G3", "G12"),
            _gb("Edinburgh", "0131 %## ####", "EH1", "EH2", "EH3", "EH6", "EH8"),
            _gb("Bristol", "0117 %## ####", "BS1", "BS2", "BS8"),
            _gb("Liverpool", "0151 %## ####", "L1", "L2", "L3", "L8"),
            _gb("Cardiff", "029 20## ####", "CF10", "CF11", "CF24"),
            _gb("Belfast", "028 90## ####", "BT1", "BT2", "BT7", "BT9"),
            _gb("Newcastle upon Tyne", "0191 %## ####", "NE1", "NE2", "NE6"),
            _gb("Cambridge", "01223 %#####", "CB1", "CB2", "CB4"),
            _gb("Oxford", "01865 %#####", "OX1", "OX2", "OX4"),
            _gb("Brighton", "01273 %#####", "BN1", "BN2"),
            _gb("York", "01904 %#####", "YO1", "YO10", "YO31"),
            _gb("Aberdeen", "01224 %#####", "AB10", "AB11", "AB24"),
            _gb("Norwich", "01603 %#####", "NR1", "NR2"),
        ),
        postal_letters="ABDEFGHJLNPQRSTUWXYZ",
        vat=True,
    ),
    Country(
        "AU",
        6,
        ("en", "en", "en", "en", "it"),
        "en",
        ("Pty Ltd", "Pty. Ltd.", ""),
        "{number} {street}",
        400,
        (
            "George Street",
            "Pitt Street",
            "Collins Street",
            "Bourke Street",
            "Queen Street",
            "Hay Street",
            "King William Street",
            "Elizabeth Street",
            "Chapel Street",
            "Oxford Street",
            "Crown Street",
            "Brunswick Street",
            "Smith Street",
            "Beach Road",
            "Marine Parade",
            "Church Street",
            "Victoria Street",
            "Flinders Lane",
            "Murray Street",
        ),
        ("Unit %", "Unit %#", "Level %", "Suite %0#", "Shop %"),
        ("04## ### ###",),
        (
            City(
                "Sydney",
                "AU-NSW",
                ("2000", "2010", "2011", "2016", "2021", "2037", "2060", "2065"),
                ("(02) 9### ####", "(02) 8### ####"),
            ),
            City("Newcastle", "AU-NSW", ("2300", "2302"), ("(02) 49## ####",)),
            City(
                "Melbourne",
                "AU-VIC",
                ("3000", "3002", "3004", "3053", "3065", "3121", "3141", "3181"),
                ("(03) 9### ####",),
            ),
            City("Geelong", "AU-VIC", ("3220",), ("(03) 52## ####",)),
            City(
                "Brisbane", "AU-QLD", ("4000", "4005", "4006", "4064", "4101"), ("(07) 3### ####",)
            ),
            City("Gold Coast", "AU-QLD", ("4217", "4218", "4220"), ("(07) 55## ####",)),
            City("Perth", "AU-WA", ("6000", "6003", "6005", "6008"), ("(08) 9### ####",)),
            City("Adelaide", "AU-SA", ("5000", "5006", "5034", "5067"), ("(08) 8### ####",)),
            City("Hobart", "AU-TAS", ("7000", "7004", "7005"), ("(03) 62## ####",)),
            City("Canberra", "AU-ACT", ("2600", "2601", "2602", "2612"), ("(02) 62## ####",)),
            City("Darwin", "AU-NT", ("0800", "0810", "0820"), ("(08) 89## ####",)),
        ),
    ),
    Country(
        "NZ",
        2,
        ("en", "en", "en", "mi"),
        "en",
        ("Limited", "Ltd", ""),
        "{number} {street}",
        300,
        (
            "Queen Street",
            "Lambton Quay",
            "Cuba Street",
            "Colombo Street",
            "Ponsonby Road",
            "George Street",
            "Victoria Street",
            "Karangahape Road",
            "Riccarton Road",
            "Princes Street",
            "Dominion Road",
            "Tory Street",
        ),
        ("Level %", "Unit %", "Flat %"),
        ("021 ### ####", "022 ### ####", "027 ### ####"),
        (
            City(
                "Auckland",
                "NZ-AUK",
                ("1010", "1011", "1021", "1023", "1024", "1025"),
                ("(09) %## ####",),
            ),
            City("Wellington", "NZ-WGN", ("6011", "6012", "6021"), ("(04) %## ####",)),
            City("Christchurch", "NZ-CAN", ("8011", "8013", "8014", "8041"), ("(03) 3## ####",)),
            City("Dunedin", "NZ-OTA", ("9010", "9016"), ("(03) 4## ####",)),
            City("Hamilton", "NZ-WKO", ("3204", "3206", "3210"), ("(07) 8## ####",)),
        ),
    ),
    Country(
        "DE",
        10,
        ("de", "de", "de", "de", "de", "pl", "it"),
        "de",
        ("GmbH", "GmbH", "GmbH & Co. KG", "AG", "e.K.", "OHG", "UG (haftungsbeschränkt)"),
        "{street} {number}",
        180,
        (
            "Hauptstraße",
            "Schillerstraße",
            "Goethestraße",
            "Bahnhofstraße",
            "Kastanienallee",
            "Friedrichstraße",
            "Lindenstraße",
            "Am Markt",
            "Gartenweg",
            "Mühlenweg",
            "Königsallee",
            "Schloßstraße",
            "Kurfürstendamm",
            "Sonnenallee",
            "Leopoldstraße",
            "Bergstraße",
            "Dorfstraße",
            "Ringstraße",
            "Rosenweg",
            "Schulstraße",
            "Kirchgasse",
            "Weißenburger Straße",
            "Münchner Straße",
        ),
        ("%. OG", "Hinterhaus", "Aufgang @", "Gartenhaus", "Seitenflügel, %. OG"),
        ("0151 ########", "0160 #######", "0171 #######", "0176 ########"),
        (
            City(
                "Berlin",
                "",
                (
                    "10115",
                    "10117",
                    "10119",
                    "10178",
                    "10243",
                    "10245",
                    "10405",
                    "10435",
                    "10437",
                    "10997",
                    "12043",
                ),
                ("030 %######", "030 %#######"),
            ),
            City(
                "Hamburg",
                "",
                ("20095", "20144", "20249", "20354", "22765", "22767"),
                ("040 %#######",),
            ),
            City(
                "München",
                "",
                ("80331", "80333", "80469", "80538", "80799", "81667"),
                ("089 %#######", "089 %######"),
            ),
            City("Köln", "", ("50667", "50672", "50674", "50676", "50823"), ("0221 %######",)),
            City(
                "Frankfurt am Main",
                "",
                ("60311", "60313", "60316", "60322", "60594"),
                ("069 %#######",),
            ),
            City("Stuttgart", "", ("70173", "70174", "70178", "70180"), ("0711 %######",)),
            City(
                "Düsseldorf", "", ("40210", "40211", "40212", "40213", "40477"), ("0211 %######",)
            ),
            City("Leipzig", "", ("04103", "04107", "04109", "04275"), ("0341 %######",)),
            City("Dresden", "", ("01067", "01069", "01097", "01099"), ("0351 %######",)),
            City("Nürnberg", "", ("90402", "90403", "90419", "90429"), ("0911 %######",)),
            City("Bremen", "", ("28195", "28203", "28209"), ("0421 %######",)),
            City("Freiburg im Breisgau", "", ("79098", "79102", "79104"), ("0761 %######",)),
            City("Münster", "", ("48143", "48145", "48149"), ("0251 %#####",)),
        ),
        house_letters="ab",
        vat=True,
    ),
    Country(
        "FR",
        8,
        ("fr", "fr", "fr", "fr", "fr", "it"),
        "fr",
        ("SARL", "SAS", "SA", "EURL", ""),
        "{number} {street}",
        150,
        (
            "rue de la République",
            "rue Victor Hugo",
            "avenue Jean Jaurès",
            "boulevard Gambetta",
            "rue Nationale",
            "place de la Mairie",
            "rue du Général de Gaulle",
            "rue Pasteur",
            "rue de l'Église",
            "avenue de la Gare",
            "rue des Écoles",
            "boulevard Voltaire",
            "rue Émile Zola",
            "quai des Célestins",
            "rue du Faubourg Saint-Antoine",
            "rue Sainte-Catherine",
            "rue d'Alsace",
            "allée des Tilleuls",
            "chemin des Vignes",
            "impasse des Lilas",
        ),
        ("Bâtiment @", "%e étage", "Appartement %#", "Escalier @", "Résidence Les Pins"),
        ("06 ## ## ## ##", "07 6# ## ## ##"),
        (
            City("Paris", "", _range("750", 1, 20), ("01 %# ## ## ##",)),
            City("Lyon", "", _range("6900", 1, 9, 1), ("04 %# ## ## ##",)),
            City("Marseille", "", _range("130", 1, 16), ("04 9# ## ## ##",)),
            City(
                "Toulouse",
                "",
                ("31000", "31100", "31200", "31300", "31400", "31500"),
                ("05 %# ## ## ##",),
            ),
            City(
                "Bordeaux", "", ("33000", "33100", "33200", "33300", "33800"), ("05 5# ## ## ##",)
            ),
            City("Lille", "", ("59000", "59160", "59800"), ("03 2# ## ## ##",)),
            City("Nantes", "", ("44000", "44100", "44200", "44300"), ("02 4# ## ## ##",)),
            City("Strasbourg", "", ("67000", "67100", "67200"), ("03 88 ## ## ##",)),
            City("Nice", "", ("06000", "06100", "06200", "06300"), ("04 93 ## ## ##",)),
            City("Montpellier", "", ("34000", "34070", "34080", "34090"), ("04 67 ## ## ##",)),
            City("Rennes", "", ("35000", "35200", "35700"), ("02 99 ## ## ##",)),
        ),
        vat=True,
    ),
    Country(
        "NL",
        6,
        ("nl",),
        "nl",
        ("B.V.", "B.V.", "V.O.F.", ""),
        "{street} {number}",
        300,
        (
            "Keizersgracht",
            "Prinsengracht",
            "Herengracht",
            "Kalverstraat",
            "Dorpsstraat",
            "Kerkstraat",
            "Stationsweg",
            "Oudegracht",
            "Coolsingel",
            "Lange Voorhout",
            "Grote Markt",
            "Molenstraat",
            "Julianalaan",
            "Wilhelminastraat",
            "Beatrixlaan",
            "Nieuwstraat",
            "Vondelstraat",
            "Brouwersgracht",
            "Singel",
            "Witte de Withstraat",
        ),
        ("%e verdieping", "Unit %"),
        ("06 1### ####", "06 2### ####", "06 4### ####", "06 5### ####"),
        (
            City("Amsterdam", "", ("10%# @@",), ("020 %## ####",)),
            City("Rotterdam", "", ("30%# @@",), ("010 %## ####",)),
            City("Den Haag", "", ("25%# @@",), ("070 %## ####",)),
            City("Utrecht", "", ("35%# @@",), ("030 %## ####",)),
            City("Eindhoven", "", ("56%# @@",), ("040 %## ####",)),
            City("Groningen", "", ("97%# @@",), ("050 %## ####",)),
            City("Haarlem", "", ("20%# @@",), ("023 %## ####",)),
            City("Maastricht", "", ("62%# @@",), ("043 %## ####",)),
            City("Leiden", "", ("23%# @@",), ("071 %## ####",)),
            City("Delft", "", ("26%# @@",), ("015 %## ####",)),
        ),
        postal_letters="ABCDEGHJKLMNPRTVWXZ",
        house_letters="ABC",
        vat=True,
    ),
    Country(
        "IE",
        4,
        ("ie", "ie", "ie", "ie", "en", "pl"),
        "en",
        ("Ltd", "Limited", "DAC", ""),
        "{number} {street}",
        200,
        (
            "Main Street",
            "O'Connell Street Upper",
            "Patrick Street",
            "Grafton Street",
            "Dame Street",
            "Shop Street",
            "Eyre Square",
            "Baggot Street Lower",
            "Capel Street",
            "Oliver Plunkett Street",
            "William Street",
            "Parnell Street",
            "Castle Street",
            "Bridge Street",
            "Church Road",
            "Strand Road",
            "Ranelagh Road",
            "Harcourt Street",
        ),
        ("Apartment %#", "Unit %", "Suite %"),
        ("083 ### ####", "085 ### ####", "086 ### ####", "087 ### ####", "089 ### ####"),
        (
            _ie("Dublin", "IE-D", "(01) %## ####", "D01", "D02", "D04", "D06", "D08", "D6W", "D24"),
            _ie("Cork", "IE-CO", "(021) 4## ####", "T12", "T23"),
            _ie("Galway", "IE-G", "(091) %## ###", "H91"),
            _ie("Limerick", "IE-LK", "(061) %## ###", "V94"),
            _ie("Waterford", "IE-WD", "(051) %## ###", "X91"),
            _ie("Kilkenny", "IE-KK", "(056) 7## ####", "R95"),
        ),
        postal_letters="ACDEFHKNPRTVWXY",
        vat=True,
    ),
    Country(
        "ES",
        5,
        ("es",),
        "es",
        ("S.L.", "S.L.", "S.A.", "S.L.U.", ""),
        "{street}, {number}",
        200,
        (
            "Calle Mayor",
            "Gran Vía",
            "Calle de Alcalá",
            "Avenida de la Constitución",
            "Paseo de la Castellana",
            "Calle Real",
            "Plaza Mayor",
            "Calle del Carmen",
            "Avenida de Andalucía",
            "Calle San Vicente",
            "Calle de Serrano",
            "Rambla de Catalunya",
            "Carrer de Balmes",
            "Passeig de Gràcia",
            "Calle Larios",
            "Calle Sierpes",
        ),
        ("%º %ª", "%º @", "Bajo @", "Escalera @, %º", "Local %"),
        ("6## ### ###",),
        (
            City("Madrid", "ES-M", _range("280", 1, 55), ("91 ### ## ##",)),
            City("Barcelona", "ES-B", _range("080", 1, 42), ("93 ### ## ##",)),
            City("Valencia", "ES-V", _range("460", 1, 26), ("96 ### ## ##",)),
            City("Sevilla", "ES-SE", _range("410", 1, 20), ("954 ## ## ##",)),
            City("Bilbao", "ES-BI", _range("480", 1, 15), ("944 ## ## ##",)),
            City("Málaga", "ES-MA", _range("290", 1, 18), ("952 ## ## ##",)),
            City("Zaragoza", "ES-Z", _range("500", 1, 18), ("976 ## ## ##",)),
        ),
        vat=True,
    ),
    Country(
        "IT",
        5,
        ("it",),
        "it",
        ("S.r.l.", "S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", ""),
        "{street}, {number}",
        200,
        (
            "Via Roma",
            "Via Garibaldi",
            "Corso Vittorio Emanuele II",
            "Via Mazzini",
            "Via Dante Alighieri",
            "Piazza del Duomo",
            "Via Cavour",
            "Via XX Settembre",
            "Corso Buenos Aires",
            "Via dei Mille",
            "Via Nazionale",
            "Via Toledo",
            "Via Po",
            "Via de' Tornabuoni",
            "Via dell'Indipendenza",
            "Viale Monza",
            "Lungarno Corsini",
        ),
        ("Scala @", "Interno %", "Piano %", "Int. %#"),
        ("320 ### ####", "333 ### ####", "347 ### ####", "366 ### ####", "392 ### ####"),
        (
            City("Roma", "IT-RM", _range("00", 118, 199, 3), ("06 %### ####",)),
            City("Milano", "IT-MI", _range("201", 21, 62), ("02 %### ####",)),
            City("Napoli", "IT-NA", _range("801", 21, 47), ("081 %## ####",)),
            City("Torino", "IT-TO", _range("101", 21, 56), ("011 %## ####",)),
            City("Firenze", "IT-FI", _range("501", 21, 45), ("055 %## ####",)),
            City("Bologna", "IT-BO", _range("401", 21, 41), ("051 %## ####",)),
        ),
        vat=True,
    ),
    Country(
        "DK",
        2,
        ("da",),
        "da",
        ("ApS", "ApS", "A/S", "I/S", ""),
        "{street} {number}",
        150,
        (
            "Strøget",
            "Vesterbrogade",
            "Nørrebrogade",
            "Østergade",
            "Åboulevard",
            "Søndergade",
            "Nørregade",
            "Amagerbrogade",
            "Frederiksberg Allé",
            "Gammel Kongevej",
            "Store Kongensgade",
            "Jægersborggade",
            "Vestergade",
            "Kongensgade",
            "Møllegade",
            "Skovvej",
            "Strandvejen",
        ),
        ("%. th.", "%. tv.", "st. tv.", "%. sal"),
        ("20 ## ## ##", "31 ## ## ##", "40 ## ## ##", "51 ## ## ##", "61 ## ## ##"),
        (
            City("København K", "", _range("1", 50, 473, 3), ("33 ## ## ##",)),
            City("København N", "", ("2200",), ("35 ## ## ##",)),
            City("København Ø", "", ("2100",), ("35 ## ## ##",)),
            City("Frederiksberg", "", ("1800", "1850", "1900", "2000"), ("38 ## ## ##",)),
            City("Aarhus C", "", ("8000",), ("86 ## ## ##",)),
            City("Odense C", "", ("5000",), ("66 ## ## ##",)),
            City("Aalborg", "", ("9000",), ("98 ## ## ##",)),
            City("Esbjerg", "", ("6700",), ("75 ## ## ##",)),
        ),
        house_letters="AB",
        vat=True,
    ),
    Country(
        "PL",
        3,
        ("pl",),
        "pl",
        ("Sp. z o.o.", "Sp. z o.o.", "S.A.", "sp.j.", "s.c.", ""),
        "{street} {number}",
        200,
        (
            "ul. Marszałkowska",
            "ul. Piotrkowska",
            "ul. Floriańska",
            "al. Jerozolimskie",
            "ul. Świętojańska",
            "ul. Długa",
            "ul. Nowy Świat",
            "ul. Grodzka",
            "ul. Mickiewicza",
            "ul. Słowackiego",
            "ul. Kościuszki",
            "ul. Szewska",
            "ul. Półwiejska",
            "ul. Żeromskiego",
            "al. Grunwaldzka",
            "ul. Świdnicka",
            "ul. Królewska",
        ),
        ("lok. %", "lok. %#", "m. %#", "piętro %"),
        ("5## ### ###", "6## ### ###", "7## ### ###", "88# ### ###"),
        (
            City("Warszawa", "", ("00-%##", "01-%##", "02-%##"), ("22 %## ## ##",)),
            City("Kraków", "", ("30-%##", "31-%##"), ("12 %## ## ##",)),
            City("Łódź", "", ("90-%##", "91-%##"), ("42 %## ## ##",)),
            City("Wrocław", "", ("50-%##", "53-%##"), ("71 %## ## ##",)),
            City("Gdańsk", "", ("80-%##",), ("58 %## ## ##",)),
            City("Poznań", "", ("60-%##", "61-%##"), ("61 %## ## ##",)),
            City("Szczecin", "", ("70-%##",), ("91 %## ## ##",)),
        ),
        vat=True,
    ),
    Country(
        "SE",
        3,
        ("sv",),
        "sv",
        ("AB", "AB", "HB", "KB", ""),
        "{street} {number}",
        120,
        (
            "Drottninggatan",
            "Storgatan",
            "Kungsgatan",
            "Södra Förstadsgatan",
            "Vasagatan",
            "Götgatan",
            "Hornsgatan",
            "Sveavägen",
            "Linnégatan",
            "Östra Hamngatan",
            "Kungsportsavenyen",
            "Stortorget",
            "Järntorget",
            "Skolgatan",
            "Åsögatan",
            "Strandvägen",
            "Biblioteksgatan",
        ),
        ("lgh 1%0%", "% tr"),
        ("070-### ## ##", "072-### ## ##", "073-### ## ##", "076-### ## ##"),
        (
            City(
                "Stockholm",
                "",
                ("111 %#", "113 %#", "114 %#", "116 %#", "118 %#"),
                ("08-%## ## ##", "08-%## ### ##"),
            ),
            City("Göteborg", "", ("411 %#", "413 %#", "414 %#"), ("031-%## ## ##",)),
            City("Malmö", "", ("211 %#", "214 %#"), ("040-%## ## ##",)),
            City("Uppsala", "", ("753 %#",), ("018-%## ## ##",)),
            City("Västerås", "", ("722 %#",), ("021-%## ## ##",)),
            City("Linköping", "", ("582 %#",), ("013-%## ## ##",)),
        ),
        vat=True,
    ),
    Country(
        "JP",
        2,
        ("ja",),
        "ja",
        ("",),
        "{number} {street}",
        0,
        (),
        ("%F", "Room %0%", "Sakura Building %F", "Aoba Heights %0%"),
        ("090-####-####", "080-####-####", "070-####-####"),
        (
            _jp(
                "Chiyoda-ku", "Tokyo", "JP-13", "100-00##", "03-%###-####", "Marunouchi", "Ōtemachi"
            ),
            _jp("Chūō-ku", "Tokyo", "JP-13", "104-00##", "03-%###-####", "Ginza", "Nihonbashi"),
            _jp("Shibuya-ku", "Tokyo", "JP-13", "150-00##", "03-%###-####", "Jingūmae", "Ebisu"),
            _jp("Kita-ku", "Osaka", "JP-27", "530-00##", "06-%###-####", "Umeda", "Tenjinbashi"),
            _jp("Shimogyō-ku", "Kyoto", "JP-26", "600-8###", "075-%##-####", "Karasuma"),
            _jp("Nishi-ku", "Yokohama", "JP-14", "220-00##", "045-%##-####", "Minatomirai"),
            _jp("Chūō-ku", "Sapporo", "JP-01", "060-00##", "011-%##-####", "Ōdōri Nishi"),
        ),
    ),
)

COUNTRY_BY_CODE = {country.code: country for country in COUNTRIES}

INTERNAL_NOTES = (
    "Prefers invoices by email, not post.",
    "Called about a missing parcel; reshipped with tracking.",
    "Asked for net-30 payment terms; approved by the finance team.",
    "Goods-in closes at 3 pm: deliveries after that are refused.",
    "Duplicate account merged into this one.",
    "Customer disputed a charge; resolved, refund issued.",
    "Speaks French and English; prefers French on the phone.",
    "VAT number checked against VIES.",
    "Asked how to become tax-exempt; sent the certificate form.",
    "Do not call before 10 am local time.",
    "Large seasonal orders in October and November.",
    "Address changed after moving warehouse.",
    "Requested that marketing emails stop.",
    "Wholesale pricing agreed with the account manager.",
    "Paid by bank transfer; remittance advice goes to accounts.",
)
PUBLIC_NOTES = (
    "Thank you for your order! Standing orders ship on the first Monday of each month.",
    "Your wholesale price list is attached to your portal account.",
    "Deliveries to this address need a signature.",
    "We have updated your billing address as requested.",
    "Your tax-exempt status has been confirmed.",
    "Please quote your customer code on every remittance.",
    "Happy holidays from all of us, and thank you for another year.",
    "Your returns label has been emailed to you.",
)
LOCK_REASONS = (
    "Locked at the customer's request",
    "Suspected sign-ins by someone else",
    "Account under review by finance",
    "Staff member left the customer's company",
)
ROLE_MAILBOXES = ("accounts", "orders", "info", "office", "purchasing")
FAX_SHARE = 0.12


# ---------------------------------------------------------------------------------------------
# Generating values
# ---------------------------------------------------------------------------------------------

_TRANSLITERATION = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ß": "ss",
        "æ": "ae",
        "Æ": "Ae",
        "đ": "d",
        "œ": "oe",
        "ı": "i",
    }
)


@functools.cache
def ascii_name(text: str) -> str:
    """A name in lower-case ASCII letters and digits only, for email addresses and domains."""
    if text in ROMAJI:
        return ROMAJI[text]
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION))
    return "".join(char for char in decomposed.casefold() if char.isascii() and char.isalnum())


@functools.cache
def _slug(words: str) -> str:
    """A business's words as a domain label: ASCII words joined by hyphens."""
    parts = [ascii_name(word) for word in words.replace("&", " ").split()]
    return "-".join(part for part in parts if part)[:40].strip("-") or "shop"


def fill_pattern(pattern: str, rng: random.Random, letters: str) -> str:
    """A pattern with '#' as a digit, '%' as a digit 1-9 and '@' as one of `letters`."""
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randrange(10)))
        elif char == "%":
            out.append(str(rng.randrange(1, 10)))
        elif char == "@":
            out.append(rng.choice(letters))
        else:
            out.append(char)
    return "".join(out)


def phone_number(pattern: str, region: str, rng: random.Random) -> str:
    """A telephone number in E.164 from a national-format pattern, valid for the region."""
    import phonenumbers

    for _attempt in range(200):
        number = phonenumbers.parse(fill_pattern(pattern, rng, "0123456789"), region)
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(f"The pattern {pattern!r} gives no valid {region} telephone number.")


def _digits(pattern: str, rng: random.Random) -> str:
    """A pattern of digits ('#' any, '%' 1-9) filled in."""
    return fill_pattern(pattern, rng, "")


def _vat_candidates(country: str, rng: random.Random) -> Iterator[str]:
    """VAT numbers for a country with random bodies; some have right check digits."""
    from stdnum import luhn
    from stdnum.iso7064 import mod_11_10

    if country == "FR":  # key = (SIREN * 100 + 12) mod 97 over a SIREN with a Luhn digit
        siren = _digits("%#######", rng)
        siren += luhn.calc_check_digit(siren)
        yield f"FR{int(siren + '12') % 97:02d}{siren}"
    elif country == "DE":
        body = _digits("%#######", rng)
        yield f"DE{body}{mod_11_10.calc_check_digit(body)}"
    elif country == "IT":  # 7-digit company number, a provincial office 001-100, Luhn digit
        body = _digits("%######", rng) + f"{rng.randint(1, 100):03d}"
        yield f"IT{body}{luhn.calc_check_digit(body)}"
    elif country == "SE":
        body = _digits("5#####%##", rng)
        yield f"SE{body}{luhn.calc_check_digit(body)}01"
    elif country == "GB":
        body = _digits("%######", rng)
        yield from (f"GB{body}{check:02d}" for check in range(100))
    else:
        prefix, pattern, checks, tail = {
            "NL": ("NL", "%#######", "0123456789", "B01"),
            "IE": ("IE", "%######", "WABCDEFGHIJKLMNOPQRSTUV", ""),
            "ES": ("ES", "B#######", "0123456789", ""),
            "DK": ("DK", "%######", "0123456789", ""),
            "PL": ("PL", "%########", "0123456789", ""),
        }[country]
        body = _digits(pattern, rng)
        yield from (f"{prefix}{body}{check}{tail}" for check in checks)


def vat_number(country: str, rng: random.Random) -> str:
    """A VAT number with valid check digits for an EU country or GB, compact with its prefix."""
    import stdnum.eu.vat
    import stdnum.gb.vat
    from stdnum.exceptions import ValidationError

    for _attempt in range(1000):
        for candidate in _vat_candidates(country, rng):
            try:
                if country == "GB":
                    return "GB" + stdnum.gb.vat.validate(candidate)
                return stdnum.eu.vat.validate(candidate)
            except ValidationError:
                continue  # a wrong check digit: try the next candidate
    raise ValueError(f"No valid {country} VAT number found.")


@dataclass
class _GrowingPool:
    """Fresh values from `make` until `cap` are made, then picks among those already made:
    unique numbers for small fills, a bounded cost (validation is slow) for large ones."""

    make: Callable[[], str]
    cap: int
    values: list[str] = field(default_factory=list)

    def pick(self, rng: random.Random) -> str:
        """A value: a new one while the pool grows, then one of the pool's."""
        if len(self.values) < self.cap:
            self.values.append(self.make())
            return self.values[-1]
        return rng.choice(self.values)


POOL_CAP = 128  # validated telephone or VAT numbers kept per pattern or country


class DemoGenerator:
    """Makes demo customers, portal accounts and notes from one random seed."""

    def __init__(self, seed: int | None = None, now: datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or utcnow()
        self._phones: dict[tuple[str, str], _GrowingPool] = {}
        self._vats: dict[str, _GrowingPool] = {}
        self._countries = COUNTRIES
        self._weights = [country.weight for country in COUNTRIES]

    # -- numbers, checked once and pooled --

    def phone(self, country: Country, pattern: str) -> str:
        """A valid E.164 number from a pattern of the country."""
        key = (country.code, pattern)
        pool = self._phones.get(key)
        if pool is None:
            pool = self._phones[key] = _GrowingPool(
                functools.partial(phone_number, pattern, country.code, self.rng), POOL_CAP
            )
        return pool.pick(self.rng)

    def vat(self, country: str) -> str:
        """A valid VAT number of the country."""
        pool = self._vats.get(country)
        if pool is None:
            pool = self._vats[country] = _GrowingPool(
                functools.partial(vat_number, country, self.rng), POOL_CAP
            )
        return pool.pick(self.rng)

    # -- names --

    def person(self, pool: str) -> tuple[str, str, str]:
        """(contact name, first name, last name) of someone from a people pool."""
        people = PEOPLE[pool]
        rng = self.rng
        first, last = rng.choice(people.first), rng.choice(people.last)
        if first in people.female_first:
            for ending, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
                if last.endswith(ending):
                    last = last[: -len(ending)] + female
                    break
        name = f"{last} {first}" if people.family_first else f"{first} {last}"
        return name, first, last

    def business(self, pool: str, country: Country) -> tuple[str, str]:
        """(business name, domain label) of a business from a business pool."""
        rng = self.rng
        words = BUSINESSES[pool]
        stem, trade = rng.choice(words.stems), rng.choice(words.trades)
        last, last2 = rng.choice(PEOPLE[pool].last), rng.choice(PEOPLE[pool].last)
        core = rng.choice(words.patterns).format(stem=stem, trade=trade, last=last, last2=last2)
        suffix = rng.choice(country.suffixes)
        slug = _slug(f"{stem} {trade}") if pool == "ja" else _slug(core)
        return (f"{core} {suffix}" if suffix else core), slug

    # -- addresses --

    def address(
        self, country: Country, city: City, contact: str, business: str, email: str, fax: bool
    ) -> tuple[str, ...]:
        """A full address in a city (parts in ADDRESS_PARTS order), with a landline or mobile."""
        rng = self.rng
        street = rng.choice(city.streets or country.streets)
        if country.house_max:
            number = str(rng.randint(1, country.house_max))
            if country.house_letters and rng.random() < 0.08:
                number += rng.choice(country.house_letters)
        else:
            number = f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)}"
        street1 = country.street_format.format(number=number, street=street)
        street2 = ""
        if rng.random() < 0.25:
            street2 = fill_pattern(rng.choice(city.street2 or country.street2), rng, "ABCDEF")
        postal = fill_pattern(rng.choice(city.postal), rng, country.postal_letters)
        if country.code == "US" and rng.random() < 0.1:
            postal += fill_pattern("-####", rng, "")
        landline = rng.choice(city.phones)
        mobile = country.mobiles and rng.random() < 0.35
        phone = self.phone(country, rng.choice(country.mobiles) if mobile else landline)
        fax_number = self.phone(country, landline) if fax else ""
        return (
            contact,
            business,
            street1,
            street2,
            city.name,
            country.code,
            city.state,
            postal,
            phone,
            fax_number,
            email,
        )

    def email(self, number: int, first: str, last: str, domain: str = "") -> str:
        """A unique email (the customer number makes it so) at a personal or business domain."""
        rng = self.rng
        f, l_ = ascii_name(first), ascii_name(last)
        if not f:
            local = f"{rng.choice(ROLE_MAILBOXES)}{number}"
        else:
            local = rng.choice((f"{f}.{l_}", f"{f[0]}{l_}", f"{f}_{l_}", f"{l_}.{f}", f)) + str(
                number
            )
        return f"{local}@{domain or rng.choice(EMAIL_DOMAINS)}"

    # -- customers --

    def customer_row(self, code: str, created_at: datetime) -> tuple:
        """One customer as a tuple in CUSTOMER_COLUMNS order."""
        rng = self.rng
        number = int(code[len(CODE_PREFIX) :])
        country = rng.choices(self._countries, self._weights)[0]
        city = rng.choice(country.cities)
        pool = city.people or rng.choice(country.people)
        contact, first, last = self.person(pool)
        is_business = rng.random() < 0.55
        business, domain = "", ""
        if is_business:
            business, slug = self.business(
                pool if pool in BUSINESSES else country.business, country
            )
            domain = f"{slug}.example"
            if rng.random() < 0.15:  # some businesses give no contact person
                contact, first, last = "", "", ""
        email = self.email(number, first, last, domain) if rng.random() < 0.96 else ""
        billing = self.address(
            country, city, contact, business, email, is_business and rng.random() < FAX_SHARE
        )
        shipping = self._shipping(billing, country, city, pool, number, business, domain)
        vat = ""
        if is_business and country.vat and rng.random() < 0.7:
            vat = self.vat(country.code)
        tax_exempt = rng.choices(("no", "all", "state", "country"), (82, 6, 7, 5))[0]
        marketing = rng.random() < 0.45
        wholesale = rng.random() < (0.3 if is_business else 0.03)
        updated_at = created_at
        if rng.random() < 0.4:
            updated_at = created_at + (self.now - created_at) * rng.random()
        return (
            code,
            code_key(code),
            business,
            contact,
            *billing,
            *shipping,
            tax_exempt,
            vat,
            marketing,
            wholesale,
            created_at,
            updated_at,
        )

    def _shipping(
        self,
        billing: tuple[str, ...],
        country: Country,
        city: City,
        pool: str,
        number: int,
        business: str,
        domain: str,
    ) -> tuple[str, ...]:
        """The shipping address: mostly the billing one, else elsewhere, sometimes abroad."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.62:
            return billing
        contact, email = billing[0], billing[10]
        if roll > 0.96:  # ships abroad: a forwarder or a second office
            country = rng.choices(self._countries, self._weights)[0]
            city = rng.choice(country.cities)
        elif rng.random() < 0.5:
            city = rng.choice(country.cities)
        if rng.random() < 0.3:  # someone else receives the goods
            contact, first, last = self.person(pool)
            email = self.email(number, first, last, domain) if email else ""
        return self.address(country, city, contact, business, email, False)

    def portal_row(self, customer_id: int, row: tuple) -> tuple | None:
        """A portal account for some customers with a billing email, in every state."""
        rng = self.rng
        email = row[_COLUMN["billing_email"]]
        if not email or rng.random() >= 0.35:
            return None
        created_at = row[_COLUMN["created_at"]]
        roll = rng.random()
        if roll < 0.25:
            return (
                customer_id,
                PORTAL_NOT_ACTIVATED,
                "",
                None,
                False,
                0,
                None,
                "",
                None,
                created_at,
            )
        since = created_at + (self.now - created_at) * rng.random()
        login = email.casefold()
        if roll < 0.88:
            if rng.random() < 0.1:  # a temporary password sent, not used yet
                expires = self.now + timedelta(hours=rng.randint(1, 72))
                return (
                    customer_id,
                    PORTAL_ACTIVE,
                    DEMO_PASSWORD_HASH,
                    expires,
                    True,
                    0,
                    None,
                    "",
                    login,
                    since,
                )
            last_sign_in = since + (self.now - since) * rng.random()
            return (
                customer_id,
                PORTAL_ACTIVE,
                DEMO_PASSWORD_HASH,
                None,
                False,
                rng.choices((0, 1, 2), (90, 7, 3))[0],
                last_sign_in,
                "",
                login,
                since,
            )
        return (
            customer_id,
            PORTAL_LOCKED,
            DEMO_PASSWORD_HASH,
            None,
            False,
            rng.randint(0, 3),
            since,
            rng.choice(LOCK_REASONS),
            login,
            since,
        )

    def note_rows(self, customer_id: int, row: tuple) -> list[tuple]:
        """Notes for some customers: mostly internal, some public, by author "demo"."""
        rng = self.rng
        if rng.random() >= 0.18:
            return []
        created_at = row[_COLUMN["created_at"]]
        notes = []
        for _ in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
            public = rng.random() < 0.3
            body = rng.choice(PUBLIC_NOTES if public else INTERNAL_NOTES)
            notes.append(
                (
                    customer_id,
                    body,
                    public,
                    NOTE_AUTHOR,
                    created_at + (self.now - created_at) * rng.random(),
                )
            )
        return notes


# ---------------------------------------------------------------------------------------------
# Writing them
# ---------------------------------------------------------------------------------------------


def _created_times(generator: DemoGenerator, done: int, size: int, total: int) -> list[datetime]:
    """Creation times that grow with the customer code, spread over the last three years."""
    start = generator.now - HISTORY
    step = HISTORY / max(total, 1)
    return [start + step * (done + i + generator.rng.random()) for i in range(size)]


class NotDemoDatabase(Exception):
    """Demo customers were asked for in a database that was not created for the demo."""


def _claim_demo_database() -> None:
    """Mark an empty database as a demo database, accept one already marked, refuse any other:
    demo customers share a published password and must never land among real ones."""
    if Counter.select().where(Counter.name == DEMO_MARK).exists():
        return
    if Customer.select().exists():
        raise NotDemoDatabase(
            "This database was not created as a demo database and already "
            "holds customers: demo customers go only into a demo database "
            "(custdesk --demo, or a new file or empty database)."
        )
    Counter.insert(name=DEMO_MARK, value=1).execute()


def is_demo_database() -> bool:
    """Whether the open database was created as a demo database."""
    return Counter.select().where(Counter.name == DEMO_MARK).exists()


def _add_batch(
    generator: DemoGenerator,
    staff: StaffSession,
    done: int,
    size: int,
    total: int,
    only_if_empty: bool,
) -> int:
    """Add one batch of customers with their portal accounts and notes in one transaction;
    returns how many were added (0 when only_if_empty and customers already exist)."""
    with write_transaction():
        # The code counter's row lock makes a second process wait here, then see our rows.
        Counter.update(value=Counter.value).where(Counter.name == CODE_COUNTER).execute()
        if only_if_empty and Customer.select().exists():
            return 0
        _claim_demo_database()
        codes = reserve_customer_codes(size)
        times = _created_times(generator, done, size, total)
        rows = [generator.customer_row(code, at) for code, at in zip(codes, times)]
        ids = dict(bulk_insert(Customer, CUSTOMER_COLUMNS, rows, ("code_key", "id")))
        portal, notes = [], []
        for row in rows:
            customer_id = ids[row[1]]
            account = generator.portal_row(customer_id, row)
            if account is not None:
                portal.append(account)
            notes += generator.note_rows(customer_id, row)
        bulk_insert(PortalAccount, PORTAL_COLUMNS, portal)
        bulk_insert(Note, NOTE_COLUMNS, notes)
        settle_changes()  # the batch's search copy and duplicate flags
        record_event(None, staff, DEMO_ACTION, detail=f"Added {size:,} demo customers")
    return size


class BadDemoCount(ValueError):
    """What was typed for how many demo customers to add is not a count; the message says why
    and names the field."""


def parse_demo_count(text: str) -> int:
    """How many demo customers someone typed ("1000" or "1,000"): a whole number from 1 to
    MAX_DEMO_COUNT, else BadDemoCount."""
    typed = text.strip()
    rule = f"a whole number from 1 to {MAX_DEMO_COUNT:,}"
    if not typed:
        raise BadDemoCount(f"{COUNT_LABEL} is empty: type {rule}.")
    count = int(typed.replace(",", "")) if _COUNT_TEXT.fullmatch(typed) else 0
    if 1 <= count <= MAX_DEMO_COUNT:
        return count
    raise BadDemoCount(f"{COUNT_LABEL} must be {rule}.")


class DemoStopped(Exception):
    """A fill stopped before `count` because it was asked to; the `added` customers of the
    batches committed so far are kept."""

    def __init__(self, added: int):
        super().__init__(f"Stopped after adding {added:,} demo customers.")
        self.added = added


def _fill(
    staff: StaffSession,
    count: int,
    seed: int | None,
    progress: Callable[[int], None] | None,
    cancel: threading.Event | None,
    only_if_empty: bool,
) -> int:
    authorize(staff, Permission.DEMO)
    generator = DemoGenerator(seed)
    added = 0
    while added < count and not (cancel is not None and cancel.is_set()):
        size = min(TRANSACTION_ROWS, count - added)
        batch = _add_batch(generator, staff, added, size, count, only_if_empty and added == 0)
        if batch == 0:
            return 0
        added += batch
        if progress is not None:
            progress(added)
    if added:
        refresh_statistics()
    if added < count:
        raise DemoStopped(added)
    return added


def fill_demo_database(
    staff: StaffSession,
    count: int,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Add `count` realistic, varied, valid customers to the open database; returns how many.

    Each batch of TRANSACTION_ROWS customers is its own committed transaction. `seed` makes the
    customers repeatable; `progress` is called with the number added so far after each batch.
    `cancel` is checked before each batch: once set, the fill stops and raises DemoStopped
    with the number added (and kept) so far. Raises NotDemoDatabase for a database that was
    not created as a demo database.
    """
    return _fill(staff, count, seed, progress, cancel, only_if_empty=False)


def ensure_demo_data(
    staff: StaffSession,
    count: int,
    progress: Callable[[int], None] | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Fill the open database with `count` demo customers if it has none yet; returns how
    many were added (0 when it already had customers). `progress` and `cancel` work as for
    fill_demo_database (DemoStopped when cancelled)."""
    return _fill(staff, count, None, progress, cancel, only_if_empty=True)
