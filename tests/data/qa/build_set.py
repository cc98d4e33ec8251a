"""Build ``labelled.jsonl``: the clean translations of ``clean.py`` plus defective versions of them.

Run ``python tests/data/qa/build_set.py`` to regenerate the file; the output is deterministic. Mechanical
defects (a changed number, a dropped or merged sentence, a loop, a truncation, an engine mark, gibberish, an
English sentence left in, an empty output) are injected into every clean translation in turn, two per
translation. Defects that need a speaker (a glued source word, a name fused with the next word, a sentence that
lost its subject, the wrong Chinese script) are written by hand below. Labels name the checks that must fire.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clean import SOURCES, TRANSLATIONS

HERE = Path(__file__).resolve().parent
HUNSPELL_LANGUAGES = {"de", "es", "fr", "pt", "lt"}
_CJK = re.compile(r"[\u3400-\u9fff]+")


def sentences(text: str, language: str) -> list[str]:
    """A plain splitter for the injections, independent of the product's segmenter."""
    if language.startswith("zh"):
        return [s for s in re.split(r"(?<=。)", text) if s]
    # Lithuanian "2025 m. kovo" is followed by a lowercase word, so it is never split here.
    # Nor is "am 3. März": a full stop after a one- or two-digit ordinal does not end a sentence; after a year
    # ("by 2027.") it does.
    return re.split(r"(?:(?<=[^\d\s][.!?])|(?<=\d{4}[.!?]))\s+(?=[A-ZÀ-Ž„“\"])", text)


def join(parts: list[str], language: str) -> str:
    return ("" if language.startswith("zh") else " ").join(parts)


def change_number(text: str, language: str, rng: random.Random) -> str:
    numbers = [m for m in re.finditer(r"\d+", text) if m.group(0) not in {"2024", "2025", "2027"}]
    target = numbers[rng.randrange(len(numbers))]
    digits = target.group(0)
    changed = digits[:-1] + str((int(digits[-1]) + 3) % 10)
    return text[: target.start()] + changed + text[target.end() :]


def drop_sentence(text: str, language: str, rng: random.Random) -> str:
    parts = sentences(text, language)
    del parts[1]
    return join(parts, language)


def merge_sentences(text: str, language: str, rng: random.Random) -> str:
    parts = sentences(text, language)
    first, second = parts[0], parts[1]
    if language.startswith("zh"):
        merged = first[:-1] + "，" + second
    else:
        head = second.split(" ", 1)[0]
        lowered = (
            head.lower()
            if head
            in {
                "La",
                "Die",
                "Der",
                "Das",
                "El",
                "Los",
                "L'usine",
                "A",
                "O",
                "Os",
                "Kilang",
                "Lapangan",
                "Syarikat",
                "Gamykloje",
                "Komisarė",
            }
            else head
        )
        merged = first[:-1] + ", " + lowered + second[len(head) :]
    return join([merged, *parts[2:]], language)


