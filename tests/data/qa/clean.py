"""Clean, human-written translations of eight English press-release passages: the base of the labelled set.

Each passage has two or three sentences with the things machine translation damages: names, figures with
thousands separators and decimals, dates, amounts, a URL or an e-mail address. The translations follow each
language's conventions (decimal comma, "3. März", "2025 m. kovo 3 d.", Chinese 万/亿). ``build_set.py`` injects
defects into them.
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "s1": "Acme Robotics will open its first European plant in Leipzig on March 3, 2025. The factory will employ "
    "1,200 people and cost 450 million euros. Chief executive Laura Chen said the site was chosen for its skilled "
    "workforce.",
    "s2": "Nordlicht Energy reported revenue of 2.4 billion euros for 2024, up 12.5% on the previous year. The "
    "company plans to build 30 new wind farms by 2027. Its shares rose 4% in Frankfurt on Tuesday.",
    "s3": "The European Commission approved a 3.2 billion euro aid package for farmers on Wednesday. Commissioner "
    "Maria Santos said the money would reach 150,000 farms in 14 countries. Payments will start in September.",
    "s4": "Vilnius Airport handled 6.1 million passengers last year, a record. The airport will add 8 new routes in "
    "2025, including flights to Lisbon and Kuala Lumpur. Director Tomas Petraitis expects traffic to grow by 9%.",
    "s5": "Helix Pharma said its new vaccine was 94.6% effective in a trial with 28,000 volunteers. The company will "
    "ask regulators for approval in July. More information is available at https://www.helixpharma.com/news.",
    "s6": "The city of Porto will invest 75 million euros in electric buses over the next five years. Mayor Rui "
    "Almeida said the first 40 buses would arrive in June 2025. The plan will cut emissions by 30,000 tonnes a year.",
    "s7": "Sunway Digital, a Malaysian software company, signed a partnership with Telekom Malaysia on Monday. The "
    "deal is worth 120 million ringgit and covers 5G services for 2,000 businesses. Journalists can contact "
    "press@sunwaydigital.com for details.",
    "s8": "Global coffee prices fell 7.3% in May after strong harvests in Brazil. Analysts at Green Bean Research "
    "expect prices to stabilise at 2.15 dollars per pound. The report was published on June 10, 2024.",
}

TRANSLATIONS: dict[str, dict[str, str]] = {
    "de": {
        "s1": "Acme Robotics eröffnet am 3. März 2025 sein erstes europäisches Werk in Leipzig. Die Fabrik wird "
        "1.200 Menschen beschäftigen und 450 Millionen Euro kosten. Vorstandschefin Laura Chen sagte, der Standort "
        "sei wegen seiner qualifizierten Fachkräfte gewählt worden.",
        "s2": "Nordlicht Energy meldete für 2024 einen Umsatz von 2,4 Milliarden Euro, 12,5 % mehr als im Vorjahr. "
        "Das Unternehmen plant, bis 2027 30 neue Windparks zu bauen. Die Aktie stieg am Dienstag in Frankfurt um "
        "4 %.",
        "s3": "Die Europäische Kommission hat am Mittwoch ein Hilfspaket von 3,2 Milliarden Euro für Landwirte "
        "genehmigt. Kommissarin Maria Santos sagte, das Geld werde 150.000 Betriebe in 14 Ländern erreichen. Die "
        "Auszahlungen beginnen im September.",
        "s4": "Der Flughafen Vilnius hat im vergangenen Jahr mit 6,1 Millionen Passagieren einen Rekord erzielt. Der "
        "Flughafen wird 2025 acht neue Strecken aufnehmen, darunter Flüge nach Lissabon und Kuala Lumpur. Direktor "
        "Tomas Petraitis erwartet ein Verkehrswachstum von 9 %.",
        "s5": "Helix Pharma teilte mit, sein neuer Impfstoff sei in einer Studie mit 28.000 Freiwilligen zu 94,6 % "
        "wirksam gewesen. Das Unternehmen wird im Juli die Zulassung bei den Behörden beantragen. Weitere "
        "Informationen gibt es unter https://www.helixpharma.com/news.",
        "s6": "Die Stadt Porto wird in den nächsten fünf Jahren 75 Millionen Euro in Elektrobusse investieren. "
        "Bürgermeister Rui Almeida sagte, die ersten 40 Busse würden im Juni 2025 eintreffen. Der Plan soll die "
        "Emissionen um 30.000 Tonnen pro Jahr senken.",
        "s7": "Sunway Digital, ein malaysisches Softwareunternehmen, hat am Montag eine Partnerschaft mit Telekom "
        "Malaysia unterzeichnet. Der Vertrag hat einen Wert von 120 Millionen Ringgit und umfasst 5G-Dienste für "
        "2.000 Unternehmen. Journalisten erhalten Einzelheiten unter press@sunwaydigital.com.",
        "s8": "Die weltweiten Kaffeepreise sind im Mai nach guten Ernten in Brasilien um 7,3 % gefallen. Analysten "
        "von Green Bean Research erwarten, dass sich die Preise bei 2,15 Dollar pro Pfund stabilisieren. Der Bericht "
        "wurde am 10. Juni 2024 veröffentlicht.",
    },
    "es": {
        "s1": "Acme Robotics abrirá su primera planta europea en Leipzig el 3 de marzo de 2025. La fábrica empleará a "
        "1.200 personas y costará 450 millones de euros. La consejera delegada, Laura Chen, dijo que el "
        "emplazamiento se eligió por su mano de obra cualificada.",
        "s2": "Nordlicht Energy registró unos ingresos de 2.400 millones de euros en 2024, un 12,5 % más que el año "
        "anterior. La empresa prevé construir 30 nuevos parques eólicos antes de 2027. Sus acciones subieron un 4 % "
        "el martes en Fráncfort.",
        "s3": "La Comisión Europea aprobó el miércoles un paquete de ayudas de 3.200 millones de euros para los "
        "agricultores. La comisaria Maria Santos afirmó que el dinero llegará a 150.000 explotaciones de 14 países. "
        "Los pagos comenzarán en septiembre.",
        "s4": "El aeropuerto de Vilnius atendió el año pasado a 6,1 millones de pasajeros, una cifra récord. El "
        "aeropuerto añadirá 8 nuevas rutas en 2025, entre ellas vuelos a Lisboa y Kuala Lumpur. El director, Tomas "
        "Petraitis, prevé que el tráfico crezca un 9 %.",
        "s5": "Helix Pharma informó de que su nueva vacuna tuvo una eficacia del 94,6 % en un ensayo con 28.000 "
        "voluntarios. La empresa solicitará la autorización a los reguladores en julio. Hay más información en "
        "https://www.helixpharma.com/news.",
        "s6": "El ayuntamiento de Oporto invertirá 75 millones de euros en autobuses eléctricos en los próximos cinco "
        "años. El alcalde, Rui Almeida, dijo que los primeros 40 autobuses llegarán en junio de 2025. El plan "
        "reducirá las emisiones en 30.000 toneladas al año.",
        "s7": "Sunway Digital, una empresa malasia de software, firmó el lunes una alianza con Telekom Malaysia. El "
        "acuerdo tiene un valor de 120 millones de ringgit e incluye servicios 5G para 2.000 empresas. Los "
        "periodistas pueden escribir a press@sunwaydigital.com para obtener más detalles.",
        "s8": "Los precios mundiales del café bajaron un 7,3 % en mayo tras las buenas cosechas en Brasil. Los "
        "analistas de Green Bean Research esperan que los precios se estabilicen en 2,15 dólares por libra. El "
        "informe se publicó el 10 de junio de 2024.",
    },
    "fr": {
        "s1": "Acme Robotics ouvrira sa première usine européenne à Leipzig le 3 mars 2025. L'usine emploiera 1 200 "
        "personnes et coûtera 450 millions d'euros. La directrice générale, Laura Chen, a déclaré que le site avait "
        "été choisi pour sa main-d'œuvre qualifiée.",
        "s2": "Nordlicht Energy a annoncé un chiffre d'affaires de 2,4 milliards d'euros pour 2024, en hausse de "
        "12,5 % sur un an. L'entreprise prévoit de construire 30 nouveaux parcs éoliens d'ici 2027. Son action a "
        "gagné 4 % mardi à Francfort.",
        "s3": "La Commission européenne a approuvé mercredi un plan d'aide de 3,2 milliards d'euros pour les "
        "agriculteurs. La commissaire Maria Santos a indiqué que l'argent bénéficiera à 150 000 exploitations dans "
        "14 pays. Les versements commenceront en septembre.",
        "s5": "Helix Pharma a annoncé que son nouveau vaccin était efficace à 94,6 % lors d'un essai mené auprès de "
        "28 000 volontaires. L'entreprise demandera une autorisation aux autorités en juillet. Plus d'informations "
        "sur https://www.helixpharma.com/news.",
        "s8": "Les prix mondiaux du café ont baissé de 7,3 % en mai après de bonnes récoltes au Brésil. Les analystes "
        "de Green Bean Research s'attendent à une stabilisation des prix à 2,15 dollars la livre. Le rapport a été "
        "publié le 10 juin 2024.",
    },
    "pt": {
        "s1": "A Acme Robotics vai abrir a sua primeira fábrica europeia em Leipzig a 3 de março de 2025. A fábrica "
        "vai empregar 1200 pessoas e custar 450 milhões de euros. A presidente executiva, Laura Chen, afirmou que o "
        "local foi escolhido pela sua mão de obra qualificada.",
        "s2": "A Nordlicht Energy registou receitas de 2,4 mil milhões de euros em 2024, mais 12,5 % do que no ano "
        "anterior. A empresa planeia construir 30 novos parques eólicos até 2027. As suas ações subiram 4 % na "
        "terça-feira em Frankfurt.",
        "s4": "O aeroporto de Vilnius recebeu 6,1 milhões de passageiros no ano passado, um recorde. O aeroporto vai "
        "acrescentar 8 novas rotas em 2025, incluindo voos para Lisboa e Kuala Lumpur. O diretor, Tomas Petraitis, "
        "prevê que o tráfego cresça 9 %.",
        "s6": "A Câmara do Porto vai investir 75 milhões de euros em autocarros elétricos nos próximos cinco anos. O "
        "presidente da câmara, Rui Almeida, disse que os primeiros 40 autocarros chegarão em junho de 2025. O plano "
        "vai reduzir as emissões em 30 000 toneladas por ano.",
        "s8": "Os preços mundiais do café caíram 7,3 % em maio, depois de boas colheitas no Brasil. Os analistas da "
        "Green Bean Research esperam que os preços estabilizem nos 2,15 dólares por libra. O relatório foi publicado "
        "a 10 de junho de 2024.",
    },
    "lt": {
        "s1": "2025 m. kovo 3 d. bendrovė „Acme Robotics“ Leipcige atidarys pirmąją savo gamyklą Europoje. Gamykloje "
        "dirbs 1 200 žmonių, o jos statyba kainuos 450 mln. eurų. Generalinė direktorė Laura Chen sakė, kad vieta "
        "pasirinkta dėl kvalifikuotos darbo jėgos.",
        "s3": "Trečiadienį Europos Komisija patvirtino 3,2 mlrd. eurų pagalbos paketą ūkininkams. Komisarė Maria "
        "Santos sakė, kad pinigai pasieks 150 000 ūkių 14 šalių. Išmokos prasidės rugsėjį.",
        "s4": "Praėjusiais metais Vilniaus oro uostas aptarnavo rekordinį 6,1 mln. keleivių skaičių. 2025 m. oro "
        "uostas pradės 8 naujus maršrutus, tarp jų skrydžius į Lisaboną ir Kvala Lumpūrą. Direktorius Tomas "
        "Petraitis tikisi, kad srautas išaugs 9 proc.",
        "s5": "Bendrovė „Helix Pharma“ pranešė, kad jos nauja vakcina tyrime su 28 000 savanorių buvo veiksminga "
        "94,6 proc. Liepą bendrovė kreipsis į reguliuotojus dėl leidimo. Daugiau informacijos rasite "
        "https://www.helixpharma.com/news.",
        "s6": "Porto miestas per ateinančius penkerius metus investuos 75 mln. eurų į elektrinius autobusus. Meras "
        "Rui Almeida sakė, kad pirmieji 40 autobusų atvyks 2025 m. birželį. Planas kasmet sumažins išmetamųjų "
        "teršalų kiekį 30 000 tonų.",
        "s8": "Gegužę pasaulinės kavos kainos nukrito 7,3 proc. po gero derliaus Brazilijoje. „Green Bean Research“ "
        "analitikai tikisi, kad kainos stabilizuosis ties 2,15 dolerio už svarą. Ataskaita paskelbta 2024 m. "
        "birželio 10 d.",
    },
    "ms": {
        "s1": "Acme Robotics akan membuka kilang pertamanya di Eropah di Leipzig pada 3 Mac 2025. Kilang itu akan "
        "menggaji 1,200 orang dan menelan belanja 450 juta euro. Ketua Pegawai Eksekutif Laura Chen berkata lokasi "
        "itu dipilih kerana tenaga kerjanya yang mahir.",
        "s2": "Nordlicht Energy melaporkan hasil sebanyak 2.4 bilion euro bagi tahun 2024, meningkat 12.5% "
        "berbanding tahun sebelumnya. Syarikat itu merancang untuk membina 30 ladang angin baharu menjelang 2027. "
        "Sahamnya naik 4% di Frankfurt pada hari Selasa.",
        "s4": "Lapangan Terbang Vilnius mengendalikan 6.1 juta penumpang tahun lalu, satu rekod baharu. Lapangan "
        "terbang itu akan menambah 8 laluan baharu pada 2025, termasuk penerbangan ke Lisbon dan Kuala Lumpur. "
        "Pengarah Tomas Petraitis menjangkakan trafik akan meningkat sebanyak 9%.",
        "s7": "Sunway Digital, sebuah syarikat perisian Malaysia, menandatangani perkongsian dengan Telekom Malaysia "
        "pada hari Isnin. Perjanjian itu bernilai 120 juta ringgit dan merangkumi perkhidmatan 5G untuk 2,000 "
        "perniagaan. Wartawan boleh menghubungi press@sunwaydigital.com untuk maklumat lanjut.",
        "s8": "Harga kopi global jatuh 7.3% pada bulan Mei selepas hasil tuaian yang baik di Brazil. Penganalisis di "
        "Green Bean Research menjangkakan harga akan stabil pada 2.15 dolar setiap paun. Laporan itu diterbitkan "
        "pada 10 Jun 2024.",
    },
    "zh-Hans": {
        "s1": "Acme Robotics将于2025年3月3日在莱比锡开设其首家欧洲工厂。该工厂将雇用1200名员工，耗资4.5亿欧元。"
        "首席执行官Laura Chen表示，选择该地点是因为当地拥有熟练的劳动力。",
        "s2": "Nordlicht Energy公布2024年营收为24亿欧元，比上一年增长12.5%。该公司计划到2027年新建30座风电场。"
        "该公司股价周二在法兰克福上涨4%。",
        "s3": "欧盟委员会周三批准了一项规模为32亿欧元的农民援助计划。委员Maria Santos表示，这笔资金将惠及14个国家的"
        "15万个农场。款项将于9月开始发放。",
        "s5": "Helix Pharma表示，其新疫苗在一项有2.8万名志愿者参与的试验中有效率达到94.6%。该公司将于7月向监管机构"
        "申请批准。更多信息请访问https://www.helixpharma.com/news。",
        "s7": "马来西亚软件公司Sunway Digital周一与Telekom Malaysia签署了合作协议。该协议价值1.2亿林吉特，"
        "涵盖为2000家企业提供的5G服务。记者可发送电子邮件至press@sunwaydigital.com了解详情。",
    },
    "zh-Hant": {
        "s1": "Acme Robotics將於2025年3月3日在萊比錫開設其首家歐洲工廠。該工廠將僱用1200名員工，耗資4.5億歐元。"
        "執行長Laura Chen表示，選擇該地點是因為當地擁有熟練的勞動力。",
        "s2": "Nordlicht Energy公布2024年營收為24億歐元，比上一年成長12.5%。該公司計劃到2027年新建30座風電場。"
        "該公司股價週二在法蘭克福上漲4%。",
        "s4": "維爾紐斯機場去年接待了610萬名旅客，創下紀錄。該機場將於2025年新增8條航線，包括飛往里斯本和吉隆坡的"
        "航班。機場總經理Tomas Petraitis預計客流量將成長9%。",
        "s8": "由於巴西咖啡豐收，全球咖啡價格在5月下跌了7.3%。Green Bean Research的分析師預計價格將穩定在每磅2.15"
        "美元。該報告於2024年6月10日發布。",
    },
}
