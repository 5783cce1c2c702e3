"""The words ``experts.demo`` builds demo profiles and resources from: names by naming tradition,
organizations, titles, and per-objective phrase pools for biographies in six languages.

Names are invented combinations of common given and family names; organizations are the UN
agencies the Hub works with, and otherwise invented (ministries and universities by pattern,
NGOs by name), so that no demo profile claims to be a real person at a real NGO.
"""

from dataclasses import dataclass

# A data module: rows of values read better than the formatter's one value per line.
# fmt: off


@dataclass(frozen=True)
class NamePool:
    """One naming tradition. ``family_women``, when given, is aligned with ``family`` (Ivanov → Ivanova)."""

    women: tuple[str, ...]
    men: tuple[str, ...]
    family: tuple[str, ...]
    family_women: tuple[str, ...] = ()
    family_first: bool = False  # "Nguyen Thi Lan", "Chen Wei"


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


NAME_POOLS: dict[str, NamePool] = {
    "west_africa": NamePool(
        _names("Aminata, Fatoumata, Aïssatou, Mariama, Ama, Abena, Efua, Ngozi, Adaeze, Funmilayo, Awa, Kadiatou"),
        _names("Moussa, Ibrahima, Mamadou, Seydou, Kwame, Kofi, Yaw, Chinedu, Oluwaseun, Babajide, Issa, Lamine"),
        _names("Diallo, Traoré, Ndiaye, Diop, Sow, Keïta, Mensah, Owusu, Boateng, Okafor, Adeyemi, Okonkwo, "
               "Bello, Coulibaly, Camara, Bangura, Kamara, Sesay, Koné, Ouédraogo, Sawadogo, Agbodjan"),
    ),
    "central_africa": NamePool(
        _names("Grâce, Patience, Clarisse, Solange, Christelle, Chantal, Nadège, Espérance"),
        _names("Jean-Paul, Emmanuel, Thierry, Didier, Hervé, Blaise, Serge, Fabrice"),
        _names("Mbuyi, Ilunga, Tshibanda, Mukendi, Ngoy, Mbarga, Nguema, Ondo, Fotso, Kamga, Mbida, Ngarta"),
    ),
    "east_africa": NamePool(
        _names("Wanjiru, Achieng, Neema, Zawadi, Selam, Hiwot, Faith, Aisha, Halima, Nyokabi, Amina, Hodan"),
        _names("Otieno, Kipchoge, Amani, Baraka, Abebe, Tesfaye, Mulugeta, Brian, Hassan, Jabari, Yonas, Abdirahman"),
        _names("Mwangi, Kamau, Odhiambo, Wafula, Njoroge, Mutua, Kiptoo, Tadesse, Bekele, Haile, Girma, "
               "Mohamed, Nsubuga, Okello, Mugisha, Uwimana, Niyonzima, Ali, Abdi, Warsame, Rakotomalala"),
    ),
    "southern_africa": NamePool(
        _names("Thandiwe, Nomvula, Lerato, Tendai, Chipo, Naledi, Mpho, Nandi, Rudo, Tapiwa"),
        _names("Sipho, Tatenda, Farai, Kagiso, Bongani, Themba, Lwazi, Thabo, Chikondi, Mandla"),
        _names("Dlamini, Nkosi, Khumalo, Ndlovu, Moyo, Ncube, Mokoena, Molefe, Sithole, Banda, Phiri, Mwale, "
               "Mahlangu, Zulu, Mabaso, Shikongo"),
    ),
    "lusophone": NamePool(
        _names("Esperança, Isabel, Joana, Marta, Lúcia, Rosa"),
        _names("António, Manuel, Domingos, Carlos, Armando, Nuno"),
        _names("dos Santos, Fernandes, Mendes, Cardoso, Gomes, Tavares, Monteiro, Lopes, da Costa, Ximenes"),
    ),
    "arab": NamePool(
        _names("Leila, Nour, Fatima, Rania, Hala, Amira, Yasmine, Salma, Rim, Dalia, Samira, Hanane, Mariam, Lina"),
        _names("Youssef, Omar, Khalid, Samir, Karim, Tarek, Mounir, Hicham, Walid, Ahmed, Mahmoud, Rachid, Ziad"),
        _names("Haddad, Mansour, Khalil, El Amrani, Benali, Bouzid, Saleh, Hamdan, Nasser, Aziz, El Idrissi, "
               "Farouk, Qasim, Al-Hashimi, Ben Youssef, Trabelsi, Abdallah, Chahine, Sabbagh, Karam, Al-Tamimi"),
    ),
    "persian_turkic": NamePool(
        _names("Ayşe, Elif, Zeynep, Maryam, Shirin, Parisa, Nilufar, Fereshteh, Merve, Sevda"),
        _names("Mehmet, Emre, Reza, Dariush, Ahmad, Farid, Murat, Elçin, Javid, Kian"),
        _names("Yılmaz, Kaya, Demir, Şahin, Hosseini, Karimi, Rahimi, Tehrani, Aliyev, Mammadov, Ahmadi, Noori"),  # noqa: RUF001 (Turkish dotless i)
    ),
    "central_asia": NamePool(
        _names("Aigerim, Gulnara, Dilnoza, Madina, Zarina, Aizhan, Saule, Oyuna"),
        _names("Nurlan, Timur, Rustam, Azamat, Bakhtiyar, Erlan, Daniyar, Bat-Erdene"),
        _names("Abdullaev, Nazarov, Sultanov, Ismailov, Karimov, Tursunov, Zhakupov, Omarov"),
        _names("Abdullaeva, Nazarova, Sultanova, Ismailova, Karimova, Tursunova, Zhakupova, Omarova"),
    ),
    "caucasus": NamePool(
        _names("Nino, Tamar, Ani, Mariam, Lilit, Ketevan"),
        _names("Giorgi, Levan, Davit, Aram, Tigran, Irakli"),
        _names("Beridze, Kapanadze, Gelashvili, Hakobyan, Petrosyan, Sargsyan, Grigoryan, Lomidze"),
    ),
    "hebrew": NamePool(
        _names("Noa, Tamar, Yael, Maya, Shira"),
        _names("Yonatan, Daniel, Avi, Itai, Noam"),
        _names("Cohen, Levi, Mizrahi, Peretz, Biton, Friedman"),
    ),
    "south_asia": NamePool(
        _names("Priya, Ananya, Farzana, Nasrin, Sunita, Kavita, Ayesha, Shreya, Nadia, Sabina, Dilini, Pema"),
        _names("Arjun, Rahul, Imran, Rakesh, Tahmid, Sanjay, Bilal, Kamal, Prakash, Nimal, Tenzin, Asif"),
        _names("Sharma, Patel, Rahman, Hossain, Khan, Gurung, Thapa, Perera, Fernando, Chowdhury, Iyer, "
               "Siddiqui, Shrestha, Qureshi, Das, Nair, Begum, Wangchuk"),
    ),
    "chinese": NamePool(
        _names("Mei, Xiaoling, Yan, Jing, Hui, Lan, Fang, Ying"),
        _names("Wei, Jun, Hao, Lei, Ming, Tao, Jian, Bo"),
        _names("Chen, Li, Wang, Zhang, Liu, Huang, Zhao, Wu, Zhou, Lin, Xu, Sun"),
        family_first=True,
    ),
    "japanese": NamePool(
        _names("Yuki, Haruka, Aiko, Naomi, Emi, Sakura"),
        _names("Hiroshi, Takeshi, Kenji, Daisuke, Satoshi, Ryo"),
        _names("Tanaka, Sato, Suzuki, Takahashi, Watanabe, Ito, Yamamoto, Nakamura"),
    ),
    "korean": NamePool(
        _names("Ji-yeon, Min-ji, Seo-yeon, Hye-jin, Eun-ji"),
        _names("Min-jun, Ji-hoon, Sung-min, Dong-hyun, Jae-won"),
        _names("Kim, Lee, Park, Choi, Jung, Kang, Yoon"),
        family_first=True,
    ),
    "vietnamese": NamePool(
        _names("Thi Lan, Thu Ha, Minh Anh, Bich Ngoc, Thi Hoa"),
        _names("Van Minh, Duc Anh, Quang Huy, Thanh Tung, Van Hai"),
        _names("Nguyen, Tran, Le, Pham, Hoang, Vu, Dang"),
        family_first=True,
    ),
    "filipino": NamePool(
        _names("Maria Cristina, Rosario, Jocelyn, Maricel, Angelica, Liza"),
        _names("Jose Miguel, Ramon, Rodel, Paolo, Carlo, Jerome"),
        _names("Santos, Reyes, Cruz, Bautista, Dela Cruz, Garcia, Mendoza, Villanueva, Aquino"),
    ),
    "malay_indonesian": NamePool(
        _names("Siti, Dewi, Nurul, Putri, Ayu, Intan"),
        _names("Budi, Agus, Ahmad, Rizal, Hafiz, Arif"),
        _names("Santoso, Wijaya, Rahman, Hidayat, Abdullah, Ismail, Kusuma, Halim, Nasution"),
    ),
    "mainland_southeast_asia": NamePool(
        _names("Siriporn, Kanya, Sokha, Thida, Malee, Khin, Vanida"),
        _names("Somchai, Anan, Sokun, Aung, Kyaw, Bounmy, Chanthou"),
        _names("Srisuk, Chaiyaporn, Sok, Chan, Win, Tun, Phan, Keo, Phommachanh"),
    ),
    "western_europe": NamePool(
        _names("Camille, Sophie, Claire, Anna, Julia, Marie, Charlotte, Emma, Laura, Hannah, Lotte, Manon"),
        _names("Pierre, Thomas, Lukas, Jan, Maximilian, Antoine, Pieter, Johannes, Martin, Nicolas, Bram, Luc"),
        _names("Dubois, Lefèvre, Martin, Bernard, Müller, Schmidt, Weber, Fischer, De Vries, Janssens, Peeters, "
               "Moreau, Laurent, Wagner, Becker, Huber, Girard, Van den Berg"),
    ),
    "northern_europe": NamePool(
        _names("Ingrid, Astrid, Sofia, Freya, Sigrid, Aino, Emilia, Maja, Liis, Rūta"),
        _names("Lars, Erik, Anders, Mikael, Olav, Jussi, Henrik, Magnus, Kristjan, Jonas"),
        _names("Andersen, Johansson, Nilsson, Larsen, Hansen, Virtanen, Korhonen, Lindqvist, Berg, Eriksson, "
               "Tamm, Ozols, Jónsdóttir"),
    ),
    "southern_europe": NamePool(
        _names("Chiara, Giulia, Elena, Maria, Sofia, Inês, Eleni, Francesca, Carmen, Lucía, Marta"),
        _names("Marco, Luca, Giorgos, João, Pedro, Alessandro, Nikos, Javier, Pablo, Andreas, Tiago"),
        _names("Rossi, Russo, Ferrari, Bianchi, Papadopoulos, Georgiou, Silva, Santos, Ferreira, García, "
               "Martínez, López, Esposito, Costa, Borg, Romano, Navarro"),
    ),
    "anglo": NamePool(
        _names("Sarah, Emily, Rachel, Catherine, Olivia, Siobhan, Megan, Hannah, Aoife, Jessica"),
        _names("James, Daniel, Michael, Patrick, Andrew, Thomas, Liam, David, Ciarán, Ben"),
        _names("Smith, Murphy, O'Brien, Walker, Thompson, Campbell, Taylor, Kelly, Robinson, Clarke, Byrne, "
               "Mitchell, Stewart"),
    ),
    "eastern_europe": NamePool(
        _names("Olga, Natalia, Irina, Anastasia, Yulia, Tatiana, Oksana, Ekaterina"),
        _names("Dmitri, Sergei, Alexei, Andriy, Mikhail, Ivan, Pavel, Oleksandr"),
        _names("Ivanov, Petrov, Smirnov, Kuznetsov, Popov, Volkov, Sokolov, Morozov, Shevchenko, Kovalenko, "
               "Bondarenko, Rusu"),
        _names("Ivanova, Petrova, Smirnova, Kuznetsova, Popova, Volkova, Sokolova, Morozova, Shevchenko, "
               "Kovalenko, Bondarenko, Rusu"),
    ),
    "central_europe": NamePool(
        _names("Agnieszka, Katarzyna, Jana, Petra, Ioana, Ana, Milica, Zsófia, Elena, Vesna, Arta"),
        _names("Tomasz, Piotr, Jan, Tomáš, Andrei, Mihai, Marko, Nikola, Bence, Stefan, Arben"),
        _names("Nowak, Horváth, Nagy, Popescu, Ionescu, Jovanović, Petrović, Kovač, Marinescu, Hoxha, "
               "Krasniqi, Szabó, Novak, Hadžić"),
    ),
    "latin_america": NamePool(
        _names("Sofía, Lucía, Valentina, Camila, María José, Daniela, Gabriela, Ximena, Paola, Andrea, "
               "Carolina, Mariana, Yesenia, Rosa María"),
        _names("Mateo, Joaquín, Santiago, Diego, Alejandro, Rafael, Andrés, Carlos, Luis Fernando, Javier, "
               "Felipe, Sebastián, Óscar, Juan Pablo"),
        _names("González, Rodríguez, Ramírez, Herrera, Castillo, Flores, Morales, Vargas, Rojas, Mendoza, "
               "Gutiérrez, Torres, Hernández, Quispe, Mamani, Cárdenas, Aguilar, Medina, Chávez, Pérez"),
    ),
    "brazilian": NamePool(
        _names("Ana Clara, Beatriz, Juliana, Fernanda, Larissa, Mariana, Thaís"),
        _names("João Pedro, Lucas, Gabriel, Rafael, Thiago, Bruno, Felipe"),
        _names("Silva, Santos, Oliveira, Souza, Pereira, Costa, Almeida, Carvalho, Ribeiro, Nascimento"),
    ),
    "caribbean": NamePool(
        _names("Shanice, Keisha, Marlene, Nadine, Shelly-Ann, Natasha, Kerry-Ann"),
        _names("Andre, Dwayne, Marcus, Jermaine, Winston, Kemar, Desmond"),
        _names("Williams, Brown, Campbell, Thompson, Edwards, Joseph, Charles, Baptiste, Persaud, Ramdial"),
    ),
    "haitian": NamePool(
        _names("Guerline, Nadège, Mirlande, Rose-Marie, Fabiola"),
        _names("Jean-Baptiste, Wilner, Frantz, Jean-Robert, Kervens"),
        _names("Jean, Pierre, Joseph, Louis, Saint-Fleur, Dorvil, Exantus"),
    ),
    "pacific": NamePool(
        _names("Mele, Losana, Salote, Aroha, Talia, Vailea, Litia, Mereoni, Tiare, Lavinia, Anaseini"),
        _names("Siosaia, Tevita, Sione, Tane, Viliami, Iosefa, Manase, Pita, Teuila, Kalolaine, Rawiri"),
        _names("Tupou, Fifita, Taufa, Vaka, Ngata, Parata, Tuilagi, Leota, Faleolo, Naivalu, Tabua, Koroi, "
               "Kila, Wari, Nanau, Kalsakau, Teiwaki, Kabua"),
    ),
}


