"""People: who `add` proposes as new actors, on small pages written for each signal.

A person is named with a name's shape and is something people are: the subject of "said" or
"was arrested", after a role word ("spokesman", "Mr"), named again by surname. Slogans,
places, organisations, products and outlets have the same capitals but not the rest.
"""

from __future__ import annotations

import pytest

from newsarchive import extract as ex
from newsarchive.model import Source

PROSE = ("Rescue teams worked through the night to reach the villages cut off by the landslides, and the roads "
         "into the hills stayed closed for most of the week while the rain went on.")
EMPTY = ex.Registry({}, {}, ())


def proposed(*paragraphs, registry=EMPTY, url="https://news.example/2015/04/27/quake-relief"):
    result = ex.extract(ex.Page("\n".join((PROSE,) + paragraphs), url), registry)
    return {actor.name: actor for actor in result.new_actors}


# --- people are proposed --------------------------------------------------------------------

@pytest.mark.parametrize("sentence, name", [
    ("Home ministry spokesman Laxmi Dhakal said the toll had passed 4,300 by the evening.", "Laxmi Dhakal"),
    ("\u201cWe have had no help,\u201d said Udav Prashad Timalsina, the top official of the district.",
     "Udav Prashad Timalsina"),
    ("The plan was announced by Secretary of State Mike Pompeo on a visit to the region.", "Mike Pompeo"),
    ("President-elect Geraldo Alckmin said the transition would begin on Monday.", "Geraldo Alckmin"),
    ("InfoNation President Dan McDowell said sales had slowed since the spring.", "Dan McDowell"),
    ("Taiwan\u2019s president, Tsai Ing-wen, said she would stand for election again.", "Tsai Ing-wen"),
    ("\u201cWe will rebuild,\u201d Dan O\u2019Brien said at the town hall on Tuesday.", "Dan O\u2019Brien"),
    ("An independent regional analyst Kirill Semenov said the talks had stalled again.", "Kirill Semenov"),
    ("Former president Luiz Inacio Lula da Silva said he would govern for all Brazilians.",
     "Luiz Inacio Lula da Silva"),  # particles do not count towards a name's length
    ("Rolf Heuer, director of the European Center for Nuclear Research, says the particle is new.", "Rolf Heuer"),
    ("In Nevada County, at least 4,200 residents are under an evacuation order, Nevada County Sheriff Shannan Moon "
     "said.", "Shannan Moon"),
    ("The road will stay closed until Friday, County Commissioner Alma Reyes told reporters.", "Alma Reyes"),
])
def test_a_named_speaker_or_office_holder_is_proposed(sentence, name):
    assert name in proposed(sentence)


@pytest.mark.parametrize("sentence, name", [
    ("Argentina keeper Emiliano Martinez saved the last penalty of the shootout.", "Emiliano Martinez"),
    ("A further 72 people were killed in India, according to India\u2019s home secretary L.C. Govak.", "L.C. Govak"),
    ("Matt Darvas, of the aid group World Vision, said many villages could be reached only by helicopter.",
     "Matt Darvas"),
    ("\u201cWe believe it is the best path forward,\u201d Bret Taylor the company\u2019s independent board chair, "
     "said in a statement.", "Bret Taylor"),
    ("Crump said he would represent the family of Daunte Wright, the 20-year-old Black man shot on Sunday.",
     "Daunte Wright"),
    ("Protests spread across the country after the death of George Floyd in the city last year.", "George Floyd"),
    ("It was the first title for Lionel Messi, who had the most goal contributions for his team.", "Lionel Messi"),
    ("Kylian Mbappe levelled from the spot in the 80th minute. He then scored again a minute later.",
     "Kylian Mbappe"),
    ("One of the accused has been identified as Pritpal Singh from Faridkot, the police statement added.",
     "Pritpal Singh"),
    ("Slogans against PM Modi appeared on the walls of five metro stations overnight.", "Modi"),
    ("Todd Lynch was among scores of people who escaped their crumbled offices in the city centre.", "Todd Lynch"),
    ("The Ministry of Defence and Sergei Shoigu said on Monday that the drills were over.", "Sergei Shoigu"),
    ("A man who gave his name only as Ahmet asked how he could go home and sleep.", "Ahmet"),
])
def test_a_person_is_proposed_from_how_the_text_speaks_of_them(sentence, name):
    assert name in proposed(sentence)


