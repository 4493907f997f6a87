"""Real, complete addresses in many countries, for tests that need a customer's address to pass
its country's rules (Google's address metadata: required parts, postal codes, subdivisions)."""

from typing import NamedTuple


class Place(NamedTuple):
    """An address of one country as typed, with a postal code that is good and one that is not."""

    street: str
    city: str
    state: str  # as typed; "" where the country's addresses carry none (or it is optional)
    postal: str  # a good postal code, as typed
    stored_state: str
    stored_postal: str
    bad_postal: str  # a postal code of the wrong shape for the country


PLACES: dict[str, Place] = {
    # the eight countries checked by hand-written patterns before
    "US": Place("1600 Amphitheatre Pkwy", "Mountain View", "CA", "94043", "US-CA", "94043", "1000"),
    "CA": Place("100 Queen St W", "Toronto", "ON", "m5h2n2", "CA-ON", "M5H 2N2", "M5H 2N"),
    "GB": Place("10 Downing St", "London", "", "sw1a2aa", "", "SW1A 2AA", "SW1A 2A"),
    "AU": Place("1 Macquarie St", "Sydney", "NSW", "2000", "AU-NSW", "2000", "200"),
    "DE": Place("Unter den Linden 1", "Berlin", "", "10117", "", "10117", "1011"),
    "FR": Place("1 Rue de Rivoli", "Paris", "", "75001", "", "75001", "7500"),
    "NL": Place("Dam 1", "Amsterdam", "", "1012js", "", "1012 JS", "0123 AB"),
    "IE": Place("1 O'Connell St", "Dublin", "Co. Dublin", "d01f5p2", "IE-D", "D01 F5P2", "D01 F5P"),
    # the list
    "JP": Place("1-1 Chiyoda", "Chiyoda-ku", "東京都", "1000001", "JP-13", "100-0001", "1000"),
    "BR": Place(
        "Av. Paulista, 1000", "São Paulo", "SP", "01310100", "BR-SP", "01310-100", "0131-100"
    ),
    "IN": Place("1 Rajpath", "New Delhi", "Delhi", "110001", "IN-DL", "110001", "11001"),
    "CN": Place("1 Dongchang'an Jie", "Beijing", "北京市", "100006", "CN-BJ", "100006", "10006"),
    "MX": Place("Av. Juárez 1", "Ciudad de México", "CDMX", "06000", "MX-CMX", "06000", "6000"),
    "ZA": Place("1 Adderley St", "Cape Town", "", "8001", "", "8001", "801"),
    "KR": Place("1 Sejong-daero", "Jongno-gu", "서울특별시", "03154", "KR-11", "03154", "0315"),
    # and more
    "IT": Place("Via del Corso 1", "Roma", "RM", "00186", "IT-RM", "00186", "0018"),
    "ES": Place("Gran Vía 1", "Madrid", "Madrid", "28013", "ES-M", "28013", "2801"),
    "CH": Place("Bahnhofstrasse 1", "Zürich", "", "CH-8001", "", "8001", "800"),
    "AT": Place("Stephansplatz 1", "Wien", "", "1010", "", "1010", "101"),
    "BE": Place("Grand-Place 1", "Bruxelles", "", "1000", "", "1000", "100"),
    "SE": Place("Drottninggatan 1", "Stockholm", "", "111 51", "", "111 51", "1115"),
    "DK": Place("Rådhuspladsen 1", "København V", "", "1550", "", "1550", "155"),
    "PL": Place("ul. Marszałkowska 1", "Warszawa", "", "00624", "", "00-624", "0062"),
    "PT": Place("Rua Augusta 1", "Lisboa", "", "1100-053", "", "1100-053", "1100"),
    "NZ": Place("1 Queen St", "Auckland", "", "1010", "", "1010", "101"),
    "SG": Place("1 Raffles Pl", "Singapore", "", "048616", "", "048616", "48616"),
    "AR": Place(
        "Av. de Mayo 1",
        "Buenos Aires",
        "Ciudad Autónoma de Buenos Aires",
        "c1002aaa",
        "AR-C",
        "C1002AAA",
        "C10",
    ),
    "CL": Place("Av. Libertador 1", "Santiago", "", "8320000", "", "8320000", "832000"),
    "RU": Place("ul. Tverskaya 1", "Moskva", "Москва", "125009", "RU-MOW", "125009", "12500"),
    "NO": Place("Karl Johans gate 1", "Oslo", "", "0154", "", "0154", "154"),
    "FI": Place("Aleksanterinkatu 1", "Helsinki", "", "00100", "", "00100", "0010"),
    "CZ": Place("Václavské náměstí 1", "Praha", "", "110 00", "", "110 00", "1100"),
    "TR": Place("İstiklal Cd. 1", "İstanbul", "İstanbul", "34433", "TR-34", "34433", "3443"),
}


def address(country: str, side: str = "billing", **parts: str) -> dict[str, str]:
    """The fields of a complete address in `country` on one side, with `parts` (street1, city,
    state, postal_code) replacing or blanking its parts."""
    place = PLACES[country]
    values = {
        "street1": place.street,
        "city": place.city,
        "country": country,
        "state": place.state,
        "postal_code": place.postal,
    } | parts
    return {f"{side}_{part}": value for part, value in values.items()}