def _countries(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Each country's naming traditions, most usual first (draws favour none: a mixed country repeats none).
_POOLS_BY_COUNTRY: dict[str, tuple[str, ...]] = {
    **{code: ("west_africa",) for code in _countries("SN ML GN GM SL LR CI GH TG BJ NG NE BF")},
    **{code: ("central_africa",) for code in _countries("CM CF TD CG CD GA GQ")},
    **{code: ("east_africa",) for code in _countries("KE UG TZ ET ER SO DJ SS RW BI KM MG SC MU")},
    **{code: ("southern_africa",) for code in _countries("ZA ZW ZM MW BW NA LS SZ")},
    **{code: ("lusophone",) for code in _countries("AO MZ CV GW ST TL")},
    **{code: ("arab",) for code in _countries("DZ MA TN LY EG SD MR SA AE QA KW BH OM YE JO LB SY IQ")},
    **{code: ("persian_turkic",) for code in _countries("TR AZ IR AF TJ")},
    **{code: ("central_asia",) for code in _countries("KZ KG UZ TM MN")},
    **{code: ("caucasus",) for code in _countries("GE AM")},
    "IL": ("hebrew", "arab"),
    **{code: ("south_asia",) for code in _countries("IN PK BD NP LK BT MV")},
    "CN": ("chinese",),
    "JP": ("japanese",),
    "KR": ("korean",),
    "KP": ("korean",),
    "VN": ("vietnamese",),
    "PH": ("filipino",),
    **{code: ("malay_indonesian",) for code in _countries("ID MY BN")},
    "SG": ("chinese", "malay_indonesian", "south_asia"),
    **{code: ("mainland_southeast_asia",) for code in _countries("TH KH MM LA")},
    **{code: ("western_europe",) for code in _countries("FR DE BE NL LU AT CH LI MC")},
    **{code: ("northern_europe",) for code in _countries("DK SE NO FI IS EE LV LT")},
    **{code: ("southern_europe",) for code in _countries("IT ES PT GR MT SM AD CY")},
    **{code: ("anglo",) for code in _countries("GB IE")},
    "US": ("anglo", "latin_america", "anglo", "west_africa"),
    "CA": ("anglo", "western_europe", "south_asia"),
    "AU": ("anglo", "southern_europe", "chinese"),
    "NZ": ("anglo", "pacific"),
    **{code: ("eastern_europe",) for code in _countries("RU BY UA MD")},
    **{code: ("central_europe",) for code in _countries("PL CZ SK HU RO BG RS HR SI BA ME MK AL XK")},
    **{code: ("latin_america",) for code in _countries("MX GT HN SV NI CR PA CU DO CO VE EC PE BO CL AR UY PY")},
    "BR": ("brazilian",),
    **{code: ("caribbean",) for code in _countries("JM TT BB BS AG DM GD KN LC VC GY BZ SR SX")},
    "HT": ("haitian",),
    **{code: ("pacific",) for code in _countries("FJ WS TO PG SB VU KI TV NR PW MH FM")},
}
_POOLS_BY_REGION = {
    "africa": ("west_africa", "east_africa"),
    "americas": ("latin_america",),
    "asia": ("south_asia",),
    "europe": ("western_europe",),
    "oceania": ("pacific",),
}


def name_pools_for(country: str, region: str) -> tuple[str, ...]:
    """The naming traditions of a country (its region's when the country is not listed)."""
    return _POOLS_BY_COUNTRY.get(country) or _POOLS_BY_REGION.get(region, ("anglo",))


# Countries where profiles are often written in French, Spanish, Arabic, Russian or Chinese.
FRENCH_SPEAKING = frozenset(_countries(
    "FR BE LU CH MC SN ML GN CI TG BJ NE BF CM CF TD CG CD GA BI RW DJ KM MG SC MU HT MA DZ TN MR LB"
))
SPANISH_SPEAKING = frozenset(_countries("ES GQ MX GT HN SV NI CR PA CU DO CO VE EC PE BO CL AR UY PY"))
ARABIC_SPEAKING = frozenset(_countries("DZ MA TN LY EG SD MR SA AE QA KW BH OM YE JO LB SY IQ DJ KM SO"))
RUSSIAN_SPEAKING = frozenset(_countries("RU BY KZ KG"))
CHINESE_SPEAKING = frozenset(_countries("CN SG"))
PROFILE_LANGUAGE_COUNTRIES = {"fr": FRENCH_SPEAKING, "es": SPANISH_SPEAKING, "ar": ARABIC_SPEAKING,
                              "ru": RUSSIAN_SPEAKING, "zh": CHINESE_SPEAKING}
# Countries of large migrant or diaspora populations, drawn more often than the others.
MIGRATION_HUBS = frozenset(_countries(
    "CN IN MX NG PH BD PK EG MA SN KE ET ZA US CA DE FR GB IT ES TR RU UA CO VE BR GT SV HN JO LB NP ID VN TH MY "
    "AU NZ FJ PG SA AE"
))
MIGRATION_HUB_WEIGHT = 4

# Display names for the taxonomy's formal ones ("Egypt, Arab Rep." reads "Egypt" in a sentence).
SHORT_COUNTRY_NAMES = {
    "BS": "the Bahamas", "BO": "Bolivia", "CG": "the Republic of the Congo",
    "CD": "the Democratic Republic of the Congo",
    "EG": "Egypt", "GM": "the Gambia", "IR": "Iran", "KP": "the DPR Korea", "KR": "the Republic of Korea",
    "XK": "Kosovo", "LA": "Lao PDR", "MU": "Mauritius", "FM": "Micronesia", "SX": "Sint Maarten",
    "TZ": "Tanzania", "GB": "the United Kingdom", "US": "the United States", "VE": "Venezuela",
    "NL": "the Netherlands", "PH": "the Philippines", "RU": "the Russian Federation", "AE": "the United Arab Emirates",
    "DO": "the Dominican Republic", "CF": "the Central African Republic", "MV": "the Maldives",
    "MH": "the Marshall Islands", "SB": "the Solomon Islands", "SY": "the Syrian Arab Republic",
    "MD": "the Republic of Moldova", "SK": "Slovakia", "CI": "Côte d'Ivoire",
}

# Where each region is, in a sentence: "in Africa", "across the Pacific".
REGION_PHRASES = {
    "africa": ("Africa", "in Africa"),
    "americas": ("the Americas", "in the Americas"),
    "asia": ("Asia", "in Asia"),
    "europe": ("Europe", "in Europe"),
    "oceania": ("the Pacific", "in the Pacific"),
}
REGION_PHRASES_FR = {
    "africa": "en Afrique",
    "americas": "dans les Amériques",
    "asia": "en Asie",
    "europe": "en Europe",
    "oceania": "dans le Pacifique",
}
REGION_PHRASES_ES = {
    "africa": "en África",
    "americas": "en las Américas",
    "asia": "en Asia",
    "europe": "en Europa",
    "oceania": "en el Pacífico",
}

# Cities (for municipalities, universities and "based in"), by country.
CITIES: dict[str, tuple[str, ...]] = {
    "KE": ("Nairobi", "Mombasa"), "SN": ("Dakar", "Saint-Louis"), "GH": ("Accra", "Kumasi"), "NG": ("Lagos", "Abuja"),
    "ET": ("Addis Ababa",), "ZA": ("Johannesburg", "Cape Town"), "MA": ("Rabat", "Casablanca"), "TN": ("Tunis", "Sfax"),
    "EG": ("Cairo", "Alexandria"), "CI": ("Abidjan",), "ML": ("Bamako",), "NE": ("Niamey", "Agadez"),
    "UG": ("Kampala",), "RW": ("Kigali",), "ZW": ("Harare",), "CM": ("Yaoundé", "Douala"), "CD": ("Kinshasa",),
    "JO": ("Amman",), "LB": ("Beirut",), "AE": ("Dubai", "Abu Dhabi"), "QA": ("Doha",), "TR": ("Istanbul", "Gaziantep"),
    "BD": ("Dhaka",), "NP": ("Kathmandu",), "PH": ("Manila", "Cebu"), "ID": ("Jakarta", "Surabaya"),
    "TH": ("Bangkok", "Chiang Mai"), "MY": ("Kuala Lumpur",), "VN": ("Hanoi", "Ho Chi Minh City"),
    "IN": ("New Delhi", "Kochi"),
    "PK": ("Islamabad", "Lahore"), "LK": ("Colombo",), "KZ": ("Almaty", "Astana"), "KG": ("Bishkek",),
    "UZ": ("Tashkent",),
    "CN": ("Beijing", "Guangzhou"), "JP": ("Tokyo",), "KR": ("Seoul",), "RU": ("Moscow",), "DE": ("Berlin", "Hamburg"),
    "FR": ("Paris", "Lyon", "Marseille"), "ES": ("Madrid", "Barcelona"), "IT": ("Rome", "Milan", "Palermo"),
    "GR": ("Athens", "Thessaloniki"), "PT": ("Lisbon",), "BE": ("Brussels",), "NL": ("Amsterdam", "The Hague"),
    "AT": ("Vienna",), "SE": ("Stockholm",), "NO": ("Oslo",), "PL": ("Warsaw",), "CH": ("Geneva", "Bern"),
    "GB": ("London", "Manchester"), "IE": ("Dublin",), "MX": ("Mexico City", "Tijuana"), "GT": ("Guatemala City",),
    "SV": ("San Salvador",), "HN": ("Tegucigalpa",), "CO": ("Bogotá", "Cúcuta"), "EC": ("Quito",), "PE": ("Lima",),
    "BR": ("São Paulo", "Boa Vista"), "AR": ("Buenos Aires",), "CL": ("Santiago",), "PA": ("Panama City",),
    "CR": ("San José",), "HT": ("Port-au-Prince",), "JM": ("Kingston",), "TT": ("Port of Spain",),
    "CA": ("Toronto", "Montreal"),
    "US": ("New York", "Los Angeles", "El Paso"), "FJ": ("Suva",), "WS": ("Apia",), "TO": ("Nuku'alofa",),
    "PG": ("Port Moresby",), "VU": ("Port Vila",), "KI": ("Tarawa",), "AU": ("Sydney", "Melbourne"),
    "NZ": ("Auckland", "Wellington"),
}


@dataclass(frozen=True)
class Agency:
    """A UN agency; names carry the article a sentence needs ("at the ILO", "at UNICEF")."""

    name: str
    short: str
    name_fr: str
    name_es: str


UN_AGENCIES = (
    Agency("the International Organization for Migration (IOM)", "IOM",
           "l'Organisation internationale pour les migrations (OIM)",
           "la Organización Internacional para las Migraciones (OIM)"),
    Agency("UNHCR, the UN Refugee Agency", "UNHCR", "le Haut-Commissariat des Nations Unies pour les réfugiés (HCR)",
           "el Alto Comisionado de las Naciones Unidas para los Refugiados (ACNUR)"),
    Agency("the International Labour Organization (ILO)", "ILO", "l'Organisation internationale du Travail (OIT)",
           "la Organización Internacional del Trabajo (OIT)"),
    Agency("the United Nations Office on Drugs and Crime (UNODC)", "UNODC",
           "l'Office des Nations Unies contre la drogue et le crime (ONUDC)",
           "la Oficina de las Naciones Unidas contra la Droga y el Delito (UNODC)"),
    Agency("UNICEF", "UNICEF", "l'UNICEF", "el UNICEF"),
    Agency("UN Women", "UN Women", "ONU Femmes", "ONU Mujeres"),
    Agency("the Office of the UN High Commissioner for Human Rights (OHCHR)", "OHCHR",
           "le Haut-Commissariat des Nations Unies aux droits de l'homme (HCDH)",
           "la Oficina del Alto Comisionado de las Naciones Unidas para los Derechos Humanos (ACNUDH)"),
    Agency("the United Nations Development Programme (UNDP)", "UNDP",
           "le Programme des Nations Unies pour le développement (PNUD)",
           "el Programa de las Naciones Unidas para el Desarrollo (PNUD)"),
    Agency("the UN Network on Migration Secretariat", "UN Network on Migration",
           "le Secrétariat du Réseau des Nations Unies sur les migrations",
           "la Secretaría de la Red de las Naciones Unidas sobre la Migración"),
)
# How often each agency appears (IOM is the Network's coordinator and largest employer here).
UN_AGENCY_WEIGHTS = (30, 14, 14, 10, 8, 7, 7, 5, 5)

# Names with the article a sentence needs; the organization field drops it.
MINISTRIES = {
    "the Ministry of Labour and Social Protection": ("Head of the Labour Migration Unit", "Labour Migration Officer",
                                                     "Director of Employment Services"),
    "the Ministry of Foreign Affairs": ("Deputy Director, Consular Affairs", "Director of Diaspora Affairs",
                                        "Counsellor, Multilateral Affairs"),
    "the Ministry of the Interior": ("Director of Migration Policy", "Head of the Border Management Division",
                                     "Senior Legal Adviser"),
    "the Department of Immigration": ("Director of Migration Policy", "Head of the Visa Policy Unit",
                                      "Senior Immigration Officer"),
    "the National Statistics Office": ("Senior Statistician", "Head of Population and Migration Statistics"),
    "the Ministry of Justice": ("Senior Legal Adviser", "National Rapporteur on Trafficking in Persons"),
    "the Ministry of Health": ("Head of Migration Health", "Public Health Adviser"),
    "the Ministry of Diaspora Affairs": ("Director of Diaspora Affairs", "Diaspora Investment Officer"),
    "the National Human Rights Commission": ("Commissioner", "Senior Human Rights Officer"),
    "the Border Management Agency": ("Head of the Border Management Division", "Border Governance Adviser"),
    "the Central Bank": ("Head of Financial Inclusion", "Remittances Analyst"),
    "the Ministry of Education": ("Head of Inclusive Education", "Skills Recognition Officer"),
}
MINISTRIES_FR = (
    "le Ministère de l'Intérieur", "le Ministère des Affaires étrangères", "le Ministère du Travail et de l'Emploi",
    "l'Institut national de la statistique", "le Ministère de la Justice", "la Direction générale de la migration",
    "la Commission nationale des droits de l'homme",
)
MINISTRIES_ES = (
    "el Ministerio de Relaciones Exteriores", "el Ministerio del Interior", "el Ministerio de Trabajo",
    "el Instituto Nacional de Migración", "la Dirección General de Migración y Extranjería",
    "la Defensoría del Pueblo", "el Instituto Nacional de Estadística",
)
UNIVERSITY_UNITS = (
    "the Centre for Migration Studies", "the Department of Sociology", "the Faculty of Law",
    "the Institute of Development Studies", "the School of Public Policy", "the Department of Geography",
    "the Centre for Refugee and Forced Migration Studies", "the Department of Economics",
)
UNIVERSITY_UNITS_FR = ("le Laboratoire d'études sur les migrations", "la Faculté de droit",
                       "le Département de sociologie")
UNIVERSITY_UNITS_ES = ("el Centro de Estudios Migratorios", "la Facultad de Derecho",
                       "el Instituto de Investigaciones Sociales")
NGOS = (
    "the Centre for Migrant Advocacy and Rights", "the Migrant Workers' Rights Network", "the Safe Passage Initiative",
    "the Women on the Move Collective", "the Children on the Move Alliance", "the Coalition for Fair Recruitment",
    "Borderlands Legal Aid", "the Climate Mobility Network", "the Returnee Support Foundation",
    "the Newcomers' Welcome Association", "the Remittance Transparency Project", "the Migration Data Lab",
    "the Institute for Migration Policy Research", "the Observatory on Migrant Deaths",
    "the Domestic Workers' Solidarity Union", "the Employers' Forum on Ethical Recruitment", "Legal Identity for All",
)
NGOS_FR = (
    "l'Association d'aide aux migrants de retour", "le Réseau migrations et développement",
    "le Collectif pour les droits des travailleurs migrants", "l'Observatoire des migrations", "la Maison des migrants",
)
NGOS_ES = (
    "la Red de Apoyo a Personas Migrantes", "la Coalición por los Derechos de las Personas Migrantes",
    "la Casa del Migrante", "el Observatorio de Movilidad Humana", "la Fundación Retorno Digno",
    "el Colectivo de Mujeres Migrantes",
)
MUNICIPALITY = {"en": "the City of {city}", "fr": "la Ville de {city}", "es": "la Alcaldía de {city}"}
DIASPORA_ASSOCIATIONS = (
    "the {country} Diaspora Council", "the Association of {country} Professionals Abroad",
    "the {country} Diaspora Network in {city}", "the {country} Diaspora Development Forum",
)
DIASPORA_ASSOCIATIONS_FR = ("le Conseil de la diaspora – {country}",  # noqa: RUF001 (typographic dash)
                            "l'Association des professionnels de la diaspora")
DIASPORA_ASSOCIATIONS_ES = ("la Red de la Diáspora – {country}",  # noqa: RUF001 (typographic dash)
                            "la Asociación de Profesionales en el Exterior")
# Cities abroad where diaspora networks meet.
DIASPORA_CITIES = ("London", "Paris", "Brussels", "Madrid", "New York", "Toronto", "Dubai", "Johannesburg", "Berlin")

# Job titles by kind of organization; French and Spanish ones as (for a man, for a woman).
TITLES = {
    "un": ("Migration Policy Officer", "Senior Programme Manager, Labour Mobility", "Protection Officer",
           "Regional Thematic Specialist", "Chief of Mission", "Project Coordinator, Counter-Trafficking",
           "Data and Research Officer", "Legal Officer", "Regional Adviser on Migration",
           "Programme Specialist, Social Protection"),
    # Besides each ministry's own (MINISTRIES).
    "ministry": ("Policy Analyst", "National Focal Point for the GCM"),
    "university": ("Professor of International Migration Law", "Associate Professor of Sociology",
                   "Senior Lecturer in Development Studies", "Research Fellow", "Postdoctoral Researcher",
                   "Director of Research", "Lecturer in Human Geography", "Doctoral Researcher"),
    "ngo": ("Executive Director", "Programme Coordinator", "Advocacy Officer", "Legal Aid Coordinator", "Founder",
            "Policy and Research Lead", "Case Manager", "Community Organiser"),
    "municipality": ("Head of the Office for Newcomers", "Deputy Mayor for Social Inclusion",
                     "Integration Policy Officer", "Coordinator of the Migrant Services Centre"),
    "diaspora": ("President", "Board Member", "Coordinator", "Secretary General", "Programme Manager"),
}
TITLES_FR = {
    "un": (("Chargé de programme", "Chargée de programme"), ("Chef de mission", "Cheffe de mission"),
           ("Spécialiste de la protection", "Spécialiste de la protection")),
    "ministry": (("Directeur de la politique migratoire", "Directrice de la politique migratoire"),
                 ("Conseiller juridique", "Conseillère juridique"), ("Point focal national du Pacte mondial",
                                                                      "Point focal national du Pacte mondial")),
    "university": (("Professeur de droit international", "Professeure de droit international"),
                   ("Maître de conférences en sociologie", "Maîtresse de conférences en sociologie"),
                   ("Chercheur", "Chercheuse")),
    "ngo": (("Directeur exécutif", "Directrice exécutive"),
            ("Coordinateur de programmes", "Coordinatrice de programmes"),
            ("Chargé de plaidoyer", "Chargée de plaidoyer")),
    "municipality": (("Responsable de l'accueil des nouveaux arrivants",
                      "Responsable de l'accueil des nouveaux arrivants"),
                     ("Adjoint au maire chargé de l'inclusion", "Adjointe au maire chargée de l'inclusion")),
    "diaspora": (("Président", "Présidente"), ("Secrétaire général", "Secrétaire générale")),
}
TITLES_ES = {
    "un": (("Oficial de programas", "Oficial de programas"), ("Jefe de misión", "Jefa de misión"),
           ("Especialista en protección", "Especialista en protección")),
    "ministry": (("Director de Política Migratoria", "Directora de Política Migratoria"),
                 ("Asesor jurídico", "Asesora jurídica"), ("Punto focal nacional del Pacto Mundial",
                                                           "Punto focal nacional del Pacto Mundial")),
    "university": (("Profesor de Derecho Internacional", "Profesora de Derecho Internacional"),
                   ("Investigador", "Investigadora"), ("Docente de Sociología", "Docente de Sociología")),
    "ngo": (("Director ejecutivo", "Directora ejecutiva"), ("Coordinador de programas", "Coordinadora de programas"),
            ("Oficial de incidencia", "Oficial de incidencia")),
    "municipality": (("Coordinador de Atención a Migrantes", "Coordinadora de Atención a Migrantes"),
                     ("Secretario de Inclusión Social", "Secretaria de Inclusión Social")),
    "diaspora": (("Presidente", "Presidenta"), ("Secretario general", "Secretaria general")),
}
# Titles for the few profiles in Arabic, Russian and Chinese, as (for a man, for a woman).
TITLES_AR = (("مستشار في سياسات الهجرة", "مستشارة في سياسات الهجرة"), ("باحث في شؤون الهجرة", "باحثة في شؤون الهجرة"),
             ("منسق برامج", "منسقة برامج"))
TITLES_RU = (("эксперт по вопросам миграции", "эксперт по вопросам миграции"),
             ("руководитель программы", "руководитель программы"), ("научный сотрудник", "научный сотрудник"))
TITLES_ZH = (("移民政策顾问", "移民政策顾问"), ("研究员", "研究员"), ("项目主管", "项目主管"))

DEGREES = (
    "a PhD in political science", "a master's degree in international law", "an LLM in human rights law",
    "an MSc in demography", "a master's degree in public policy", "a PhD in development economics",
    "a master's degree in social work", "a PhD in anthropology", "a master's degree in statistics",
)
DEGREES_FR = ("d'un doctorat en science politique", "d'un master en droit international", "d'un doctorat en sociologie")
DEGREES_ES = ("un doctorado en ciencia política", "una maestría en derecho internacional",
              "una maestría en políticas públicas")


@dataclass(frozen=True)
class ObjectivePhrases:
    """What a biography or a resource says about one objective, in English, French and Spanish.

    ``achievements`` use ``{P}`` (She/He), ``{country}``, ``{region}`` ("the Americas") and
    ``{region_in}`` ("in the Americas"). French and Spanish topics carry their article.
    """

    topics: tuple[str, ...]
    achievements: tuple[str, ...]
    keywords: tuple[str, ...]
    topics_fr: tuple[str, ...]
    topics_es: tuple[str, ...]


OBJECTIVE_PHRASES: dict[str, ObjectivePhrases] = {
    "1": ObjectivePhrases(
        ("migration data and statistics", "disaggregated data on migrant populations",
         "evidence-based migration policy"),
        ("{P} designed the migration module of {country}'s national labour force survey.",
         "{P} led a programme that helped national statistical offices {region_in} harmonise migration statistics."),
        ("migration statistics", "census", "data disaggregation", "household surveys", "administrative data"),
        ("les données et statistiques migratoires", "la ventilation des données sur les migrants"),
        ("los datos y estadísticas sobre migración", "la desagregación de datos migratorios"),
    ),
    "2": ObjectivePhrases(
        ("climate change and human mobility", "disaster displacement", "the adverse drivers of migration"),
        ("{P} coordinated a study on the planned relocation of communities affected by sea-level rise.",
         "{P} advises {country}'s disaster management authority on mobility linked to slow-onset climate change."),
        ("climate mobility", "disaster displacement", "planned relocation", "resilience", "environmental migration"),
        ("les migrations environnementales et climatiques", "les déplacements liés aux catastrophes"),
        ("la movilidad humana y el cambio climático", "los desplazamientos por desastres"),
    ),
    "3": ObjectivePhrases(
        ("accurate information for migrants at every stage of migration", "pre-departure orientation",
         "migrant information centres"),
        ("{P} set up a network of migrant resource centres along the main migration corridors of {region}.",
         "{P} developed a pre-departure orientation curriculum used by recruitment agencies in {country}."),
        ("pre-departure orientation", "migrant resource centres", "information campaigns", "misinformation",
         "helplines"),
        ("l'information des migrants à toutes les étapes de la migration", "l'orientation avant le départ"),
        ("la información a las personas migrantes en todas las etapas", "la orientación previa a la partida"),
    ),
    "4": ObjectivePhrases(
        ("legal identity and civil registration", "consular documentation", "the prevention of statelessness"),
        ("{P} supported the digitisation of civil registration in {country}, which cut the backlog of "
         "unregistered births.",
         "{P} has worked on statelessness determination procedures with several governments {region_in}."),
        ("civil registration", "birth registration", "statelessness", "identity documents", "consular documentation"),
        ("l'identité juridique et l'état civil", "la prévention de l'apatridie"),
        ("la identidad jurídica y el registro civil", "la prevención de la apatridia"),
    ),
    "5": ObjectivePhrases(
        ("regular pathways for migration", "labour mobility schemes", "family reunification"),
        ("{P} negotiated bilateral labour migration agreements between {country} and several countries of "
         "destination.",
         "{P} evaluated a seasonal worker scheme and its effects on workers, employers and communities of origin."),
        ("labour mobility", "bilateral agreements", "family reunification", "seasonal work", "visa policy"),
        ("les voies de migration régulière", "la mobilité de la main-d'œuvre"),
        ("las vías de migración regular", "la movilidad laboral"),
    ),
    "6": ObjectivePhrases(
        ("fair and ethical recruitment", "decent work for migrant workers", "labour inspection"),
        ("{P} helped {country}'s labour ministry set up a complaints mechanism for migrant workers charged "
         "recruitment fees.",
         "{P} led the review of recruitment agency licensing across {region}."),
        ("fair recruitment", "recruitment fees", "decent work", "labour inspection", "domestic workers"),
        ("le recrutement équitable", "le travail décent des travailleurs migrants"),
        ("la contratación equitativa", "el trabajo decente para los trabajadores migrantes"),
    ),
    "7": ObjectivePhrases(
        ("migrants in vulnerable situations", "the protection of migrant children", "assistance to migrants in crisis"),
        ("{P} co-drafted national guidelines on assisting migrants in vulnerable situations in {country}.",
         "{P} runs a case-management programme for unaccompanied and separated children."),
        ("vulnerability", "unaccompanied children", "case management", "protection", "gender-based violence"),
        ("la protection des migrants en situation de vulnérabilité", "la protection des enfants migrants"),
        ("la protección de migrantes en situación de vulnerabilidad", "la protección de la niñez migrante"),
    ),
    "8": ObjectivePhrases(
        ("search and rescue", "missing migrants", "the identification of deceased migrants"),
        ("{P} coordinates a regional network that helps families trace missing migrants.",
         "{P} documented deaths along migration routes {region_in} and advocated for coordinated search and rescue."),
        ("missing migrants", "search and rescue", "forensics", "family tracing", "humanitarian assistance"),
        ("les migrants disparus", "le sauvetage en mer"),
        ("las personas migrantes desaparecidas", "la búsqueda y el rescate"),
    ),
    "9": ObjectivePhrases(
        ("countering migrant smuggling", "cross-border criminal justice cooperation",
         "the protection of smuggled migrants"),
        ("{P} trained prosecutors and border officials {region_in} on the Protocol against the Smuggling of Migrants.",
         "{P} supported joint investigation teams between {country} and neighbouring states."),
        ("smuggling of migrants", "criminal justice", "joint investigations", "financial investigations",
         "Palermo Protocols"),
        ("la lutte contre le trafic illicite de migrants", "la coopération judiciaire transfrontalière"),
        ("la lucha contra el tráfico ilícito de migrantes", "la cooperación judicial transfronteriza"),
    ),
    "10": ObjectivePhrases(
        ("counter-trafficking and victim identification", "national referral mechanisms",
         "trafficking for forced labour"),
        ("{P} helped establish {country}'s national referral mechanism for victims of trafficking.",
         "{P} has trained labour inspectors and social workers to identify victims of trafficking for forced labour."),
        ("human trafficking", "victim identification", "national referral mechanism", "forced labour",
         "survivor support"),
        ("la lutte contre la traite des personnes", "l'identification des victimes de la traite"),
        ("la lucha contra la trata de personas", "la identificación de víctimas de trata"),
    ),
    "11": ObjectivePhrases(
        ("integrated border management", "human rights at international borders", "border community engagement"),
        ("{P} advised border agencies {region_in} on human rights-based border governance.",
         "{P} managed a programme that equipped border posts in {country} with migration data systems."),
        ("border management", "border governance", "human rights at borders", "border communities",
         "humanitarian border management"),
        ("la gestion intégrée des frontières", "les droits humains aux frontières"),
        ("la gestión integrada de fronteras", "los derechos humanos en las fronteras"),
    ),
    "12": ObjectivePhrases(
        ("screening, assessment and referral", "protection-sensitive entry systems", "referral pathways"),
        ("{P} developed standard operating procedures for screening and referral at points of entry in {country}.",
         "{P} trains first-line officials {region_in} on protection-sensitive screening."),
        ("screening", "referral", "standard operating procedures", "first-line officials", "mixed movements"),
        ("l'identification et l'orientation des migrants", "les procédures d'accueil et d'orientation"),
        ("la identificación y derivación de personas migrantes", "los mecanismos de derivación"),
    ),
    "13": ObjectivePhrases(
        ("alternatives to immigration detention", "community-based case management",
         "ending the immigration detention of children"),
        ("{P} piloted a community-based alternative to detention for families in {country}.",
         "{P} monitors places of immigration detention {region_in} and publishes yearly findings."),
        ("alternatives to detention", "immigration detention", "case management", "child detention", "monitoring"),
        ("les alternatives à la détention des migrants", "la fin de la détention des enfants migrants"),
        ("las alternativas a la detención migratoria", "el fin de la detención de niñas y niños migrantes"),
    ),
    "14": ObjectivePhrases(
        ("consular protection and assistance", "crisis response for nationals abroad", "consular cooperation"),
        ("{P} reorganised consular assistance for nationals of {country} working abroad.",
         "{P} coordinated the evacuation of migrant workers during a crisis and wrote up the lessons learned."),
        ("consular assistance", "diplomacy", "evacuation", "crisis response", "labour attachés"),
        ("la protection et l'assistance consulaires", "l'assistance aux ressortissants à l'étranger"),
        ("la protección y asistencia consular", "la atención a connacionales en el exterior"),
    ),
    "15": ObjectivePhrases(
        ("migrants' access to health care", "access to education for migrant children",
         "firewalls between public services and immigration enforcement"),
        ("{P} designed a municipal health programme that reaches undocumented migrants.",
         "{P} evaluated access to schooling for migrant children in {country}."),
        ("health care", "education", "service delivery", "firewalls", "universal health coverage"),
        ("l'accès des migrants aux services de santé", "l'accès à l'éducation des enfants migrants"),
        ("el acceso de las personas migrantes a la salud", "el acceso a la educación de la niñez migrante"),
    ),
    "16": ObjectivePhrases(
        ("inclusion and social cohesion", "local integration policies", "language learning and civic orientation"),
        ("{P} advises cities {region_in} on local integration strategies.",
         "{P} launched a mentoring programme that pairs newcomers with local residents."),
        ("integration", "social cohesion", "local governance", "cities", "newcomers"),
        ("l'inclusion et la cohésion sociale", "les politiques locales d'intégration"),
        ("la inclusión y la cohesión social", "las políticas locales de integración"),
    ),
    "17": ObjectivePhrases(
        ("eliminating discrimination and xenophobia", "public narratives on migration", "hate speech against migrants"),
        ("{P} led a media training programme on ethical reporting on migration in {country}.",
         "{P} monitors online hate speech against migrants and advises public broadcasters."),
        ("xenophobia", "public perceptions", "media", "hate speech", "anti-discrimination"),
        ("la lutte contre la discrimination et la xénophobie", "les discours publics sur la migration"),
        ("la eliminación de la discriminación y la xenofobia", "las narrativas públicas sobre la migración"),
    ),
    "18": ObjectivePhrases(
        ("skills development and recognition", "skills mobility partnerships", "the recognition of qualifications"),
        ("{P} designed a skills mobility partnership between training institutions in {country} and employers abroad.",
         "{P} helped set up a national qualifications framework that recognises skills acquired abroad."),
        ("skills recognition", "qualifications", "vocational training", "global skills partnerships", "brain drain"),
        ("le développement et la reconnaissance des compétences", "la reconnaissance des qualifications"),
        ("el desarrollo y reconocimiento de competencias", "el reconocimiento de títulos y cualificaciones"),
    ),
    "19": ObjectivePhrases(
        ("diaspora engagement for development", "migrant entrepreneurship", "diaspora investment"),
        ("{P} drafted a diaspora engagement strategy for {country}'s ministry of foreign affairs.",
         "{P} runs a programme that connects diaspora professionals with hospitals and universities in their "
         "countries of origin."),
        ("diaspora", "development", "entrepreneurship", "investment", "transnational communities"),
        ("l'engagement de la diaspora pour le développement", "l'entrepreneuriat des migrants"),
        ("la participación de la diáspora en el desarrollo", "el emprendimiento migrante"),
    ),
    "20": ObjectivePhrases(
        ("remittances and financial inclusion", "lowering the cost of remittances", "digital remittances"),
        ("{P} analysed remittance corridors to {country} and recommended measures that lowered transfer costs.",
         "{P} works with central banks {region_in} on the financial inclusion of migrants and their families."),
        ("remittances", "financial inclusion", "transfer costs", "mobile money", "financial literacy"),
        ("les transferts de fonds et l'inclusion financière", "la réduction du coût des envois de fonds"),
        ("las remesas y la inclusión financiera", "la reducción del costo de las remesas"),
    ),
    "21": ObjectivePhrases(
        ("dignified return and sustainable reintegration", "readmission cooperation",
         "the reintegration of returning migrants"),
        ("{P} managed a reintegration programme for returning migrants in {country}, combining psychosocial "
         "support and small business grants.",
         "{P} evaluated the sustainability of reintegration assistance across {region}."),
        ("return", "reintegration", "readmission", "psychosocial support", "community-based reintegration"),
        ("le retour dans la dignité et la réintégration durable", "la réintégration des migrants de retour"),
        ("el retorno digno y la reintegración sostenible", "la reintegración de personas migrantes retornadas"),
    ),
    "22": ObjectivePhrases(
        ("the portability of social security entitlements", "social protection for migrant workers",
         "bilateral social security agreements"),
        ("{P} negotiated social security agreements that let migrant workers from {country} keep their pension "
         "rights.",
         "{P} studied migrant workers' access to social protection {region_in}."),
        ("social security", "portability", "pensions", "social protection", "earned benefits"),
        ("la portabilité des droits à la sécurité sociale", "la protection sociale des travailleurs migrants"),
        ("la portabilidad de la seguridad social", "la protección social de los trabajadores migrantes"),
    ),
    "23": ObjectivePhrases(
        ("international cooperation and global partnerships", "regional consultative processes",
         "the implementation and review of the GCM"),
        ("{P} contributed to the regional review of the Global Compact for Migration {region_in}.",
         "{P} supports {country}'s national GCM implementation plan and its whole-of-government coordination."),
        ("international cooperation", "regional consultative processes", "GCM review", "capacity building",
         "partnerships"),
        ("la coopération internationale et les partenariats mondiaux", "la mise en œuvre et l'examen du Pacte mondial"),
        ("la cooperación internacional y las alianzas mundiales", "la implementación y el examen del Pacto Mundial"),
    ),
    "general": ObjectivePhrases(
        ("migration governance", "migration policy", "the implementation of the Global Compact for Migration"),
        ("{P} has advised governments {region_in} on migration governance for many years.",
         "{P} teaches migration policy and mentors young researchers from across {region}."),
        ("migration governance", "migration policy", "GCM", "policy coherence", "sustainable development"),
        ("la gouvernance des migrations", "les politiques migratoires"),
        ("la gobernanza de la migración", "las políticas migratorias"),
    ),
}

# A sentence per guiding principle; {P} is She/He, {p_own} her/his, {P_own} Her/His.
PRINCIPLE_SENTENCES = {
    "people-centred": "{P_own} work puts migrants' own voices at the centre of policy design.",
    "international-cooperation": "{P} works across borders, convinced that no state can govern migration alone.",
    "national-sovereignty": "{P} works closely with governments on policies that fit each country's own priorities.",
    "rule-of-law-and-due-process": "{P_own} approach rests on the rule of law and on migrants' access to justice.",
    "sustainable-development": "{P} links migration to the 2030 Agenda for Sustainable Development.",
    "human-rights": "{P_own} work is grounded in a human rights-based approach.",
    "gender-responsive": "{P} pays particular attention to the rights and needs of women and girls in migration.",
    "child-sensitive": "{P} makes the best interests of the child the starting point of {p_own} work.",
    "whole-of-government-approach": "{P} has coordinated inter-ministerial working groups on migration.",
    "whole-of-society-approach": "{P} brings local authorities, trade unions, employers and migrant associations "
    "together.",
}
AVAILABILITY_PHRASES = {
    "advisory": "advisory work",
    "speaking": "speaking engagements",
    "media": "media interviews",
    "peer_review": "peer review",
    "training": "training",
}
# Given names that are women's, for the pronouns of demo users' own profiles.
WOMEN_GIVEN_NAMES = frozenset(
    {name for pool in NAME_POOLS.values() for name in pool.women} | {"Fatou", "Grace", "Esther", "Bich", "Ana"}
)
LANGUAGE_NAMES = {"ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish"}

# Topics for the few biographies written in Arabic, Russian (genitive, after "вопросами") and Chinese.
TOPICS_AR = {
    "1": "بيانات الهجرة وإحصاءاتها", "6": "التوظيف العادل والعمل اللائق للعمال المهاجرين",
    "9": "مكافحة تهريب المهاجرين", "10": "مكافحة الاتجار بالبشر", "16": "إدماج المهاجرين والتماسك الاجتماعي",
    "20": "التحويلات المالية والشمول المالي", "21": "العودة الكريمة وإعادة الإدماج", "general": "حوكمة الهجرة",
}
TOPICS_RU = {
    "1": "миграционной статистики", "5": "трудовой миграции", "10": "противодействия торговле людьми",
    "11": "управления границами", "16": "интеграции мигрантов", "20": "денежных переводов мигрантов",
    "21": "возвращения и реинтеграции мигрантов", "general": "миграционной политики",
}
TOPICS_ZH = {
    "1": "移民数据与统计", "2": "气候变化与人口流动", "6": "公平招聘与移民工人的体面劳动", "10": "打击人口贩运",
    "16": "移民融入与社会凝聚", "19": "侨民参与发展", "20": "侨汇与普惠金融", "general": "移民治理",
}
BIO_ZH = "{name}，{organization}{title}，长期从事{topic}领域的研究与政策咨询工作，拥有{years}年以上的工作经验。"  # noqa: RUF001

# What resources are called, by kind and document type, and who they are for.
AUDIENCES = (
    "border officials", "labour inspectors", "local authorities", "consular staff", "social workers", "journalists",
    "judges and prosecutors", "civil society organisations", "parliamentarians", "health workers",
)
DOCUMENT_TITLES = {
    "analysis": ("{Topic} in {place}: an analysis", "Analysing {topic} in {place}"),
    "e-learning-course": ("E-learning course: {topic}", "Online course on {topic} for {audience}"),
    "guidelinestoolkitsmanuals": ("Toolkit on {topic} for {audience}", "Guidelines on {topic}",
                                  "Operational manual: {topic}"),
    "journal-article": ("{Topic}: evidence from {place}", "Rethinking {topic} in {place}"),
    "methodology": ("A methodology for measuring {topic}", "Indicators for {topic}: a methodological note"),
    "link": ("Online database on {topic}", "{Topic}: a resource portal"),
    "policy-brief": ("Policy brief: {topic} in {place}", "{Topic}: options for policymakers in {place}"),
    "report": ("{Topic} in {place}: {year} report", "Report on {topic} in {place}, {year}"),
    "resolution": ("Resolution on {topic}", "Ministerial declaration on {topic} in {place}"),
    "training-workshop-material": ("Workshop materials: {topic}", "Facilitator's guide on {topic} for {audience}"),
    "working-paper": ("Working paper: {topic} in {place}", "{Topic} in {place}: a working paper"),
    "other": ("{Topic}: lessons learned in {place}", "{Topic} in {place}: a compilation of cases"),
}
KIND_TITLES = {
    "practice": ("Promising practice: {topic} in {place}", "{Topic}: a promising practice from {place}",
                 "Community-based approach to {topic} in {place}"),
    "project": ("Strengthening {topic} in {place} ({year}–{end})",  # noqa: RUF001 (typographic dash)
                "Joint programme on {topic} in {place}",
                "Project: {topic} for {audience} in {place}"),
    "video": ("Explainer video: {topic}", "Webinar recording: {topic} in {place}", "Migrants' voices on {topic}"),
    "training": ("Training course on {topic} for {audience}", "Training of trainers: {topic}",
                 "Self-paced course: {topic}"),
}
# French and Spanish topics carry their article: "Guide pratique sur le recrutement équitable".
KIND_TITLES_FR = {
    "document": ("Guide pratique sur {topic}", "Rapport {year} sur {topic}", "Note d'orientation : {topic}"),
    "practice": ("Bonne pratique : {topic}", "Retour d'expérience : {topic}"),
    "project": ("Projet : {topic}", "Programme conjoint : {topic}"),
    "video": ("Vidéo : {topic}", "Webinaire : {topic}"),
    "training": ("Formation sur {topic}", "Module de formation : {topic}"),
}
KIND_TITLES_ES = {
    "document": ("Guía práctica sobre {topic}", "Informe {year} sobre {topic}", "Nota de política: {topic}"),
    "practice": ("Buena práctica: {topic}", "Lecciones aprendidas sobre {topic}"),
    "project": ("Proyecto: {topic}", "Programa conjunto: {topic}"),
    "video": ("Video: {topic}", "Seminario web: {topic}"),
    "training": ("Curso sobre {topic}", "Módulo de formación: {topic}"),
}
SUMMARY_OPENINGS = {
    "document": "This publication examines {topic} in {place}.",
    "practice": "This practice shows how {organization} approached {topic} in {place}.",
    "project": "The project supports governments and their partners on {topic} in {place}.",
    "video": "In this video, practitioners and migrants discuss {topic} in {place}.",
    "training": "This course introduces {audience} to {topic}.",
}
SUMMARY_FINDINGS = (
    "It draws on interviews with migrants, officials and employers.",
    "It sets out practical recommendations for governments and their partners.",
    "It documents results, costs and lessons that others can adapt.",
    "It was developed with migrant associations and local authorities.",
    "It includes checklists, case studies and a monitoring framework.",
    "It maps existing laws and policies and identifies the main gaps.",
)
SUMMARY_FR = ("Cette ressource porte sur {topic} et formule des recommandations pratiques pour les autorités "
              "nationales et locales.")
SUMMARY_ES = ("Este recurso analiza {topic} y ofrece recomendaciones prácticas para las autoridades nacionales y "
              "locales.")
URL_PATHS = {"document": "publications", "practice": "practices", "project": "projects", "video": "videos",
             "training": "training"}
# Where a global resource's title places it.
GLOBAL_PLACES = ("countries of origin, transit and destination", "migration corridors worldwide")
