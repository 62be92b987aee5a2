"""German sample data of the demo shop: articles, names, addresses, companies.

Plain constants for :mod:`gambio_hcs_bridge.demo.generator`. Every text fits Gambio's utf8
(utf8mb3) columns: umlauts and ß, but no characters outside the Basic Multilingual Plane.
"""

# --- German catalogue --------------------------------------------------------------------------

# (German name, English name, VAT rate, lowest and highest gross price in EUR)
SIMPLE_ITEMS = (
    ("Gießkanne 10 l", "Watering can 10 l", "19", "12.99", "29.99"),
    ("Küchenwaage digital", "Digital kitchen scale", "19", "14.99", "39.99"),
    ("Fußmatte Kokos", "Coir doormat", "19", "9.99", "24.99"),
    ("Schraubendreher-Satz 6-tlg.", "Screwdriver set, 6 pieces", "19", "11.99", "34.99"),
    ("Schreibtischleuchte LED", "LED desk lamp", "19", "24.99", "89.99"),
    ("Thermoskanne 1 l", "Vacuum flask 1 l", "19", "16.99", "39.99"),
    ("Schneidebrett Buche", "Beech chopping board", "19", "8.99", "29.99"),
    ("Gartenschere „Präzision“", "Garden shears", "19", "13.99", "44.99"),
    ("Grillzange Edelstahl", "Stainless steel grill tongs", "19", "6.99", "19.99"),
    ("Wärmflasche mit Strickbezug", "Hot-water bottle with knitted cover", "19", "9.99", "22.99"),
    ("Bürostuhl ergonomisch", "Ergonomic office chair", "19", "129.00", "349.00"),
    ("Spülbürste Holz", "Wooden dish brush", "19", "3.49", "7.99"),
    ("Kräutertee Bio 100 g", "Organic herbal tea 100 g", "7", "3.99", "8.99"),
    ("Kochbuch „Schwäbische Küche“", "Cookbook: Swabian cuisine", "7", "19.90", "34.90"),
    ("Blütenhonig 500 g", "Blossom honey 500 g", "7", "5.49", "11.99"),
    ("Früchtemüsli 750 g", "Fruit muesli 750 g", "7", "3.29", "6.99"),
    ("Hörbuch „Grimms Märchen“ (CD)", "Audiobook: Grimm's fairy tales (CD)", "7", "9.99", "19.99"),
    ("Bratwurstgewürz 80 g", "Sausage seasoning 80 g", "7", "2.99", "5.99"),
)
# Goods sold by the metre in steps of half a metre. Their prices per metre become an even number
# of cents, so price x quantity is always a whole number of cents.
METRE_ITEMS = (
    ("Kupferlitze 1,5 mm² (Meterware)", "Copper strand 1.5 mm² (per metre)", "19", "0.98", "2.98"),
    ("Baumwollkordel 5 mm (Meterware)", "Cotton cord 5 mm (per metre)", "19", "0.48", "1.98"),
)
# (German name, English name, VAT rate, low, high, properties as (name, values))
VARIANT_ITEMS = (
    ("T-Shirt Bio-Baumwolle", "Organic cotton T-shirt", "19", "14.99", "29.99",
     (("Farbe", ("Schwarz", "Weiß", "Grün", "Marineblau")), ("Größe", ("S", "M", "L", "XL")))),
    ("Kapuzenpullover „Förde“", "Hoodie", "19", "39.99", "69.99",
     (("Farbe", ("Grau meliert", "Bordeaux", "Schwarz")), ("Größe", ("S", "M", "L", "XL", "XXL")))),
    ("Wanderschuhe Gämse", "Hiking boots", "19", "79.99", "159.99",
     (("Größe", ("39", "40", "41", "42", "43", "44", "45")),)),
    ("Arbeitshandschuhe Leder", "Leather work gloves", "19", "7.99", "16.99",
     (("Größe", ("8", "9", "10", "11")),)),
    ("Sitzkissen Filz", "Felt seat cushion", "19", "12.99", "24.99",
     (("Farbe", ("Anthrazit", "Senfgelb", "Moosgrün", "Hellgrau")),)),
)
# (German name, English name, VAT rate, low, high, option name, values as (name, gross surcharge, code))
ATTRIBUTE_ITEMS = (
    ("Emaillebecher", "Enamel mug", "19", "9.99", "16.99",
     "Gravur", (("ohne Gravur", "0.00", "OG"), ("mit Namensgravur", "4.00", "NG"))),
    ("Geschenkkorb „Schlemmerglück“", "Gift basket", "7", "29.90", "59.90",
     "Verpackung", (("Standard", "0.00", "STD"), ("Geschenkpapier", "2.50", "GP"), ("Holzkiste", "7.90", "HK"))),
    ("Frühstücksbrettchen", "Breakfast board", "19", "7.99", "14.99",
     "Motiv", (("Blanko", "0.00", "BL"), ("Fuchs", "1.50", "FU"), ("Eule", "1.50", "EU"))),
)
PRODUCT_LINES = ("Classic", "Öko", "Premium", "Kompakt", "Nordlicht", "Alpenglühen", "Weißtanne", "Sonnenhof")
VALUE_CODES = {
    "Schwarz": "SW", "Weiß": "WS", "Grün": "GN", "Marineblau": "MB", "Grau meliert": "GM",
    "Bordeaux": "BX", "Anthrazit": "AN", "Senfgelb": "SG", "Moosgrün": "MG", "Hellgrau": "HG",
}

