"""The demo's page texts, as the Tiptap editor saves them (ProseMirror JSON).

Written as the three classes and their teachers would: a welcome and the shared river guide
in English with each class's own words, a project plan in Polish, a glossary in Italian and a
shared story in Finnish. Only nodes and marks the web editor has (web/src/editor/collab.ts:
StarterKit, tables, images, links) are used, so every page opens in it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


def text(value: str, *marks: str, href: str | None = None) -> Json:
    node: Json = {"type": "text", "text": value}
    applied: list[Json] = [{"type": mark} for mark in marks]
    if href is not None:
        applied.append({"type": "link", "attrs": {"href": href, "target": "_blank"}})
    if applied:
        node["marks"] = applied
    return node


def link(value: str, href: str) -> Json:
    return text(value, href=href)


def bold(value: str) -> Json:
    return text(value, "bold")


def italic(value: str) -> Json:
    return text(value, "italic")


def para(*content: Json | str) -> Json:
    return {
        "type": "paragraph",
        "content": [text(c) if isinstance(c, str) else c for c in content],
    }


def heading(level: int, value: str) -> Json:
    return {"type": "heading", "attrs": {"level": level}, "content": [text(value)]}


def _items(items: tuple[Json | str | tuple[Json | str, ...], ...]) -> list[Json]:
    return [
        {"type": "listItem", "content": [para(*item) if isinstance(item, tuple) else para(item)]}
        for item in items
    ]


def bullets(*items: Json | str | tuple[Json | str, ...]) -> Json:
    return {"type": "bulletList", "content": _items(items)}


def numbered(*items: Json | str | tuple[Json | str, ...]) -> Json:
    return {"type": "orderedList", "attrs": {"start": 1}, "content": _items(items)}


def quote(*paragraphs: Json) -> Json:
    return {"type": "blockquote", "content": list(paragraphs)}


def table(header: tuple[str, ...], *rows: tuple[str, ...]) -> Json:
    def cell(kind: str, value: str) -> Json:
        return {
            "type": kind,
            "attrs": {"colspan": 1, "rowspan": 1},
            "content": [para(value)],
        }

    return {
        "type": "table",
        "content": [
            {"type": "tableRow", "content": [cell("tableHeader", h) for h in header]},
            *({"type": "tableRow", "content": [cell("tableCell", c) for c in row]} for row in rows),
        ],
    }


def image(src: str, alt: str) -> Json:
    return {"type": "image", "attrs": {"src": src, "alt": alt}}


def doc(*content: Json) -> Json:
    """A page as the editor keeps it: ending with a paragraph (Tiptap's trailing node). A page
    ending otherwise gets that paragraph from the first visitor's editor, as the visitor's edit."""
    nodes = list(content)
    if not nodes or nodes[-1]["type"] != "paragraph":
        nodes.append({"type": "paragraph"})
    return {"type": "doc", "content": nodes}


@dataclass(frozen=True)
class DemoPage:
    title: str
    language: str  # the page's main language (BCP 47)
    editor: str  # the username of its last editor
    content: Json


def welcome() -> DemoPage:
    return DemoPage(
        "Welcome",
        "en",
        "anna.nowak",
        doc(
            heading(2, "Welcome to Rivers of Europe!"),
            para(
                "Three classes — ",
                bold("6B"),
                " from Kraków, ",
                bold("5A"),
                " from Bologna and ",
                bold("6C"),
                " from Tampere — explore the rivers of their cities from October to May and "
                "write a shared guide. Every page belongs to all of us: write, correct, add "
                "pictures.",
            ),
            heading(3, "Who we are"),
            table(
                ("Class", "School", "City", "Our river", "We speak"),
                ("6B", "Szkoła Podstawowa nr 12", "Kraków", "Wisła (Vistula)", "polski"),
                ("5A", "Istituto Comprensivo Bologna 5", "Bologna", "Reno", "italiano"),
                ("6C", "Kalevan koulu", "Tampere", "Tammerkoski", "suomi"),
            ),
            heading(3, "Say hello"),
            bullets(
                (bold("Cześć!"), " — Polish"),
                (bold("Ciao!"), " — Italian"),
                (bold("Moi!"), " — Finnish"),
            ),
            heading(3, "How we work"),
            numbered(
                "Write in your own language on your class's pages, then add one or two "
                "sentences in English.",
                "Ask questions in the general channel. Be kind, and never write surnames, "
                "addresses or phone numbers.",
                "Post your photos and drawings on the Photo wall.",
                "Meet everyone in our live sessions: your teacher gives you the class code.",
            ),
            para(
                "This month: the project plan (",
                italic("Plan projektu"),
                "), the glossary (",
                italic("Glossario dei fiumi"),
                ") and our story (",
                italic("Kolme pisaraa"),
                "). Read about the rivers on Wikipedia: ",
                link("Vistula", "https://en.wikipedia.org/wiki/Vistula"),
                ", ",
                link("Reno", "https://en.wikipedia.org/wiki/Reno_(river)"),
                ", ",
                link("Tammerkoski", "https://en.wikipedia.org/wiki/Tammerkoski"),
                ".",
            ),
        ),
    )


def our_rivers(picture_url: str | None) -> DemoPage:
    drawing = (
        [image(picture_url, "Zosia's drawing: the Wisła below Wawel castle")] if picture_url else []
    )
    return DemoPage(
        "Our rivers",
        "en",
        "zosia.pl",
        doc(
            heading(2, "Wisła — Kraków"),
            para(
                "Wisła to najdłuższa rzeka w Polsce. Ma 1047 km i płynie z Beskidu Śląskiego "
                "aż do Morza Bałtyckiego. W Krakowie płynie tuż pod Wawelem, a wieczorem "
                "po rzece pływają statki."
            ),
            bullets(
                (bold("Źródło:"), " Barania Góra"),
                (bold("Ujście:"), " Zatoka Gdańska"),
                (bold("Ciekawostka:"), " według legendy pod Wawelem mieszkał smok!"),
            ),
            *drawing,
            para(italic("In English: the Vistula is the longest river in Poland (1047 km).")),
            heading(2, "Reno — Bologna"),
            para(
                "Il Reno nasce sull'Appennino tosco-emiliano e arriva fino al Mare Adriatico. "
                "È lungo 212 km. Tanto tempo fa Bologna era piena di canali, e da una piccola "
                "finestra nel centro si vede ancora l'acqua del canale delle Moline."
            ),
            bullets(
                (bold("Sorgente:"), " Appennino, vicino a Pistoia"),
                (bold("Foce:"), " Mare Adriatico"),
                (bold("Curiosità:"), " i canali muovevano i mulini per la seta."),
            ),
            para(italic("In English: the Reno is 212 km long and once filled Bologna's canals.")),
            heading(2, "Tammerkoski — Tampere"),
            para(
                "Tammerkoski on koski, joka virtaa Näsijärvestä Pyhäjärveen. Korkeusero on "
                "18 metriä. Kosken rannoilla on vanhoja punatiilisiä tehtaita, ja koski tekee "
                "sähköä koko kaupungille."
            ),
            bullets(
                (bold("Alku:"), " Näsijärvi"),
                (bold("Loppu:"), " Pyhäjärvi"),
                (bold("Hauska tieto:"), " talvella koski ei jäädy, koska vesi virtaa nopeasti."),
            ),
            para(italic("In English: the Tammerkoski rapids fall 18 metres between two lakes.")),
            heading(3, "Our rivers side by side"),
            table(
                ("River", "Length", "Flows into", "Water in November"),
                ("Wisła", "1047 km", "Baltic Sea", "6 °C"),
                ("Reno", "212 km", "Adriatic Sea", "9 °C"),
                ("Tammerkoski", "about 1 km", "Lake Pyhäjärvi", "2 °C"),
            ),
        ),
    )


def project_plan() -> DemoPage:
    return DemoPage(
        "Plan projektu",
        "pl",
        "anna.nowak",
        doc(
            heading(2, "Plan projektu „Rzeki Europy”"),
            para(
                "Nasz plan na ten rok szkolny. Co miesiąc mamy jedno zadanie, które robimy "
                "razem z klasami z Bolonii i Tampere."
            ),
            table(
                ("Miesiąc", "Zadanie", "Kto prowadzi?"),
                ("Październik", "Przedstawiamy siebie i nasze szkoły", "wszyscy"),
                ("Listopad", "Zdjęcia i rysunki naszej rzeki", "6B"),
                ("Grudzień", "Słowniczek w czterech językach", "5A"),
                ("Styczeń", "Wspólne opowiadanie o rzece", "6C"),
                ("Luty", "Badamy wodę: temperatura i przejrzystość", "wszyscy"),
                ("Marzec", "Spotkanie na żywo i prezentacje", "wszyscy"),
            ),
            heading(3, "Czego się nauczymy?"),
            bullets(
                "Jak rzeka zmienia się od źródła do ujścia.",
                "Jak mierzyć temperaturę wody i zapisywać wyniki.",
                "Nowych słów po angielsku, włosku i fińsku.",
                "Jak pracować w zespole z kolegami z innych krajów.",
            ),
            heading(3, "Nasze zasady"),
            numbered(
                "Piszemy po polsku, a na końcu dodajemy jedno lub dwa zdania po angielsku.",
                "Nie podajemy nazwisk, adresów ani numerów telefonów.",
                "Szanujemy pracę innych: poprawiamy błędy, ale nie usuwamy cudzych tekstów.",
            ),
            quote(
                para(
                    italic(
                        "„Rzeka nie płynie dla siebie.” Pomyślcie, co nasze rzeki dają "
                        "ludziom i zwierzętom."
                    )
                )
            ),
            para(
                "Więcej o Wiśle: ",
                link("Wikipedia", "https://pl.wikipedia.org/wiki/Wis%C5%82a"),
                ".",
            ),
        ),
    )


def glossary() -> DemoPage:
    return DemoPage(
        "Glossario dei fiumi",
        "it",
        "giulia.it",
        doc(
            heading(2, "Glossario dei fiumi"),
            para(
                "Le parole del nostro progetto in quattro lingue. Se manca una parola, "
                "aggiungetela in fondo alla tabella!"
            ),
            table(
                ("English", "Polski", "Italiano", "Suomi"),
                ("river", "rzeka", "fiume", "joki"),
                ("source", "źródło", "sorgente", "lähde"),
                ("mouth", "ujście", "foce", "joensuu"),
                ("bank", "brzeg", "riva", "ranta"),
                ("bridge", "most", "ponte", "silta"),
                ("rapids", "bystrze", "rapide", "koski"),
                ("lake", "jezioro", "lago", "järvi"),
                ("sea", "morze", "mare", "meri"),
                ("fish", "ryba", "pesce", "kala"),
                ("water", "woda", "acqua", "vesi"),
            ),
            heading(3, "Parole difficili"),
            bullets(
                (
                    bold("koski"),
                    " (finlandese): un tratto di fiume dove l'acqua corre veloce tra i sassi.",
                ),
                (bold("ujście"), " (polacco): il punto dove il fiume entra nel mare."),
                (bold("foce"), " (italiano): in inglese si dice “mouth”, come la bocca!"),
            ),
            para(
                "Abbiamo controllato le parole con le maestre e sul ",
                link("dizionario", "https://it.wiktionary.org/wiki/fiume"),
                ".",
            ),
        ),
    )


def shared_story() -> DemoPage:
    return DemoPage(
        "Kolme pisaraa",
        "fi",
        "eetu.fi",
        doc(
            heading(2, "Kolme pisaraa — yhteinen jokitarina"),
            para(
                italic("Luokka 6C aloitti tarinan. Krakova ja Bologna jatkavat omalla kielellään!")
            ),
            heading(3, "Henkilöt"),
            bullets(
                (bold("Pisa"), " — utelias pisara Tammerkoskesta"),
                (bold("Kropla"), " — rohkea pisara Wisłasta"),
                (bold("Goccia"), " — iloinen pisara Renosta"),
            ),
            heading(3, "Luku 1: Pisa lähtee matkalle"),
            para(
                "Oli kylmä marraskuun aamu. Pisa istui Näsijärven rannalla ja katseli, kun "
                "vesi syöksyi koskeen. ”Minne kaikki vesi menee?” Pisa kysyi."
            ),
            para(
                "Vanha lohi ui ohi ja vastasi: ”Koski vie sinut Pyhäjärveen, ja sieltä "
                "pääset jokia pitkin aina mereen asti.”"
            ),
            quote(para("”Minä haluan nähdä meren!” Pisa huusi ja hyppäsi koskeen.")),
            heading(3, "Luku 2: Koski"),
            para(
                "Vesi pyöri ja kuohui. Pisa näki punaiset tehtaat ja sillan, jolla lapset "
                "vilkuttivat. Koski teki sähköä, ja kaupungin valot syttyivät."
            ),
            heading(3, "Luku 3: …"),
            para(italic("Kuka kirjoittaa seuraavan luvun? Kirjoita nimesi tähän:")),
            bullets("Sofia ja Matteo (5A)", "Maja (6B)"),
        ),
    )