@pytest.mark.parametrize("paragraphs, name", [
    # a given name, and the surname used alone
    (("Argentina won on Sunday after Lionel Messi scored twice in a 3-3 draw.",
      "They had looked to be cruising after Messi\u2019s penalty in the first half."), "Lionel Messi"),
    # a given name, the object of what a person just named did
    (("Kylian Mbappe beat Emiliano Martinez to halve the lead. He then scored again.",), "Emiliano Martinez"),
    # a surname with its particle used alone
    (("Luiz Inacio Lula da Silva on Sunday defeated the incumbent in the second round.",
      "With 98.9% of districts counted, da Silva had a slim lead over his rival."), "Luiz Inacio Lula da Silva"),
    # a given name used alone in a quotation does not hide the person
    (("Elon Musk has entered into an agreement to purchase the company for $44 billion.",
      "\u201cThe board assessed Elon\u2019s proposal with care,\u201d the chair said.",
      "Musk made his offer after buying a stake in the company in April."), "Elon Musk"),
    # a paragraph the capture cuts off after the article's last one
    (("The quake sent residents of Damascus and Beirut rushing into the street on Monday.",
      "Sebastien Gay, the head of mission in Syria for Doctors Without Borders, said health facil"), "Sebastien Gay"),
])
def test_a_person_is_proposed_from_how_the_whole_text_speaks_of_them(paragraphs, name):
    assert name in proposed(*paragraphs)


def test_a_credit_line_at_the_end_of_the_capture_is_not_read_for_people():
    people = proposed("The quake sent residents of Damascus and Beirut rushing into the street on Monday.",
                      "Writing by Fany Olumoye; Editing by Tina Oyinsan and Tony Okerafor")
    assert people == {}


def test_a_name_is_a_person_when_a_part_of_it_is_used_alone_as_a_persons():
    people = proposed("Luiz Inacio Lula da Silva narrowly won the runoff against the incumbent on Sunday.",
                      "Lula, in a speech on Sunday night, said he would unite a divided country.")
    assert "Luiz Inacio Lula da Silva" in people and people["Luiz Inacio Lula da Silva"].aliases == ("Lula",)


def test_a_title_opening_the_next_name_does_not_make_a_place_a_person():
    people = proposed("According to a report in the Argus Leader of Sioux Falls, Gov. Kristi Noem launched the "
                      "campaign on Monday.")
    assert "Sioux Falls" not in people


def test_a_person_named_again_by_surname_keeps_the_surname_as_alias():
    people = proposed("Jair Bolsonaro lost the vote by a narrow margin on Sunday night.",
                      "Bolsonaro has not conceded and his allies have stayed silent since the count ended.")
    assert people["Jair Bolsonaro"].aliases == ("Bolsonaro",)


def test_a_role_phrase_becomes_the_role():
    people = proposed("Home ministry spokesman Laxmi Dhakal said the toll had passed 4,300 by the evening.")
    assert people["Laxmi Dhakal"].role == "Home ministry spokesman"


def test_a_role_phrase_starts_after_the_speech_verb_of_the_one_named_before():
    # From a CRN page of the shared corpus: the first role word of the stretch is Cook's.
    people = proposed('Apple was "pulled into the enterprise," CEO Tim Cook said Tuesday in a fireside chat '
                      "with Salesforce founder and co-CEO Marc Benioff.")
    assert people["Tim Cook"].role == "CEO"
    assert people["Marc Benioff"].role == "Salesforce founder and co-CEO"


@pytest.mark.parametrize("sentence, name, role", [
    # From the same page: the words before "Apple" are the sentence's, not the role's.
    ("Both recalled the theater where on the same stage Apple founder and legendary CEO Steve Jobs "
     "unveiled many products.", "Steve Jobs", "Apple founder and legendary CEO"),
    # A word that says how the role is held stays with it.
    ("The inquiry heard from the former White House Russia adviser Fiona Hill on Thursday.", "Fiona Hill",
     "Former White House Russia adviser"),
])
def test_a_role_phrase_takes_no_sentence_words_from_before_an_organisations_name(sentence, name, role):
    assert proposed(sentence)[name].role == role