def loop(text: str, language: str, rng: random.Random) -> str:
    parts = sentences(text, language)
    sentence = parts[1]
    # Engines loop on words; the phrase is taken from words only, so that the labels need not count figures.
    if language.startswith("zh"):
        order = [*range(len(sentence) // 3, len(sentence)), *range(len(sentence) // 3)]
        start = next(i for i in order if _CJK.fullmatch(sentence[i : i + 4]))
        phrase = sentence[start : start + 4]
        parts[1] = sentence[:start] + phrase * 3 + sentence[start:]
    else:
        tokens = sentence.split(" ")
        start = next(i for i in range(len(tokens) // 3, len(tokens) - 3) if all(t.isalpha() for t in tokens[i : i + 3]))
        words = tokens[start : start + 3]
        parts[1] = " ".join(tokens[:start] + words * 3 + tokens[start:])
    return join(parts, language)


def truncate(text: str, language: str, rng: random.Random) -> str:
    cut = int(len(text) * (0.45 + rng.random() * 0.15))
    if not language.startswith("zh"):
        cut = text.rfind(" ", 0, cut)
    return text[:cut].rstrip(" ,")


def mark_unknown(text: str, language: str, rng: random.Random) -> str:
    if language.startswith("zh"):
        positions = [m.start() for m in _CJK.finditer(text)]
        index = positions[len(positions) // 2]
        return text[:index] + "*" + text[index:]
    candidates = [m for m in re.finditer(r"(?<![\w*])[^\W\d_]{6,}", text)]
    chosen = candidates[rng.randrange(len(candidates))]
    mark = rng.choice("*#@*")
    return text[: chosen.start()] + mark + text[chosen.start() :]


def gibberish(text: str, language: str, rng: random.Random) -> str:
    # Words right after a figure ("6,1 millones") are left alone: scrambling them would change the figure too.
    candidates = [m for m in re.finditer(r"(?<!\w)(?<!\d )[^\W\d_]{6,}(?!\w)", text)]
    chosen = sorted(rng.sample(candidates, min(5, len(candidates))), key=lambda m: m.start(), reverse=True)
    for match in chosen:
        letters = list(match.group(0))
        rng.shuffle(letters)
        scrambled = "".join(letters)
        if match.group(0)[0].isupper():
            scrambled = scrambled.capitalize()
        text = text[: match.start()] + scrambled + text[match.end() :]
    return text


def english_sentence(text: str, language: str, rng: random.Random, source: str = "") -> str:
    parts = sentences(text, language)
    parts[1] = sentences(source, "en")[1]
    return join(parts, language)


def empty(text: str, language: str, rng: random.Random) -> str:
    return ""


INJECTIONS = (
    ("number", change_number, ["numbers"]),
    ("drop", drop_sentence, ["sentence_alignment"]),
    ("merge", merge_sentences, ["sentence_alignment"]),
    ("loop", loop, ["repetition"]),
    ("truncate", truncate, ["truncation", "sentence_alignment"]),
    ("mark", mark_unknown, ["unknown_marks"]),
    ("gibberish", gibberish, ["oov_rate"]),
    ("english", english_sentence, ["wrong_language", "source_words"]),
)

# Hand-written defects: (language, source id, defect, labels, target).
HANDWRITTEN: list[tuple[str, str, str, list[str], str]] = [
    (
        "de",
        "s1",
        "glued",
        ["source_words"],
        "Acme Robotics eröffnet am 3. März 2025 sein erstes europäisches Werk in Leipzig. Die Fabrik wird 1.200 "
        "Menschen beschäftigen und 450 Millionen Euro kosten. Vorstandschefin Laura Chen sagte, der Standort sei wegen "
        "seiner qualifizierten Fachkräfteworkforce gewählt worden.",
    ),
    (
        "de",
        "s2",
        "glued",
        ["source_words"],
        "Nordlicht Energy meldete für 2024 einen Umsatz von 2,4 Milliarden Euro, 12,5 % mehr als im Vorjahr. Das "
        "Unternehmen plant, bis 2027 30 neue Windfarms zu bauen. Die Aktie stieg am Dienstag in Frankfurt um 4 %.",
    ),
    (
        "de",
        "s6",
        "left",
        ["source_words"],
        "Die Stadt Porto wird in den nächsten fünf Jahren 75 Millionen Euro in electric Busse investieren. "
        "Bürgermeister Rui Almeida sagte, die ersten 40 Busse würden im Juni 2025 eintreffen. Der Plan soll die "
        "Emissionen um 30.000 Tonnen pro Jahr senken.",
    ),
    (
        "es",
        "s6",
        "glued",
        ["source_words"],
        "El ayuntamiento de Oporto invertirá 75 millones de euros en autobuseselectric en los próximos cinco años. "
        "El alcalde, Rui Almeida, dijo que los primeros 40 autobuses llegarán en junio de 2025. El plan reducirá las "
        "emisiones en 30.000 toneladas al año.",
    ),
    (
        "fr",
        "s3",
        "glued",
        ["source_words"],
        "La Commission européenne a approuvé mercredi un plan d'aide de 3,2 milliards d'euros pour les "
        "agriculteursfarmers. La commissaire Maria Santos a indiqué que l'argent bénéficiera à 150 000 exploitations "
        "dans 14 pays. Les versements commenceront en septembre.",
    ),
    (
        "lt",
        "s8",
        "glued",
        ["source_words"],
        "Gegužę pasaulinės kavos kainos nukrito 7,3 proc. po gero derliausharvests Brazilijoje. „Green Bean "
        "Research“ analitikai tikisi, kad kainos stabilizuosis ties 2,15 dolerio už svarą. Ataskaita paskelbta "
        "2024 m. birželio 10 d.",
    ),
    (
        "pt",
        "s6",
        "glued",
        ["source_words"],
        "A Câmara do Porto vai investir 75 milhões de euros em autocarroselectric nos próximos cinco anos. O "
        "presidente da câmara, Rui Almeida, disse que os primeiros 40 autocarros chegarão em junho de 2025. O plano "
        "vai reduzir as emissões em 30 000 toneladas por ano.",
    ),
    (
        "ms",
        "s2",
        "glued",
        ["source_words"],
        "Nordlicht Energy melaporkan hasil sebanyak 2.4 bilion euro bagi tahun 2024, meningkat 12.5% berbanding "
        "tahun sebelumnya. Syarikat itu merancang untuk membina 30 ladangwind baharu menjelang 2027. Sahamnya naik 4% "
        "di Frankfurt pada hari Selasa.",
    ),
    (
        "lt",
        "s1",
        "fused",
        ["protected_names"],
        "2025 m. kovo 3 d. bendrovė „Acme Robotics“ Leipcige atidarys pirmąją savo gamyklą Europoje. Gamykloje dirbs "
        "1 200 žmonių, o jos statyba kainuos 450 mln. eurų. Generalinė direktorė Laura Chenkuri sakė, kad vieta "
        "pasirinkta dėl kvalifikuotos darbo jėgos.",
    ),
    (
        "lt",
        "s6",
        "fused",
        ["protected_names"],
        "Porto miestas per ateinančius penkerius metus investuos 75 mln. eurų į elektrinius autobusus. Meras Rui "
        "Almeidaskuris sakė, kad pirmieji 40 autobusų atvyks 2025 m. birželį. Planas kasmet sumažins išmetamųjų "
        "teršalų kiekį 30 000 tonų.",
    ),
    (
        "de",
        "s3",
        "fused",
        ["protected_names"],
        "Die Europäische Kommission hat am Mittwoch ein Hilfspaket von 3,2 Milliarden Euro für Landwirte genehmigt. "
        "Kommissarin Maria Santosdie sagte, das Geld werde 150.000 Betriebe in 14 Ländern erreichen. Die Auszahlungen "
        "beginnen im September.",
    ),
    (
        "es",
        "s4",
        "fused",
        ["protected_names"],
        "El aeropuerto de Vilnius atendió el año pasado a 6,1 millones de pasajeros, una cifra récord. El aeropuerto "
        "añadirá 8 nuevas rutas en 2025, entre ellas vuelos a Lisboa y Kuala Lumpur. El director, Tomas "
        "Petraitisque, prevé que el tráfico crezca un 9 %.",
    ),
    (
        "fr",
        "s1",
        "fused",
        ["protected_names"],
        "Acme Robotics ouvrira sa première usine européenne à Leipzig le 3 mars 2025. L'usine emploiera 1 200 "
        "personnes et coûtera 450 millions d'euros. La directrice générale, Laura Chenqui a déclaré que le site avait "
        "été choisi pour sa main-d'œuvre qualifiée.",
    ),
    (
        "ms",
        "s7",
        "fused",
        ["protected_names"],
        "Sunway Digital, sebuah syarikat perisian Malaysia, menandatangani perkongsian dengan Telekom Malaysiayang "
        "pada hari Isnin. Perjanjian itu bernilai 120 juta ringgit dan merangkumi perkhidmatan 5G untuk 2,000 "
        "perniagaan. Wartawan boleh menghubungi press@sunwaydigital.com untuk maklumat lanjut.",
    ),
    (
        "pt",
        "s4",
        "fused",
        ["protected_names"],
        "O aeroporto de Vilnius recebeu 6,1 milhões de passageiros no ano passado, um recorde. O aeroporto vai "
        "acrescentar 8 novas rotas em 2025, incluindo voos para Lisboa e Kuala Lumpur. O diretor, Tomas "
        "Petraitisque prevê que o tráfego cresça 9 %.",
    ),
    (
        "de",
        "s1",
        "subject",
        ["mid_clause"],
        "Acme Robotics eröffnet am 3. März 2025 sein erstes europäisches Werk in Leipzig. Die Fabrik wird 1.200 "
        "Menschen beschäftigen und 450 Millionen Euro kosten. betonte, der Standort sei wegen seiner qualifizierten "
        "Fachkräfte gewählt worden.",
    ),
    (
        "de",
        "s3",
        "subject",
        ["mid_clause"],
        "Die Europäische Kommission hat am Mittwoch ein Hilfspaket von 3,2 Milliarden Euro für Landwirte genehmigt. "
        "Sagte, das Geld werde 150.000 Betriebe in 14 Ländern erreichen. Die Auszahlungen beginnen im September.",
    ),
    (
        "de",
        "s8",
        "subject",
        ["mid_clause"],
        "Die weltweiten Kaffeepreise sind im Mai nach guten Ernten in Brasilien um 7,3 % gefallen. Erwarten, dass "
        "sich die Preise bei 2,15 Dollar pro Pfund stabilisieren. Der Bericht wurde am 10. Juni 2024 veröffentlicht.",
    ),
    (
        "es",
        "s3",
        "subject",
        ["mid_clause"],
        "La Comisión Europea aprobó el miércoles un paquete de ayudas de 3.200 millones de euros para los "
        "agricultores. Que el dinero llegará a 150.000 explotaciones de 14 países. Los pagos comenzarán en "
        "septiembre.",
    ),
    (
        "fr",
        "s3",
        "subject",
        ["mid_clause"],
        "La Commission européenne a approuvé mercredi un plan d'aide de 3,2 milliards d'euros pour les agriculteurs. "
        "a indiqué que l'argent bénéficiera à 150 000 exploitations dans 14 pays. Les versements commenceront en "
        "septembre.",
    ),
    (
        "lt",
        "s3",
        "subject",
        ["mid_clause"],
        "Trečiadienį Europos Komisija patvirtino 3,2 mlrd. eurų pagalbos paketą ūkininkams. sakė, kad pinigai "
        "pasieks 150 000 ūkių 14 šalių. Išmokos prasidės rugsėjį.",
    ),
    (
        "pt",
        "s6",
        "subject",
        ["mid_clause"],
        "A Câmara do Porto vai investir 75 milhões de euros em autocarros elétricos nos próximos cinco anos. Que os "
        "primeiros 40 autocarros chegarão em junho de 2025. O plano vai reduzir as emissões em 30 000 toneladas por "
        "ano.",
    ),
    (
        "ms",
        "s4",
        "subject",
        ["mid_clause"],
        "Lapangan Terbang Vilnius mengendalikan 6.1 juta penumpang tahun lalu, satu rekod baharu. Lapangan terbang "
        "itu akan menambah 8 laluan baharu pada 2025, termasuk penerbangan ke Lisbon dan Kuala Lumpur. yang "
        "menjangkakan trafik akan meningkat sebanyak 9%.",
    ),
    (
        "zh-Hans",
        "s3",
        "subject",
        ["mid_clause"],
        "欧盟委员会周三批准了一项规模为32亿欧元的农民援助计划。并表示，这笔资金将惠及14个国家的15万个农场。"
        "款项将于9月开始发放。",
    ),
    ("zh-Hans", "s1", "script", ["chinese_script"], TRANSLATIONS["zh-Hant"]["s1"]),
    ("zh-Hans", "s2", "script", ["chinese_script"], TRANSLATIONS["zh-Hant"]["s2"]),
    ("zh-Hant", "s1", "script", ["chinese_script"], TRANSLATIONS["zh-Hans"]["s1"]),
    ("zh-Hant", "s2", "script", ["chinese_script"], TRANSLATIONS["zh-Hans"]["s2"]),
    (
        "zh-Hant",
        "s8",
        "script",
        ["chinese_script"],
        "由于巴西咖啡丰收，全球咖啡价格在5月下跌了7.3%。Green Bean Research的分析師預計價格將穩定在每磅2.15美元。"
        "该报告于2024年6月10日发布。",
    ),
    # Portuguese words are also unknown to the Spanish dictionary, so the vocabulary check must fire as well.
    (
        "es",
        "s8",
        "wrong-language",
        ["wrong_language", "oov_rate"],
        "Los precios mundiales del café bajaron un 7,3 % en mayo tras las buenas cosechas en Brasil. Os analistas da "
        "Green Bean Research esperam que os preços estabilizem nos 2,15 dólares por libra. El informe se publicó el 10 "
        "de junio de 2024.",
    ),
    (
        "pt",
        "s2",
        "wrong-language",
        ["wrong_language"],
        "A Nordlicht Energy registou receitas de 2,4 mil milhões de euros em 2024, mais 12,5 % do que no ano anterior. "
        "La empresa prevé construir 30 nuevos parques eólicos antes de 2027. As suas ações subiram 4 % na terça-feira "
        "em Frankfurt.",
    ),
    (
        "ms",
        "s8",
        "wrong-language",
        ["wrong_language", "source_words"],
        "Harga kopi global jatuh 7.3% pada bulan Mei selepas hasil tuaian yang baik di Brazil. Analysts at Green Bean "
        "Research expect prices to stabilise at 2.15 dollars per pound. Laporan itu diterbitkan pada 10 Jun 2024.",
    ),
]


def build() -> list[dict[str, object]]:
    items: list[dict[str, object]] = []

    def add(language: str, source_id: str, kind: str, labels: list[str], target: str) -> None:
        items.append(
            {
                "id": len(items) + 1,
                "src_lang": "en",
                "tgt_lang": language,
                "source": SOURCES[source_id],
                "target": target,
                "labels": labels,
                "defect": kind,
            }
        )

    for language, texts in TRANSLATIONS.items():
        for source_id, target in texts.items():
            add(language, source_id, "clean", [], target)
    turn = 0
    for language, texts in TRANSLATIONS.items():
        primary = language.split("-")[0]
        for source_id, target in texts.items():
            done = 0
            while done < 2:
                kind, inject, labels = INJECTIONS[turn % len(INJECTIONS)]
                turn += 1
                if kind == "gibberish" and primary not in HUNSPELL_LANGUAGES:
                    continue
                rng = random.Random(f"{language}-{source_id}-{kind}")
                if kind == "english":
                    defective = english_sentence(target, language, rng, SOURCES[source_id])
                    # The English sentence keeps English number formatting, wrong for a decimal-comma reader.
                    english = sentences(SOURCES[source_id], "en")[1]
                    if primary in {"de", "es", "fr", "pt", "lt"} and re.search(r"\d[.,]\d", english):
                        labels = [*labels, "numbers"]
                else:
                    defective = inject(target, language, rng)
                # A cut through a figure ("1200" → "120") changes it: the numbers check must see that too.
                if kind == "truncate" and re.search(r"\d$", defective) and target[len(defective)].isdigit():
                    labels = [*labels, "numbers"]
                add(language, source_id, kind, labels, defective)
                done += 1
    for language, source_id in (("de", "s5"), ("lt", "s4"), ("zh-Hans", "s7")):
        add(language, source_id, "empty", ["truncation"], "")
    for language, source_id, kind, labels, target in HANDWRITTEN:
        add(language, source_id, kind, labels, target)
    return items


def main() -> None:
    items = build()
    with (HERE / "labelled.jsonl").open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    clean = sum(1 for item in items if not item["labels"])
    print(f"{len(items)} pairs: {clean} clean, {len(items) - clean} defective")


if __name__ == "__main__":
    main()