# --- German people and addresses ---------------------------------------------------------------

FIRST_NAMES = {
    "m": ("Jürgen", "Björn", "Sören", "Günther", "Jörg", "Lukas", "Matthias", "Tobias", "Hans-Peter",
          "Malte", "Florian", "Uwe", "René", "Jan", "Moritz", "Ömer"),
    "f": ("Käthe", "Anneliese", "Lena", "Sophie", "Maren", "Gülsen", "Renée", "Ursula", "Hannah",
          "Doris", "Frauke", "Marie", "Zoë", "Birgit", "Sabine", "Elke"),
}
LAST_NAMES = ("Müller", "Schäfer", "Weiß", "Groß", "Krüger", "Köhler", "Böhm", "Fuß", "Strauß",
               "Meißner", "Schröder", "Hoffmann", "Wagner", "Becker", "Jäger", "Voß", "Günther",
               "Schmidt", "Özdemir", "Lehmann", "Dreßler", "Bäumer", "Nußbaum", "Hähnel")
FOREIGN_NAMES = {
    "FR": (("Camille", "Étienne", "Léa"), ("Lefèvre", "Dubois", "Girard")),
    "NL": (("Sanne", "Daan", "Femke"), ("de Vries", "van Dijk", "Jansen")),
    "IT": (("Giulia", "Luca", "Chiara"), ("Rossi", "Esposito", "Bianchi")),
    "PL": (("Łukasz", "Agnieszka", "Paweł"), ("Kowalski", "Wójcik", "Zieliński")),
    "GB": (("Oliver", "Amelia", "Harry"), ("Smith", "Taylor", "O'Brien")),
    "US": (("Emily", "Michael", "Madison"), ("Johnson", "Williams", "García")),
}
GENDERS = ("m", "f")
# (postcode, city, streets) per country; Swiss German is written without ß.
PLACES = {
    "DE": (
        (("10115", "Berlin"), ("80331", "München"), ("50667", "Köln"), ("20095", "Hamburg"),
         ("04109", "Leipzig"), ("01067", "Dresden"), ("90402", "Nürnberg"), ("97070", "Würzburg"),
         ("37073", "Göttingen"), ("48143", "Münster"), ("66111", "Saarbrücken"),
         ("79098", "Freiburg im Breisgau"), ("88045", "Friedrichshafen"), ("24103", "Kiel"),
         ("99084", "Erfurt"), ("73728", "Esslingen am Neckar")),
        ("Hauptstraße", "Bahnhofstraße", "Schloßallee", "Mühlenweg", "Am Bürgerpark", "Königstraße",
         "Lindenstraße", "Große Brüdergasse", "Fürstenwall", "Weißdornweg", "Grüner Weg",
         "Straße des 17. Juni", "Äußere Sulzbacher Straße", "Übelgönne"),
    ),
    "AT": (
        (("1010", "Wien"), ("8010", "Graz"), ("5020", "Salzburg"), ("6020", "Innsbruck")),
        ("Mariahilfer Straße", "Getreidegasse", "Herrengasse", "Südtiroler Platz"),
    ),
    "CH": (
        (("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel"), ("9000", "St. Gallen")),
        ("Bahnhofstrasse", "Marktgasse", "Spalenberg", "Seefeldstrasse"),
    ),
    "FR": ((("75001", "Paris"), ("67000", "Strasbourg")), ("Rue de la Paix", "Avenue Jean-Jaurès")),
    "NL": ((("1012 AB", "Amsterdam"), ("3511 AA", "Utrecht")), ("Keizersgracht", "Oudegracht")),
    "IT": ((("39100", "Bolzano"), ("20121", "Milano")), ("Via Roma", "Corso Garibaldi")),
    "PL": ((("00-001", "Warszawa"), ("50-001", "Wrocław")), ("ul. Długa", "ul. Marszałkowska")),
    "GB": ((("SW1A 1AA", "London"), ("M1 1AE", "Manchester")), ("Baker Street", "High Street")),
    "US": ((("10001", "New York"), ("94105", "San Francisco")), ("Main Street", "Broadway")),
}
US_STATES = {"New York": "New York", "San Francisco": "California"}
# Country names as the German shop writes them into orders; magnalister copies the English
# countries.countries_name instead.
GERMAN_COUNTRY_NAMES = {
    "DE": "Deutschland", "AT": "Österreich", "CH": "Schweiz", "FR": "Frankreich", "NL": "Niederlande",
    "IT": "Italien", "PL": "Polen", "GB": "Vereinigtes Königreich", "US": "Vereinigte Staaten von Amerika",
}
COUNTRY_SHARES = {"DE": 820, "AT": 60, "CH": 40, "FR": 20, "NL": 20, "IT": 15, "PL": 10, "GB": 10, "US": 5}
COMPANIES = ("Müller & Söhne GmbH", "Bäckerei Weißgerber KG", "Schäfer Haustechnik e.K.",
              "Grünwerk Gartenbau GmbH & Co. KG", "Hörmann Büroservice UG (haftungsbeschränkt)",
              "Kühne Logistik AG", "Straßenbau Jöst GmbH", "Café Früh OHG")

CUSTOMER_COMMENTS = ("Bitte beim Nachbarn abgeben, falls ich nicht da bin.", "Bitte nicht vor 16 Uhr liefern.",
                      "Geschenk – bitte ohne Rechnung im Paket.", "Abstellgenehmigung: Garage.")