# --- what is not a person -------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    # slogans and titles in quotation marks
    "Police found \u201cDelhi Banega Khalistan\u201d written on the pillar, an officer said.",
    "Police found \u2018Delhi Banega Khalistan\u2019 written on the pillar, an officer said.",
    # places: place words, after "in"/"at"/"near", or "the ..."
    "The quake flattened villages in the Kathmandu Valley, where Rescue Teams said few houses stood.",
    "Aid arrived in Hong Kong on Monday. Hong Kong said it would send more.",
    "Students at Richmond High said the building had been evacuated in time.",
    "Gorkha District officials said the toll there would rise further.",
    # organisations
    "The World Health Organization said the risk of disease was high in the camps.",
    "Kotak Securities said the market would recover within a month.",
    "The Home Ministry said more troops would be sent to the north.",
    "The Associated Press reported that the airport had reopened for relief flights.",
    "Aid group World Vision said its staff had reached the worst-hit villages on foot.",
    "Science Mission Directorate officials said the probe was healthy.",
    "The report by Tokyo Electric Power Co. comes as Japan prepares to restart its reactors.",
    "The head of the Agency for Nuclear and Industrial Safety said the engineers were still fighting the fire.",
    # products, works and events
    "Google Stadia launched on Tuesday. Google said the service would reach more countries next year.",
    "The new MacBook Pro, Apple said, has a better keyboard than the last one.",
    "Star Wars Jedi: Fallen Order sold well, the studio said in a statement.",
    "The Davis Cup Finals drew large crowds, organisers said on Sunday.",
    # sentence openers and page furniture before a capitalised word
    "Getting Disney right will be a test, analysts said after the launch.",
    "Within Delhi, pollution cuts must come from cleaner energy, Prakash said.",
    "Follow Newsbeat on Instagram for more stories like this one, the page said.",
    # teams: a club's name is not a given name and a surname, and a club is "were", not "was"
    "Real Madrid won the final on Saturday. Madrid scored twice in the first half.",
    "Aston Villa won again on Saturday. Villa were the better side throughout the match.",
    # a title's abbreviation after a time is the time
    "The final starts at 9 PM Pacific on Sunday, the network said.",
])
def test_no_person_is_proposed_for_slogans_places_organisations_or_products(sentence):
    assert proposed(sentence) == {}


@pytest.mark.parametrize("quote", ["\u201c\u201d", "\u2018\u2019"])
def test_a_quoted_slogan_is_not_a_person_even_when_its_last_word_recurs(quote):
    # "Khalistan" alone elsewhere once made "Delhi Banega Khalistan" a full name used by surname.
    people = proposed(f"Police found {quote[0]}Delhi Banega Khalistan{quote[1]} written on the pillars of five "
                      "metro stations.",
                      "Supporters of a Khalistan state are thought to be behind it, and Khalistan slogans were "
                      "also painted on a school wall, an officer said.")
    assert people == {}


def test_a_bylines_outlet_in_capitals_is_not_a_person():
    people = proposed("Kevin Johnson and Kevin McCoy USA TODAY",
                      "Officials said the bridge would stay shut, Johnson reported from the scene.")
    assert not any("USA" in name or "TODAY" in name for name in people)


def test_a_registered_outlet_with_a_names_shape_is_not_a_person():
    registry = ex.Registry({}, {"jane-street": Source("jane-street", "Jane Street", ("janestreet.example",),
                                                      "website")}, ())
    assert "Jane Street" not in proposed("Jane Street said the markets had been calm all week.", registry=registry)


def test_a_page_in_another_language_proposes_no_people():
    german = ("Die Zahl der Toten ist nach Angaben der Beh\u00f6rden weiter gestiegen. Landrat Guido Nisius sagte, "
              "die Helfer seien seit Tagen im Einsatz. Mehrere H\u00e4user wurden zerst\u00f6rt, und viele Menschen "
              "haben alles verloren. Die Landesregierung kündigte Soforthilfen an und versprach schnelle Hilfe.")
    result = ex.extract(ex.Page(german, "https://zeitung.example/2021/07/16/flut"), EMPTY)
    assert result.new_actors == ()

